// Human references for reports (R-2026-000123) and hotline tips (T-2026-000045), per-year
// counters, unique. Existing records get theirs in creation order; a report whose id is
// already such a number keeps it as its reference. A tip's former `reference` was the
// tipster's random one, which stays on its TipKey.
DROP INDEX report_reference IF EXISTS;
CREATE CONSTRAINT tip_counter_year IF NOT EXISTS FOR (c:TipCounter) REQUIRE c.year IS UNIQUE;
MATCH (r:Report)
WHERE r.reference IS NULL AND coalesce(r.channel, '') <> 'hotline'
  AND r.id =~ 'R-[0-9]{4}-[0-9]{6,}'
SET r.reference = r.id;
// Counters start past every number already used as an id or reference.
MATCH (r:Report)
WHERE r.id =~ 'R-[0-9]{4}-[0-9]{6,}'
WITH substring(r.id, 2, 4) AS year, max(toInteger(substring(r.id, 7))) AS top
MERGE (c:ReportCounter {year: year})
ON CREATE SET c.next = 0
SET c.next = CASE WHEN c.next < top THEN top ELSE c.next END;
MATCH (r:Report)
WHERE r.reference IS NULL AND coalesce(r.channel, '') <> 'hotline'
  AND NOT EXISTS { (r)-[:SANITISED_FROM]->(:Report) }
WITH r ORDER BY coalesce(toString(r.created_at), toString(r.received), ''), r.id
WITH left(coalesce(toString(r.created_at), toString(r.received), '2026'), 4) AS year,
     collect(r) AS reports
MERGE (c:ReportCounter {year: year})
ON CREATE SET c.next = 0
WITH c, year, reports, c.next AS base
SET c.next = base + size(reports)
WITH year, reports, base
UNWIND range(0, size(reports) - 1) AS i
WITH reports[i] AS r, year, base + i + 1 AS n
SET r.reference = 'R-' + year + '-'
                  + CASE WHEN n < 1000000 THEN right('00000' + toString(n), 6) ELSE toString(n) END;
MATCH (r:Report {channel: 'hotline'})
WHERE NOT coalesce(r.reference, '') =~ 'T-[0-9]{4}-[0-9]{6,}'
  AND NOT EXISTS { (r)-[:SANITISED_FROM]->(:Report) }
WITH r ORDER BY coalesce(toString(r.created_at), toString(r.received), ''), r.id
WITH left(coalesce(toString(r.created_at), toString(r.received), '2026'), 4) AS year,
     collect(r) AS tips
MERGE (c:TipCounter {year: year})
ON CREATE SET c.next = 0
WITH c, year, tips, c.next AS base
SET c.next = base + size(tips)
WITH year, tips, base
UNWIND range(0, size(tips) - 1) AS i
WITH tips[i] AS r, year, base + i + 1 AS n
SET r.reference = 'T-' + year + '-'
                  + CASE WHEN n < 1000000 THEN right('00000' + toString(n), 6) ELSE toString(n) END;
// Sanitised copies: their original's reference with the copy's -S number.
MATCH (c:Report)-[:SANITISED_FROM]->(o:Report)
WHERE c.reference IS NULL OR NOT c.reference STARTS WITH coalesce(o.reference, o.id)
SET c.reference = coalesce(o.reference, o.id) + substring(c.id, size(o.id));
CREATE CONSTRAINT report_reference_unique IF NOT EXISTS FOR (r:Report) REQUIRE r.reference IS UNIQUE
