"""A report from the source NIGHTJAR, created straight in the graph, for the
dissemination tests of the pages and of the API (handling and status as parameters)."""

REPORT = """
MATCH (u:Unit {name: $unit})
CREATE (r:Report {id: $id, channel: 'informant', title: $title, text: $text,
                  handling: $handling, status: $status, unit: $unit, author_id: 'someone',
                  source_grade: 'B', info_grade: '2', received: '2025-01-01T00:00:00+00:00'})
CREATE (r)-[:ORIGINATED_IN]->(u)
MERGE (s:Source {id: 'src-1', codename: 'NIGHTJAR'})
CREATE (r)-[:FROM_SOURCE]->(s)
"""
TEXT = "NIGHTJAR met the driver of lorry CA1234KX near Varna; Baltic Star Trading Ltd pays."
