// A mention an analyst rejected is filed as REJECTED_MENTION, which the explorer, entity
// pages, paths, exports and the risk engine do not walk: the rejection takes the link out of
// the graph. Its id is indexed like a mention's, since the review pages address it.
CREATE INDEX rejected_mention_id IF NOT EXISTS FOR ()-[m:REJECTED_MENTION]-() ON (m.id);
MATCH (r:Report)-[m:MENTIONS]->(e:Entity) WHERE m.review = 'rejected'
CALL (r, m, e) {
  CREATE (r)-[n:REJECTED_MENTION]->(e) SET n = properties(m)
  DELETE m
} IN TRANSACTIONS OF 10000 ROWS;
