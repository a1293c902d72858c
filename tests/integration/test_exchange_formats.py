"""Partner exchange, second part: packages pushed to a partner Cordon's inbox over HTTP
with mutual tokens (retried when the partner is away, the delivery shown in the
dissemination log), and the formats partners read — STIX 2.1 (checked by ``stix2``, and
taken back in by a fresh instance), FollowTheMoney (checked by ``followthemoney``) and
the WCO seizure CSV.

Instance B is a second app with its own data folder (its own keys) served over HTTP on
this machine. Both instances use the test Neo4j: A's partner entry for B and B's entry for
A live side by side, as their names and keys differ.
"""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
import stix2
from followthemoney import model
from werkzeug.serving import make_server

from tests.conftest import AuthActions, csrf_from
from tests.exchange_setup import (
    ADMIN,
    ANALYST,
    TOKEN_A_TO_B,
    become_instance_b,
    consent_for_partner,
    package_to_file,
    partner_form,
    public_keys,
    register_partner,
    send_and_download,
)
from tests.factories import Factories, control, declaration, person, report, trader

TEXT = ("Ivan Petrov, director of Baltic Star Trading Ltd, ships cigarettes in container "
        "MSCU1234565 through Varna; he calls +359 888 123 456.")


@pytest.fixture
def served_b(instance_b):
    server = make_server("127.0.0.1", 0, instance_b, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield instance_b, f"http://127.0.0.1:{server.server_port}/api/v1/exchange/inbox"
    server.shutdown()


def register_both(client, b_client, app, instance_b, inbox_url):
    """A's admin registers B with its inbox and the token A presents; B's admin registers A
    with the same token, which B keeps hashed."""
    AuthActions(client).login(ADMIN)
    assert partner_form(client, public_keys(instance_b), inbox_url=inbox_url,
                        outbound_token=TOKEN_A_TO_B,
                        handling=["open", "restricted"]).status_code == 302
    AuthActions(b_client).login(ADMIN)
    assert partner_form(b_client, public_keys(app), name="Customs A", kind="administration",
                        country="BG", inbound_token=TOKEN_A_TO_B,
                        handling=["open", "restricted"]).status_code == 302


def evaluated_report(make, rid: str = "R-OPEN", handling: str = "open") -> str:
    make.import_lines(report(rid, TEXT, channel="liaison", title="Cigarettes via Varna",
                             handling=handling, status="evaluated", source_grade="B",
                             info_grade="2", received="2026-03-02T08:00:00Z"))
    return rid


def test_a_package_is_pushed_to_the_partners_inbox_and_retried_when_it_is_away(
    app, graph, client, make, make_user, served_b, tmp_path
):
    b, inbox = served_b
    make_user(ADMIN, role="admin")
    make_user(ANALYST, role="analyst")
    b_client = b.test_client()
    register_both(client, b_client, app, b, inbox)
    hash_row = graph.query("MATCH (p:Partner {name: 'Customs A'}) "
                           "RETURN p.inbound_token_hash AS h")[0]
    assert hash_row["h"] and TOKEN_A_TO_B not in json.dumps(hash_row)
    rid = evaluated_report(make)

    # the analyst sends it: pushed at once, and the file downloaded as well
    sent = send_and_download(client, rid)
    log = client.get("/dissemination/").text
    assert "Pushed: delivered" in log
    received = graph.query("MATCH (r:Report {channel: 'partner_agency'}) "
                           "RETURN r.text AS text, r.unit AS unit")
    assert [r["text"] for r in received] == [TEXT]
    actions = [r["a"] for r in graph.query(
        "MATCH (e:AuditEvent) WHERE e.action IN ['exchange.package.push', "
        "'exchange.package.receive', 'exchange.package.send'] RETURN e.action AS a")]
    assert sorted(actions) == ["exchange.package.push", "exchange.package.receive",
                               "exchange.package.send"]

    # B's inbox: a wrong token is refused; B's token presented with another signer too
    wrong = b.test_client().post(
        "/api/v1/exchange/inbox", data=sent.data,
        headers={"Authorization": "Bearer " + "y" * 47})
    assert wrong.status_code == 401

    # the partner away: the push waits, the log says so, and a later round delivers
    edit = client.get("/dissemination/")  # noqa: F841 (the analyst stays signed in)
    AuthActions(client).logout()
    AuthActions(client).login(ADMIN)
    partner_id = graph.query("MATCH (p:Partner {name: 'Border Police B'}) "
                             "RETURN p.id AS id")[0]["id"]
    form = client.get(f"/admin/partners/{partner_id}")
    assert client.post(f"/admin/partners/{partner_id}", data={
        "name": "Border Police B", "kind": "agency", "country": "RO", "contact": "",
        "handling": ["open", "restricted"], "unit": "HQ", **public_keys(b),
        "inbox_url": "http://127.0.0.1:9/api/v1/exchange/inbox",
        "csrf_token": csrf_from(form.text)}).status_code == 302
    second = evaluated_report(make, "R-TWO")
    AuthActions(client).logout()
    AuthActions(client).login(ANALYST)
    page = client.get(f"/cooperation/reports/{second}/package")
    away = client.post(f"/cooperation/reports/{second}/package", data={
        "partner": "Border Police B", "csrf_token": csrf_from(page.text)})
    assert away.status_code == 302
    shown = client.get(away.headers["Location"]).text
    assert "the partner is unreachable; it will be pushed again" in shown
    assert "Pushed: not delivered yet, will retry" in shown and "is unreachable" in shown
    log = make.api("get", "/dissemination", as_=ANALYST, expect=200)["entries"]
    assert {e["report_id"]: e["delivery"]["status"] for e in log} == {
        "R-TWO": "pending", rid: "delivered"}

    AuthActions(client).logout()
    AuthActions(client).login(ADMIN)
    form = client.get(f"/admin/partners/{partner_id}")
    assert client.post(f"/admin/partners/{partner_id}", data={
        "name": "Border Police B", "kind": "agency", "country": "RO", "contact": "",
        "handling": ["open", "restricted"], "unit": "HQ", **public_keys(b),
        "inbox_url": inbox, "csrf_token": csrf_from(form.text)}).status_code == 302
    graph.query("MATCH (x:ExchangeDelivery {status: 'pending'}) "  # the backoff has passed
                "SET x.next_attempt_at = '2000-01-01T00:00:00+00:00'", write=True)
    pushed = app.test_cli_runner().invoke(args=["exchange", "push"])
    assert pushed.exit_code == 0 and ": delivered" in pushed.output, pushed.output
    log = make.api("get", "/dissemination", as_=ANALYST, expect=200)["entries"]
    assert {e["delivery"]["status"] for e in log} == {"delivered"}
    assert graph.query("MATCH (r:Report {channel: 'partner_agency'}) "
                       "RETURN count(r) AS n")[0]["n"] == 2


def test_stix_bundle_round_trip_into_a_fresh_instance(
    app, graph, client, make, make_user, instance_b, tmp_path
):
    register_partner(client, graph, make_user, instance_b)
    rid = evaluated_report(make)
    shown = make.api("get", f"/reports/{rid}", as_=ANALYST, expect=200)
    ids = {m["text"]: m["entity_id"] for m in shown["entities"]}
    make.api("post", f"/reports/{rid}/relations", as_=ANALYST, expect=201, json={
        "from": ids["Ivan Petrov"], "type": "DIRECTOR_OF",
        "to": ids["Baltic Star Trading Ltd"]})

    # the report page's button, the CLI and the API give the same, valid bundle
    AuthActions(client).logout()
    AuthActions(client).login(ANALYST)
    assert f"/cooperation/reports/{rid}/stix" in client.get(f"/dissemination/reports/{rid}").text
    page = client.get(f"/cooperation/reports/{rid}/stix")
    assert page.status_code == 200 and "attachment" in page.headers["Content-Disposition"]
    bundle = stix2.parse(page.data.decode(), allow_custom=True)
    types = sorted({o["type"] for o in bundle.objects})
    assert {"report", "identity", "location", "relationship", "x-cordon-container",
            "x-cordon-phone"} <= set(types), types
    [stix_report] = [o for o in bundle.objects if o["type"] == "report"]
    assert stix_report["description"] == TEXT and stix_report["x_cordon_handling"] == "open"
    assert stix_report["object_marking_refs"] == [stix2.TLP_GREEN.id]
    api = make.api("get", f"/exchange/reports/{rid}/stix", as_=ANALYST)
    assert api.status_code == 200
    assert {o["id"] for o in json.loads(api.data)["objects"]} == {o.id for o in bundle.objects}
    out = tmp_path / "bundle.json"
    cli = app.test_cli_runner().invoke(args=["exchange", "stix", "--report", rid, "--by",
                                             ANALYST, "--out", str(out)])
    assert cli.exit_code == 0, cli.output
    entities_a = sorted((m["label"], m["text"]) for m in shown["entities"])
    a_keys = public_keys(app)

    # -- a fresh instance B takes the bundle in -------------------------------------------
    become_instance_b(graph, make_user)
    b_client = instance_b.test_client()
    AuthActions(b_client).login(ADMIN)
    assert partner_form(b_client, a_keys, name="Customs A", kind="administration",
                        country="BG").status_code == 302
    b_runner = instance_b.test_cli_runner()
    refused = b_runner.invoke(args=["exchange", "stix", "--receive", str(out),
                                    "--partner", "Nobody"])
    assert refused.exit_code != 0 and "no partner named 'Nobody'" in refused.output
    taken = b_runner.invoke(args=["exchange", "stix", "--receive", str(out),
                                  "--partner", "Customs A"])
    assert taken.exit_code == 0 and "1 report(s), 1 new" in taken.output, taken.output
    make_b = Factories(instance_b, b_runner, tmp_path, make_user)
    [item] = make_b.api("get", "/reports?status=submitted", as_=ANALYST, expect=200)["reports"]
    ours = make_b.api("get", f"/reports/{item['id']}", as_=ANALYST, expect=200)
    assert ours["text"] == TEXT and ours["channel"] == "partner_agency"
    assert sorted((m["label"], m["text"]) for m in ours["entities"]) == entities_a
    assert graph.query("MATCH ()-[r:DIRECTOR_OF]->() RETURN r.source AS s")[0]["s"] == (
        f"report:{ours['id']}")

    # the same bundle again, through the API: nothing new
    before = graph.query("MATCH (n) WHERE NOT n:AuditEvent AND NOT n:AuditHead "
                         "RETURN count(n) AS n")[0]["n"]
    again = make_b.api("post", "/exchange/stix?partner=Customs+A", as_=ANALYST,
                       data=out.read_bytes(), content_type="application/json")
    assert again.status_code == 200 and again.json["created"] == 0
    assert graph.query("MATCH (n) WHERE NOT n:AuditEvent AND NOT n:AuditHead "
                       "RETURN count(n) AS n")[0]["n"] == before
    broken = make_b.api("post", "/exchange/stix?partner=Customs+A", as_=ANALYST,
                        data=b'{"type": "bundle", "id": "nope"}',
                        content_type="application/json")
    assert broken.status_code == 422 and "not a valid STIX 2.1 bundle" in broken.json["detail"]


def test_exports_keep_need_to_know_and_the_dissemination_rules(
    app, graph, client, make, make_user, instance_b
):
    make_user(ADMIN, role="admin")
    make_user(ANALYST, role="analyst")
    make_user("clerk@customs.example", role="liaison")
    from tests.dissemination_seed import seed_report

    seed_report(make, "R-INF", handling="open")  # an informant original, names NIGHTJAR
    evaluated_report(make, "R-ORIG", handling="originator")
    for rid, reason in (("R-INF", "informant report: only a sanitised copy"),
                        ("R-ORIG", "has not consented to sharing this report with a partner")):
        answer = make.api("get", f"/exchange/reports/{rid}/stix", as_=ANALYST)
        assert answer.status_code == 403 and reason in answer.json["detail"], answer.json
    assert make.api("get", "/exchange/reports/R-NONE/ftm", as_=ANALYST).status_code == 404
    clerk = make.api("get", "/exchange/reports/R-ORIG/stix", as_="clerk@customs.example")
    assert clerk.status_code == 403 and "Only intelligence officers" in clerk.json["detail"]
    AuthActions(client).login(ANALYST)
    page = client.get("/cooperation/reports/R-INF/ftm")
    assert page.status_code == 302
    assert "only a sanitised copy" in client.get(page.headers["Location"]).text
    refusals = graph.query("MATCH (e:AuditEvent {action: 'exchange.export.refused'}) "
                           "RETURN count(e) AS n")[0]["n"]
    assert refusals == 4


def test_followthemoney_and_wco_seizures(app, graph, client, make, make_user, tmp_path):
    make_user(ANALYST, role="analyst")
    rid = evaluated_report(make)
    shown = make.api("get", f"/reports/{rid}", as_=ANALYST, expect=200)
    ids = {m["text"]: m["entity_id"] for m in shown["entities"]}
    for kind in ("DIRECTOR_OF", "OWNER_OF"):
        make.api("post", f"/reports/{rid}/relations", as_=ANALYST, expect=201, json={
            "from": ids["Ivan Petrov"], "type": kind, "to": ids["Baltic Star Trading Ltd"]})
    out = tmp_path / "entities.ftm.json"
    cli = app.test_cli_runner().invoke(args=["exchange", "ftm", "--report", rid, "--by",
                                             ANALYST, "--out", str(out)])
    assert cli.exit_code == 0, cli.output
    raw = [json.loads(line) for line in out.read_text().splitlines()]
    # followthemoney cleans each value against its schema (drops an unknown property):
    # nothing may be changed or dropped
    proxies = [model.get_proxy(item, cleaned=False) for item in raw]
    assert [p.to_dict()["properties"] for p in proxies] == [i["properties"] for i in raw]
    by_schema = {p.schema.name: p for p in proxies}
    assert set(by_schema) == {"Person", "Company", "Directorship", "Ownership"}
    assert by_schema["Ownership"].schema.get("asset").range.name == "Asset"
    assert by_schema["Person"].get("name") == ["Ivan Petrov"]
    assert by_schema["Directorship"].get("director") == [by_schema["Person"].id]
    assert by_schema["Ownership"].get("asset") == [by_schema["Company"].id]

    # WCO seizures: controls with seized goods, with route, conveyance and nationality
    make.import_lines(
        person("P-9", name="Ivan Petrov", nationality="BG"),
        trader("BG123", name="Baltic Star Trading Ltd", country="BG"),
        declaration("D-1", "2026-02-10", office="BGVAR001", origin="CN", departure="TR",
                    destination="BG", importer="BG123",
                    transport={"mode": "sea", "container": "MSCU1234565"}),
        control("D-1", "2026-02-11", "positive", lane="red", seizure_date="2026-02-11",
                seized=[{"hs": "240220", "description": "Cigarettes", "quantity": 400000,
                         "unit": "pieces", "concealment": "false wall", "value": 90000}]),
        declaration("D-2", "2025-01-10"), control("D-2", "2025-01-11", "negative"),
    )
    AuthActions(client).login(ANALYST)
    assert "seizures.csv" in client.get("/cooperation/").text
    answer = client.get("/cooperation/seizures.csv?start=2026-01-01&end=2026-12-31")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    [line] = list(csv.DictReader(io.StringIO(answer.text)))
    assert line == line | {
        "seizure_date": "2026-02-11", "place": "BGVAR001", "commodity": "Cigarettes",
        "hs_code": "240220", "concealment_method": "false wall", "conveyance": "MSCU1234565",
        "transport_mode": "sea", "country_of_origin": "CN", "country_of_departure": "TR",
        "country_of_destination": "BG", "offenders_nationality": "BG"}
    assert client.get("/cooperation/seizures.csv?start=2026-13").status_code == 302
    api = make.api("get", "/exchange/seizures?from=2027-01-01", as_=ANALYST)
    assert api.status_code == 200 and len(api.text.splitlines()) == 1


def test_b_resolves_a_received_reports_entities_and_keeps_the_originators_terms(
    app, graph, client, make, make_user, make_unit, instance_b, tmp_path
):
    # -- A: an 'originator' report goes to B once A's originating unit consented ----------
    partner_id = register_partner(client, graph, make_user, instance_b,
                                  handling=["open", "restricted", "originator"])
    rid = evaluated_report(make, "R-ORIG", handling="originator")
    consent_for_partner(client, rid, partner_id)
    out = tmp_path / "to-b.json"
    sent = package_to_file(app, rid, out)
    assert sent.exit_code == 0, sent.output
    a_keys = public_keys(app)

    # -- B: its own register knows the phone's owner ----------------------------------------
    become_instance_b(graph, make_user)
    make_unit("South Region")
    b_runner = instance_b.test_cli_runner()
    make_b = Factories(instance_b, b_runner, tmp_path, make_user)
    make_b.import_lines(person("BG-P-9", name="Petar Ivanov", nationality="BG",
                               phones=["+359 888 123 456"]))
    b_client = instance_b.test_client()
    AuthActions(b_client).login(ADMIN)
    assert partner_form(b_client, a_keys, name="Customs A", kind="administration",
                        country="BG", handling=["open", "restricted", "originator"]
                        ).status_code == 302
    taken = b_runner.invoke(args=["exchange", "receive", str(out)])
    assert taken.exit_code == 0, taken.output

    [item] = make_b.api("get", "/reports?status=submitted", as_=ANALYST, expect=200)["reports"]
    ours = make_b.api("get", f"/reports/{item['id']}", as_=ANALYST, expect=200)
    assert ours["handling"] == "originator"
    # the phone the partner's report names is the one B's register gives Petar Ivanov
    linked = graph.query(
        "MATCH (:Person {ref: 'BG-P-9'})-[:USES_PHONE]->(ph:Phone)<-[:MENTIONS]-(r:Report) "
        "RETURN r.id AS report", {})
    assert [r["report"] for r in linked] == [ours["id"]]
    assert graph.query("MATCH (ph:Phone) RETURN count(ph) AS n")[0]["n"] == 1

    # B may not send it onward without recorded consent
    make_b.evaluate(ours["id"], by=ANALYST)
    refused = make_b.api("post", f"/reports/{ours['id']}/dissemination", as_=ANALYST,
                         json={"units": ["South Region"]})
    assert refused.status_code == 403
    assert "has not consented to sharing this report with South Region" in (
        refused.json["detail"])
    assert make_b.api("get", f"/exchange/reports/{ours['id']}/stix",
                      as_=ANALYST).status_code == 403
    make_b.api("post", f"/reports/{ours['id']}/consents", as_=ANALYST, expect=201,
               json={"units": ["South Region"]})
    make_b.disseminate(ours["id"], by=ANALYST, units=("South Region",))
