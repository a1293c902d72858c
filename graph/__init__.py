"""Everything that touches Neo4j: connection, repositories, migrations, analytics."""
