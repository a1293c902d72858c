"""The unit tree through the admin page and `flask units`: one rule (HQ → regional →
crossing point) for create, rename and move; bad places refused with a message and
nothing written; renames carry what the unit owns; every change audited."""

from app.accounts.service import issue_token
from graph.units import UnitRepository
from tests.conftest import csrf_from


def _units(graph):
    return {u["name"]: u for u in UnitRepository(graph).list()}


def _unit_events(graph):
    return graph.query(
        "MATCH (a:AuditEvent) WHERE a.action IN ['unit.create', 'unit.update'] "
        "RETURN a.action AS action, a.target AS target, a.detail AS detail ORDER BY a.seq"
    )


def test_admin_page_keeps_the_tree_and_edits_units(client, auth, make_user, graph):
    make_user("admin@customs.example", role="admin")
    auth.login("admin@customs.example")
    page = client.get("/admin/units")
    token = csrf_from(page.text)

    def create(name, kind, parent):
        return client.post(
            "/admin/units",
            data={"name": name, "kind": kind, "parent": parent, "csrf_token": token},
        )

    assert create("South", "regional", "HQ").status_code == 302
    assert create("Kapitan", "bcp", "South").status_code == 302
    assert create("Airport", "bcp", "HQ").status_code == 302
    for name, kind, parent, message in (
        ("Under BCP", "regional", "Kapitan",
         "A regional unit sits under a headquarters, not under Kapitan (border crossing point)."),
        ("Under region", "regional", "South",
         "A regional unit sits under a headquarters, not under South (regional unit)."),
        ("BCP under BCP", "bcp", "Kapitan", "not under Kapitan (border crossing point)"),
        ("Second HQ", "hq", "South", "Headquarters is the top of the tree: it has no parent."),
        ("Orphan", "bcp", "", "A border crossing point needs a parent unit"),
    ):
        refused = create(name, kind, parent)
        assert refused.status_code == 400 and message in refused.text, name
    assert set(_units(graph)) == {"HQ", "South", "Kapitan", "Airport"}

    # the list links each unit to its edit page, which shows kinds, not codes
    listing = client.get("/admin/units").text
    assert 'href="/admin/units/Kapitan"' in listing and "Border crossing point" in listing

    # rename a region: its officers, reports and cases follow
    make_user("south.analyst@customs.example", "analyst", "South")
    bearer = {"Authorization": "Bearer " + issue_token(graph, "south.analyst@customs.example")}
    case_id = client.post("/api/v1/cases", json={"title": "Southern route"}, headers=bearer).json[
        "id"
    ]
    edit = client.get("/admin/units/South")
    assert edit.status_code == 200 and "Regional unit" in edit.text
    renamed = client.post(
        "/admin/units/South",
        data={"name": "South Region", "parent": "HQ", "csrf_token": csrf_from(edit.text)},
    )
    assert renamed.status_code == 302
    units = _units(graph)
    assert "South" not in units and units["Kapitan"]["parent"] == "South Region"
    assert units["South Region"]["members"] == 1
    case = client.get(f"/api/v1/cases/{case_id}", headers=bearer)
    assert case.status_code == 200 and case.json["unit"] == "South Region"

    # move a crossing point from HQ to the region; bad moves are refused
    edit = client.get("/admin/units/Airport")
    token = csrf_from(edit.text)
    moved = client.post(
        "/admin/units/Airport",
        data={"name": "Airport", "parent": "South Region", "csrf_token": token},
    )
    assert moved.status_code == 302 and _units(graph)["Airport"]["parent"] == "South Region"
    for name, parent, message in (
        ("South Region", "Kapitan", "not under Kapitan (border crossing point)"),
        ("Kapitan", "Airport", "not under Airport (border crossing point)"),
        ("Kapitan", "", "A border crossing point needs a parent unit"),
        ("Kapitan", "Atlantis", "Not a valid choice"),
        ("Kapitan", "South Region", None),  # name taken below
    ):
        data = {"name": name, "parent": parent, "csrf_token": token}
        if message is None:
            data["name"] = "Airport"
            message = "Unit Airport exists already."
        refused = client.post(f"/admin/units/{name}", data=data)
        assert refused.status_code == 400 and message in refused.text, (name, parent)
    hq = client.post("/admin/units/HQ", data={"name": "Centre", "parent": "", "csrf_token": token})
    assert hq.status_code == 400 and "Headquarters keeps its name HQ" in hq.text
    assert client.get("/admin/units/Nowhere").status_code == 404

    units = _units(graph)
    assert units["South Region"]["parent"] == "HQ" and units["Kapitan"]["parent"] == "South Region"
    events = _unit_events(graph)
    assert [(e["action"], e["target"]) for e in events][-2:] == [
        ("unit.update", "South Region"),
        ("unit.update", "Airport"),
    ]
    assert '"name": ["South", "South Region"]' in events[-2]["detail"]
    assert '"parent": ["HQ", "South Region"]' in events[-1]["detail"]


def test_flask_units_rename_and_move_use_the_same_rule(runner, graph):
    def units(*args):
        return runner.invoke(args=["units", *args])

    assert units("create", "East", "--kind", "regional", "--parent", "HQ").exit_code == 0
    assert units("create", "West", "--kind", "regional", "--parent", "HQ").exit_code == 0
    assert units("create", "BCP-1", "--kind", "bcp", "--parent", "East").exit_code == 0
    bad = units("create", "Sub", "--kind", "regional", "--parent", "BCP-1")
    assert bad.exit_code != 0 and "not under BCP-1 (border crossing point)" in bad.output

    moved = units("move", "BCP-1", "--parent", "West")
    assert moved.exit_code == 0 and "moved unit BCP-1 under West" in moved.output
    for args, message in (
        (("move", "East", "--parent", "West"), "not under West (regional unit)"),
        (("move", "HQ", "--parent", "East"), "Headquarters is the top of the tree"),
        (("move", "Nowhere", "--parent", "HQ"), "Unit 'Nowhere' does not exist."),
        (("rename", "West", "East"), "Unit East exists already."),
        (("rename", "West", "  "), "A unit name has"),
    ):
        refused = units(*args)
        assert refused.exit_code != 0 and message in refused.output, args
    renamed = units("rename", "West", "West Region")
    assert renamed.exit_code == 0, renamed.output
    tree = _units(graph)
    assert tree["BCP-1"]["parent"] == "West Region" and tree["East"]["parent"] == "HQ"
    assert [e["action"] for e in _unit_events(graph)].count("unit.update") == 2
