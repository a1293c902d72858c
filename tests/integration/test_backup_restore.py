"""flask backup / flask restore: a round trip gives back the same graph."""

from graph.backup import BackupError, counts, dump, restore, verify
from tests.factories import report, trader


def _seed(make, make_user, make_unit):
    """A unit, an officer, a trader with a phone and a report naming it, as the application
    writes them, plus the Neo4j value types no entry point writes today."""
    make_unit("South Region")
    make_user("officer@customs.example", unit="South Region")
    make.import_lines(
        trader("BG1", "Baltic Star Trading Ltd", aeo=False, phones=["+359 888 123 456"]),
        report("R-1", "Baltic Star Trading Ltd: Ünïcode text — with a dash",
               unit="South Region", received="2025-03-10T09:00:00Z"),
    )
    # Cypher on purpose: temporal values, integers and lists that no page, API call or
    # import writes yet must survive a backup too.
    graph = make.graph
    graph.query(
        "MATCH (t:Trader {id: 'trader:BG1'}), (r:Report {id: 'R-1'}) "
        "SET t.aliases = ['BALTIC STAR TRADING LIMITED'], t.score = 0.25, "
        "    r.received_at = datetime('2025-03-10T09:00:00Z'), r.day = date('2025-03-10'), "
        "    r.pages = 2",
        write=True,
    )


def _canonical(graph):
    """Nodes and relationships as sorted, comparable text (element ids differ after restore)."""
    nodes = graph.query("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = graph.query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
        "properties(a) AS a, properties(b) AS b"
    )
    node_rows = sorted(repr((sorted(n["labels"]), sorted(n["props"].items()))) for n in nodes)
    rel_rows = sorted(
        repr(
            (r["type"], sorted(r["props"].items()), sorted(r["a"].items()), sorted(r["b"].items()))
        )
        for r in rels
    )
    return node_rows, rel_rows


def test_backup_then_restore_gives_the_same_graph(
    graph, make, make_user, make_unit, tmp_path, runner
):
    _seed(make, make_user, make_unit)
    before = _canonical(graph)
    before_counts = counts(graph)
    path = tmp_path / "cordon.jsonl"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert verify(path).nodes == before_counts["nodes"]

    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "restore into an empty database" in refused.output

    graph.query("MATCH (n) WHERE NOT n:Migration DETACH DELETE n", write=True)
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    after = _canonical(graph)

    # The restore itself is audited after the snapshot was taken: compare without it.
    def without_audit(rows):
        return [row for row in rows if "'AuditEvent'" not in row and "'AuditHead'" not in row]

    assert without_audit(after[0]) == without_audit(before[0])
    assert after[1] == before[1]


def test_a_changed_backup_is_refused(graph, make, make_user, make_unit, tmp_path):
    _seed(make, make_user, make_unit)
    path = tmp_path / "cordon.jsonl"
    dump(graph, path)
    text = path.read_text().replace("Baltic Star", "Baltic Moon")
    path.write_text(text)
    try:
        verify(path)
    except BackupError as exc:
        assert "checksum" in str(exc)
    else:
        raise AssertionError("a changed backup passed verification")


def test_restore_replace_discards_current_data(graph, make, make_user, make_unit, tmp_path):
    _seed(make, make_user, make_unit)
    path = tmp_path / "cordon.jsonl"
    manifest = dump(graph, path)
    make.import_lines(trader("NEW", "Added after the backup"))
    restore(graph, path, replace=True)
    assert graph.query("MATCH (t:Trader {id: 'trader:NEW'}) RETURN t") == []
    assert counts(graph)["nodes"] == manifest.nodes
