"""The audit log is append-only and hash-chained: tampering is detected."""

from graph.audit import AuditRepository


def _events(graph, n=5):
    repo = AuditRepository(graph)
    for i in range(n):
        repo.append(actor="analyst@customs.example", action="report.view", target=f"R-{i}")
    return repo


def test_logins_are_audited(auth, make_user, graph):
    make_user("officer@customs.example")
    auth.login("officer@customs.example", "wrong-password-xx")
    auth.login("officer@customs.example")
    events = AuditRepository(graph).search(target="officer@customs.example")
    actions = [e["action"] for e in events if e["action"].startswith("login.")]
    assert actions == ["login.success", "login.failure"]


def test_verify_passes_on_an_intact_chain(runner, graph):
    _events(graph)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 5 entries" in result.output


def test_verify_detects_a_changed_entry(runner, graph):
    _events(graph)
    # Cypher on purpose: tampering with the audit chain, which no entry point allows.
    graph.query("MATCH (a:AuditEvent {seq: 3}) SET a.actor = 'someone-else'", write=True)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 3" in result.output


def test_verify_detects_a_deleted_entry(graph):
    repo = _events(graph)
    graph.query("MATCH (a:AuditEvent {seq: 2}) DELETE a", write=True)
    check = repo.verify()
    assert not check.ok and check.broken_at == 2


def test_verify_detects_a_truncated_tail(graph):
    repo = _events(graph)
    graph.query("MATCH (a:AuditEvent {seq: 5}) DELETE a", write=True)
    assert not repo.verify().ok


def test_concurrent_appends_keep_one_chain(graph):
    from concurrent.futures import ThreadPoolExecutor

    repo = AuditRepository(graph)
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda i: repo.append(actor="a", action="x", target=str(i)), range(30)))
    check = repo.verify()
    assert check.ok and check.checked == 30


def test_a_write_and_its_audit_event_commit_together_or_not_at_all(graph):
    """``Graph.atomically``: every read and write inside is one transaction."""
    import pytest

    repo = AuditRepository(graph)
    mark = "MATCH (m:AtomicMark) RETURN m.n AS n ORDER BY n"

    # Cypher on purpose: AtomicMark is a test-only node that proves the transaction unit.
    def write_then_fail():
        graph.query("CREATE (:AtomicMark {n: 1})", write=True)
        repo.append(actor="a@customs.example", action="mark.create", target="1")
        assert graph.query(mark) == [{"n": 1}]  # reads inside see the unit's own writes
        raise RuntimeError("crash after the write")

    with pytest.raises(RuntimeError):
        graph.atomically(write_then_fail)
    assert graph.query(mark) == [] and repo.search(action="mark.create") == []

    def write_both():
        graph.query("CREATE (:AtomicMark {n: 2})", write=True)
        graph.atomically(repo.append, actor="a@customs.example", action="mark.create",
                         target="2")  # a nested unit joins the outer one
        return "done"

    assert graph.atomically(write_both) == "done"
    assert graph.query(mark) == [{"n": 2}]
    assert [e["target"] for e in repo.search(action="mark.create")] == ["2"]
    assert repo.verify().ok
