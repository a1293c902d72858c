"""On a 390×844 phone the menu leaves the page to the officer: the items pinned for the
role stay on the bar, the rest open from "Menu"."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.test_intake_liaison import _sign_in_at_the_crossing

pytestmark = pytest.mark.e2e


def test_the_liaison_officers_phone_menu_folds(phone, live_server, make_unit, make_user):
    _sign_in_at_the_crossing(phone, live_server, make_unit, make_user)
    phone.goto(live_server + "/")
    phone.wait_for_load_state("load")

    nav = phone.get_by_role("navigation", name="Main")
    for pinned in ("Quick log", "My tasks", "Notifications"):
        expect(nav.get_by_role("link", name=pinned)).to_be_visible()
    expect(nav.get_by_role("link", name="Network explorer")).to_be_hidden()
    header = phone.locator("header.topbar").bounding_box()
    assert header and header["height"] <= 200, f"the menu fills the phone: {header}"

    phone.get_by_role("button", name="Menu").tap()
    expect(nav.get_by_role("link", name="Network explorer")).to_be_visible()
    expect(phone.get_by_role("button", name="Close menu")).to_have_attribute(
        "aria-expanded", "true")
    nav.get_by_role("link", name="Network explorer").tap()
    expect(phone).to_have_url(live_server + "/explorer")


def test_the_desktop_menu_shows_everything(page, live_server, make_user):
    make_user("ana@customs.example", role="analyst")
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("ana@customs.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Network explorer")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
