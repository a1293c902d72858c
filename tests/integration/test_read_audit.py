"""Reads are recorded (directive 2016/680 art. 25): every read of a report, a tip, an
entity page or a source register entry, by page or API, and every refused attempt on a
record that exists, is one entry of the hash chain with its outcome; the refused reader
gets exactly the answer a missing record gets. Auditors filter the outcomes."""

import re

import pytest

from app.accounts.service import issue_token
from graph.audit import AuditRepository
from tests.conftest import csrf_from

ANALYST = "ana@customs.example"
LIAISON = "lia@customs.example"
AUDITOR = "aud@customs.example"
HANDLER = "handler@customs.example"
TEXT = "The driver called +359 888 123 456 before he crossed with the cigarettes."
MISSING = "R-2020-999999"


def bearer(graph, email):
    return {"Authorization": "Bearer " + issue_token(graph, email)}


def reads(graph, action, target=None):
    """(actor, outcome, via) of the entries of ``action``, oldest first."""
    events = AuditRepository(graph).search(action=action, target=target, limit=1000)
    return [(e["actor"], e.get("outcome"), _via(e)) for e in reversed(events)]


def _via(event):
    found = re.search(r'"via": "([a-z]+)"', event.get("detail") or "")
    return found.group(1) if found else None


def same_answer(hidden, missing, hidden_id, missing_id):
    """A refused read answers as a missing record does: same status, same body (ids and
    the sign-out form's CSRF token aside: it carries the second it was signed in)."""
    assert hidden.status_code == missing.status_code

    def body(response, record_id):
        return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1TOKEN",
                      response.text.replace(record_id, "ID"))

    assert body(hidden, hidden_id) == body(missing, missing_id)


@pytest.fixture
def world(graph, make_user, make_unit, client):
    """An HQ analyst's restricted report (with a phone only it mentions), an open one, a
    liaison officer at a border crossing of another region, and an auditor."""
    make_unit("South Region")
    make_unit("Kapitan Andreevo", kind="bcp", parent="South Region")
    make_user(ANALYST, role="analyst")
    make_user(LIAISON, role="liaison", unit="Kapitan Andreevo")
    make_user(AUDITOR, role="auditor")
    headers = bearer(graph, ANALYST)
    secret = client.post("/api/v1/reports", headers=headers, json={
        "channel": "open_source", "handling": "restricted", "text": TEXT})
    assert secret.status_code == 201, secret.json
    phone = next(e["entity_id"] for e in secret.json["entities"] if e["label"] == "PHONE")
    public = client.post("/api/v1/reports", headers=headers, json={
        "channel": "open_source", "handling": "open", "text": "Open words on tobacco."})
    assert public.status_code == 201, public.json
    return {"secret": secret.json["id"], "public": public.json["id"], "phone": phone}


def test_analyst_reads_by_page_edit_page_and_api_are_recorded(client, graph, auth, world):
    rid = world["secret"]
    auth.login(ANALYST)
    assert client.get(f"/reports/{rid}").status_code == 200
    edit = client.get(f"/reports/{rid}/edit")
    assert edit.status_code == 200 and "cigarettes" in edit.text
    assert client.get(f"/api/v1/reports/{rid}", headers=bearer(graph, ANALYST)).status_code == 200
    assert reads(graph, "report.read", rid) == [
        (ANALYST, "read", "page"), (ANALYST, "read", "edit"), (ANALYST, "read", "api")]
    # saving the edit form records the change, not another read
    saved = client.post(f"/reports/{rid}/edit", data={
        "csrf_token": csrf_from(edit.text), "title": "Renamed", "text": TEXT,
        "handling": "restricted", "received": "2025-01-01T00:00", "submit": "Save"})
    assert saved.status_code == 302, saved.text
    assert len(reads(graph, "report.read", rid)) == 3
    assert AuditRepository(graph).search(action="report.update", target=rid)
    # lists and searches show rows without recording each of them
    client.get("/reports/")
    client.get("/reports/", query_string={"q": "cigarettes"})
    assert len(reads(graph, "report.read", rid)) == 3


def test_refused_read_answers_as_missing_and_is_recorded(client, graph, auth, world):
    rid, headers = world["secret"], bearer(graph, LIAISON)
    hidden_api = client.get(f"/api/v1/reports/{rid}", headers=headers)
    missing_api = client.get(f"/api/v1/reports/{MISSING}", headers=headers)
    assert hidden_api.status_code == 404
    same_answer(hidden_api, missing_api, rid, MISSING)
    auth.login(LIAISON)
    hidden_page = client.get(f"/reports/{rid}")
    missing_page = client.get(f"/reports/{MISSING}")
    assert hidden_page.status_code == 404 and "cigarettes" not in hidden_page.text
    same_answer(hidden_page, missing_page, rid, MISSING)
    assert client.get(f"/reports/{rid}/edit").status_code == 404
    assert client.get(f"/reports/{world['public']}").status_code == 200

    assert reads(graph, "report.read", rid) == [
        (LIAISON, "refused", "api"), (LIAISON, "refused", "page"), (LIAISON, "refused", "edit")]
    # a record that does not exist is a probe, not a refusal: outcome "missing"
    assert reads(graph, "report.read", MISSING) == [
        (LIAISON, "missing", "api"), (LIAISON, "missing", "page")]
    assert reads(graph, "report.read", world["public"]) == [(LIAISON, "read", "page")]
    # the log is for auditors only
    assert client.get("/audit/").status_code == 403
    assert client.get("/api/v1/audit", headers=headers).status_code == 403


