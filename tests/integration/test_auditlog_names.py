"""The audit log names hotline tips and reports by their reference (T-2026-000001) and a
notification read by what it told and when, instead of internal ids; a report the auditor
may not see keeps its internal id (need-to-know), and the page looks them up in one read per
kind of target, not one per row."""

from __future__ import annotations

import re

from tests.conftest import csrf_from

TIPSTER = {"REMOTE_ADDR": "203.0.113.79"}
ANALYST = "ana@customs.example"


def _tip_with_followup(client) -> tuple[str, str]:
    """A tipster sends a tip and adds to it; returns (tipster's reference, code)."""
    page = client.get("/hotline", environ_base=TIPSTER)
    sent = client.post("/hotline", environ_base=TIPSTER, data={
        "what": "Cigarettes in container MSCU1234566", "csrf_token": csrf_from(page.text)})
    reference = re.search(r'id="tip-reference">(T-[0-9A-Z-]+)<', sent.text).group(1)
    code = re.search(r'id="tip-code">([0-9A-Z-]+)<', sent.text).group(1)
    return reference, code


def _target_cells(html: str, action: str) -> list[str]:
    rows = re.findall(r"(?s)<tr>.*?</tr>", html)
    return [re.findall(r'(?s)<td class="wrap target">(.*?)</td>', row)[0]
            for row in rows if f"<code>{action}</code>" in row]


def test_audit_log_names_tips_and_notifications(client, graph, auth, make_user, make_unit):
    make_user(ANALYST, role="analyst")
    make_unit("South Region")
    make_user("aud@customs.example", role="auditor")
    make_user("south.aud@customs.example", role="auditor", unit="South Region")
    reference, code = _tip_with_followup(client)
    report_id, tip_ref = graph.query(
        "MATCH (:TipKey {reference: $r})-[:FOR]->(t:Report) RETURN t.id AS id, "
        "t.reference AS ref", {"r": reference})[0].values()

    auth.login(ANALYST)  # the analyst reads the tip, then the tipster adds to it
    assert client.get(f"/hotline/tips/{report_id}").status_code == 200
    auth.logout()
    page = client.get("/hotline/follow-up", environ_base=TIPSTER)
    opened = client.post("/hotline/follow-up", environ_base=TIPSTER, data={
        "reference": reference, "code": code, "csrf_token": csrf_from(page.text)})
    added = client.post("/hotline/follow-up/add", environ_base=TIPSTER, data={
        "reference": reference, "code": code, "text": "The lorry plate is CA1234KX.",
        "csrf_token": csrf_from(opened.text)})
    assert added.status_code == 200
    auth.login(ANALYST)  # … and opens the notification it raised
    listed = client.get("/notifications/").text
    notification = re.search(r'data-notification="([^"]+)"', listed).group(1)
    assert client.get(f"/notifications/{notification}").status_code == 302
    auth.logout()

    auth.login("aud@customs.example")  # an HQ auditor may see the HQ tip
    log = client.get("/audit/", query_string={"action": "hotline."})
    assert log.status_code == 200
    for action in ("hotline.tip", "hotline.read", "hotline.followup"):
        cells = _target_cells(log.text, action)
        assert cells and all(tip_ref in c and f'title="{report_id}"' in c for c in cells), action
    notes = _target_cells(client.get("/audit/", query_string={"action": "notification."}).text,
                          "notification.read")
    assert notes and all("Notification: tipster added information" in c
                         and notification not in c.split('title="')[0] for c in notes), notes
    assert all("<time datetime=" in c for c in notes)
    auth.logout()

    auth.login("south.aud@customs.example")  # the tip stays beyond this auditor's reach
    log = client.get("/audit/", query_string={"action": "hotline."})
    assert log.status_code == 200 and tip_ref not in log.text
    cells = _target_cells(log.text, "hotline.read")
    assert cells and all(c.strip() == report_id for c in cells)
