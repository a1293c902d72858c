// The domain graph (docs/graph-model.md): entities with global ids `kind:ref`, intelligence
// (sources, reports, mentions), trade (declarations, controls), cases and risk profiles.
CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (e:Entity) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (s:Source) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT source_codename IF NOT EXISTS FOR (s:Source) REQUIRE s.codename IS UNIQUE;
CREATE CONSTRAINT report_id IF NOT EXISTS FOR (r:Report) REQUIRE r.id IS UNIQUE;
CREATE CONSTRAINT declaration_id IF NOT EXISTS FOR (d:Declaration) REQUIRE d.id IS UNIQUE;
CREATE CONSTRAINT control_id IF NOT EXISTS FOR (c:Control) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT case_id IF NOT EXISTS FOR (c:Case) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT task_id IF NOT EXISTS FOR (t:Task) REQUIRE t.id IS UNIQUE;
CREATE CONSTRAINT profile_id IF NOT EXISTS FOR (p:RiskProfile) REQUIRE p.id IS UNIQUE;
CREATE INDEX entity_key IF NOT EXISTS FOR (e:Entity) ON (e.label, e.key);
CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name);
CREATE INDEX entity_ref IF NOT EXISTS FOR (e:Entity) ON (e.ref);
CREATE INDEX report_status IF NOT EXISTS FOR (r:Report) ON (r.status);
CREATE INDEX report_received IF NOT EXISTS FOR (r:Report) ON (r.received);
CREATE INDEX declaration_date IF NOT EXISTS FOR (d:Declaration) ON (d.date);
CREATE INDEX control_date IF NOT EXISTS FOR (c:Control) ON (c.date);
CREATE FULLTEXT INDEX report_text IF NOT EXISTS FOR (r:Report) ON EACH [r.title, r.text];
CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name, e.aliases_text, e.key, e.ref];
