"""Typing a few letters of a trader's name in "Watch an entity" offers the traders the
officer may see in the field's list; picking one and submitting watches it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import trader

pytestmark = pytest.mark.e2e


def test_the_watch_form_offers_traders_by_name(page, live_server, make_user, make):
    make.import_lines(trader("NL123456789", "Baltic Star Trading Ltd", country="NL"))
    make_user("ana@customs.example", role="analyst")
    sign_in(page, live_server, "ana@customs.example", "/watch/")
    field = page.get_by_label("Entity", exact=True)
    field.press_sequentially("Baltic", delay=30)
    option = page.locator("datalist#watch-entities option")
    expect(option).to_have_count(1)
    assert option.get_attribute("value") == "NL123456789"
    assert "Baltic Star Trading Ltd" in option.get_attribute("label")
    field.fill(option.get_attribute("value"))
    page.get_by_role("button", name="Watch entity").click()
    expect(page.locator("#watches")).to_contain_text("Baltic Star Trading Ltd")
