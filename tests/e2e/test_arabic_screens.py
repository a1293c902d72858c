"""The main pages in Arabic, on a desk screen (1440×900) and a phone (390×844): mirrored
(the menu on the right, headings aligned right), no sideways scrolling, and no English
left: a visible text that is an English message of the catalogue whose Arabic differs is
a string the page forgot to translate. A screenshot of each is kept in the test's folder."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from app.i18n_check import CATALOGUES
from tests.conftest import PASSWORD

pytestmark = pytest.mark.e2e

DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# Every visible text node and the words a control shows or says (value, placeholder, label).
VISIBLE_TEXTS = """() => {
  const out = [];
  const seen = (e) => e && e.getClientRects().length > 0
    && getComputedStyle(e).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
    const text = n.textContent.replace(/\\s+/g, ' ').trim();
    if (text && seen(parent)) out.push(text);
  }
  for (const e of document.querySelectorAll('input[type=submit], input[type=button], '
      + '[placeholder], [aria-label], [title]')) {
    if (!seen(e)) continue;
    for (const a of ['value', 'placeholder', 'aria-label', 'title']) {
      const v = (a === 'value' && e.tagName === 'INPUT' && ['submit', 'button'].includes(e.type))
        ? e.value : (a === 'value' ? null : e.getAttribute(a));
      if (v && v.trim()) out.push(v.replace(/\\s+/g, ' ').trim());
    }
  }
  return out;
}"""
# The right edge of a heading's words, and of the heading's own box.
TEXT_EDGES = """(h) => { const r = document.createRange(); r.selectNodeContents(h);
  return [r.getBoundingClientRect().left, r.getBoundingClientRect().right,
          h.getBoundingClientRect().left, h.getBoundingClientRect().right]; }"""


def _english_messages() -> frozenset[str]:
    """English messages (placeholders left out) whose Arabic text is different."""
    with (CATALOGUES / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="ar")
    found = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            if msgid and "%(" not in msgid and msgid not in texts:
                found.add(" ".join(msgid.split()))
    return frozenset(found)


def _check(page, name: str, folder, english: frozenset[str], *, signed_in: bool = True) -> None:
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    assert page.locator("html").get_attribute("dir") == "rtl", f"{name}: not right to left"
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {width}px"
    if width == DESK["width"]:
        bar = (page.get_by_role("navigation", name="القائمة الرئيسية") if signed_in
               else page.locator("a.brand"))
        box = bar.bounding_box()
        assert box and box["x"] + box["width"] > width * 0.75 and \
            width - (box["x"] + box["width"]) < box["x"], f"{name}: the menu is not on the right"
        left, right, box_left, box_right = page.get_by_role("heading", level=1).evaluate(TEXT_EDGES)
        assert box_right - right <= 2 and left - box_left >= 0, \
            f"{name}: the heading is not aligned right ({left}–{right} in {box_left}–{box_right})"
    left_over = sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in english})
    assert not left_over, f"{name} at {width}px shows English: {left_over}"


@pytest.fixture
def arabic(browser):
    """A browser that asks for Arabic, at the desk size; ``.set_viewport_size`` for a phone."""
    context = browser.new_context(viewport=DESK, locale="ar")
    yield context.new_page()
    context.close()


def test_the_main_pages_in_arabic_are_mirrored_fit_and_translated(
        arabic, live_server, make, make_unit, make_user, graph, tmp_path):
    from app.accounts.service import set_language
    from nlp import get_nlp

    get_nlp()  # the live server shares this process: load the spaCy model before the clock
    english = _english_messages()
    make_unit("South", kind="regional")
    make_unit("Kapitan Andreevo", kind="bcp", parent="South")
    officer = make_user("ana@customs.example", role="analyst")
    set_language(graph, officer.id, "ar")
    report = make.typed_report(
        "ضبط 12000 علبة سجائر في الحاوية MSCU1234565 بمعبر كابيتان أندرييفو؛ "
        "الشاحنة CA 1234 AB والهاتف +359 888 123 456.",
        by="ana@customs.example", title="ضبط سجائر في كابيتان أندرييفو", handling="restricted")
    make.accept_mentions(report["id"], "MSCU1234565", by="ana@customs.example")

    page = arabic
    page.goto(live_server + "/hotline")
    expect(page.get_by_role("heading", level=1)).to_have_text("الإبلاغ عن تهريب أو غش جمركي")
    for size in (DESK, PHONE):
        page.set_viewport_size(size)
        _check(page, "hotline", tmp_path, english, signed_in=False)
    page.set_viewport_size(DESK)
    page.goto(live_server + "/login")
    page.get_by_label("البريد الإلكتروني").fill("ana@customs.example")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("لوحة القيادة")

    entity = "/entities/container:MSCU1234565"
    pages = {
        "dashboard": "/", "reports": "/reports/", "report": f"/reports/{report['id']}",
        "entity": entity, "explorer": "/explorer?id=container:MSCU1234565",
    }
    for name, path in pages.items():
        for size in (DESK, PHONE):
            page.set_viewport_size(size)
            page.goto(live_server + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            if name == "explorer":
                expect(page.locator("#node-list")).to_contain_text("MSCU1234565")
            _check(page, name, tmp_path, english)
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/reports/log")
    expect(page.get_by_role("heading", level=1)).to_have_text("التسجيل السريع")
    _check(page, "quick-log", tmp_path, english)
    print(f"Arabic screenshots in {tmp_path}")
