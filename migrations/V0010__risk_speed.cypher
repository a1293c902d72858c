// Precomputed trader risk ranking (docs/risk.md): /risk/traders reads
// ORDER BY t.risk_score DESC LIMIT n from this index instead of ranking every trader.
CREATE INDEX trader_risk_score IF NOT EXISTS FOR (t:Trader) ON (t.risk_score);
