"""The source handler's day, end to end through the pages: register an informant, have
the controller approve the recruitment, log a contact with a payment and its reason, log
and grade the informant's report, and find the source on the overdue list once its review
date has passed. Setup only through the account fixtures and the pages (never Cypher)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_a_handler_recruits_meets_pays_reports_and_is_reminded_to_review(
        page, phone, browser, live_server, make_user, monkeypatch, tmp_path):
    from graph import clock
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    make_user("hana@customs.example", role="handler")
    make_user("ctrl@customs.example", role="analyst")

    # the handler registers the informant, naming the controller
    sign_in(page, live_server, "hana@customs.example", "/sources/")
    page.get_by_role("link", name="Register a source").click()
    page.get_by_label("Codename").fill("kx-17")
    page.get_by_label("Type").select_option(label="Informant")
    page.get_by_label("Reliability").select_option("B")
    page.get_by_label("Controller").select_option(label="ctrl · analyst (HQ)")
    page.get_by_label("True name").fill("Zlatka Secretova")
    page.get_by_role("button", name="Register source").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Source KX-17")
    recruitment = page.locator("#recruitment")
    expect(recruitment).to_contain_text("Awaiting approval by the controller, ctrl")
    expect(recruitment).to_contain_text("cannot be named in a new informant report")

    # until approved, the informant form does not offer the source
    page.goto(live_server + "/reports/new?channel=informant")
    expect(page.locator("#awaiting-approval")).to_contain_text("KX-17")

    # the controller approves the recruitment and sets the first review date
    controller = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(controller, live_server, "ctrl@customs.example", "/sources/KX-17")
    first_review = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    controller.get_by_label("First review by").fill(first_review)
    controller.get_by_role("button", name="Approve recruitment").click()
    expect(controller.locator(".flash")).to_contain_text("Recruitment approved")
    expect(controller.locator("#recruitment")).to_contain_text("Approved by ctrl")
    shown = datetime.date.fromisoformat(first_review).strftime("%d %b %Y")
    expect(controller.locator("#review-due")).to_have_text(shown)  # as dates read elsewhere
    controller.context.close()

    # the handler logs a meeting with a payment: first without its reason, then with it
    page.goto(live_server + "/sources/KX-17")
    contact = page.locator("#contact-form")
    contact.get_by_label("Place").fill("Petrol station, Sliven ring road")
    contact.get_by_label("Payment or reward").select_option(label="Payment (money)")
    contact.get_by_label("Amount").fill("200")
    contact.get_by_role("button", name="Log contact").click()
    expect(page.locator("#contact-form .errors")).to_contain_text("needs its reason")
    expect(page.locator("#contacts")).to_contain_text("No contact logged yet")
    contact = page.locator("#contact-form")
    contact.get_by_label("Reason for the payment").fill("Lorry CA1234KX tip, confirmed")
    contact.get_by_role("button", name="Log contact").click()
    log = page.locator("#contacts table")
    expect(log).to_contain_text("Petrol station, Sliven ring road")
    expect(log).to_contain_text("payment: 200.00 EUR")
    expect(log).to_contain_text("Lorry CA1234KX tip, confirmed")

    # the handler logs what the informant said, grading the information
    page.goto(live_server + "/reports/new?channel=informant")
    page.get_by_label("Source (codename)").select_option("KX-17")
    page.get_by_label("Title").fill("Cigarettes in lorry CA1234KX")
    page.get_by_label("Text of the report").fill(
        "The source says lorry CA1234KX carries undeclared cigarettes under tiles.")
    page.get_by_label("Handling code").select_option("restricted")
    page.get_by_label("Information credibility").select_option("2")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cigarettes in lorry CA1234KX")
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("KX-17")
    expect(facts.locator("div", has_text="Source reliability")).to_contain_text("B")
    expect(facts.locator("div", has_text="Information")).to_contain_text("2")
    page.goto(live_server + "/sources/KX-17")
    expect(page.get_by_role("link", name=re.compile(r"^R-\d{4}-\d{6}$"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("B2")

    # nothing overdue yet; then the review date passes
    page.goto(live_server + "/")
    expect(page.locator("#reviews-overdue")).to_contain_text("No review of a source")
    later = (datetime.date.today() + datetime.timedelta(days=61)).isoformat()
    monkeypatch.setattr(clock, "today", lambda: later)
    page.reload()
    overdue = page.locator("#reviews-overdue")
    expect(overdue.get_by_role("row", name=re.compile("KX-17"))).to_contain_text(shown)
    overdue.get_by_role("link", name="KX-17").click()
    expect(page.locator("#review")).to_contain_text("overdue")
    page.screenshot(path=str(tmp_path / "journey-handler.png"), full_page=True)

    # the same list and the source's page, contact log included, fit the handler's phone
    sign_in(phone, live_server, "hana@customs.example", "/")
    expect(phone.locator("#reviews-overdue")).to_contain_text("KX-17")
    phone.goto(live_server + "/sources/KX-17")
    expect(phone.locator("#contacts")).to_contain_text("payment: 200.00 EUR")
    phone.wait_for_load_state("load")
    for path in ("/", "/sources/KX-17"):
        phone.goto(live_server + path)
        phone.wait_for_load_state("load")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
