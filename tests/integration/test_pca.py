"""Post-clearance audit through the pages: the plan ranks traders by risk over a period,
an audit is assigned as a task, its findings become controls that move the trader's hit
rate and score; bad input writes nothing. Setup through `flask import` and the pages."""

import json
import re
from datetime import date, timedelta

import pytest

from tests.conftest import AuthActions, csrf_from

TODAY = date.today()
DAY = [(TODAY - timedelta(days=n)).isoformat() for n in range(400)]

def _declaration(number: int, importer: str, day: str) -> dict:
    return {"kind": "declaration", "id": f"DEC-PCA-{number:04d}", "date": day,
            "flow": "import", "importer": importer, "origin": "CN",
            "items": [{"hs": "8471.30", "value": 1000.0 + number, "weight_kg": 10.0}]}


TRADERS = [
    {"kind": "trader", "id": "BG111", "name": "Rila Imports", "country": "BG"},
    {"kind": "trader", "id": "BG222", "name": "Pirin Trade", "country": "BG", "aeo": True},
    {"kind": "trader", "id": "BG333", "name": "Osogovo Foods", "country": "BG"},
]
# Another importer's clean controls: the register's average the audit's finding stands out of.
CLEAN = [line for n in range(6, 10) for line in (
    _declaration(n, "BG333", DAY[50 + n]),
    {"kind": "control", "declaration": f"DEC-PCA-{n:04d}", "date": DAY[49 + n],
     "lane": "red", "result": "negative"})]


@pytest.fixture
def register(runner, tmp_path):
    lines = [*TRADERS,
             _declaration(1, "BG111", DAY[30]), _declaration(2, "BG111", DAY[60]),
             _declaration(3, "BG111", DAY[90]), _declaration(4, "BG222", DAY[40]),
             _declaration(5, "BG111", DAY[390]),  # outside the last twelve months
             {"kind": "control", "declaration": "DEC-PCA-0001", "date": DAY[29],
              "lane": "red", "result": "negative"}, *CLEAN]
    path = tmp_path / "register.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def people(make_user):
    make_user("cora@customs.example", role="committee")
    make_user("aud@customs.example", role="auditor")
    make_user("other.aud@customs.example", role="auditor")
    make_user("liz@customs.example", role="liaison")


def _row(html: str, ref: str) -> str:
    match = re.search(r'<tr data-trader="' + ref + r'">(.*?)</tr>', html, re.S)
    assert match, f"{ref} not in the plan"
    return match.group(1)


def _score(row: str) -> float:
    return float(re.search(r'class="score">([\d.]+)<', row).group(1))


def _hit_rate(row: str) -> str:
    return re.search(r'class="hit-rate">([^<]*)<', row).group(1).strip()


def _plan(client, **fields):
    """The plan page's audit form as a browser posts it (its fields are prefixed ``audit-``)."""
    page = client.get("/pca/")
    data = {"trader": "BG111", "period_from": DAY[365], "period_to": DAY[0],
            "assignee": "aud@customs.example", "unit": "", "due": ""}
    data.update(fields)
    token = re.search(r'name="audit-csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    return client.post("/pca/audits", data={"audit-csrf_token": token,
                                            **{f"audit-{k}": v for k, v in data.items()}})


def test_each_label_on_the_plan_page_names_its_own_field(register, people, client, auth):
    """Two forms hold a period (the filter, the audit): every id is the page's only one, so
    the audit's "Declarations from" label is not read out for the filter's date."""
    auth.login("cora@customs.example")
    page = client.get("/pca/").text
    ids = re.findall(r'(?<![\w-])id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', page):
        assert target in ids, target
    assert '<label for="audit-period_from">Declarations from</label>' in page
    assert '<label for="period_from">From</label>' in page


def _count(graph, label: str) -> int:
    return graph.query("MATCH (n) WHERE $label IN labels(n) RETURN count(n) AS n",
                       {"label": label})[0]["n"]


