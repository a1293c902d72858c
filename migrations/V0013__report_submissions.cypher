// A report form or API call sent twice (a retry after an answer lost on a poor network)
// carries the same submission key: the constraint keeps a second copy from being stored
// even when both copies arrive at once.
CREATE CONSTRAINT report_submission IF NOT EXISTS FOR (r:Report) REQUIRE r.submission IS UNIQUE;
