// Server-side sessions (graph/sessions.py) and API tokens with an id, an expiry and revocation.
CREATE CONSTRAINT session_id IF NOT EXISTS FOR (s:Session) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT api_token_id IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.id IS UNIQUE;
// Tokens issued before this release get a short id and expire 90 days from now.
MATCH (t:ApiToken) WHERE t.id IS NULL
SET t.id = left(replace(randomUUID(), '-', ''), 12);
MATCH (t:ApiToken) WHERE t.expires_at IS NULL
SET t.expires_at = replace(toString(datetime.truncate('second', datetime()) + duration({days: 90})), 'Z', '+00:00'),
    t.prefix = null;