def test_an_audit_planned_assigned_and_recorded_moves_the_traders_hit_rate_and_score(
        register, people, app, client, auth):
    auth.login("cora@customs.example")
    page = client.get("/pca/")
    assert page.status_code == 200
    row = _row(page.text, "BG111")
    assert ">3<" in row  # three declarations in the last twelve months
    assert _hit_rate(row) == "0%"
    before = _score(row)

    answer = _plan(client)
    assert answer.status_code == 302, answer.text
    audit_url = answer.headers["Location"]
    assert "/pca/audits/A-" in audit_url
    audit_page = client.get(audit_url)
    assert "DEC-PCA-0003" in audit_page.text and "DEC-PCA-0005" not in audit_page.text
    ends = date.fromisoformat(DAY[0]).strftime("%d %b %Y")
    assert f">{ends}</time>" in audit_page.text and f">{DAY[0]}<" not in audit_page.text
    assert f">{ends}</time></td>" in client.get("/pca/").text  # the plan's list of audits

    auditor = app.test_client()
    AuthActions(auditor).login("aud@customs.example")
    tasks = auditor.get("/tasks/").text
    assert "Post-clearance audit of Rila Imports (BG111)" in tasks
    audit_page = auditor.get(audit_url)
    assert "Record the findings" in audit_page.text
    covered = re.findall(r'id="result-(\d+)" aria-label="Result of (DEC-PCA-\d+)"',
                         audit_page.text)
    index = {decl: i for i, decl in covered}
    answer = auditor.post(audit_url + "/findings", data={
        "csrf_token": csrf_from(audit_page.text), "date": DAY[0],
        "finding": "Undervalued laptops", f"result-{index['DEC-PCA-0002']}": "positive",
        f"revenue-{index['DEC-PCA-0002']}": "2500", f"result-{index['DEC-PCA-0003']}": "negative"})
    assert answer.status_code == 302, answer.text

    after = _row(auditor.get("/pca/").text, "BG111")
    assert _hit_rate(after) == "33%"  # 1 positive of 3 controls
    assert "2,500" in after
    assert _score(after) > before
    shown = auditor.get(audit_url).text
    assert "this audit" in shown and "Undervalued laptops" in shown


def test_bad_plans_and_findings_are_refused_and_write_nothing(
        register, people, app, graph, client, auth):
    auth.login("cora@customs.example")
    cases = [({"trader": "XX999"}, "There is no trader XX999"),
             ({"trader": ""}, "This field is required"),
             ({"period_from": DAY[0], "period_to": DAY[30]}, "starts after it ends"),
             ({"trader": "BG222", "period_from": DAY[20], "period_to": DAY[0]},
              "no declarations"),
             ({"period_from": "12/03/2026"}, "Not a valid date"),
             ({"assignee": ""}, "Assign the task to one officer or to one unit"),
             ({"assignee": "nobody@customs.example"}, "nobody@customs.example")]
    for fields, message in cases:
        answer = _plan(client, **fields)
        assert answer.status_code == 400, fields
        assert message in answer.text, (fields, answer.text[-3000:])
    assert _count(graph, "Audit") == 0 and _count(graph, "Task") == 0

    audit_url = _plan(client).headers["Location"]
    auditor = app.test_client()
    AuthActions(auditor).login("aud@customs.example")
    page = auditor.get(audit_url).text
    token = csrf_from(page)
    controls = _count(graph, "Control")
    bad = [({"result-0": "positive", "revenue-0": "lots"}, "a number of EUR"),
           ({"result-0": "negative", "revenue-0": "100"}, "its result is positive"),
           ({"result-0": "maybe"}, "negative or positive"),
           ({}, "at least one declaration"),
           ({"result-0": "positive", "date": (TODAY + timedelta(days=3)).isoformat()},
            "in the future"),
           ({"result-0": "positive", "date": ""}, "This field is required"),
           ({"result-0": "positive", "finding": "x" * 201}, "200 characters")]
    for fields, message in bad:
        data = {"csrf_token": token, "date": DAY[0], "finding": "", **fields}
        answer = auditor.post(audit_url + "/findings", data=data)
        assert answer.status_code == 400, fields
        assert message in answer.text, (fields, answer.text[-3000:])
    assert _count(graph, "Control") == controls

    # an auditor the audit is not assigned to may read it but not record its findings
    other = app.test_client()
    AuthActions(other).login("other.aud@customs.example")
    assert other.get(audit_url).status_code == 200
    answer = other.post(audit_url + "/findings",
                        data={"csrf_token": csrf_from(other.get("/pca/").text),
                              "date": DAY[0], "result-0": "positive"})
    assert answer.status_code == 403
    # a liaison officer does not plan audits; an unknown audit is a 404
    liaison = app.test_client()
    AuthActions(liaison).login("liz@customs.example")
    assert liaison.get("/pca/").status_code == 403
    assert auditor.get("/pca/audits/A-NOPE").status_code == 404
    assert _count(graph, "Control") == controls
    # a period the plan cannot read is a message, not a 500
    answer = client.get("/pca/?period_from=2026-13-01")
    assert answer.status_code == 400 and "YYYY-MM-DD" in answer.text


