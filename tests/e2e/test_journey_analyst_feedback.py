"""The analyst's journey of issue 17, end to end through the real pages: an informant
report's entities reviewed in bulk by keyboard, a sanitised copy with the source's codename
redacted, disseminated to a unit; after the wait the recipient is reminded, gives
feedback, and the feedback rate per unit changes on both dashboards. Setup only through
the API and the account fixtures (never Cypher)."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_journeys import _api

pytestmark = pytest.mark.e2e

CODENAME = "FALCON-7"
TEXT = (f"{CODENAME} reports that Ivan Petrov and Georgi Dimov will move cigarettes in "
        "container MSCU1234565 from Varna to Burgas on Friday. They call each other on "
        f"+359 888 123 456 and +359 887 654 321; {CODENAME} met them at the port.")


def _rate(page, unit):
    return page.locator("#feedback-by-unit tr", has_text=unit).locator(".feedback-rate")


def test_analyst_reviews_in_bulk_sanitises_disseminates_and_feedback_comes_back(
        app, phone, page, live_server, make_unit, make_user, client, graph, runner,
        tmp_path):
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    make_unit("North Region")
    ana = make_user("ana@customs.example", role="analyst")
    make_user("hal@customs.example", role="handler")
    make_user("nina@customs.example", role="analyst", unit="North Region")

    # the handler registers the source and logs what it said (the API, as a handler's app)
    hal = _api(client, graph, "hal@customs.example")
    hal("POST", "/sources", {"codename": CODENAME, "type": "informant",
                             "controller_id": ana.id})
    # the controller approves the recruitment before the source's reports are logged
    _api(client, graph, "ana@customs.example")(
        "POST", f"/sources/{CODENAME}/approval",
        {"review_due": f"{datetime.now(UTC).year + 1}-01-31"})
    report = hal("POST", "/reports", {
        "channel": "informant", "source": CODENAME, "handling": "restricted",
        "title": f"{CODENAME}: cigarettes to Burgas", "text": TEXT})
    rid, reference = report["id"], report["reference"]

    # the analyst reviews the entities in bulk, by keyboard, without reloading the page
    sign_in(page, live_server, "ana@customs.example", f"/reports/{rid}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    page.evaluate("window.__sameDocument = true")
    entities = page.locator("#entities")
    phones = entities.locator("tr[data-label=PHONE]")
    expect(phones).to_have_count(2)
    phones.first.focus()
    focused = page.evaluate("[document.activeElement.dataset.label, "
                            "getComputedStyle(document.activeElement).outlineStyle]")
    assert focused[0] == "PHONE" and focused[1] != "none", focused  # visible focus
    page.keyboard.press("Shift+R")  # reject all proposed phones
    expect(entities.locator("tr.review-rejected[data-label=PHONE]")).to_have_count(2)
    expect(page.locator(".review-status")).to_have_text("2 PHONE mentions rejected.")
    expect(page.locator("[data-bulk-label=PHONE]")).to_be_hidden()
    expect(page.locator(".report-text mark.review-rejected")).to_have_count(2)

    persons = entities.locator("tr[data-label=PERSON]")
    persons.first.focus()
    page.keyboard.press("a")  # accept one
    expect(persons.first).to_have_class(re.compile("review-accepted"))
    page.keyboard.press("j")  # the next row
    page.keyboard.press("Shift+A")  # accept all persons still proposed
    expect(entities.locator("tr.review-accepted[data-label=PERSON]")).to_have_count(2)
    page.get_by_role("button", name="Accept all LOCATION").click()  # or by pointer
    expect(entities.locator("tr.review-accepted[data-label=LOCATION]")).to_have_count(2)
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    page.screenshot(path=str(tmp_path / "journey-feedback-review.png"), full_page=True)
    # the decisions are stored: a reload shows them; the text no longer marks the phones
    page.reload()
    expect(entities.locator("tr.review-rejected[data-label=PHONE]")).to_have_count(2)
    expect(entities.locator("tr.review-accepted[data-label=PERSON]")).to_have_count(2)
    expect(page.locator(".report-text mark", has_text="+359")).to_have_count(0)

    # evaluate, then a sanitised copy: it starts with the codename redacted
    page.get_by_label("Information credibility").select_option("2")
    page.get_by_role("button", name="Evaluate").click()
    expect(page.locator(".status")).to_have_text("evaluated")
    page.locator("#sharing").get_by_role("link", name="Sanitised copy").click()
    expect(page.locator("#redacted")).to_contain_text("the source's codename (2 times)")
    text = page.get_by_label("Sanitised text")
    expect(text).to_have_value(re.compile(r"^\[source\] reports that Ivan Petrov"))
    assert CODENAME not in text.input_value()
    assert CODENAME not in page.get_by_label("Title of the copy").input_value()
    expect(page.get_by_label("Handling code of the copy")).to_have_value("restricted")
    page.get_by_role("button", name="Create sanitised copy").click()
    copy_ref = f"{reference}-S1"
    expect(page.locator("main")).to_contain_text(copy_ref)
    expect(page.locator(".message-text")).not_to_contain_text(CODENAME)

    # disseminated to North Region from the copy's page
    page.get_by_label("Units").select_option("North Region")
    page.get_by_role("button", name="Disseminate").click()
    expect(page.locator("#send")).to_contain_text("unit North Region")
    page.goto(live_server + "/")
    expect(_rate(page, "North Region")).to_have_text("0%")

    # the recipient sees it awaiting their feedback; no reminder before the wait is over
    nina = phone  # at North Region, on a phone
    sign_in(nina, live_server, "nina@customs.example")
    awaiting = nina.locator(".dashboard-awaiting")
    expect(awaiting).to_contain_text(copy_ref)
    nina.get_by_role("link", name="All reports awaiting your feedback").click()
    expect(nina.get_by_role("heading", level=1)).to_have_text("Awaiting your feedback")
    expect(nina.locator("main")).to_contain_text(copy_ref)
    width = nina.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the awaiting page scrolls sideways on a phone ({width}px)"
    nina.goto(live_server + "/")
    assert runner.invoke(args=["feedback", "remind"]).output.strip() == "reminded 0 officers"

    # fourteen days later (the app's clock cannot be moved: the wait is shortened instead)
    app.config["FEEDBACK_DAYS"] = 0
    assert runner.invoke(args=["feedback", "remind"]).output.strip() == "reminded 1 officer"
    nina.reload()
    expect(awaiting).to_contain_text("overdue")
    nav = nina.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name=re.compile("^Notifications")).click()
    nina.get_by_role("link", name=f"Report {copy_ref} awaits your feedback").click()
    expect(nina.get_by_role("heading", level=1)).to_contain_text("Feedback")
    nina.get_by_label("The report was useful").check()
    nina.get_by_label("We acted on it").check()
    nina.get_by_label("Result").fill("Container MSCU1234565 held at Burgas; 2 million sticks.")
    nina.get_by_role("button", name="Send feedback").click()
    expect(nina.locator("main")).to_contain_text("Thank you for the feedback.")
    nina.goto(live_server + "/")
    expect(awaiting).to_contain_text("No disseminated report awaits your feedback.")
    expect(_rate(nina, "North Region")).to_have_text("100%")
    width = nina.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the dashboard scrolls sideways on a phone ({width}px)"
    nina.screenshot(path=str(tmp_path / "journey-feedback-recipient.png"), full_page=True)

    # back at HQ the analyst sees North Region's feedback rate change
    page.reload()
    expect(_rate(page, "North Region")).to_have_text("100%")
    page.screenshot(path=str(tmp_path / "journey-feedback-analyst.png"), full_page=True)
