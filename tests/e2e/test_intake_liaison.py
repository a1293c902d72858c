"""A liaison officer at a border crossing logs a sighting on a phone (390×844)."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in_at_the_crossing(phone, live_server, make_unit, make_user):
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    make_unit("South", kind="regional")
    make_unit("Kapitan Andreevo", kind="bcp", parent="South")
    make_user("liaison@customs.example", role="liaison", unit="Kapitan Andreevo")
    phone.goto(live_server + "/reports/log")
    phone.get_by_label("E-mail").fill("liaison@customs.example")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone).to_have_url(live_server + "/reports/log")


def test_liaison_logs_a_sighting_on_a_phone(phone, live_server, make_unit, make_user, graph):
    _sign_in_at_the_crossing(phone, live_server, make_unit, make_user)
    expect(phone.get_by_label("Crossing point")).to_have_value("Kapitan Andreevo")

    phone.get_by_label("Vehicle plate").fill("ca 1234 ab")
    phone.get_by_label("Container").fill("MSCU1234565")
    phone.get_by_label("What did you see?").fill("Driver nervous, seals look new.")
    submit = phone.get_by_role("button", name="Log it")
    phone.wait_for_load_state("load")  # the stylesheet sizes the button: measure after it
    box = submit.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 300  # a thumb-sized target
    width = phone.evaluate("document.documentElement.scrollWidth")
    wide = phone.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > 390).map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert width <= 390, f"the quick log scrolls sideways on a phone ({width}px): {wide}"
    submit.tap()

    expect(phone.get_by_role("status")).to_contain_text("Logged R-", timeout=30_000)
    expect(phone.get_by_label("Vehicle plate")).to_have_value("")  # ready for the next one
    row = graph.query(
        "MATCH (r:Report {channel: 'liaison'})-[:ORIGINATED_IN]->(u:Unit) "
        "RETURN r.crossing AS crossing, r.status AS status, r.handling AS handling, "
        "u.name AS unit, [(r)-[m:MENTIONS]->(e) | e.id] AS entities"
    )
    assert len(row) == 1
    log = row[0]
    assert (log["crossing"], log["unit"], log["status"], log["handling"]) == (
        "Kapitan Andreevo", "Kapitan Andreevo", "submitted", "restricted")
    assert {"vehicle:CA1234AB", "container:MSCU1234565"} <= set(log["entities"])


LOGS = "MATCH (r:Report {channel: 'liaison'}) RETURN r.id AS id ORDER BY id"


def test_a_log_whose_answer_was_lost_is_sent_again_and_stored_once(
        phone, live_server, make_unit, make_user, graph):
    _sign_in_at_the_crossing(phone, live_server, make_unit, make_user)
    phone.get_by_label("Vehicle plate").fill("CA 1234 AB")
    phone.get_by_label("What did you see?").fill("Seals look new.")

    lost: list[int] = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        answer = route.fetch(max_redirects=0)  # the log reaches the server, is stored...
        route.abort("connectionreset")  # ...but the answer never reaches the phone
        lost.append(answer.status)

    phone.route("**/reports/log*", lose_the_answer)
    phone.get_by_role("button", name="Log it").tap(no_wait_after=True)
    for _ in range(150):  # the handler runs while the page is waited on
        if lost:
            break
        phone.wait_for_timeout(200)
    assert lost == [302]
    phone.unroute("**/reports/log*")
    stored = graph.query(LOGS)
    assert len(stored) == 1

    # the officer opens the quick log again: the unconfirmed log is back, and sending it
    # again stores nothing new
    phone.goto(live_server + "/reports/log")
    expect(phone.locator(".network-note")).to_contain_text("was not confirmed")
    expect(phone.get_by_label("Vehicle plate")).to_have_value("CA 1234 AB")
    expect(phone.get_by_label("What did you see?")).to_have_value("Seals look new.")
    phone.get_by_role("button", name="Log it").tap()
    expect(phone.locator(".logged")).to_contain_text(stored[0]["id"])
    assert graph.query(LOGS) == stored
    expect(phone.get_by_label("Vehicle plate")).to_have_value("")

    # without any network the log stays on the page until the network is back
    phone.get_by_label("Vehicle plate").fill("CB 9999 XX")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Log it").tap()
    expect(phone.get_by_role("alert")).to_contain_text("No network")
    expect(phone.get_by_label("Vehicle plate")).to_have_value("CB 9999 XX")
    phone.context.set_offline(False)
    expect(phone.locator(".network-note")).to_contain_text("network is back")
    phone.get_by_role("button", name="Log it").tap()
    expect(phone.locator(".logged")).to_contain_text("Logged R-")
    assert len(graph.query(LOGS)) == 2