def test_the_api_plans_and_records_an_audit_and_refuses_bad_input(
        register, people, graph, client):
    from app.accounts.service import issue_token

    cora = {"Authorization": "Bearer " + issue_token(graph, "cora@customs.example")}
    aud = {"Authorization": "Bearer " + issue_token(graph, "aud@customs.example")}
    liz = {"Authorization": "Bearer " + issue_token(graph, "liz@customs.example")}
    plan = client.get(f"/api/v1/pca/plan?from={DAY[365]}&to={DAY[0]}", headers=aud).json
    assert [t["ref"] for t in plan["traders"]][:1] and plan["period_to"] == DAY[0]
    assert client.get("/api/v1/pca/plan?from=soon", headers=aud).status_code == 400
    assert client.get("/api/v1/pca/plan", headers=liz).status_code == 403

    bad_plans = [("not json", 400, "Send"),
                 ({"trader": "", "from": DAY[365], "to": DAY[0],
                   "assignee": "aud@customs.example"}, 400, "Choose the trader"),
                 ({"trader": "BG111", "from": DAY[0], "to": DAY[365],
                   "assignee": "aud@customs.example"}, 400, "starts after it ends"),
                 ({"trader": "BG111", "from": DAY[365], "to": DAY[0]}, 400, "one officer"),
                 ({"trader": "XX1", "from": DAY[365], "to": DAY[0],
                   "assignee": "aud@customs.example"}, 404, "no trader")]
    for body, status, message in bad_plans:
        kwargs = {"data": body} if isinstance(body, str) else {"json": body}
        answer = client.post("/api/v1/pca/audits", headers=cora, **kwargs)
        assert answer.status_code == status, (body, answer.json)
        assert message in json.dumps(answer.json), (body, answer.json)
    answer = client.post("/api/v1/pca/audits", headers=liz, json={
        "trader": "BG111", "from": DAY[365], "to": DAY[0], "unit": "HQ"})
    assert answer.status_code == 403
    assert _count(graph, "Audit") == 0 and _count(graph, "Task") == 0

    answer = client.post("/api/v1/pca/audits", headers=cora, json={
        "trader": "BG111", "from": DAY[365], "to": DAY[0], "assignee": "aud@customs.example"})
    assert answer.status_code == 201, answer.json
    audit = answer.json
    assert [d["id"] for d in audit["declarations"]] == ["DEC-PCA-0001", "DEC-PCA-0002",
                                                        "DEC-PCA-0003"]
    url = f"/api/v1/pca/audits/{audit['id']}/findings"
    controls = _count(graph, "Control")
    bad_findings = [
        ({"date": DAY[0], "declarations": "DEC-PCA-0002"}, 400, "a list"),
        ({"date": DAY[0], "declarations": [{"id": "DEC-PCA-0009", "result": "positive"}]},
         400, "not covered"),
        ({"date": DAY[0], "declarations": [{"id": "DEC-PCA-0002", "result": "positive",
                                            "revenue": -5}]}, 400, "0 or more"),
        ({"date": DAY[0], "declarations": [{"id": "DEC-PCA-0002", "result": "positive",
                                            "revenue": True}]}, 400, "a number"),
        ({"date": "soon", "declarations": [{"id": "DEC-PCA-0002", "result": "positive"}]},
         400, "YYYY-MM-DD"),
        ({"date": DAY[29], "declarations": [{"id": "DEC-PCA-0001", "result": "positive"}]},
         409, "already has a control"),
    ]
    for body, status, message in bad_findings:
        answer = client.post(url, headers=aud, json=body)
        assert answer.status_code == status, (body, answer.json)
        assert message in json.dumps(answer.json), (body, answer.json)
    assert client.post(url, headers=liz, json=bad_findings[1][0]).status_code in (403, 404)
    assert _count(graph, "Control") == controls

    answer = client.post(url, headers=aud, json={"date": DAY[0], "finding": "Undervalued",
                                                  "declarations": [{"id": "DEC-PCA-0002",
                                                                    "result": "positive",
                                                                    "revenue": 800}]})
    assert answer.status_code == 201, answer.json
    assert answer.json["controls"] == [f"DEC-PCA-0002/{DAY[0]}"]
    shown = client.get(f"/api/v1/pca/audits/{audit['id']}", headers=aud).json
    assert shown["findings_by"] == "aud@customs.example"
    row = next(t for t in client.get("/api/v1/pca/plan", headers=aud).json["traders"]
               if t["ref"] == "BG111")
    assert row["hits"] == 1 and row["revenue"] == 800.0


def test_an_empty_period_says_so_in_a_sentence_a_phone_shows_whole(client, auth, people):
    """No trader in the period: a sentence, not a table's one cell cut at the phone's edge."""
    auth.login("aud@customs.example")
    page = client.get("/pca/?period_from=1990-01-01&period_to=1990-12-31")
    assert page.status_code == 200
    assert 'id="pca-plan"' not in page.text
    assert re.search(r"<p[^>]*>No trader with a risk score declared anything in this period.</p>",
                     page.text)
    # the period as people read dates, not the stored ISO form
    assert re.search(r"Traders from <time datetime=\"1990-01-01\">01 Jan 1990</time> to "
                     r"<time datetime=\"1990-12-31\">31 Dec 1990</time>", page.text), page.text
    assert ">1990-01-01<" not in page.text
