"""Analysts act from the report page: dissemination actions for those allowed, a sanitised
copy pre-filled with the source redacted, profile reasons without the committee's rationale,
and a plain answer when a role asks for a form it may not use. Setup through the API and
the pages (CSRF), as the application writes it."""

import datetime
import json

import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from
from tests.factories import laptops

NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()

TEXT = "KX-9 says lorry CA1234KX carries cigarettes; kx-9 met Hana Handler in Varna."


@pytest.fixture
def world(make, make_unit, make_user):
    make_unit("South")
    make_unit("North")
    return make.with_tokens({
        "south": make_user("south.analyst@customs.example", "analyst", "South"),
        "handler": make_user("south.handler@customs.example", "handler", "South"),
        "north": make_user("north.analyst@customs.example", "analyst", "North"),
    })


def _informant_report(client, world, *, evaluate=True, handling="originator"):
    tokens, users = world["tokens"], world["users"]
    source = client.post("/api/v1/sources", headers=tokens["handler"], json={
        "codename": "KX-9", "type": "informant", "controller_id": users["south"].id})
    assert source.status_code in (201, 409), source.json
    if source.status_code == 201:  # the controller approves the recruitment
        approved = client.post("/api/v1/sources/KX-9/approval", headers=tokens["south"],
                               json={"review_due": NEXT_YEAR})
        assert approved.status_code == 200, approved.json
    made = client.post("/api/v1/reports", headers=tokens["handler"], json={
        "channel": "informant", "source": "KX-9", "handling": handling, "text": TEXT})
    assert made.status_code == 201, made.json
    rid = made.json["id"]
    if evaluate:
        done = client.post(f"/api/v1/reports/{rid}/transitions", headers=tokens["south"],
                           json={"action": "evaluate", "info_grade": "2"})
        assert done.status_code == 200, done.json
    return rid


def _sharing(html: str) -> str:
    return html.split('id="sharing"', 1)[1].split("</section>", 1)[0] \
        if 'id="sharing"' in html else ""


def test_report_page_links_to_the_dissemination_actions_the_reader_may_take(
        client, auth, world):
    pending = _informant_report(client, world, evaluate=False)
    rid = _informant_report(client, world)
    users = world["users"]

    auth.login("south.analyst@customs.example")
    early = _sharing(client.get(f"/reports/{pending}").text)  # not evaluated: not sent yet
    assert "#send" not in early and "/sanitise" not in early and "#consent" in early
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200
    links = _sharing(page.text)
    assert f'href="/dissemination/reports/{rid}#send"' in links
    assert f'href="/dissemination/reports/{rid}/sanitise"' in links
    assert f'href="/dissemination/reports/{rid}#consent"' in links  # originator, own unit
    assert "/feedback" not in links  # not a recipient
    # the links land on the report's own sections
    target = client.get(f"/dissemination/reports/{rid}")
    assert 'id="send"' in target.text and 'id="consent"' in target.text

    # consent and send through the pages, then the recipient sees only feedback
    consent = client.post(f"/dissemination/reports/{rid}/consent", data={
        "csrf_token": csrf_from(target.text), "consent-units": [],
        "consent-users": [users["north"].id]})
    assert consent.status_code == 302, consent.text
    target = client.get(f"/dissemination/reports/{rid}")
    sent = client.post(f"/dissemination/reports/{rid}/send", data={
        "csrf_token": csrf_from(target.text), "users": [users["north"].id]})
    assert sent.status_code == 302, sent.text
    auth.logout()

    auth.login("north.analyst@customs.example")
    links = _sharing(client.get(f"/reports/{rid}").text)
    assert f'href="/dissemination/reports/{rid}/feedback"' in links
    assert "/sanitise" not in links and "#consent" not in links
    auth.logout()

    auth.login("south.handler@customs.example")  # a handler does not disseminate
    assert _sharing(client.get(f"/reports/{rid}").text) == ""


