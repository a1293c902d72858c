// The append-only audit log: one chain head serialises appends, each event holds the hash
// of its predecessor so that `flask audit verify` detects a changed or deleted entry.
CREATE CONSTRAINT audit_seq IF NOT EXISTS FOR (a:AuditEvent) REQUIRE a.seq IS UNIQUE;
CREATE CONSTRAINT audit_head IF NOT EXISTS FOR (h:AuditHead) REQUIRE h.id IS UNIQUE;
CREATE INDEX audit_at IF NOT EXISTS FOR (a:AuditEvent) ON (a.at);
CREATE INDEX audit_actor IF NOT EXISTS FOR (a:AuditEvent) ON (a.actor);
CREATE INDEX audit_action IF NOT EXISTS FOR (a:AuditEvent) ON (a.action);
