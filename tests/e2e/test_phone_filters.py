"""On a 390×844 phone a page's filters are as readable and as easy to tap as its fields:
the assistance requests' selects and the strategy's year take the phone's width."""

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e


def _sign_in(phone, live_server, email):
    phone.goto(live_server + "/assistance/")
    phone.get_by_label("E-mail").fill(email)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").tap()
    expect(phone).to_have_url(live_server + "/assistance/")


def _boxes(phone, selector):
    return [phone.locator(selector).nth(i).bounding_box()
            for i in range(phone.locator(selector).count())]


def test_filters_take_the_phones_width(phone, live_server, make_user, tmp_path):
    make_user("ana@customs.example", role="analyst")
    _sign_in(phone, live_server, "ana@customs.example")
    width = phone.viewport_size["width"]

    selects = _boxes(phone, "form.filters select")
    assert len(selects) == 3
    for box in selects:  # as wide as the page's content, as tall as a field (44 px)
        assert box["width"] >= width * 0.8 and box["height"] >= 44, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    phone.screenshot(path=str(tmp_path / "assistance-phone.png"), full_page=True)

    phone.goto(live_server + "/kpi/strategy")
    year = phone.get_by_label("Year").bounding_box()
    assert year["width"] >= width * 0.8 and year["height"] >= 38, year
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    phone.screenshot(path=str(tmp_path / "strategy-phone.png"), full_page=True)
