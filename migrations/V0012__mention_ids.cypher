// Mentions written by bulk imports before this version had no id, and the review pages
// address a mention by its id: give each one.
MATCH ()-[m:MENTIONS]->() WHERE m.id IS NULL
CALL (m) { SET m.id = randomUUID() } IN TRANSACTIONS OF 10000 ROWS;
