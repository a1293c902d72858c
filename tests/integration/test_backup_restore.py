"""flask backup / flask restore: a round trip gives back the same graph."""

from graph.backup import BackupError, counts, dump, restore, verify


def _seed(graph, make_user, make_unit):
    make_unit("South Region")
    make_user("officer@customs.example", unit="South Region")
    graph.query(
        """
        CREATE (t:Entity:Trader {id: 'trader:BG1', ref: 'BG1', name: 'Baltic Star Trading Ltd',
                                 aliases: ['BALTIC STAR TRADING LIMITED'], aeo: false, score: 0.25})
        CREATE (p:Entity:Phone {id: 'phone:+359888123456', name: '+359888123456'})
        CREATE (r:Report {id: 'R-1', text: 'Ünïcode text — with a dash', handling: 'restricted',
                          received: datetime('2025-03-10T09:00:00Z'), day: date('2025-03-10')})
        CREATE (t)-[:USES_PHONE {source: 'register', since: 2021}]->(p)
        CREATE (r)-[:MENTIONS {start: 0, end: 7, label: 'ORG'}]->(t)
        """,
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


def test_backup_then_restore_gives_the_same_graph(graph, make_user, make_unit, tmp_path, runner):
    _seed(graph, make_user, make_unit)
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


def test_a_changed_backup_is_refused(graph, make_user, make_unit, tmp_path):
    _seed(graph, make_user, make_unit)
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


def test_restore_replace_discards_current_data(graph, make_user, make_unit, tmp_path):
    _seed(graph, make_user, make_unit)
    path = tmp_path / "cordon.jsonl"
    manifest = dump(graph, path)
    graph.query(
        "CREATE (:Entity:Trader {id: 'trader:NEW', name: 'Added after the backup'})", write=True
    )
    restore(graph, path, replace=True)
    assert graph.query("MATCH (t:Trader {id: 'trader:NEW'}) RETURN t") == []
    assert counts(graph)["nodes"] == manifest.nodes
