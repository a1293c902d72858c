"""A user's day, end to end through the real pages: setup only through `flask import`,
the pages, the API and the account fixtures (never Cypher)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_intake_liaison import _sign_in_at_the_crossing

pytestmark = pytest.mark.e2e


def _api(client, graph, email):
    from app.accounts.service import issue_token

    headers = {"Authorization": "Bearer " + issue_token(graph, email)}

    def call(method, path, body=None):
        answer = client.open("/api/v1" + path, method=method, json=body, headers=headers)
        assert answer.status_code < 300, (path, answer.status_code, answer.json)
        return answer.json

    return call


def test_hq_sends_a_report_and_a_task_the_crossing_acts_on_both_by_phone(
        phone, page, live_server, make_unit, make_user, client, graph, tmp_path):
    _sign_in_at_the_crossing(phone, live_server, make_unit, make_user)
    make_user("ana@customs.example", role="analyst")
    make_user("eva@customs.example", role="analyst")
    make_user("ivo@customs.example", role="investigator")

    # HQ: an analyst logs the report, a second analyst evaluates it, the first sends it on
    ana = _api(client, graph, "ana@customs.example")
    eva = _api(client, graph, "eva@customs.example")
    report = ana("POST", "/reports", {
        "channel": "hotline", "handling": "restricted",
        "text": "Truck CA 1234 AB will carry undeclared cigarettes through Kapitan Andreevo."})
    rid, reference = report["id"], report["reference"]
    eva("POST", f"/reports/{rid}/transitions",
        {"action": "evaluate", "info_grade": "2", "source_grade": "C"})
    ana("POST", f"/reports/{rid}/dissemination", {"units": ["Kapitan Andreevo"]})

    # an investigator tasks the crossing from the tasks page
    sign_in(page, live_server, "ivo@customs.example", "/tasks/")
    form = page.locator("#new-task")
    form.get_by_label("Task", exact=True).fill("Stop and search truck CA 1234 AB")
    form.get_by_label("Details").fill("Full x-ray of the trailer; photograph the seals.")
    form.get_by_label("or unit").select_option("Kapitan Andreevo")
    form.get_by_role("button", name="Assign task").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop and search truck CA 1234 AB")
    expect(page.locator(".task-facts")).to_contain_text("Kapitan Andreevo (unit)")

    # the liaison officer's phone: the unread count is on the menu
    phone.goto(live_server + "/")
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile(r"^Notifications \(2\)"))).to_be_visible()
    nav.get_by_role("link", name=re.compile("^Notifications")).tap()
    notice = phone.get_by_role("link", name=f"Report {reference} was disseminated to",
                               exact=False)
    notice.tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(phone.locator("main")).to_contain_text("CA 1234 AB")

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").tap()
    phone.locator("#my-tasks").get_by_role("link",
                                           name="Stop and search truck CA 1234 AB").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Stop and search truck CA 1234 AB")
    phone.get_by_role("combobox", name="Status").select_option("done")
    phone.get_by_role("button", name="Update").tap()
    expect(phone.locator(".task-facts")).to_contain_text("Done")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the task page scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(tmp_path / "journey1-phone.png"), full_page=True)

    # back at HQ the investigator sees it done among the tasks they issued
    page.goto(live_server + "/tasks/?all=1")
    row = page.locator("#issued-tasks tr", has_text="Stop and search truck CA 1234 AB")
    expect(row.get_by_label("Status of Stop and search truck CA 1234 AB")).to_have_value("done")
    page.screenshot(path=str(tmp_path / "journey1-desktop.png"), full_page=True)


TRADER = {"kind": "trader", "id": "NL123456789", "name": "Baltic Star Trading Ltd",
          "country": "NL", "address": "12 Harbour Rd, Rotterdam", "aeo": False}
DECLARATION = {
    "kind": "declaration", "id": "DEC-2025-000001", "date": "2025-03-12", "flow": "import",
    "office": "BGSVI001", "importer": "NL123456789", "origin": "CN", "destination": "BG",
    "transport": {"mode": "sea", "container": "MSCU1234565"},
    "items": [{"hs": "8471.30", "description": "laptops", "quantity": 400, "unit": "pcs",
               "weight_kg": 800.0, "value": 12000.0, "currency": "EUR"}],
}


def _import(runner, tmp_path, *records):
    import json

    path = tmp_path / "register.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output


def test_an_analyst_logs_a_report_reviews_it_and_follows_the_trader_to_a_declaration(
        page, live_server, make_user, runner, tmp_path):
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    _import(runner, tmp_path, TRADER, DECLARATION)
    make_user("ana@customs.example", role="analyst")
    sign_in(page, live_server, "ana@customs.example", "/reports/new")

    page.get_by_role("navigation", name="Kind of report").get_by_role(
        "link", name="Open source").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New open source")
    page.get_by_label("Title").fill("Laptops under-valued by Baltic Star")
    page.get_by_label("Text of the report").fill(
        "A shipping forum says Baltic Star Trading Ltd declares laptops at half their price; "
        "call +359 888 123 456 for the broker.")
    page.get_by_label("Handling code").select_option("restricted")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laptops under-valued")

    entities = page.locator("#entities")
    entities.get_by_role("button", name="Reject +359 888 123 456").click()
    expect(entities.locator("tr.review-rejected")).to_contain_text("+359 888 123 456")
    entities.get_by_role("button", name="Accept Baltic Star Trading Ltd").click()
    trader_row = page.locator("#entities tr.review-accepted")
    expect(trader_row).to_contain_text("Baltic Star Trading Ltd")

    trader_row.get_by_role("link", name="Baltic Star Trading Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baltic Star Trading Ltd")
    reports = page.locator("table[data-section=reports]")
    expect(reports).to_contain_text("Laptops under-valued by Baltic Star")
    page.locator("table[data-section=declarations]").get_by_role(
        "link", name="DEC-2025-000001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaration DEC-2025-000001")
    expect(page.locator("main")).to_contain_text("laptops")
    page.screenshot(path=str(tmp_path / "journey2.png"), full_page=True)


def test_a_tipster_sends_a_tip_an_analyst_replies_and_the_tipster_reads_it(
        phone, page, live_server, make_user, tmp_path):
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    make_user("ana@customs.example", role="analyst")

    # the tipster, no account, on a phone
    phone.goto(live_server + "/hotline")
    phone.get_by_label("What happened?").fill("Cigarettes hidden in a lorry")
    phone.get_by_label("Where?").fill("Kapitan Andreevo")
    phone.get_by_label("Who is involved?").fill("Truck CA 1234 AB")
    phone.get_by_label("Anything else we should know").fill("Under the pallets of tiles.")
    phone.get_by_role("button", name="Send tip").tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("your tip was received")
    reference = phone.locator("#tip-reference").inner_text()
    code = phone.locator("#tip-code").inner_text()
    assert reference.startswith("T-") and code

    # the analyst finds it among the tips and replies
    sign_in(page, live_server, "ana@customs.example", "/hotline/tips")
    # officers know a tip by its own reference, never by the tipster's
    expect(page.locator("main")).not_to_contain_text(reference)
    page.get_by_role("row", name="Cigarettes hidden in a lorry").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tip T-")
    expect(page.locator(".thread")).to_contain_text("Under the pallets of tiles.")
    page.get_by_label("Reply to the tipster").fill("Thank you. Which day does it cross?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".thread")).to_contain_text("Which day does it cross?")

    # the tipster checks back with the reference and the code
    phone.goto(live_server + "/hotline")
    phone.get_by_role("link", name="follow-up page").tap()
    phone.get_by_label("Tip reference").fill(reference)
    phone.get_by_label("Follow-up code").fill(code)
    phone.get_by_role("button", name="Open my tip").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Your tip {reference}")
    expect(phone.locator(".thread")).to_contain_text("Which day does it cross?")
    expect(phone.locator(".thread")).not_to_contain_text("ana@customs.example")
    phone.screenshot(path=str(tmp_path / "journey3-phone.png"), full_page=True)
