"""An investigator goes from a phone number to a seized trader and saves the chart to a case,
in a real browser, with every asset served by the app and no CSP violation."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.network_seed import BALTIC, PHONE, seed_network

pytestmark = pytest.mark.e2e


def test_phone_to_seized_trader_and_save_the_chart_to_a_case(
    page, live_server, make, make_user, make_unit, graph, app
):
    from app.cases.service import open_case

    seed_network(make, make_unit)
    investigator = make_user("inv@customs.example", role="investigator", unit="HQ")
    make_user("officer@customs.example", role="analyst", unit="HQ")
    with app.test_request_context():
        case_id = open_case(graph, investigator, title="Baltic Star ring", kind="investigation")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("inv@customs.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Search", exact=True).click()
    page.get_by_label("Name, alias, phone").fill("+31 10 555 0101")
    page.get_by_role("button", name="Search").click()
    page.locator('[data-results="entities"]').get_by_role("link", name="+31 10 555 0101").click()
    expect(page.get_by_role("heading", name="+31 10 555 0101")).to_be_visible()
    expect(page.locator('[data-section="relations"]')).to_contain_text("Ahmed Yilmaz")

    page.get_by_role("link", name="Open in network explorer").click()
    status = page.locator("#explorer-status")
    expect(status).to_contain_text("Expanded")
    page.get_by_label("Depth").select_option("2")
    page.locator("#node-list").get_by_role("button", name="+31 10 555 0101").click()
    page.locator("#explorer-detail").get_by_role("button", name="Expand").click()
    expect(page.locator("#node-list")).to_contain_text("Baltic Star Trading Ltd ⚑")
    expect(page.locator("#node-list")).to_contain_text("Danube Logistics OOD")

    page.get_by_label("From", exact=True).select_option(PHONE)
    page.get_by_label("To", exact=True).select_option(BALTIC)
    page.get_by_role("button", name="Shortest paths").click()
    expect(status).to_contain_text("Path found (2 links)")
    expect(status).to_contain_text("Baltic Star Trading Ltd ⚑ positive control")
    expect(status).to_contain_text("Ahmed Yilmaz")

    page.get_by_role("button", name="Communities & centrality").click()
    expect(status).to_contain_text("communit")
    with page.expect_download() as graphml:
        page.get_by_role("button", name="GraphML").click()
    assert graphml.value.suggested_filename == "network.graphml"

    page.get_by_label("Title", exact=True).fill("Phone to Baltic Star")
    page.get_by_label("Case", exact=True).select_option(case_id)
    page.get_by_role("button", name="Save chart").click()
    expect(status).to_contain_text(f"Chart saved to case {case_id}")
    saved = graph.query(
        "MATCH (:Case {id: $case})-[:HAS_CHART]->(c:Chart) RETURN c.title AS title,"
        " c.node_count AS n",
        {"case": case_id},
    )
    assert saved and saved[0]["title"] == "Phone to Baltic Star" and saved[0]["n"] >= 5
    assert problems == [], problems

    # Then the investigator tasks a colleague on the case.
    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_label("Task", exact=True).fill("Check the next Baltic Star container")
    page.get_by_label("Officer", exact=True).select_option("officer@customs.example")
    page.get_by_role("button", name="Assign task").click()
    expect(page.locator("#case-tasks")).to_contain_text("Check the next Baltic Star container")
    tasks = graph.query(
        "MATCH (t:Task)--(:Case {id: $case}) MATCH (t)--(u:User {email: 'officer@customs.example'})"
        " RETURN t.title AS title",
        {"case": case_id},
    )
    assert [t["title"] for t in tasks] == ["Check the next Baltic Star container"]


def test_a_hubs_explorer_shows_n_of_m_per_relation_and_fetches_more(
    page, live_server, make, make_user, make_unit
):
    from datetime import date, timedelta

    from tests.factories import declaration

    seed_network(make, make_unit)
    ref = BALTIC.removeprefix("trader:")
    make.import_lines(*(
        declaration(f"DEC-2026-{i:06d}", (date(2026, 1, 1) + timedelta(days=i)).isoformat(),
                    flow="import", importer=ref)
        for i in range(1, 31)
    ))
    make_user("inv@customs.example", role="investigator", unit="HQ")
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("inv@customs.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/explorer?id={BALTIC}")
    imports = page.locator('.neighbour-groups li[data-type="IMPORTED_BY"]')
    expect(imports).to_contain_text("imported by: showing 25 of 31")
    imports.get_by_role("button", name="More").click()
    expect(imports).to_contain_text("imported by: showing 31 of 31")
    expect(imports.get_by_role("button")).to_have_count(0)
    expect(page.locator("#node-list")).to_contain_text("DEC-2026-000001")
    assert problems == [], problems
