"""Two Cordon instances on this machine (issue #22): A is the ``app`` fixture on the test
Neo4j; B has its own data folder, its own embedded Neo4j and its own port (served over
HTTP). A's analyst sends sanitised reports to B through the "Send to partner" page (pushed
to B's inbox) and as a package file that B takes in with ``flask exchange receive``.

Everything B holds was made through B's own entry points (``flask db upgrade``, ``flask
users create``, ``flask import``, the partners page), and every check reads B's graph.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from config import TestConfig
from tests.conftest import PASSWORD, AuthActions, csrf_from
from tests.dissemination_seed import seed_report
from tests.exchange_setup import (
    ADMIN,
    ANALYST,
    TOKEN_A_TO_B,
    consent_for_partner,
    counts,
    package_to_file,
    partner_form,
    public_keys,
    register_partner,
    send_and_download,
)
from tests.factories import Factories, person, trader
from tests.integration.test_exchange_formats import TEXT

pytestmark = pytest.mark.slow

HANDLING = ["open", "restricted", "originator"]


@pytest.fixture
def partner_b(tmp_path: Path):
    """Instance B: its own data folder and Neo4j, migrated, with its admin, its analyst
    and a South Region, served over HTTP on its own port."""
    b = create_app(TestConfig, {"CORDON_DATA": str(tmp_path / "instance-b"), "NEO4J_URI": None,
                                "NEO4J_HEAP": "512m", "NEO4J_PAGECACHE": "128m"})
    runner = b.test_cli_runner()
    try:
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        assert runner.invoke(args=["units", "create", "South Region", "--kind", "regional",
                                   "--parent", "HQ"]).exit_code == 0
        for email, role in ((ADMIN, "admin"), (ANALYST, "analyst")):
            made = runner.invoke(args=["users", "create", email, "--role", role,
                                       "--password-stdin"], input=PASSWORD + "\n")
            assert made.exit_code == 0, made.output
        server = make_server("127.0.0.1", 0, b, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield b, f"http://127.0.0.1:{server.server_port}/api/v1/exchange/inbox"
        server.shutdown()
    finally:
        b.extensions["neo4j"].close()
        b.extensions["neo4j"].embedded.stop()


def test_a_sanitised_report_reaches_a_partner_instance_by_push_and_by_file(
    app, graph, client, make, make_user, partner_b, tmp_path
):
    b, inbox = partner_b
    b_graph = b.extensions["neo4j"].graph
    assert b_graph.driver is not graph.driver
    b_runner = b.test_cli_runner()
    (tmp_path / "b").mkdir()
    make_b = Factories(b, b_runner, tmp_path / "b", None)

    # -- B's register knows the trader and the person beforehand (B's own `flask import`)
    make_b.import_lines(
        trader("BG-T-7", name="Baltic Star Trading Ltd", country="BG"),
        person("BG-P-9", name="Ivan Petrov", nationality="BG", phones=["+359 888 123 456"]))

    # -- the admins register each other (A's entry for B has no inbox yet: files only);
    #    B takes pushes from A with a token it keeps hashed
    partner_id = register_partner(client, graph, make_user, b, handling=HANDLING)
    b_client = b.test_client()
    AuthActions(b_client).login(ADMIN)
    assert partner_form(b_client, public_keys(app), name="Customs A", kind="administration",
                        country="BG", inbound_token=TOKEN_A_TO_B,
                        handling=HANDLING).status_code == 302

    # -- A: an informant report and two sanitised copies of it; the 'originator' one goes
    #    once A's originating unit consented to partner B
    seed_report(make, "R-1", handling="restricted")
    held = make.api("post", "/reports/R-1/sanitised", as_=ANALYST, expect=201, json={
        "title": "Cigarettes via Varna", "text": TEXT, "handling": "originator"})["id"]
    filed = make.api("post", "/reports/R-1/sanitised", as_=ANALYST, expect=201, json={
        "title": "Lorry via Varna", "text": TEXT + " Twice.", "handling": "restricted"})["id"]
    consent_for_partner(client, held, partner_id)

    # -- by file (B has no inbox on A's register yet): `flask exchange package` on A,
    #    `flask exchange receive` on B; one flipped byte is refused
    out = tmp_path / "to-b.json"
    packed = package_to_file(app, filed, out)
    assert packed.exit_code == 0, packed.output

    flipped = bytearray(out.read_bytes())
    middle = flipped.index(b'"ciphertext"') + 40
    flipped[middle] = ord("A") if flipped[middle] != ord("A") else ord("B")
    tampered = tmp_path / "tampered.json"
    tampered.write_bytes(bytes(flipped))
    before = counts(b_graph)
    refused = b_runner.invoke(args=["exchange", "receive", str(tampered)])
    assert refused.exit_code != 0 and "the signature does not verify" in refused.output
    assert counts(b_graph) == before

    taken = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert taken.exit_code == 0 and "from Customs A: 1 report(s), 1 new" in taken.output, (
        taken.output)

    # -- by push: A's admin gives B's inbox and token; the analyst's "Send to partner"
    #    page pushes over HTTP to B's port (and downloads the same package)
    AuthActions(client).logout()
    AuthActions(client).login(ADMIN)
    edit = client.get(f"/admin/partners/{partner_id}")
    assert client.post(f"/admin/partners/{partner_id}", data={
        "name": "Border Police B", "kind": "agency", "country": "RO", "contact": "",
        "handling": HANDLING, "unit": "HQ", **public_keys(b), "inbox_url": inbox,
        "outbound_token": TOKEN_A_TO_B, "csrf_token": csrf_from(edit.text)}).status_code == 302
    sent = send_and_download(client, held)
    pushed_file = tmp_path / "pushed.json"
    pushed_file.write_bytes(sent.data)
    assert "Pushed: delivered" in client.get("/dissemination/").text

    # -- B's analysts find both in their queue, on B's graph only
    queue = make_b.api("get", "/reports?status=submitted", as_=ANALYST, expect=200)["reports"]
    assert [r["channel"] for r in queue] == ["partner_agency", "partner_agency"]
    received = {r["id"]: make_b.api("get", f"/reports/{r['id']}", as_=ANALYST, expect=200)
                for r in queue}
    by_handling = {r["handling"]: r for r in received.values()}
    assert by_handling["originator"]["text"] == TEXT
    assert by_handling["restricted"]["text"] == TEXT + " Twice."
    for rid in received:
        assert graph.query("MATCH (r:Report {id: $id}) RETURN r", {"id": rid}) == []
    shown = b_client.get(f"/reports/{by_handling['originator']['id']}").text
    assert "From partner" in shown and "Customs A (BG)" in shown
    assert "Intelligence use only." in shown

    # their entities resolved against B's register (absent from A)
    for ours in received.values():
        ids = {m["text"]: m["entity_id"] for m in ours["entities"]}
        assert ids["Baltic Star Trading Ltd"] == "trader:BG-T-7", ours["entities"]
        assert ids["Ivan Petrov"] == "person:BG-P-9", ours["entities"]
    for entity in ("trader:BG-T-7", "person:BG-P-9"):
        assert graph.query("MATCH (e:Entity {id: $id}) RETURN e", {"id": entity}) == []
    phones = b_graph.query(
        "MATCH (:Person {ref: 'BG-P-9'})-[:USES_PHONE]->(:Phone)<-[:MENTIONS]-(r:Report) "
        "RETURN DISTINCT r.id AS report")
    assert {r["report"] for r in phones} == set(received)

    # -- the same packages again (the pushed one by file too): nothing new stored
    before = counts(b_graph)
    for again in (out, pushed_file):
        result = b_runner.invoke(args=["exchange", "receive", str(again)])
        assert result.exit_code == 0 and "nothing new stored" in result.output, result.output
    assert counts(b_graph) == before

    # -- B may not send the originator's report onward without recorded consent
    onward = by_handling["originator"]["id"]
    make_b.evaluate(onward, by=ANALYST)
    refused = make_b.api("post", f"/reports/{onward}/dissemination", as_=ANALYST,
                         json={"units": ["South Region"]})
    assert refused.status_code == 403
    assert "has not consented to sharing this report with South Region" in (
        refused.json["detail"])
    back = b_runner.invoke(args=["exchange", "package", "--partner", "Customs A", "--by",
                                 ANALYST, "--report", onward, "--out", str(tmp_path / "x")])
    assert back.exit_code != 0 and "has not consented" in back.output, back.output
    assert not (tmp_path / "x").exists()
