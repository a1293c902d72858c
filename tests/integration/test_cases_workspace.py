"""Cases and tasks on the real graph: visibility per role and unit, RFI → investigation,
tasking down the unit tree, "my tasks", the API and the audit trail."""

import pytest

from app.cases import service
from app.cases.service import CaseError
from graph.errors import NotFound
from tests.conftest import csrf_from, submit_form
from tests.factories import report, trader


def _report(make, report_id, *, unit="HQ", handling="restricted", title="Laptop cigarettes"):
    make.import_lines(report(report_id, "Cigarettes hidden in laptop consignments.", unit=unit,
                             received="2025-03-10T09:00:00Z", title=title, handling=handling,
                             source_grade="B", info_grade="2"))


@pytest.fixture
def tree(make_unit, make_user):
    """HQ → South (regional) → Kapitan (bcp); North is another regional unit."""
    make_unit("South", "regional", "HQ")
    make_unit("Kapitan", "bcp", "South")
    make_unit("North", "regional", "HQ")
    return {
        "hq_analyst": make_user("hq.analyst@customs.example", "analyst", "HQ"),
        "hq_investigator": make_user("hq.inv@customs.example", "investigator", "HQ"),
        "hq_committee": make_user("hq.committee@customs.example", "committee", "HQ"),
        "admin": make_user("admin@customs.example", "admin", "HQ"),
        "south_analyst": make_user("south.analyst@customs.example", "analyst", "South"),
        "bcp_liaison": make_user("bcp.liaison@customs.example", "liaison", "Kapitan"),
        "north_analyst": make_user("north.analyst@customs.example", "analyst", "North"),
    }


def test_case_visibility_per_role_and_unit(app, graph, tree, client, auth):
    with app.test_request_context():
        case_id = service.open_case(
            graph, tree["hq_analyst"], title="Laptop route", kind="rfi", description="Why?"
        )
        # the owning unit's case workers see it; others (admin included) do not
        assert service.read_case(graph, tree["hq_investigator"], case_id)["title"] == "Laptop route"
        for outsider in ("hq_committee", "admin", "south_analyst", "north_analyst"):
            with pytest.raises(NotFound):
                service.read_case(graph, tree[outsider], case_id)
            assert service.list_cases(graph, tree[outsider]) == []
        # membership opens it to an officer of another unit
        service.add_member(
            graph, tree["hq_analyst"], case_id, email="north.analyst@customs.example"
        )
        assert service.read_case(graph, tree["north_analyst"], case_id)["id"] == case_id
        # a plain member may not manage the case
        with pytest.raises(CaseError) as refused:
            service.set_case_status(graph, tree["north_analyst"], case_id, "closed")
        assert refused.value.status == 403
        with pytest.raises(CaseError):
            service.open_case(graph, tree["hq_committee"], title="x", kind="rfi")

    auth.login("south.analyst@customs.example")
    assert client.get(f"/cases/{case_id}").status_code == 404
    assert case_id not in client.get("/cases/").text
    auth.logout()
    auth.login("north.analyst@customs.example")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Laptop route" in page.text


