"""Watch lists raise notifications on new reports, declarations and controls, and never
about a report the watcher may not read."""

import pytest

from graph.access import viewer_param
from graph.errors import NotFound
from graph.watch import NotificationRepository, WatchRepository, notify_watchers
from tests.conftest import csrf_from

ENTITY = "CREATE (:Entity:Trader {id: 'trader:NL1', name: 'Baltic Star Trading', label: 'ORG'})"
REPORT = """
MATCH (e:Entity {id: 'trader:NL1'})
CREATE (r:Report {id: $id, channel: 'informant', received: '2025-03-10T09:00:00Z',
                  title: 'Cigarettes in laptops', text: 'Baltic Star ships cigarettes.',
                  source_grade: 'B', info_grade: '2', handling: $handling,
                  status: 'submitted', unit: 'HQ', author_id: 'author'})
CREATE (r)-[:MENTIONS {start: 0, end: 11, text: 'Baltic Star', label: 'ORG',
                       provenance: 'gazetteer', review: 'accepted'}]->(e)
"""
DECLARATION = """
MATCH (e:Entity {id: 'trader:NL1'})
CREATE (d:Declaration {id: 'DEC-1', date: '2025-03-12', flow: 'import'})-[:IMPORTED_BY]->(e)
"""


def test_watch_entity_then_report_and_declaration_notify(graph, make_unit, make_user, client, auth):
    make_unit("South", "regional", "HQ")
    make_user("hq@customs.example", "analyst", "HQ")
    south = make_user("south@customs.example", "analyst", "South")
    graph.query(ENTITY, write=True)

    auth.login("south@customs.example")
    page = client.get("/watch/")
    client.post(
        "/watch/entity", data={"entity_id": "trader:NL1", "csrf_token": csrf_from(page.text)}
    )
    client.post("/watch/search", data={"query": "laptops", "csrf_token": csrf_from(page.text)})
    page = client.get("/watch/")
    assert "Baltic Star Trading" in page.text and "laptops" in page.text
    assert "Notifications (0)" in page.text

    graph.query(DECLARATION, write=True)
    assert notify_watchers(graph, ["trader:NL1"], {"kind": "declaration", "id": "DEC-1"}) == [
        south.id
    ]
    # idempotent: an import run twice notifies once
    notify_watchers(graph, ["trader:NL1"], {"kind": "declaration", "id": "DEC-1"})
    graph.query(REPORT, {"id": "R-OPEN", "handling": "open"}, write=True)
    notified = notify_watchers(
        graph, ["trader:NL1"], {"kind": "report", "id": "R-OPEN", "link": "/reports/R-OPEN"}
    )
    assert notified == [south.id]
    notify_watchers(graph, ["trader:NL1"], {"kind": "control", "id": "DEC-1/2025-03-13"})

    notes = NotificationRepository(graph).list(south.id)
    assert len(notes) == 3
    texts = " | ".join(n["text"] for n in notes)
    assert "New declaration DEC-1 touches Baltic Star Trading" in texts
    assert "New report R-OPEN touches" in texts and 'search "laptops"' in texts
    assert "control result for declaration DEC-1" in texts
    assert "cigarettes" not in texts.lower()  # no report text in notifications

    page = client.get("/notifications/")
    assert "Notifications (3)" in page.text and 'href="/reports/R-OPEN"' in page.text
    client.post("/notifications/read", data={"csrf_token": csrf_from(page.text)})
    assert "Notifications (0)" in client.get("/notifications/").text
    assert (
        graph.query(
            "MATCH (a:AuditEvent) WHERE a.action IN ['watch.add', 'notification.read'] "
            "RETURN count(a) AS n"
        )[0]["n"]
        == 3
    )


def test_restricted_report_notifies_only_who_may_read_it(graph, make_unit, make_user):
    make_unit("South", "regional", "HQ")
    hq = make_user("hq@customs.example", "analyst", "HQ")
    south = make_user("south@customs.example", "analyst", "South")
    graph.query(ENTITY, write=True)
    for index, user in enumerate((hq, south)):
        WatchRepository(graph).watch_entity(user.id, f"W-{index}", "trader:NL1", viewer_param(user))
        WatchRepository(graph).watch_search(user.id, f"W-S{index}", "cigarettes")
    graph.query(REPORT, {"id": "R-RESTRICTED", "handling": "restricted"}, write=True)

    notified = notify_watchers(graph, ["trader:NL1"], {"kind": "report", "id": "R-RESTRICTED"})
    assert notified == [hq.id]  # South may not read an HQ restricted report
    assert NotificationRepository(graph).list(south.id) == []
    assert NotificationRepository(graph).unread_count(hq.id) == 1
    # the author is not told about their own report
    assert (
        notify_watchers(
            graph, ["trader:NL1"], {"kind": "report", "id": "R-RESTRICTED", "actor_id": hq.id}
        )
        == []
    )
    # disseminated to South: now South may read it, and is told
    graph.query(
        "MATCH (r:Report {id: 'R-RESTRICTED'}), (u:Unit {name: 'South'}) "
        "CREATE (r)-[:DISSEMINATED_TO {by: 'x', at: '2025-03-11'}]->(u)",
        write=True,
    )
    assert notify_watchers(graph, ["trader:NL1"], {"kind": "report", "id": "R-RESTRICTED"}) == [
        south.id
    ]


def test_an_entity_known_only_from_a_hidden_report_cannot_be_watched(
    graph, make_unit, make_user, client, auth
):
    """Watching must not reveal that an entity exists: a proposed entity mentioned only in
    an HQ restricted report answers like an unknown one for South, and is watchable by HQ."""
    make_unit("South", "regional", "HQ")
    hq = make_user("hq@customs.example", "analyst", "HQ")
    south = make_user("south@customs.example", "analyst", "South")
    graph.query(ENTITY.replace("label: 'ORG'", "label: 'ORG', status: 'proposed'"), write=True)
    graph.query(REPORT, {"id": "R-RESTRICTED", "handling": "restricted"}, write=True)

    repo = WatchRepository(graph)
    with pytest.raises(NotFound):
        repo.watch_entity(south.id, "W-S", "trader:NL1", viewer_param(south))
    assert repo.watch_entity(hq.id, "W-H", "trader:NL1", viewer_param(hq)) == "W-H"

    auth.login("south@customs.example")
    page = client.get("/watch/")
    answer = client.post(
        "/watch/entity", data={"entity_id": "trader:NL1", "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "No entity trader:NL1" in answer.text
    unknown = client.post(
        "/watch/entity", data={"entity_id": "trader:XX9", "csrf_token": csrf_from(page.text)},
        follow_redirects=True,
    )
    assert "No entity trader:XX9" in unknown.text  # the same answer as for a hidden one
    assert repo.list(south.id) == []
