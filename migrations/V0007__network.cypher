// Saved explorer charts (graph/charts.py): unique ids and "my charts" by author.
CREATE CONSTRAINT chart_id IF NOT EXISTS FOR (c:Chart) REQUIRE c.id IS UNIQUE;
CREATE INDEX chart_created_by IF NOT EXISTS FOR (c:Chart) ON (c.created_by);