def test_sanitised_copy_starts_redacted_with_the_original_handling(client, auth, world):
    rid = _informant_report(client, world)
    auth.login("south.analyst@customs.example")
    form = client.get(f"/dissemination/reports/{rid}/sanitise")
    assert form.status_code == 200
    text = form.text.split("<textarea", 1)[1].split("</textarea>", 1)[0]
    assert "[source] says lorry CA1234KX" in text and "[source] met" in text
    assert "KX-9" not in text and "kx-9" not in text
    redacted = form.text.split('id="redacted"', 1)[1].split("</section>", 1)[0]
    assert "codename (2 times)" in redacted
    assert '<option selected value="originator">' in form.text
    title = form.text.split('id="title"', 1)[1].split(">", 1)[0]
    assert "[source]" in title and "KX-9" not in title  # the title repeats the text

    csrf = csrf_from(form.text)
    empty = client.post(f"/dissemination/reports/{rid}/sanitise", data={
        "csrf_token": csrf, "title": "Copy", "text": "", "handling": "originator"})
    assert empty.status_code == 400 and "This field is required" in empty.text
    named = client.post(f"/dissemination/reports/{rid}/sanitise", data={
        "csrf_token": csrf, "title": "Copy", "text": "kx-9 again", "handling": "open"})
    assert named.status_code == 400 and "still names the source" in named.text
    titled = client.post(f"/dissemination/reports/{rid}/sanitise", data={
        "csrf_token": csrf, "title": "From KX-9", "text": "[source] says", "handling": "open"})
    assert titled.status_code == 400 and "title still names the source" in titled.text

    sanitised = "[source] says lorry CA1234KX carries cigarettes."
    made = client.post(f"/dissemination/reports/{rid}/sanitise", data={
        "csrf_token": csrf, "title": "Lorry CA1234KX", "text": sanitised,
        "handling": "originator"})
    assert made.status_code == 302, made.text
    copy = client.get(made.headers["Location"])
    assert "handling <strong>originator control</strong>" in copy.text
    assert "KX-9" not in copy.text


def test_analyst_asking_for_the_informant_form_is_told_who_logs_it(
        client, auth, world, make_user, graph):
    auth.login("south.analyst@customs.example")
    page = client.get("/reports/new?channel=informant")
    assert page.status_code == 403
    assert "Informant reports are logged by source handlers" in page.text
    assert "south.handler@customs.example" in page.text  # whom to ask
    assert "ask the source&#39;s handler" in page.text
    posted = client.post("/reports/new?channel=informant", data={
        "csrf_token": csrf_from(page.text), "channel": "informant", "text": "x"})
    assert posted.status_code == 403 and "logged by source handlers" in posted.text
    assert client.get("/reports/new?channel=nonsense").status_code == 404
    own = client.get("/reports/new")
    assert own.status_code == 200 and 'id="informant-hint"' in own.text
    # explained on the page, not a link to a form that answers 403
    assert "channel=informant" not in own.text
    assert "south.handler@customs.example" in own.text
    auth.logout()

    auth.login("south.handler@customs.example")
    assert client.get("/reports/new?channel=informant").status_code == 200
    assert 'id="informant-hint"' not in client.get("/reports/new?channel=informant").text
    auth.logout()

    api = client.post("/api/v1/reports", headers=world["tokens"]["south"],
                      json={"channel": "informant", "source": "KX-9", "text": TEXT,
                            "handling": "restricted"})
    assert api.status_code == 403, api.json
    assert "logged by source handlers" in json.dumps(api.json)
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 0


def test_profile_reasons_show_the_title_not_the_rationale(
        client, graph, make_user, runner, tmp_path):
    make_user("committee@customs.example", "committee", "HQ")
    make_user("liaison@customs.example", "liaison", "HQ")
    tokens = {role: {"Authorization": "Bearer " + issue_token(graph, f"{role}@customs.example")}
              for role in ("committee", "liaison")}
    path = tmp_path / "d.jsonl"
    records = [{"kind": "trader", "id": "BG555", "name": "Quiet Goods EOOD", "country": "BG"},
               {"kind": "trader", "id": "CN1", "name": "Shenzhen Export Co", "country": "CN"},
               laptops("DEC-1", "2025-04-01")]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    rationale = "Tip from informant KX-9 about Quiet Goods"
    created = client.post("/api/v1/risk/profiles", headers=tokens["committee"], json={
        "id": "CN-LAPTOPS", "name": "Laptops from China", "weight": 2.0, "lane": "yellow",
        "conditions": [{"field": "origin", "op": "==", "value": "CN"}],
        "rationale": rationale})
    assert created.status_code == 201, created.json
    selected = client.post("/api/v1/declarations/DEC-1/selection", headers=tokens["liaison"])
    assert selected.status_code == 201, selected.json
    reason = next(r for r in selected.json["reasons"] if r["indicator"] == "profile:CN-LAPTOPS")
    assert reason["detail"] == "Risk profile Laptops from China; minimum lane yellow"
    assert "KX-9" not in json.dumps(selected.json)
