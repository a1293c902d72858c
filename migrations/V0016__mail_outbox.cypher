// Mail outbox (graph/outbox.py): messages written with their notification, sent later.
CREATE CONSTRAINT mail_outbox_id IF NOT EXISTS FOR (m:MailOutbox) REQUIRE m.id IS UNIQUE;
CREATE INDEX mail_outbox_due IF NOT EXISTS FOR (m:MailOutbox) ON (m.status, m.next_attempt_at);
