"""On a 390×844 phone the network explorer's search box takes the row beside its Find
button, so what an officer types (and the hint) can be read."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_the_explorers_search_box_takes_the_row(phone, live_server, make_user):
    make_user("inv@customs.example", role="investigator")
    sign_in(phone, live_server, "inv@customs.example", "/explorer")
    field = phone.locator("#explorer-q").bounding_box()
    find = phone.get_by_role("button", name="Find").bounding_box()
    row = phone.locator("#explorer-search .row").bounding_box()
    assert field["width"] >= row["width"] * 0.6, (field, row)
    assert find["width"] < field["width"] and find["height"] >= 36, find
    assert phone.evaluate("document.documentElement.scrollWidth") <= phone.viewport_size["width"]