def test_entity_page_reads_and_refusals_are_recorded(client, graph, auth, world):
    phone = world["phone"]
    auth.login(ANALYST)
    assert client.get(f"/entities/{phone}").status_code == 200
    auth.logout()
    auth.login(LIAISON)
    hidden = client.get(f"/entities/{phone}")
    missing = client.get("/entities/phone:+359000000000")
    assert hidden.status_code == 404
    same_answer(hidden, missing, phone, "phone:+359000000000")
    api_hidden = client.get(f"/api/v1/entities/{phone}", headers=bearer(graph, LIAISON))
    api_missing = client.get("/api/v1/entities/phone:+359000000000",
                             headers=bearer(graph, LIAISON))
    same_answer(api_hidden, api_missing, phone, "phone:+359000000000")
    assert reads(graph, "entity.view", phone) == [
        (ANALYST, "read", "page"), (LIAISON, "refused", "page"), (LIAISON, "refused", "api")]
    assert [r[1] for r in reads(graph, "entity.view", "phone:+359000000000")] == [
        "missing", "missing"]


def test_tip_and_dissemination_page_refusals_are_recorded(client, graph, auth, world):
    tip = client.post("/api/v1/reports", headers=bearer(graph, ANALYST), json={
        "channel": "hotline", "handling": "restricted", "text": "A tip about a truck."})
    assert tip.status_code == 201, tip.json
    tid = tip.json["id"]
    liaison = bearer(graph, LIAISON)
    same_answer(client.get(f"/api/v1/hotline/tips/{tid}", headers=liaison),
                client.get(f"/api/v1/hotline/tips/{MISSING}", headers=liaison), tid, MISSING)
    assert client.get(f"/api/v1/hotline/tips/{tid}",
                      headers=bearer(graph, ANALYST)).status_code == 200
    assert reads(graph, "hotline.read", tid) == [
        (LIAISON, "refused", "api"), (ANALYST, "read", "api")]
    auth.login(LIAISON)
    assert client.get(f"/dissemination/reports/{world['secret']}").status_code == 404
    assert reads(graph, "report.read", world["secret"]) == [
        (LIAISON, "refused", "dissemination")]


def test_source_register_entry_reads_are_recorded(client, graph, auth, make_user, world):
    handler = make_user(HANDLER, role="handler")
    controller = make_user("controller@customs.example", role="handler")
    auth.login(HANDLER)
    page = client.get("/sources/new")
    created = client.post("/sources/new", data={
        "csrf_token": csrf_from(page.text), "codename": "kx-17", "type": "informant",
        "reliability": "B", "handler_id": handler.id, "controller_id": controller.id,
        "name": "Secret Name", "contact": "", "address": "", "notes": ""})
    assert created.status_code == 302, created.text
    assert client.get("/sources/KX-17").status_code == 200
    analyst = bearer(graph, ANALYST)
    assert client.get("/api/v1/sources/KX-17", headers=analyst).status_code == 200
    # a role without the register is refused alike whether the source exists or not
    liaison = bearer(graph, LIAISON)
    refused = client.get("/api/v1/sources/KX-17", headers=liaison)
    assert refused.status_code == 403
    nothing = client.get("/api/v1/sources/NOPE-1", headers=liaison)
    assert nothing.status_code == 403 and nothing.json["detail"] == refused.json["detail"]
    assert reads(graph, "source.read", "KX-17") == [
        (HANDLER, "read", "page"), (ANALYST, "read", "api"), (LIAISON, "refused", "api")]
    assert reads(graph, "source.read", "NOPE-1") == [(LIAISON, "missing", "api")]


def test_auditor_filters_refused_reads_on_the_page_and_the_api(client, graph, auth, runner,
                                                               world):
    rid = world["secret"]
    client.get(f"/api/v1/reports/{rid}", headers=bearer(graph, LIAISON))
    client.get(f"/api/v1/reports/{rid}", headers=bearer(graph, ANALYST))
    client.get(f"/api/v1/reports/{MISSING}", headers=bearer(graph, LIAISON))
    auth.login(AUDITOR)

    page = client.get("/audit/", query_string={"outcome": "refused"})
    assert page.status_code == 200
    rows = re.findall(r"<td><code>([^<]+)</code></td>\s*<td[^>]*>([^<]*)</td>", page.text)
    assert rows == [("report.read", "refused")]
    assert rid in page.text and MISSING not in page.text and LIAISON in page.text
    everything = client.get("/audit/", query_string={"action": "report.read"}).text
    assert MISSING in everything and ">missing</td>" in everything and ">read</td>" in everything
    csv = client.get("/audit/export.csv", query_string={"outcome": "refused"}).text
    assert csv.splitlines()[0].startswith("seq,at,actor,action,target,outcome")
    assert len(csv.strip().splitlines()) == 2 and f"report.read,{rid},refused" in csv

    auditor = bearer(graph, AUDITOR)
    answer = client.get("/api/v1/audit", query_string={"outcome": "refused"}, headers=auditor)
    assert answer.status_code == 200, answer.json
    assert [(e["action"], e["target"], e["actor"], e["outcome"]) for e in answer.json["entries"]
            ] == [("report.read", rid, LIAISON, "refused")]
    missing = client.get("/api/v1/audit", query_string={"outcome": "missing"}, headers=auditor)
    assert [e["target"] for e in missing.json["entries"]] == [MISSING]
    bad = client.get("/api/v1/audit", query_string={"outcome": "maybe"}, headers=auditor)
    assert bad.status_code == 400 and bad.json["detail"]["field"] == "outcome"
    # the searches are recorded with their filter, and the chain still holds
    searches = AuditRepository(graph).search(action="audit.search", limit=10)
    assert any('"outcome": "refused"' in e["detail"] for e in searches)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output, result.output
