// Traders whose stored risk score an import batch made out of date (refreshed when the
// import ends; see graph/risk.py MARK_TRADERS_STALE).
CREATE INDEX trader_risk_stale IF NOT EXISTS FOR (t:Trader) ON (t.risk_stale);
