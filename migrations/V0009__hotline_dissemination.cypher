// Hotline tips: a public reference per tip (the follow-up code is kept only as a hash on
// the TipKey node); the tipster/analyst thread; dissemination feedback.
CREATE CONSTRAINT tip_key_reference IF NOT EXISTS FOR (k:TipKey) REQUIRE k.reference IS UNIQUE;
CREATE CONSTRAINT tip_message_id IF NOT EXISTS FOR (m:TipMessage) REQUIRE m.id IS UNIQUE;
CREATE CONSTRAINT feedback_id IF NOT EXISTS FOR (f:Feedback) REQUIRE f.id IS UNIQUE;
CREATE INDEX report_reference IF NOT EXISTS FOR (r:Report) ON (r.reference);
CREATE INDEX report_channel IF NOT EXISTS FOR (r:Report) ON (r.channel);
