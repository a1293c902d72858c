// Post-clearance audits (graph/pca.py) and the AEO status history (graph/aeo.py).
CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:Audit) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT aeo_status_id IF NOT EXISTS FOR (s:AeoStatus) REQUIRE s.id IS UNIQUE;
CREATE INDEX aeo_status_trader IF NOT EXISTS FOR (s:AeoStatus) ON (s.trader);
