"""The risk committee's pages: profiles built with a form and back-tested, declarations
found and selected from their page, control outcomes (fines, seizures, referrals, court
results) through the form, the API and `flask import`, counted by the effectiveness pages
and summed by the annual report. Bad input gets a clear message and writes nothing.
Setup only through `flask import`, the pages and the API."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from app.accounts.service import issue_token
from tests.conftest import csrf_from

TODAY = date.today()
RECENT = (TODAY - timedelta(days=40)).isoformat()
RECENT2 = (TODAY - timedelta(days=30)).isoformat()
OLD = (TODAY - timedelta(days=800)).isoformat()


def _decl(did: str, importer: str, day: str, origin: str = "CN", hs: str = "847130",
          value: float = 12000.0) -> dict:
    return {"kind": "declaration", "id": did, "date": day, "flow": "import",
            "office": "BGSOF001", "importer": importer, "origin": origin, "destination": "BG",
            "transport": {"mode": "road"},
            "items": [{"hs": hs, "description": "goods", "quantity": 10, "weight_kg": 100.0,
                       "value": value}]}


def _control(did: str, day: str, result: str, revenue: float = 0.0, **outcome) -> dict:
    return {"kind": "control", "declaration": did, "date": day, "lane": "red",
            "result": result, "revenue": revenue, **outcome}


REGISTER = [
    {"kind": "trader", "id": "BG100", "name": "Laptop Kings EOOD", "country": "BG"},
    {"kind": "trader", "id": "BG200", "name": "Textile Ways OOD", "country": "BG"},
    _decl("DEC-R-1", "BG100", RECENT), _control("DEC-R-1", RECENT2, "positive", 1000.0),
    _decl("DEC-R-2", "BG100", RECENT), _control("DEC-R-2", RECENT2, "negative"),
    _decl("DEC-R-3", "BG200", RECENT, origin="TR", hs="620342"),
    _control("DEC-R-3", RECENT2, "positive", 500.0),
    _decl("DEC-R-4", "BG200", RECENT2, origin="TR", hs="620342"),  # not controlled
    _decl("DEC-OLD", "BG100", OLD), _control("DEC-OLD", OLD, "positive", 9999.0),
]


def _import(runner, tmp_path, records, name="register.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return runner.invoke(args=["import", str(path)])


@pytest.fixture
def register(runner, tmp_path):
    result = _import(runner, tmp_path, REGISTER)
    assert result.exit_code == 0, result.output


@pytest.fixture
def committee(make_user, graph):
    make_user("cm@customs.example", role="committee")
    return {"Authorization": "Bearer " + issue_token(graph, "cm@customs.example")}


def _profile_form(client, path="/risk/profiles/new", rows=(), **fields):
    page = client.get(path)
    data = {"csrf_token": csrf_from(page.text), "id": "CN-LAPTOPS", "name": "Laptops from CN",
            "weight": "1.5", "lane": "yellow", "rationale": "Undervalued laptop loads",
            "months": "12", "active": "y"}
    data.update(fields)
    for i, (subject, op, value) in enumerate(rows):
        data[f"conditions-{i}-subject"] = subject
        data[f"conditions-{i}-op"] = op
        data[f"conditions-{i}-value"] = value
    return client.post(path, data=data)


def test_a_profile_is_built_with_the_form_back_tested_then_saved(
        client, auth, register, committee):
    auth.login("cm@customs.example")
    page = client.get("/risk/profiles/new")
    assert 'value="field:origin"' in page.text and 'value="indicator:undervaluation"' in page.text
    rows = [("field:origin", "==", "cn"), ("field:items.hs", "startswith", "8471")]
    tested = _profile_form(client, rows=rows, backtest="Back-test", rationale="")
    assert tested.status_code == 200
    html = tested.text
    assert "Back-test: 3 controlled declarations" in html
    candidate = html.split('data-backtest="candidate"')[1].split("</tr>")[0]
    # DEC-R-1 (hit, 1000) and DEC-R-2 (no hit); DEC-OLD is older than 12 months
    assert '"selected">2<' in candidate and '"hits">1<' in candidate
    assert "50.0%" in candidate and "1,000.00" in candidate
    everything = html.split('data-backtest="all"')[1].split("</tr>")[0]
    assert '"selected">3<' in everything and "1,500.00" in everything
    # nothing was saved by the back-test
    assert client.get("/api/v1/risk/profiles/CN-LAPTOPS",
                      headers=committee).status_code == 404
    longer = _profile_form(client, rows=rows, backtest="Back-test", months="36")
    assert '"selected">3<' in longer.text.split('data-backtest="candidate"')[1].split("</tr>")[0]

    saved = _profile_form(client, rows=rows, submit="Save profile")
    assert saved.status_code == 302, saved.text
    stored = client.get("/api/v1/risk/profiles/CN-LAPTOPS", headers=committee).get_json()
    assert stored["conditions"] == [{"field": "origin", "op": "==", "value": "CN"},
                                    {"field": "items.hs", "op": "startswith", "value": "8471"}]
    # a second profile's back-test shows the first one beside it
    second = _profile_form(client, rows=[("field:origin", "in", "TR, CN")],
                           backtest="Back-test", id="ANY")
    assert 'data-backtest="CN-LAPTOPS"' in second.text
    # the edit page shows the rows filled in, readable
    edit = client.get("/risk/profiles/CN-LAPTOPS")
    assert 'value="8471"' in edit.text


@pytest.mark.parametrize(("row", "message"), [
    (("field:origin", ">", "5"), "does not apply to origin; one of =="),
    (("field:origin", "==", "China"), "not an ISO 3166-1 alpha-2 country code"),
    (("field:items.value", ">", "a lot"), "is not a number"),
    (("field:items.hs", "==", "84"), "is not an HS code"),
    (("field:nothing", "==", "x"), "is not a declaration field or indicator"),
    (("field:origin", "==", ""), "a value is required"),
])
def test_a_wrong_condition_gets_a_message_and_saves_nothing(
        client, auth, committee, row, message):
    auth.login("cm@customs.example")
    for button in ({"submit": "Save profile"}, {"backtest": "Back-test"}):
        answer = _profile_form(client, rows=[row], **button)
        assert answer.status_code == 200
        assert message in answer.text and "Condition 1:" in answer.text
    assert client.get("/api/v1/risk/profiles/CN-LAPTOPS", headers=committee).status_code == 404


def test_a_profile_without_conditions_or_with_bad_months_is_refused(client, auth, committee):
    auth.login("cm@customs.example")
    empty = _profile_form(client, rows=[("", "==", "")], submit="Save profile")
    assert "at least one condition" in empty.text
    months = _profile_form(client, rows=[("field:origin", "==", "CN")], backtest="Back-test",
                           months="0")
    assert months.status_code == 200 and "Back-test:" not in months.text
    assert "Number must be between 1 and 120" in months.text


def test_the_api_validates_conditions_as_the_form_does(client, committee):
    base = {"id": "P1", "weight": 1.0, "rationale": "why"}
    for conditions, reason in [
        ([{"field": "origine", "op": "==", "value": "CN"}], "'origine' is not a declaration"),
        ([{"field": "origin", "op": ">", "value": 3}], "does not apply to origin"),
        ([{"indicator": "luck", "op": ">", "value": 1}], "'luck' is not an indicator"),
        ([{"field": "items.value", "op": ">", "value": "10"}], "is not a number"),
        ([], "at least one condition"),
    ]:
        answer = client.post("/api/v1/risk/profiles", headers=committee,
                             json={**base, "conditions": conditions})
        assert answer.status_code == 422, answer.get_json()
        assert reason in json.dumps(answer.get_json()), answer.get_json()
    assert client.get("/api/v1/risk/profiles/P1", headers=committee).status_code == 404
    good = client.post("/api/v1/risk/profiles", headers=committee, json={
        **base, "conditions": [{"field": "origin", "op": "in", "value": ["cn", "TR"]}]})
    assert good.status_code == 201
    assert good.get_json()["conditions_json"] == json.dumps(
        [{"field": "origin", "op": "in", "value": ["CN", "TR"]}])


def test_declarations_are_found_by_id_trader_and_dates_and_selected_from_their_page(
        client, auth, register, make_user):
    make_user("liz@customs.example", role="liaison")
    auth.login("liz@customs.example")
    by_id = client.get("/declarations/?q=dec-r-")
    assert by_id.status_code == 200
    assert all(f"DEC-R-{n}" in by_id.text for n in (1, 2, 3, 4)) and "DEC-OLD" not in by_id.text
    assert 'data-lane="' in by_id.text
    by_trader = client.get("/declarations/?trader=textile")
    assert "DEC-R-3" in by_trader.text and "DEC-R-1" not in by_trader.text
    by_dates = client.get(f"/declarations/?date_from={OLD}&date_to={OLD}")
    assert "DEC-OLD" in by_dates.text and "DEC-R-1" not in by_dates.text
    reversed_range = client.get(f"/declarations/?date_from={RECENT}&date_to={OLD}")
    assert reversed_range.status_code == 200
    assert "The end of the range is before its start." in reversed_range.text
    bad_date = client.get("/declarations/?date_from=yesterday")
    assert bad_date.status_code == 200 and "Not a valid date value." in bad_date.text
    assert "No declaration matches." in client.get("/declarations/?q=nothing-like-it").text

    page = client.get("/declarations/DEC-R-4")
    assert "Score and record the selection" in page.text
    chosen = client.post("/declarations/DEC-R-4/select",
                         data={"csrf_token": csrf_from(page.text)})
    assert chosen.status_code == 302
    assert 'id="selection"' in client.get("/declarations/DEC-R-4").text
    assert client.post("/declarations/DEC-R-4/select", data={}).status_code == 400
    assert client.post("/declarations/NOPE/select",
                       data={"csrf_token": csrf_from(page.text)}).status_code == 404


def test_a_handler_may_not_select(client, auth, register, make_user):
    make_user("hand@customs.example", role="handler")
    auth.login("hand@customs.example")
    page = client.get("/declarations/DEC-R-4")
    assert "Score and record the selection" not in page.text
    assert client.post("/declarations/DEC-R-4/select",
                       data={"csrf_token": csrf_from(page.text)}).status_code == 403


def _control_form(client, **fields):
    page = client.get("/risk/control?declaration=DEC-R-4")
    assert 'value="DEC-R-4"' in page.text
    data = {"csrf_token": csrf_from(page.text), "declaration": "DEC-R-4", "date": RECENT2,
            "lane": "red", "result": "positive", "finding": "undervalued", "revenue": "700",
            "penalty_currency": "EUR"}
    data.update(fields)
    return client.post("/risk/control", data=data)


def test_a_control_records_its_outcome_and_the_pages_count_it(
        client, auth, register, committee, graph):
    auth.login("cm@customs.example")
    for fields, message in [
        ({"penalty_amount": "500", "penalty_currency": "EUX"},
         "&#39;EUX&#39; is not an ISO 4217 currency code"),
        ({"penalty_amount": "500", "penalty_currency": ""}, "required with penalty_amount"),
        ({"penalty_date": RECENT2}, "required with a penalty currency or date"),
        ({"penalty_amount": "-5"}, "Number must be at least 0"),
        ({"referral_date": "soon"}, "Not a valid date value"),
    ]:
        answer = _control_form(client, **fields)
        assert answer.status_code == 200 and message in answer.text, (
            fields, answer.status_code, answer.text.split("<form")[-1][:3000])
    assert graph.query("MATCH (c:Control)-[:CONTROL_OF]->(:Declaration {id: 'DEC-R-4'}) "
                       "RETURN count(c) AS n")[0]["n"] == 0

    # a declaration selected by a profile, then controlled with a fine and a referral
    client.post("/api/v1/risk/profiles", headers=committee, json={
        "id": "TEXTILES", "weight": 2.0, "lane": "red", "rationale": "textile fraud",
        "conditions": [{"field": "items.hs", "op": "startswith", "value": "6203"}]})
    page = client.get("/declarations/DEC-R-4")
    client.post("/declarations/DEC-R-4/select", data={"csrf_token": csrf_from(page.text)})
    done = _control_form(client, penalty_amount="5000", penalty_date=RECENT2,
                         referral_date=RECENT2, court_result="pending")
    assert done.status_code == 302 and done.headers["Location"].endswith("/declarations/DEC-R-4")
    page = client.get("/declarations/DEC-R-4").text
    assert "fine 5,000.00 EUR" in page and "referred to prosecution" in page

    effect = client.get("/api/v1/risk/effectiveness", headers=committee).get_json()
    textiles = effect["profiles"]["TEXTILES"]
    assert (textiles["hits"], textiles["penalties"], textiles["referrals"]) == (1, 1, 1)
    assert textiles["fines"] == {"EUR": 5000.0}
    profiles = client.get("/risk/profiles").text
    row = profiles.split(">TEXTILES</a>")[1].split("</tr>")[0]
    assert "5,000.00 EUR" in row and '<td class="referrals">1</td>' in row
    assert "5,000.00 EUR" in client.get("/risk/effectiveness").text

    year = RECENT2[:4]
    annual = client.get(f"/kpi/annual?year={year}").text
    fines = annual.split('data-outcome="fines"')[1].split("</tr>")[0]
    assert "<td>1</td>" in fines and "5,000.00 EUR" in fines
    referrals = annual.split('data-outcome="referrals"')[1].split("</tr>")[0]
    assert "<td>1</td>" in referrals
    assert 'data-outcome="court-pending"' in annual


def test_the_api_and_the_import_take_outcomes_and_refuse_bad_ones(
        client, runner, tmp_path, register, committee, graph):
    bad = client.post("/api/v1/controls", headers=committee, json={
        "declaration": "DEC-R-4", "date": RECENT2, "lane": "red", "result": "positive",
        "court_result": "guilty"})
    assert bad.status_code == 422 and "court_result" in json.dumps(bad.get_json())
    good = client.post("/api/v1/controls", headers=committee, json={
        "declaration": "DEC-R-4", "date": RECENT2, "lane": "red", "result": "positive",
        "penalty_amount": 250, "penalty_currency": "bgn", "seizure_date": RECENT2})
    assert good.status_code == 201, good.get_json()

    result = _import(runner, tmp_path, [
        _control("DEC-R-2", RECENT2, "positive", 10.0, penalty_amount=80,
                 penalty_currency="EUR", case_opened_date=RECENT2, court_result="convicted",
                 court_date=RECENT2)], "outcomes.jsonl")
    assert result.exit_code == 0, result.output
    refused = _import(runner, tmp_path, [
        _control("DEC-R-1", RECENT2, "positive", penalty_amount=80)], "bad.jsonl")
    assert "penalty_currency: required with penalty_amount" in refused.output
    # the old-format line of DEC-R-2 keeps the outcome recorded before
    again = _import(runner, tmp_path, [_control("DEC-R-2", RECENT2, "positive", 10.0)],
                    "old.jsonl")
    assert again.exit_code == 0, again.output
    stored = graph.query("MATCH (c:Control {id: $id}) RETURN c.penalty_amount AS fine, "
                         "c.court_result AS court", {"id": f"DEC-R-2/{RECENT2}"})[0]
    assert stored == {"fine": 80.0, "court": "convicted"}

    out = tmp_path / "export.jsonl"
    assert runner.invoke(args=["export", str(out)]).exit_code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    exported = next(x for x in lines if x["kind"] == "control" and x["declaration"] == "DEC-R-2")
    assert exported["penalty_currency"] == "EUR" and exported["case_opened_date"] == RECENT2


def test_effectiveness_and_thresholds_fit_a_phone(client, auth, committee):
    auth.login("cm@customs.example")
    for path in ("/risk/effectiveness", "/risk/thresholds"):
        html = client.get(path).text
        assert html.count("<table") == html.count('<div class="table-wrap"><table'), path
