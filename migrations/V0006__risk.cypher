// Risk engine (docs/risk.md): precomputed aggregates read by scoring, models, settings,
// versioned committee profiles, selection records and AEO exposure baselines.
CREATE CONSTRAINT risk_stat_key IF NOT EXISTS FOR (s:RiskStat) REQUIRE (s.dimension, s.key) IS UNIQUE;
CREATE CONSTRAINT risk_activity_trader IF NOT EXISTS FOR (a:RiskActivity) REQUIRE a.trader IS UNIQUE;
CREATE CONSTRAINT unit_value_window_key IF NOT EXISTS FOR (w:UnitValueWindow) REQUIRE w.key IS UNIQUE;
CREATE CONSTRAINT risk_model_version IF NOT EXISTS FOR (m:RiskModel) REQUIRE m.version IS UNIQUE;
CREATE CONSTRAINT risk_settings_id IF NOT EXISTS FOR (s:RiskSettings) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT risk_selection_id IF NOT EXISTS FOR (s:Selection) REQUIRE s.id IS UNIQUE;
CREATE CONSTRAINT risk_aeo_watch_trader IF NOT EXISTS FOR (w:RiskAeoWatch) REQUIRE w.trader IS UNIQUE;
CREATE CONSTRAINT risk_regrade_id IF NOT EXISTS FOR (g:RegradeSuggestion) REQUIRE g.id IS UNIQUE;
CREATE INDEX risk_stat_dimension IF NOT EXISTS FOR (s:RiskStat) ON (s.dimension);
CREATE INDEX risk_profile_version IF NOT EXISTS FOR (v:RiskProfileVersion) ON (v.profile_id, v.version);
CREATE INDEX risk_model_created IF NOT EXISTS FOR (m:RiskModel) ON (m.created_at);
CREATE INDEX selection_declaration IF NOT EXISTS FOR (s:Selection) ON (s.declaration);
CREATE INDEX declaration_risk_counted IF NOT EXISTS FOR (d:Declaration) ON (d.risk_counted);
