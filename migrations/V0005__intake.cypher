// Intake: report numbers per year, report filters, mention ids and source grading history.
CREATE CONSTRAINT report_counter_year IF NOT EXISTS FOR (c:ReportCounter) REQUIRE c.year IS UNIQUE;
CREATE INDEX report_unit IF NOT EXISTS FOR (r:Report) ON (r.unit);
CREATE INDEX report_channel IF NOT EXISTS FOR (r:Report) ON (r.channel);
CREATE INDEX report_author IF NOT EXISTS FOR (r:Report) ON (r.author_id);
CREATE INDEX source_status IF NOT EXISTS FOR (s:Source) ON (s.status);
CREATE INDEX mention_id IF NOT EXISTS FOR ()-[m:MENTIONS]-() ON (m.id);
CREATE INDEX reliability_grade_at IF NOT EXISTS FOR (g:ReliabilityGrade) ON (g.at)
