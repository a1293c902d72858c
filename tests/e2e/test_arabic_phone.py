"""Arabic on a 390×844 phone: the layout mirrored (the brand and menu on the right), no
horizontal scrolling, the menu in Arabic; a screenshot of each page is kept for review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

# Horizontal overflow: the page wider than the phone's screen.
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def arabic_phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="ar")
    yield context.new_page()
    context.close()


def _mirrored_without_overflow(phone, shot) -> None:
    phone.wait_for_load_state("load")
    assert phone.locator("html").get_attribute("dir") == "rtl"
    phone.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    assert phone.evaluate(OVERFLOW) <= 0, f"{phone.url} scrolls sideways in Arabic"
    brand = phone.locator("a.brand").bounding_box()
    assert brand and brand["x"] > 390 / 2, f"the brand is not on the right: {brand}"


def test_the_arabic_dashboard_and_quick_log_fit_a_phone(
    arabic_phone, live_server, make_unit, make_user, tmp_path
):
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    make_unit("South", kind="regional")
    make_unit("Kapitan Andreevo", kind="bcp", parent="South")
    make_user("liaison@customs.example", role="liaison", unit="Kapitan Andreevo")
    phone = arabic_phone
    phone.goto(live_server + "/login")
    _mirrored_without_overflow(phone, tmp_path / "login-ar.png")
    phone.get_by_label("البريد الإلكتروني").fill("liaison@customs.example")
    phone.get_by_label("كلمة المرور").fill(PASSWORD)
    phone.get_by_role("button", name="تسجيل الدخول").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("لوحة القيادة")
    _mirrored_without_overflow(phone, tmp_path / "dashboard-ar.png")

    nav = phone.get_by_role("navigation", name="القائمة الرئيسية")
    expect(nav.get_by_role("link", name="التسجيل السريع")).to_be_visible()
    toggle = phone.get_by_role("button", name="القائمة")
    toggle.tap()
    expect(phone.get_by_role("button", name="إغلاق القائمة")).to_have_attribute(
        "aria-expanded", "true")
    expect(nav.get_by_role("link", name="مستكشف الشبكة")).to_be_visible()
    assert phone.evaluate(OVERFLOW) <= 0, "the open menu scrolls sideways"
    # no English left on the bar
    assert "Dashboard" not in nav.inner_text() and "Sign out" not in phone.content()

    nav.get_by_role("link", name="التسجيل السريع").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("التسجيل السريع")
    _mirrored_without_overflow(phone, tmp_path / "quick-log-ar.png")
    # the container is typed left to right inside the Arabic form
    container = phone.get_by_label("الحاوية")
    assert container.evaluate("e => getComputedStyle(e).direction") == "ltr"
    label = phone.locator("label[for=container]").bounding_box()
    field = container.bounding_box()
    assert label and field and label["x"] + label["width"] >= field["x"] + field["width"] - 2, \
        "the label does not start on the right"


def test_the_hotline_in_arabic_on_a_phone(phone, live_server, tmp_path):
    from nlp import get_nlp

    get_nlp()  # a tip is extracted as it arrives: load the model before the clock
    phone.goto(live_server + "/hotline")
    phone.get_by_role("link", name="العربية").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("الإبلاغ عن تهريب أو غش جمركي")
    _mirrored_without_overflow(phone, tmp_path / "hotline-ar.png")
    phone.get_by_label("ماذا حدث؟").fill("سجائر مخبأة في الحاوية MSCU1234565")
    phone.get_by_role("button", name="إرسال البلاغ").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("شكرًا: تم استلام بلاغك")
    _mirrored_without_overflow(phone, tmp_path / "hotline-received-ar.png")
    # the code is shown once: no language switch leads away from the receipt
    expect(phone.get_by_role("link", name="Français")).to_have_count(0)
    phone.goto(live_server + "/hotline/follow-up")
    expect(phone.get_by_role("heading", level=1)).to_have_text("متابعة بلاغك")
    phone.get_by_role("link", name="Français").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Suivre votre signalement")
