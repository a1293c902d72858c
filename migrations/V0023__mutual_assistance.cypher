// Mutual administrative assistance requests (graph/assistance.py): sent to and received from
// partners, with readable references MAR-2026-000012 from a per-year counter.
CREATE CONSTRAINT assistance_request_id IF NOT EXISTS FOR (a:AssistanceRequest) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT assistance_request_reference IF NOT EXISTS FOR (a:AssistanceRequest) REQUIRE a.reference IS UNIQUE;
CREATE CONSTRAINT assistance_counter_year IF NOT EXISTS FOR (c:AssistanceCounter) REQUIRE c.year IS UNIQUE;
CREATE INDEX assistance_request_created IF NOT EXISTS FOR (a:AssistanceRequest) ON (a.created_at);
CREATE INDEX assistance_request_status IF NOT EXISTS FOR (a:AssistanceRequest) ON (a.status)
