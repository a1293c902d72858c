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
    actions = [e["action"] for e in AuditRepository(graph).search(target="officer@customs.example")]
    assert actions == ["login.success", "login.failure"]


def test_verify_passes_on_an_intact_chain(runner, graph):
    _events(graph)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 5 entries" in result.output


def test_verify_detects_a_changed_entry(runner, graph):
    _events(graph)
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
