"""The risk committee's day in the browser: build a profile with the form, read its
back-test, save it, find a declaration, score and select it from its page, record a
control with a fine and a referral, and see the profile's hit rate and the annual report
change. Setup only through `flask import` and the pages (never Cypher)."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.test_journeys import _import

pytestmark = pytest.mark.e2e

TODAY = date.today()
EARLIER = (TODAY - timedelta(days=60)).isoformat()
RECENT = (TODAY - timedelta(days=10)).isoformat()
CONTROLLED = (TODAY - timedelta(days=5)).isoformat()


def _declaration(did, importer, day, origin="CN", hs="8471.30"):
    return {"kind": "declaration", "id": did, "date": day, "flow": "import",
            "office": "BGSVI001", "importer": importer, "origin": origin, "destination": "BG",
            "transport": {"mode": "sea"},
            "items": [{"hs": hs, "description": "laptops", "quantity": 400, "unit": "pcs",
                       "weight_kg": 800.0, "value": 12000.0, "currency": "EUR"}]}


REGISTER = [
    {"kind": "trader", "id": "NL123456789", "name": "Baltic Star Trading Ltd", "country": "NL"},
    {"kind": "trader", "id": "BG200", "name": "Textile Ways OOD", "country": "BG"},
    # last months' controls the back-test reads: two CN laptop loads, one hit
    _declaration("DEC-H-1", "NL123456789", EARLIER),
    {"kind": "control", "declaration": "DEC-H-1", "date": EARLIER, "lane": "red",
     "result": "positive", "revenue": 1800.0},
    _declaration("DEC-H-2", "NL123456789", EARLIER),
    {"kind": "control", "declaration": "DEC-H-2", "date": EARLIER, "lane": "yellow",
     "result": "negative"},
    _declaration("DEC-H-3", "BG200", EARLIER, origin="TR", hs="620342"),
    {"kind": "control", "declaration": "DEC-H-3", "date": EARLIER, "lane": "red",
     "result": "positive", "revenue": 300.0},
    # today's declaration the committee member will look at
    _declaration("DEC-2026-NEW", "NL123456789", RECENT),
]


def _annual_row(page, outcome):
    return page.locator(f'#kpi-sanctions tr[data-outcome="{outcome}"]')


def test_a_committee_member_builds_a_profile_and_follows_it_to_the_annual_report(
        page, phone, live_server, make_user, runner, tmp_path):
    _import(runner, tmp_path, *REGISTER)
    make_user("cm@customs.example", role="committee")
    year = CONTROLLED[:4]

    # the annual report before: no fine, no referral
    sign_in(page, live_server, "cm@customs.example", "/")
    page.goto(live_server + f"/kpi/annual?year={year}")
    expect(_annual_row(page, "fines").locator("td").nth(1)).to_have_text("0")
    expect(_annual_row(page, "referrals").locator("td").nth(1)).to_have_text("0")

    # build the profile with the form, no JSON
    page.goto(live_server + "/risk/profiles/new")
    page.get_by_label("Profile id").fill("CN-LAPTOPS")
    page.get_by_label("Name", exact=True).fill("Laptops from China")
    page.get_by_label("Condition 1 field").select_option("field:origin")
    page.get_by_label("Condition 1 operator").select_option("==")
    page.get_by_label("Condition 1 value").fill("China")
    page.get_by_label("Condition 2 field").select_option("field:items.hs")
    page.get_by_label("Condition 2 operator").select_option("startswith")
    page.get_by_label("Condition 2 value").fill("8471")
    page.get_by_label("Weight (log-odds added)").fill("1.5")
    page.get_by_label("Minimum lane").select_option("yellow")
    page.get_by_label("Rationale").fill("Laptop loads from China under-valued at import")
    page.get_by_role("button", name="Back-test").click()
    # a country name is not a code: the form says so beside the condition
    expect(page.locator(".condition-row[data-row='1'] .errors")).to_contain_text(
        "not an ISO 3166-1 alpha-2 country code")
    expect(page.locator("#backtest-result")).to_have_count(0)
    page.get_by_label("Condition 1 value").fill("CN")
    page.get_by_role("button", name="Back-test").click()

    backtest = page.locator("#backtest-result")
    expect(backtest.get_by_role("heading")).to_contain_text("3 controlled declarations")
    mine = backtest.locator("tr[data-backtest='candidate']")
    expect(mine.locator(".selected")).to_have_text("2")
    expect(mine.locator(".hits")).to_have_text("1")
    expect(mine.locator(".hit-rate")).to_have_text("50.0%")
    expect(mine.locator(".revenue")).to_have_text("1,800.00")
    expect(backtest.locator("tr[data-backtest='all'] .hit-rate")).to_have_text("66.7%")
    page.screenshot(path=str(tmp_path / "committee-backtest.png"), full_page=True)
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("main")).to_contain_text("Profile CN-LAPTOPS saved (version 1).")

    # find today's declaration and score it from its page
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Find a declaration").click()
    page.get_by_label("Trader (register id or name)").fill("baltic star")
    page.get_by_label("From", exact=True).fill(RECENT)
    page.get_by_role("button", name="Search").click()
    found = page.locator("#declarations")
    expect(found.locator("tbody tr")).to_have_count(1)
    found.get_by_role("link", name="DEC-2026-NEW").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaration DEC-2026-NEW")
    risk = page.locator("#risk-result")
    expect(risk).to_contain_text("Risk profile Laptops from China")
    risk.get_by_role("button", name="Score and record the selection").click()
    expect(page.locator("#selection")).to_contain_text("by profile CN-LAPTOPS")

    # the profile has selected it, nothing controlled yet
    page.goto(live_server + "/risk/profiles")
    row = page.get_by_role("row", name=re.compile("CN-LAPTOPS"))
    expect(row.locator(".hit-rate")).to_have_text("—")

    # record the control with its fine and referral, from the declaration page
    page.goto(live_server + "/declarations/DEC-2026-NEW")
    page.locator("#risk-result").get_by_role("link", name="Record a control result").click()
    expect(page.get_by_label("Declaration number")).to_have_value("DEC-2026-NEW")
    page.get_by_label("Date of the control").fill(CONTROLLED)
    page.get_by_label("Lane", exact=True).select_option("red")
    page.get_by_label("Result", exact=True).select_option("positive")
    page.get_by_label("Finding").fill("Invoices at half the market price")
    page.get_by_label("Revenue recovered (EUR)").fill("2500")
    page.get_by_label("Penalty or fine").fill("5000")
    page.get_by_label("Currency of the fine").fill("EUR")
    page.get_by_label("Fine imposed on").fill(CONTROLLED)
    page.get_by_label("Referred to prosecution on").fill(CONTROLLED)
    page.get_by_role("button", name="Record result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaration DEC-2026-NEW")
    outcome = page.locator("table[data-section=controls] .outcome")
    expect(outcome).to_contain_text("fine 5,000.00 EUR")
    expect(outcome).to_contain_text("referred to prosecution")

    # the profile's hit rate and outcomes follow
    page.goto(live_server + "/risk/profiles")
    row = page.get_by_role("row", name=re.compile("CN-LAPTOPS"))
    expect(row.locator(".hits")).to_have_text("1")
    expect(row.locator(".hit-rate")).to_have_text("100.0%")
    expect(row.locator(".fines")).to_contain_text("5,000.00 EUR")
    expect(row.locator(".referrals")).to_have_text("1")

    # and so does the annual report
    page.goto(live_server + f"/kpi/annual?year={year}")
    expect(_annual_row(page, "fines").locator("td").nth(1)).to_have_text("1")
    expect(_annual_row(page, "fines").locator("td").nth(2)).to_have_text("5,000.00 EUR")
    expect(_annual_row(page, "referrals").locator("td").nth(1)).to_have_text("1")
    expect(page.locator("#summary-sanctions")).to_contain_text("1 fines imposed (5,000.00 EUR)")
    page.screenshot(path=str(tmp_path / "committee-annual.png"), full_page=True)

    # on a phone the committee's pages do not scroll sideways
    sign_in(phone, live_server, "cm@customs.example", "/risk/effectiveness")
    for path in ("/risk/effectiveness", "/risk/thresholds", "/risk/profiles/CN-LAPTOPS",
                 "/risk/control", "/declarations/?q=DEC"):
        phone.goto(live_server + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways on a phone ({width}px)"
    phone.screenshot(path=str(tmp_path / "committee-phone.png"), full_page=True)
