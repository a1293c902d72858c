"""An officer signs in, sees the dashboard and signs out, in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def test_login_dashboard_logout(page, live_server, make_user):
    make_user("officer@customs.example", role="analyst")
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/login?next=/")
    page.get_by_label("E-mail").fill("officer@customs.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator('[data-count="users"] .tile-value')).to_have_text("1")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server + "/login")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/login?next=/")


def test_failed_login_shows_an_error(page, live_server, make_user):
    make_user("officer@customs.example")
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill("officer@customs.example")
    page.get_by_label("Password").fill("certainly-wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Unknown e-mail or wrong password.")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")


def test_login_page_fits_a_phone(phone, live_server):
    phone.goto(live_server + "/login")
    expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
