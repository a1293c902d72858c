"""The audit log page: auditors browse real entries, filters narrow them, bad filters are
form errors, other roles are refused, and every search is itself written to the chain."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.accounts.service import issue_token
from graph.audit import AuditRepository

ANALYST = "ana@customs.example"
AUDITOR = "aud@customs.example"


def actions_shown(html: str) -> list[str]:
    """The action column of the table (the datalist of the filter form is not counted)."""
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


@pytest.fixture
def auditor(auth, make_user):
    make_user(AUDITOR, role="auditor")
    auth.login(AUDITOR)


@pytest.fixture
def activity(client, graph, auth, make_user):
    """A failed sign-in and a report created and read over the API by the analyst."""
    analyst = make_user(ANALYST, role="analyst")
    make_user(AUDITOR, role="auditor")
    auth.login(ANALYST, "wrong-password-xx")
    headers = {"Authorization": "Bearer " + issue_token(graph, ANALYST)}
    created = client.post(
        "/api/v1/reports",
        json={"channel": "hotline", "handling": "open", "text": "Cigarettes hidden in a truck."},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    report_id = created.json["id"]
    assert client.get(f"/api/v1/reports/{report_id}", headers=headers).status_code == 200
    auth.login(AUDITOR)
    return {"analyst": analyst, "report": report_id}


def test_auditor_sees_real_actions_and_filters_narrow_them(client, activity):
    page = client.get("/audit/")
    assert page.status_code == 200
    shown = actions_shown(page.text)
    assert {"login.failure", "login.success", "report.create", "report.read"} <= set(shown)
    assert activity["report"] in page.text

    by_email = actions_shown(client.get("/audit/", query_string={"actor": ANALYST}).text)
    assert set(by_email) == {"report.create", "report.read"}
    by_id = client.get("/audit/", query_string={"actor": activity["analyst"].id})
    assert set(actions_shown(by_id.text)) == {"report.create", "report.read"}
    assert f"is {ANALYST}" in by_id.text

    logins = actions_shown(client.get("/audit/", query_string={"action": "login."}).text)
    assert set(logins) == {"login.failure", "login.success"}
    failed = client.get("/audit/", query_string={"action": "login.failure", "target": "ana@"})
    assert actions_shown(failed.text) == ["login.failure"]

    reads = client.get("/audit/", query_string={"target": activity["report"], "sensitive": "y"})
    assert actions_shown(reads.text) == ["report.read"]


def test_date_range_bounds_are_whole_utc_days(client, activity):
    today = datetime.now(UTC).date()
    day = timedelta(days=1)

    def shown(**args):
        return actions_shown(client.get("/audit/", query_string=args).text)

    assert "report.read" in shown(date_from=today.isoformat(), date_to=today.isoformat())
    assert "report.read" in shown(date_to=today.isoformat())
    assert shown(date_from=(today + day).isoformat()) == []
    page = client.get("/audit/", query_string={"date_to": (today - day).isoformat()})
    assert actions_shown(page.text) == [] and "No entries match" in page.text


BAD_FILTERS = [
    ({"date_from": "2025-13-45"}, "Not a valid date value"),
    ({"date_from": "2025-06-02", "date_to": "2025-06-01"}, "end date is before the start"),
    ({"action": "report.read' OR 1=1"}, "Letters, digits"),
    ({"page": "0"}, "Number must be between 1 and"),
    ({"page": "many"}, "Not a valid integer value"),
]


def test_bad_filters_are_form_errors_not_searches(client, graph, auditor):
    for args, message in BAD_FILTERS:
        page = client.get("/audit/", query_string=args)
        assert page.status_code == 200, args
        assert message in page.text and 'class="errors"' in page.text, args
        assert actions_shown(page.text) == []
        download = client.get("/audit/export.csv", query_string=args)
        assert download.status_code == 200 and download.mimetype == "text/html", args
    repo = AuditRepository(graph)
    assert repo.search(action="audit.search") == [] and repo.search(action="audit.export") == []


def test_the_search_itself_is_audited(client, graph, activity):
    client.get("/audit/", query_string={"actor": ANALYST, "action": "report", "sensitive": "y"})
    entry = AuditRepository(graph).search(action="audit.search")[0]
    assert entry["actor"] == AUDITOR
    assert '"actor": "ana@customs.example"' in entry["detail"]
    assert '"action": "report"' in entry["detail"] and '"sensitive": true' in entry["detail"]
    assert '"shown": 1' in entry["detail"]
    assert AuditRepository(graph).verify().ok
    # The next search shows the previous one: the auditor's own reading is on the record.
    assert "audit.search" in actions_shown(client.get("/audit/").text)


def test_csv_export_is_filtered_and_audited_as_an_export(client, graph, activity):
    download = client.get("/audit/export.csv", query_string={"actor": ANALYST})
    assert download.status_code == 200 and download.mimetype == "text/csv"
    lines = download.text.strip().splitlines()
    assert lines[0].startswith("seq,at,actor,action,target")
    assert len(lines) == 3 and all(",ana@customs.example,report." in ln for ln in lines[1:])
    entry = AuditRepository(graph).search(action="audit.export")[0]
    assert entry["actor"] == AUDITOR and '"rows": 2' in entry["detail"]


def test_pages_newest_first_with_next_and_previous(client, graph, auditor):
    repo = AuditRepository(graph)
    for i in range(60):
        repo.append(actor="system", action="bench.tick", target=f"T-{i:02d}")
    first = client.get("/audit/", query_string={"action": "bench."})
    assert len(actions_shown(first.text)) == 50
    assert "T-59" in first.text and "T-09" not in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    nxt = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = client.get(nxt)
    assert len(actions_shown(second.text)) == 10 and "T-00" in second.text
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_only_auditors_and_admins_may_open_it(client, make_user, auth):
    for role in ("analyst", "investigator", "handler"):
        make_user(f"{role}@customs.example", role=role)
        auth.login(f"{role}@customs.example")
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403
        assert 'href="/audit/"' not in client.get("/").text
        auth.logout()
    for role in ("auditor", "admin"):
        make_user(f"{role}@customs.example", role=role)
        auth.login(f"{role}@customs.example")
        assert 'href="/audit/"' in client.get("/").text
        assert client.get("/audit/").status_code == 200
        auth.logout()


def test_page_satisfies_the_content_security_policy(client, auditor):
    page = client.get("/audit/", query_string={"date_from": "bad"})
    html = page.text + client.get("/audit/").text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html and " style=" not in html


def test_api_search_for_auditors_only_with_reasons_for_bad_filters(client, graph, activity):
    auditor = {"Authorization": "Bearer " + issue_token(graph, AUDITOR)}
    analyst = {"Authorization": "Bearer " + issue_token(graph, ANALYST)}

    answer = client.get("/api/v1/audit", query_string={"actor": ANALYST}, headers=auditor)
    assert answer.status_code == 200
    assert {e["action"] for e in answer.json["entries"]} == {"report.create", "report.read"}
    assert answer.json["page"] == 1 and answer.json["has_next"] is False

    refused = client.get("/api/v1/audit", headers=analyst)
    assert refused.status_code == 403 and refused.json["error"] == "Forbidden"
    bad = client.get("/api/v1/audit", query_string={"date_from": "2025-13-01"}, headers=auditor)
    assert bad.status_code == 400 and "date_from" in bad.json["detail"]
    unknown = client.get("/api/v1/audit", query_string={"who": "x"}, headers=auditor)
    assert unknown.status_code == 400 and unknown.json["detail"]["field"] == "who"

    searches = AuditRepository(graph).search(action="audit.search", limit=10)
    assert len(searches) == 1 and searches[0]["actor"] == AUDITOR


def test_an_events_nested_detail_reads_as_words_not_python(client, make, auditor):
    """`flask import` records its counts per kind (a nested object): the page shows them as
    "kind: count" pairs, never a Python dictionary."""
    from tests.factories import trader

    make.import_lines(trader("BG777", "Quiet Goods EOOD"))
    page = client.get("/audit/", query_string={"action": "exchange.import"}).text
    assert "exchange.import" in page
    assert "{&#39;" not in page and "{'" not in page
    assert re.search(r"<dd>[^<]*\btrader: \(created: 1, updated: 0\)", page), page[-3000:]