def test_case_page_flow_and_rfi_becomes_investigation_keeping_contents(
    graph, make, tree, client, auth
):
    _report(make, "R-1")
    make.import_lines(trader("NL1", "Baltic Star Trading"))
    auth.login("hq.analyst@customs.example")
    response = submit_form(client, "/cases/",
                           {"title": "Who ships the laptops?", "kind": "rfi", "description": ""})
    assert response.status_code == 302
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/cases/{case_id}")
    token = csrf_from(page.text)
    for what, target in (("report", "R-1"), ("entity", "trader:NL1")):
        client.post(f"/cases/{case_id}/attach/{what}", data={"target": target, "csrf_token": token})
    client.post(f"/cases/{case_id}/notes", data={"text": "Ask Rotterdam.", "csrf_token": token})
    client.post(
        f"/cases/{case_id}/members",
        data={"email": "south.analyst@customs.example", "role": "member", "csrf_token": token},
    )
    client.post(
        f"/cases/{case_id}/tasks",
        data={
            "title": "Check manifests",
            "priority": "high",
            "due": "2025-04-01",
            "assignee": "",
            "unit": "Kapitan",
            "csrf_token": token,
        },
    )
    # an unknown report is refused with a message, and nothing is attached
    bad = client.post(
        f"/cases/{case_id}/attach/report",
        data={"target": "R-404", "csrf_token": token},
        follow_redirects=True,
    )
    assert "No report R-404" in bad.text

    response = client.post(f"/cases/{case_id}/convert", data={"csrf_token": token})
    assert response.status_code == 302
    with client.application.test_request_context():
        case = service.read_case(graph, tree["hq_analyst"], case_id)
    assert case["kind"] == "investigation" and case["converted_at"]
    assert [r["id"] for r in case["reports"]] == ["R-1"]
    assert [e["id"] for e in case["entities"]] == ["trader:NL1"]
    assert [n["text"] for n in case["notes"]] == ["Ask Rotterdam."]
    assert [t["title"] for t in case["tasks"]] == ["Check manifests"]
    assert {m["email"] for m in case["members"]} == {
        "hq.analyst@customs.example",
        "south.analyst@customs.example",
    }
    page = client.get(f"/cases/{case_id}")
    assert "Investigation" in page.text and "Check manifests" in page.text
    # an investigation cannot be converted again
    again = client.post(
        f"/cases/{case_id}/convert", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Only a request for information" in again.text
    # closing makes it read-only
    client.post(f"/cases/{case_id}/status", data={"status": "closed", "csrf_token": token})
    closed = client.post(
        f"/cases/{case_id}/notes", data={"text": "late", "csrf_token": token}, follow_redirects=True
    )
    assert "closed" in closed.text
    rows = graph.query(
        "MATCH (a:AuditEvent) WHERE a.target = $id RETURN collect(a.action) AS actions",
        {"id": case_id},
    )
    assert {
        "case.create",
        "case.read",
        "case.report.attach",
        "case.entity.attach",
        "case.note.add",
        "case.member.add",
        "case.convert",
        "case.status",
    } <= set(rows[0]["actions"])


def _errors_of(html: str, field_id: str) -> str:
    """The messages shown beside the field ``field_id`` (none: "")."""
    import re

    found = re.search(rf'<ul id="{field_id}-errors" class="errors"[^>]*>(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def test_a_refused_case_form_says_why_beside_its_field(graph, make, tree, client, auth):
    auth.login("hq.analyst@customs.example")
    opened = submit_form(client, "/cases/", {"title": "Laptops", "kind": "rfi",
                                             "description": ""})
    case_id = opened.headers["Location"].rsplit("/", 1)[1]
    token = csrf_from(client.get(f"/cases/{case_id}").text)
    refusals = [
        ("members", {"email": "nobody@customs.example", "role": "member"}, "email",
         "No active officer with e-mail nobody@customs.example"),
        ("members", {"email": "", "role": "member"}, "email", "This field is required."),
        ("attach/report", {"target": "R-404"}, "attach-report", "No report R-404"),
        ("attach/entity", {"target": ""}, "attach-entity", "This field is required."),
        ("notes", {"text": ""}, "text", "This field is required."),
        ("tasks", {"title": "Check manifests", "priority": "high", "assignee": "",
                   "unit": ""}, "assignee", "Assign the task to one officer or to one unit."),
    ]
    for path, data, field_id, message in refusals:
        answer = client.post(f"/cases/{case_id}/{path}", data={**data, "csrf_token": token})
        assert answer.status_code == 400, (path, data)
        assert message in _errors_of(answer.text, field_id), (path, data)
        assert 'class="flash' not in answer.text  # beside the field, not at the top
    with client.application.test_request_context():
        case = service.read_case(graph, tree["hq_analyst"], case_id)
    assert not case["reports"] and not case["entities"] and not case["notes"]
    assert not case["tasks"]
    assert "nobody@customs.example" not in [m["email"] for m in case["members"]]


def test_case_membership_grants_attached_reports_but_not_originator_ones(
    app, graph, make, tree
):
    _report(make, "R-REST", handling="restricted")
    _report(make, "R-ORIG", handling="originator")
    from graph.access import REPORT_VISIBLE, viewer_param

    can_read = "MATCH (r:Report {id: $id}) WHERE " + REPORT_VISIBLE + " RETURN count(r) AS n"

    def visible(user, report_id):
        return graph.query(can_read, {"id": report_id, "viewer": viewer_param(user)})[0]["n"] == 1

    with app.test_request_context():
        case_id = service.open_case(graph, tree["hq_analyst"], title="Grant", kind="investigation")
        # the South analyst cannot attach what they cannot read
        assert not visible(tree["south_analyst"], "R-REST")
        service.attach(graph, tree["hq_analyst"], case_id, "report", "R-REST")
        service.attach(graph, tree["hq_analyst"], case_id, "report", "R-ORIG")
        service.add_member(
            graph, tree["hq_analyst"], case_id, email="south.analyst@customs.example"
        )
        assert visible(tree["south_analyst"], "R-REST")
        assert not visible(tree["south_analyst"], "R-ORIG")
        case = service.read_case(graph, tree["south_analyst"], case_id)
        assert [r["id"] for r in case["reports"]] == ["R-REST"]
        assert not visible(tree["north_analyst"], "R-REST")
        with pytest.raises(NotFound):  # not on the case: the case does not exist for them
            service.attach(graph, tree["north_analyst"], case_id, "report", "R-REST")


def test_tasking_goes_down_the_unit_tree_and_my_tasks(app, graph, tree, client, auth):
    with app.test_request_context():
        hq_case = service.open_case(graph, tree["hq_analyst"], title="Tasking", kind="rfi")
        to_bcp = service.create_task(
            graph,
            tree["hq_analyst"],
            hq_case,
            title="Watch lane 3",
            unit="Kapitan",
            priority="urgent",
            due="2025-05-01",
        )
        to_officer = service.create_task(
            graph,
            tree["hq_analyst"],
            hq_case,
            title="Call the port",
            assignee="south.analyst@customs.example",
        )
        # a regional unit tasks its crossing point, not a sibling region or HQ
        south_case = service.open_case(graph, tree["south_analyst"], title="South", kind="rfi")
        service.create_task(graph, tree["south_analyst"], south_case, title="Check", unit="Kapitan")
        for unit in ("North", "HQ"):
            with pytest.raises(CaseError) as refused:
                service.create_task(graph, tree["south_analyst"], south_case, title="Up", unit=unit)
            assert refused.value.status == 403
        # a crossing point tasks only itself
        bcp_case = service.open_case(graph, tree["bcp_liaison"], title="Lane", kind="rfi")
        with pytest.raises(CaseError):
            service.create_task(graph, tree["bcp_liaison"], bcp_case, title="Up", unit="South")
        service.create_task(graph, tree["bcp_liaison"], bcp_case, title="Self", unit="Kapitan")
        with pytest.raises(CaseError):
            service.create_task(
                graph,
                tree["hq_analyst"],
                hq_case,
                title="Both",
                unit="South",
                assignee="south.analyst@customs.example",
            )
        with pytest.raises(CaseError):
            service.create_task(
                graph, tree["hq_analyst"], hq_case, title="Bad date", unit="South", due="next week"
            )

        mine = service.my_tasks(graph, tree["bcp_liaison"])
        titles = [t["title"] for t in mine["assigned"]]
        assert titles[0] == "Watch lane 3"  # urgent first
        assert set(titles) == {"Watch lane 3", "Check", "Self"}
        task = next(t for t in mine["assigned"] if t["id"] == to_bcp)
        assert task["case_title"] is None  # the crossing point may not see HQ's case
        assert [t["id"] for t in service.my_tasks(graph, tree["south_analyst"])["assigned"]] == [
            to_officer
        ]
        assert service.my_tasks(graph, tree["north_analyst"])["assigned"] == []
        with pytest.raises(NotFound):
            service.read_task(graph, tree["north_analyst"], to_bcp)

    auth.login("bcp.liaison@customs.example")
    page = client.get("/tasks/")
    assert page.status_code == 200 and "Watch lane 3" in page.text and "Tasking" not in page.text
    client.post(
        f"/tasks/{to_bcp}/status",
        data={"status": "done", "next": "mine", "csrf_token": csrf_from(page.text)},
    )
    after = client.get("/tasks/").text
    assert "“Watch lane 3” is now done." in after and f'data-task="{to_bcp}"' not in after
    assert f'data-task="{to_bcp}"' in client.get("/tasks/?all=1").text
    outsider = client.post(
        f"/tasks/{to_officer}/status", data={"status": "done", "csrf_token": csrf_from(page.text)}
    )
    assert outsider.status_code == 404


def test_cases_and_tasks_api(graph, tree, client):
    from app.accounts.service import issue_token

    hq = {"Authorization": "Bearer " + issue_token(graph, "hq.analyst@customs.example")}
    north = {"Authorization": "Bearer " + issue_token(graph, "north.analyst@customs.example")}
    bcp = {"Authorization": "Bearer " + issue_token(graph, "bcp.liaison@customs.example")}

    created = client.post("/api/v1/cases", json={"title": "API case"}, headers=hq)
    assert created.status_code == 201, created.json
    case_id = created.json["id"]
    assert created.json["kind"] == "rfi" and created.json["status"] == "open"
    assert client.post("/api/v1/cases", json={"title": ""}, headers=hq).status_code == 400
    assert client.post("/api/v1/cases", data="nope", headers=hq).status_code == 400
    assert client.get(f"/api/v1/cases/{case_id}", headers=north).status_code == 404
    assert client.get("/api/v1/cases", headers=north).json == {"cases": []}
    assert [c["id"] for c in client.get("/api/v1/cases", headers=hq).json["cases"]] == [case_id]

    task = client.post(
        f"/api/v1/cases/{case_id}/tasks",
        json={"title": "Inspect", "unit": "Kapitan", "priority": "high"},
        headers=hq,
    )
    assert task.status_code == 201, task.json
    task_id = task.json["id"]
    refused = client.post(
        f"/api/v1/cases/{case_id}/tasks", json={"title": "x", "unit": "Atlantis"}, headers=hq
    )
    assert refused.status_code == 400 and "Atlantis" in refused.json["detail"]["message"]
    assert [t["id"] for t in client.get("/api/v1/tasks", headers=bcp).json["assigned"]] == [task_id]
    done = client.patch(f"/api/v1/tasks/{task_id}", json={"status": "in_progress"}, headers=bcp)
    assert done.status_code == 200 and done.json["status"] == "in_progress"
    assert (
        client.patch(f"/api/v1/tasks/{task_id}", json={"status": "x"}, headers=bcp).status_code
        == 400
    )
    assert (
        client.patch(f"/api/v1/tasks/{task_id}", json={"status": "done"}, headers=north).status_code
        == 404
    )
    moved = client.patch(
        f"/api/v1/tasks/{task_id}", json={"assignee": "south.analyst@customs.example"}, headers=hq
    )
    assert moved.status_code == 200 and moved.json["assignee"]["email"] == (
        "south.analyst@customs.example"
    )

    converted = client.patch(f"/api/v1/cases/{case_id}", json={"kind": "investigation"}, headers=hq)
    assert converted.status_code == 200 and converted.json["kind"] == "investigation"
    assert [t["id"] for t in converted.json["tasks"]] == [task_id]
    assert (
        client.patch(
            f"/api/v1/cases/{case_id}", json={"status": "archived"}, headers=hq
        ).status_code
        == 400
    )
    assert (
        client.post(f"/api/v1/cases/{case_id}/notes", json={"text": "n"}, headers=north).status_code
        == 404
    )

    spec = client.get("/api/v1/openapi.json").json
    assert {
        "/cases",
        "/cases/{case_id}",
        "/cases/{case_id}/tasks",
        "/tasks",
        "/tasks/{task_id}",
    } <= spec["paths"].keys()
    assert "Case" in spec["components"]["schemas"]
