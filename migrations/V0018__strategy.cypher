// The risk committee's strategy per year (graph/strategy.py): criteria and objectives.
CREATE CONSTRAINT strategy_year IF NOT EXISTS FOR (s:StrategyYear) REQUIRE s.year IS UNIQUE;
CREATE CONSTRAINT objective_id IF NOT EXISTS FOR (o:Objective) REQUIRE o.id IS UNIQUE;
