"""On a 390×844 phone the high-risk rankings read like their desktop tables: the figures on
one line and the reasons behind them the phone's width below, not a column off-screen
squeezed to one word a line (the commodities page grew to 40,000 px tall); an AEO alert's
detail keeps a readable width in its table."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.factories import control, declaration, trader

pytestmark = pytest.mark.e2e


def _cigarettes(ref: str, importer: str, date: str) -> dict:
    return declaration(ref, date, hs="240220", flow="import", importer=importer, origin="AE",
                       departure="AE", destination="BG", office="BGSOF001")


def test_rankings_show_their_reasons_under_the_figures(phone, live_server, make_user, make):
    make.import_lines(
        trader("BG123", "Sirius Euro Distribution EAD"),
        trader("BG555", "Vega Wholesale AD"),
        _cigarettes("DEC-1", "BG123", "2025-02-01"),
        control("DEC-1", "2025-02-03", "positive", lane="red", finding="concealment"),
        _cigarettes("DEC-2", "BG123", "2025-03-01"),
        control("DEC-2", "2025-03-02", "positive", lane="red", finding="concealment"),
        _cigarettes("DEC-3", "BG555", "2025-04-01"),
        control("DEC-3", "2025-04-02", "negative", lane="yellow"),
    )
    make.user("cora@customs.example", role="committee")
    make.api("POST", "/traders/BG555/aeo", as_="cora@customs.example", expect=201,
             json={"status": "granted", "date": "2025-01-10", "level": "AEOF"})
    make_user("ana@customs.example", role="analyst")
    sign_in(phone, live_server, "ana@customs.example", "/risk/commodities")
    width = phone.viewport_size["width"]

    for path in ("/risk/commodities", "/risk/traders"):
        phone.goto(live_server + path)
        reasons = phone.locator("table ul.reasons").first
        expect(reasons).to_be_visible()
        box = reasons.bounding_box()
        figures = phone.locator("table tbody tr").first.locator("td").nth(2).bounding_box()
        # the reasons take most of the phone's width, below the row's figures, on screen
        assert box["width"] >= width * 0.7, (path, box)
        assert box["y"] >= figures["y"] + figures["height"] - 1, (path, box, figures)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, box)
        assert phone.evaluate("document.documentElement.scrollWidth") <= width, path
        wrap = phone.locator(".table-wrap").first
        assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), path

    phone.goto(live_server + "/risk/aeo")
    detail = phone.locator("table td.sentences").first
    expect(detail).to_contain_text("No links to traders with positive controls")
    assert detail.bounding_box()["width"] >= 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= width


# Lines each header's text takes in the browser, beside its number of words: a word broken
# across two lines ("Contr/ols") takes more lines than the header has words.
HEADER_LINES = """table => [...table.querySelectorAll('thead th')].map(th => {
  const range = document.createRange();
  range.selectNodeContents(th);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return {text: th.textContent.trim(), words: th.textContent.trim().split(/\\s+/).length,
          lines: tops.size};
})"""


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_ranking_headers_keep_their_words_whole_on_a_phone(language, phone, live_server,
                                                           make_user, make):
    make.import_lines(
        trader("BG123", "Sirius Euro Distribution EAD"),
        _cigarettes("DEC-1", "BG123", "2025-02-01"),
        control("DEC-1", "2025-02-03", "positive", lane="red", finding="concealment"),
    )
    make_user("ana@customs.example", role="analyst")
    sign_in(phone, live_server, "ana@customs.example", "/risk/commodities")
    width = phone.viewport_size["width"]
    for path in ("/risk/commodities", "/risk/traders"):
        phone.goto(f"{live_server}{path}?lang={language}")
        table = phone.locator("table.ranked")
        expect(table.locator("ul.reasons").first).to_be_visible()
        phone.screenshot(path=f"/tmp/polish/{path.rsplit('/', 1)[1]}-{language}.png",
                         full_page=True)
        headers = table.evaluate(HEADER_LINES)
        broken = [h for h in headers if h["text"] and h["lines"] > h["words"]]
        assert not broken, (path, broken)
        # each figure sits under its header, the reasons below the figures, all on screen
        for i in range(6 if path.endswith("commodities") else 3):
            head = table.locator("thead th").nth(i).bounding_box()
            cell = table.locator("tbody tr").first.locator("td").nth(i).bounding_box()
            assert abs(head["x"] - cell["x"]) <= 1 and abs(head["width"] - cell["width"]) <= 1
        reasons = table.locator("ul.reasons").first.bounding_box()
        assert reasons["width"] >= width * 0.7, (path, reasons)
        assert phone.evaluate("document.documentElement.scrollWidth") <= width, path
