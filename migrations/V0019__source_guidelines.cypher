// Informant guidelines: contacts with a source, its reviews, the adopted guidelines text.
// Sources registered before recruitment approval was recorded stay active as they are.
CREATE CONSTRAINT source_contact_id IF NOT EXISTS FOR (c:SourceContact) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT guidelines_id IF NOT EXISTS FOR (g:Guidelines) REQUIRE g.id IS UNIQUE;
CREATE INDEX guidelines_topic IF NOT EXISTS FOR (g:Guidelines) ON (g.topic);
CREATE INDEX source_review_due IF NOT EXISTS FOR (s:Source) ON (s.review_due)
