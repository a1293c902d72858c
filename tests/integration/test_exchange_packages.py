"""Two Cordon instances exchange a package: A packs a sanitised report for partner B, B
verifies and imports it as partner_agency intake.

Instance A is the ``app`` fixture; instance B is a second app object with its own data
folder (its own keys). They share the test Neo4j one after the other: A's graph is wiped
once the package file is written, so B starts from an empty register of its own.
Everything goes through the real entry points: the admin pages, the API, the "Send to
partner" page and ``flask exchange``.
"""

from __future__ import annotations

import json
import re

from graph.exchange.package import instance_keys, open_package
from tests.conftest import AuthActions, csrf_from
from tests.dissemination_seed import seed_report
from tests.exchange_setup import (
    ADMIN,
    ANALYST,
    become_instance_b,
    counts,
    partner_form,
    public_keys,
    register_partner,
)
from tests.factories import Factories

SANITISED = "The driver of lorry CA1234KX near Varna is paid by Baltic Star Trading Ltd."


def fresh_keys() -> dict[str, str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from graph.exchange.package import b64

    raw = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    return {"verify_key": b64(raw)}


def test_partner_register_refuses_bad_input_with_a_reason(client, auth, make_user, app):
    make_user(ADMIN, role="admin")
    auth.login(ADMIN)
    keys = public_keys(app)
    page = client.get("/admin/partners")
    assert keys["verify_key"] in page.text and keys["encryption_key"] in page.text

    bad_key = partner_form(client, {**keys, "verify_key": "not-a-key"})
    assert bad_key.status_code == 400
    assert "verify key (Ed25519) is not a public key: 44 base64 characters" in bad_key.text
    short = partner_form(client, {**keys, "encryption_key": "AAAA"})
    assert "encryption key (X25519) is not a public key" in short.text
    http = partner_form(client, keys, inbox_url="http://partner.example/api/v1/exchange/inbox")
    assert http.status_code == 400 and "starts with https://" in http.text
    token = partner_form(client, keys, inbound_token="short")
    assert token.status_code == 400 and "A token is 24 to 200 characters" in token.text
    unknown = partner_form(client, keys, handling=["secret"])
    assert unknown.status_code == 400 and "secret" in unknown.text
    country = partner_form(client, keys, country="QQ")
    assert "not an ISO 3166-1 alpha-2" in country.text

    assert partner_form(client, keys).status_code == 302
    other = {"verify_key": fresh_keys()["verify_key"], "encryption_key": keys["encryption_key"]}
    again = partner_form(client, other)
    assert again.status_code == 400
    assert "A partner named Border Police B is registered already" in again.text
    same_key = partner_form(client, keys, name="Another agency")
    assert same_key.status_code == 400
    assert "Another partner is registered with this verify key" in same_key.text
    assert client.get("/admin/partners").text.count("Border Police B") == 1


def test_partner_refusals_read_in_the_officers_language(client, auth, make_user, app):
    """Every refusal of the partner form is translated, the keys' and tokens' too."""
    make_user(ADMIN, role="admin")
    auth.login(ADMIN)
    keys = public_keys(app)
    french = {"Accept-Language": "fr"}
    page = client.get("/admin/partners", headers=french)
    data = {"name": "Police des frontières", "kind": "agency", "country": "RO", "unit": "HQ",
            "handling": ["open"], **keys, "csrf_token": csrf_from(page.text)}
    refusals = {
        "verify_key": ("not-a-key", "La clé de vérification (Ed25519) n&#39;est pas une clé"),
        "inbox_url": ("http://partner.example/inbox", "commence par https://"),
        "inbound_token": ("short", "Un jeton compte de 24 à 200 caractères"),
    }
    for field, (value, words) in refusals.items():
        refused = client.post("/admin/partners", data={**data, field: value}, headers=french)
        assert refused.status_code == 400 and words in refused.text, field


def test_a_partners_receiving_unit_follows_a_rename(client, auth, make_user, app, runner):
    make_user(ADMIN, role="admin")
    auth.login(ADMIN)
    assert runner.invoke(args=["units", "create", "South", "--kind", "regional",
                               "--parent", "HQ"]).exit_code == 0
    assert partner_form(client, public_keys(app), unit="South").status_code == 302
    assert runner.invoke(args=["units", "rename", "South", "South Region"]).exit_code == 0
    page = client.get("/admin/partners")
    edit = re.search(r'href="(/admin/partners/[^"]+)"', page.text).group(1)
    assert '<option selected value="South Region">' in client.get(edit).text


def test_two_instances_exchange_a_sanitised_report(
    app, graph, client, auth, make, make_user, instance_b, tmp_path
):
    # -- instance A: the admin registers partner B, with B's public keys -------------------
    partner_id = register_partner(client, graph, make_user, instance_b)

    # an evaluated informant report from NIGHTJAR, and the analyst's sanitised copy of it
    seed_report(make, "R-1", handling="restricted")
    copy = make.api("post", "/reports/R-1/sanitised", as_=ANALYST, expect=201, json={
        "title": "Lorry CA1234KX", "text": SANITISED, "handling": "restricted"})["id"]
    entities = make.api("get", f"/reports/{copy}", as_=ANALYST, expect=200)["entities"]
    ids = {m["text"]: m["entity_id"] for m in entities}
    make.api("post", f"/reports/{copy}/relations", as_=ANALYST, expect=201, json={
        "from": ids["CA1234KX"], "type": "ASSOCIATE_OF", "to": ids["Baltic Star Trading Ltd"]})

    runner = app.test_cli_runner()
    out = tmp_path / "to-b.json"

    def package(*refs):
        args = ["exchange", "package", "--partner", "Border Police B", "--by", ANALYST,
                "--out", str(out), "--conditions", "Intelligence use only."]
        for ref in refs:
            args += ["--report", ref]
        return runner.invoke(args=args)

    # the original informant report never goes; B may not receive 'restricted' yet
    refused = package("R-1")
    assert refused.exit_code != 0
    assert "informant report: only a sanitised copy goes to a partner" in refused.output
    refused = package(copy)
    assert refused.exit_code != 0
    assert "may not receive handling code 'restricted' (it receives: open)" in refused.output
    assert not out.exists()

    # the admin lets B receive 'restricted' (the edit page), and the copy goes
    edit = client.get(f"/admin/partners/{partner_id}")
    saved = client.post(f"/admin/partners/{partner_id}", data={
        "name": "Border Police B", "kind": "agency", "country": "RO", "contact": "",
        "handling": ["open", "restricted", "originator"], "unit": "HQ", **public_keys(instance_b),
        "csrf_token": csrf_from(edit.text)})
    assert saved.status_code == 302
    reference = make.api("get", f"/reports/{copy}", as_=ANALYST, expect=200)["reference"]
    sent = package(reference)
    assert sent.exit_code == 0, sent.output
    assert f"for Border Police B written to {out}: {reference}" in sent.output
    data = out.read_bytes()

    # the dissemination log and the audit log record it
    log = make.api("get", "/dissemination", as_=ANALYST, expect=200)["entries"]
    assert {(e["kind"], e["recipient"], e["report_id"]) for e in log} == {
        ("partner", "Border Police B", copy)}
    actions = {r["action"] for r in graph.query(
        "MATCH (a:AuditEvent) WHERE a.action STARTS WITH 'exchange.' RETURN a.action AS action")}
    assert {"exchange.package.send", "exchange.package.refused"} <= actions

    # the analyst's "Send to partner" page downloads a package too
    auth.logout()
    auth.login(ANALYST)
    assert "Send to partner" in client.get(f"/dissemination/reports/{copy}").text
    page = client.get(f"/cooperation/reports/{copy}/package")
    assert page.status_code == 200
    download = client.post(f"/cooperation/reports/{copy}/package", data={
        "partner": "Border Police B", "conditions": "", "csrf_token": csrf_from(page.text)})
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["format"] == "cordon-exchange-package"

    # an 'originator' copy goes only once the originating unit consented to that partner
    held = make.api("post", "/reports/R-1/sanitised", as_=ANALYST, expect=201, json={
        "title": "Lorry, originator", "text": SANITISED + " Twice.", "handling": "originator"})
    other_out = tmp_path / "originator.json"
    args = ["exchange", "package", "--partner", "Border Police B", "--by", ANALYST,
            "--report", held["id"], "--out", str(other_out)]
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0
    assert "has not consented to sharing this report with Border Police B" in refused.output
    page = client.get(f"/dissemination/reports/{held['id']}")
    assert "Border Police B (RO)" in page.text
    consented = client.post(f"/dissemination/reports/{held['id']}/consent", data={
        "consent-partners": [partner_id], "csrf_token": csrf_from(page.text)})
    assert consented.status_code == 302
    assert runner.invoke(args=args).exit_code == 0

    # what B will read: the copy, its entities and relation; no source anywhere
    opened = open_package(data, instance_keys(instance_b.config["CORDON_DATA"]), lambda k: True)
    body = json.dumps(opened.payload)
    assert "NIGHTJAR" not in body and '"source"' not in body
    assert [r["reference"] for r in opened.payload["reports"]] == [reference]
    assert opened.payload["reports"][0]["conditions"] == "Intelligence use only."
    assert opened.payload["relations"][0]["type"] == "ASSOCIATE_OF"
    a_keys = public_keys(app)

    # -- instance B: an empty register of its own -------------------------------------------
    become_instance_b(graph, make_user)
    b_client = instance_b.test_client()
    b_runner = instance_b.test_cli_runner()

    # unknown partner: refused with the reason, nothing stored
    unknown = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert unknown.exit_code != 0
    assert "signed by no known partner" in unknown.output
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0

    AuthActions(b_client).login(ADMIN)
    assert partner_form(b_client, a_keys, name="Customs A", kind="administration",
                        country="BG", handling=["open", "restricted", "originator"]
                        ).status_code == 302

    # one flipped byte: refused
    tampered = tmp_path / "tampered.json"
    flipped = bytearray(data)
    middle = data.index(b'"ciphertext"') + 40
    flipped[middle] = ord("A") if flipped[middle] != ord("A") else ord("B")
    tampered.write_bytes(bytes(flipped))
    refused = b_runner.invoke(args=["exchange", "receive", str(tampered)])
    assert refused.exit_code != 0
    assert "the signature does not verify" in refused.output
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0

    received = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert received.exit_code == 0, received.output
    assert "from Customs A: 1 report(s), 1 new" in received.output

    # B's analyst finds it in the queue: partner_agency intake with its provenance
    make_b = Factories(instance_b, b_runner, tmp_path, make_user)
    items = make_b.api("get", "/reports?status=submitted", as_=ANALYST, expect=200)["reports"]
    assert [r["channel"] for r in items] == ["partner_agency"]
    ours = make_b.api("get", f"/reports/{items[0]['id']}", as_=ANALYST, expect=200)
    assert ours["text"] == SANITISED and ours["handling"] == "restricted"
    assert ours["status"] == "submitted" and ours["reference"] != reference
    row = graph.query("MATCH (r:Report {id: $id}) RETURN r.extra_json AS extra, "
                      "[(r)-[:FROM_SOURCE]->(s) | s] AS sources", {"id": ours["id"]})[0]
    provenance = json.loads(row["extra"])
    assert provenance["partner"] == "Customs A" and provenance["partner_country"] == "BG"
    assert provenance["partner_reference"] == reference
    assert provenance["partner_grading"]["source_grade"] == "B"
    assert provenance["conditions"] == "Intelligence use only."
    assert row["sources"] == []
    shown = b_client.get(f"/reports/{ours['id']}").text
    assert "From partner" in shown and "Customs A (BG)" in shown and reference in shown
    assert "Intelligence use only." in shown
    related = graph.query("MATCH ()-[rel:ASSOCIATE_OF]->() RETURN rel.source AS source")
    assert [r["source"] for r in related] == [f"report:{ours['id']}"]

    # the same package again: nothing new
    before = counts(graph)
    again = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert again.exit_code == 0, again.output
    assert "was received before; nothing new stored" in again.output
    assert counts(graph) == before
    received_events = graph.query(
        "MATCH (a:AuditEvent {action: 'exchange.package.receive'}) RETURN a.target AS t")
    assert len(received_events) == 2

    # the partner's Cordon pushes the page's package to the inbox: the same report again
    pushed = make_b.api("post", "/exchange/inbox", as_=ANALYST, data=download.data,
                        content_type="application/json")
    assert pushed.status_code == 201, pushed.json
    assert pushed.json | {"package_id": None} == {
        "package_id": None, "partner": "Customs A", "reports": 1, "created": 0,
        "duplicate": False}
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 1
    assert make_b.api("post", "/exchange/inbox", as_=ANALYST, data=download.data,
                      content_type="application/json").json["duplicate"] is True
    refused = make_b.api("post", "/exchange/inbox", as_=ANALYST, data=bytes(flipped),
                         content_type="application/json")
    assert refused.status_code == 422
    assert "signature does not verify" in refused.json["detail"]
