"""A day of tasking through the pages and the API: standing tasks to a unit or an officer
(no case needed), status changes and reopening, reassigning, due dates and overdue, "my
tasks" on the dashboard, need-to-know, and bad input that writes nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import csrf_from

YESTERDAY = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
NEXT_WEEK = (datetime.now(UTC).date() + timedelta(days=7)).isoformat()


@pytest.fixture
def tree(make_unit, make_user):
    """HQ → South (regional) → Kapitan (bcp); North is another regional unit."""
    make_unit("South", "regional", "HQ")
    make_unit("Kapitan", "bcp", "South")
    make_unit("North", "regional", "HQ")
    make_user("hq.analyst@customs.example", "analyst", "HQ")
    make_user("bcp.liaison@customs.example", "liaison", "Kapitan")
    make_user("bcp.second@customs.example", "liaison", "Kapitan")
    make_user("north.analyst@customs.example", "analyst", "North")


def _tokens(graph, *emails):
    from app.accounts.service import issue_token

    return [{"Authorization": "Bearer " + issue_token(graph, e)} for e in emails]


def _count(graph, cypher):
    return graph.query(cypher)[0]["n"]


def test_standing_task_for_a_crossing_is_seen_and_closed_by_its_liaison(tree, client, auth):
    auth.login("hq.analyst@customs.example")
    page = client.get("/tasks/")
    assert page.status_code == 200 and "New standing task" in page.text
    created = client.post(
        "/tasks/",
        data={
            "title": "Watch lane 3 for reefers",
            "description": "Refrigerated trucks from the east, this week.",
            "due": NEXT_WEEK,
            "priority": "high",
            "assignee": "",
            "unit": "Kapitan",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert created.status_code == 302, created.text
    task_id = created.headers["Location"].rsplit("/", 1)[1]
    detail = client.get(f"/tasks/{task_id}")
    assert "Standing task (no case)" in detail.text and "Kapitan (unit)" in detail.text
    assert "Watch lane 3 for reefers" in client.get("/tasks/").text  # under "issued"
    auth.logout()

    # every officer of the crossing sees it on the dashboard
    auth.login("bcp.second@customs.example")
    assert "Watch lane 3 for reefers" in client.get("/").text
    auth.logout()
    auth.login("bcp.liaison@customs.example")
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert f'data-task="{task_id}"' in dashboard.text and "Standing task" in dashboard.text
    token = csrf_from(dashboard.text)
    started = client.post(
        f"/tasks/{task_id}/status",
        data={"status": "in_progress", "next": "dashboard", "csrf_token": token},
    )
    assert started.status_code == 302 and started.headers["Location"].endswith("/")
    dashboard = client.get("/")
    assert "is now in progress" in dashboard.text
    assert '<option value="in_progress" selected>In progress</option>' in dashboard.text
    client.post(
        f"/tasks/{task_id}/status",
        data={"status": "done", "next": "dashboard", "csrf_token": token},
    )
    assert "Watch lane 3 for reefers" not in client.get("/").text.split("is now done")[-1]
    assert f'data-task="{task_id}"' not in client.get("/").text
    auth.logout()

    # the creator sees it done, and may reopen it
    auth.login("hq.analyst@customs.example")
    assert f'data-task="{task_id}"' not in client.get("/tasks/").text
    everything = client.get("/tasks/?all=1").text
    assert f'data-task="{task_id}"' in everything
    assert '<option value="done" selected>Done</option>' in everything
    reopened = client.post(
        f"/tasks/{task_id}/status",
        data={"status": "open", "next": "task", "csrf_token": csrf_from(everything)},
    )
    assert reopened.headers["Location"].endswith(f"/tasks/{task_id}")
    assert '<option selected value="open">Open</option>' in client.get(f"/tasks/{task_id}").text
    auth.logout()

    # need-to-know: another region neither sees it nor can touch it
    auth.login("north.analyst@customs.example")
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert "Watch lane 3" not in client.get("/").text
    refused = client.post(
        f"/tasks/{task_id}/status",
        data={"status": "done", "csrf_token": csrf_from(client.get("/").text)},
    )
    assert refused.status_code == 404


def test_reassign_and_due_date_on_the_task_page_and_overdue(graph, tree, client, auth):
    (hq,) = _tokens(graph, "hq.analyst@customs.example")
    late = client.post(
        "/api/v1/tasks",
        json={"title": "Count the seals", "assignee": "bcp.liaison@customs.example",
              "due": YESTERDAY},
        headers=hq,
    )
    assert late.status_code == 201, late.json
    assert late.json["overdue"] is True and late.json["on_case"] is False
    task_id = late.json["id"]

    auth.login("bcp.liaison@customs.example")
    dashboard = client.get("/").text
    assert "1 overdue" in dashboard and "Overdue" in dashboard
    page = client.get(f"/tasks/{task_id}")
    token = csrf_from(page.text)
    # a crossing point tasks only itself: not upwards...
    client.post(
        f"/tasks/{task_id}/assign",
        data={"assignee": "", "unit": "HQ", "next": "task", "csrf_token": token},
    )
    page = client.get(f"/tasks/{task_id}").text
    assert "You task only Kapitan and the units below it." in page
    # ...but handing it to a colleague is fine, and then it is theirs, not mine
    handed = client.post(
        f"/tasks/{task_id}/assign",
        data={"assignee": "bcp.second@customs.example", "unit": "", "next": "task",
              "csrf_token": token},
    )
    assert handed.status_code == 302
    assert client.get(f"/tasks/{task_id}").status_code == 404
    assert client.get(f"/api/v1/tasks/{task_id}", headers=hq).json["assignee"]["email"] == (
        "bcp.second@customs.example"
    )
    auth.logout()

    auth.login("bcp.second@customs.example")
    page = client.get(f"/tasks/{task_id}")
    assert page.status_code == 200
    moved = client.post(
        f"/tasks/{task_id}/due",
        data={"due": NEXT_WEEK, "next": "task", "csrf_token": csrf_from(page.text)},
    )
    assert moved.status_code == 302
    page = client.get(f"/tasks/{task_id}").text
    assert "Due date of “Count the seals” saved." in page and NEXT_WEEK in page
    assert "Overdue" not in page
    assert "overdue-badge" not in client.get("/").text
    assert client.get(f"/api/v1/tasks/{task_id}", headers=hq).json["due"] == NEXT_WEEK


def test_case_task_to_a_crossing_reveals_nothing_of_the_case(graph, tree, client, auth):
    (hq,) = _tokens(graph, "hq.analyst@customs.example")
    case_id = client.post("/api/v1/cases", json={"title": "Operation Frost"}, headers=hq).json[
        "id"
    ]
    task = client.post(
        f"/api/v1/cases/{case_id}/tasks", json={"title": "Photograph lane 3", "unit": "Kapitan"},
        headers=hq,
    )
    assert task.status_code == 201
    auth.login("bcp.liaison@customs.example")
    page = client.get(f"/tasks/{task.json['id']}").text
    assert "Photograph lane 3" in page and "A case you are not on" in page
    assert case_id not in page and "Operation Frost" not in page
    assert case_id not in client.get("/").text
    (bcp,) = _tokens(graph, "bcp.liaison@customs.example")
    seen = client.get(f"/api/v1/tasks/{task.json['id']}", headers=bcp).json
    assert seen["case_id"] is None and seen["case_title"] is None and seen["on_case"] is True


def test_bad_task_input_gives_a_message_and_writes_nothing(graph, tree, client, auth):
    tasks = "MATCH (t:Task) RETURN count(t) AS n"
    events = "MATCH (e:AuditEvent) WHERE e.action STARTS WITH 'task.' RETURN count(e) AS n"
    auth.login("hq.analyst@customs.example")
    page = client.get("/tasks/")
    token = csrf_from(page.text)
    base = {"title": "Check", "description": "", "priority": "normal", "csrf_token": token}
    for changes, message in (
        ({"unit": "Atlantis", "assignee": ""}, "Unit &#39;Atlantis&#39; does not exist."),
        ({"unit": "", "assignee": "nobody@customs.example"},
         "No active officer with e-mail nobody@customs.example."),
        ({"unit": "Kapitan", "assignee": "", "due": "2026-13-40"}, "Not a valid date value."),
        ({"unit": "Kapitan", "assignee": "", "priority": "whenever"}, "Not a valid choice."),
        ({"unit": "", "assignee": ""}, "Assign the task to one officer or to one unit."),
    ):
        answer = client.post("/tasks/", data={**base, **changes})
        assert answer.status_code == 400, changes
        assert message in answer.text, (changes, answer.text[-3000:])
    assert _count(graph, tasks) == 0 and _count(graph, events) == 0

    (hq,) = _tokens(graph, "hq.analyst@customs.example")
    for body in (
        {"title": "x", "unit": "Atlantis"},
        {"title": "x", "assignee": "nobody@customs.example"},
        {"title": "x", "unit": "Kapitan", "due": "tomorrow"},
        {"title": "", "unit": "Kapitan"},
    ):
        answer = client.post("/api/v1/tasks", json=body, headers=hq)
        assert answer.status_code == 400 and answer.json["detail"]["message"], body
    assert _count(graph, tasks) == 0

    task_id = client.post(
        "/api/v1/tasks", json={"title": "Seals", "unit": "Kapitan", "due": NEXT_WEEK}, headers=hq
    ).json["id"]
    written = _count(graph, events)
    for body, field in (
        ({"status": "archived"}, "status"),
        ({"status": "done", "due": "31/12/2026"}, "due"),
        ({"assignee": "bcp.liaison@customs.example", "status": "finished"}, "status"),
        ({"assignee": "ghost@customs.example", "status": "done"}, "assignee"),
    ):
        answer = client.patch(f"/api/v1/tasks/{task_id}", json=body, headers=hq)
        assert answer.status_code == 400 and answer.json["detail"]["field"] == field, body
    unchanged = client.get(f"/api/v1/tasks/{task_id}", headers=hq).json
    assert unchanged["status"] == "open" and unchanged["unit"] == "Kapitan"
    assert unchanged["assignee"] is None and unchanged["due"] == NEXT_WEEK
    assert _count(graph, events) == written

    page = client.get(f"/tasks/{task_id}")
    token = csrf_from(page.text)
    client.post(f"/tasks/{task_id}/status", data={"status": "archived", "next": "task",
                                                  "csrf_token": token})
    assert "Not a valid choice." in client.get(f"/tasks/{task_id}").text
    client.post(f"/tasks/{task_id}/due", data={"due": "soon", "next": "task",
                                               "csrf_token": token})
    assert "Not a valid date value." in client.get(f"/tasks/{task_id}").text
    assert client.get(f"/api/v1/tasks/{task_id}", headers=hq).json["status"] == "open"
    assert _count(graph, events) == written
