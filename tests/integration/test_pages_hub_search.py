"""Pages under load (issue 21): a hub trader imported by ``flask import`` with 600
declarations and more reports than the entity page lists shows the latest of each with
the right total, pages through every declaration exactly once (keyset links), and counts
only the reports the viewer may read; search goes through the full-text indexes, pages
its results by key, keeps need-to-know and takes Lucene syntax as plain text."""

import re
from datetime import date, timedelta

from graph.dossier import DECLARATIONS_PER_PAGE, REPORTS_SHOWN
from tests.factories import declaration, report, trader
from tests.network_seed import (
    BALTIC,
    HQ_ANALYST,
    OPEN_REPORT,
    RESTRICTED_REPORT,
    SOUTH_ANALYST,
    ZARKOVIC,
    seed_network,
)

HUB = "trader:NL999000111"
HUB_NAME = "Kestrel Freight Holdings"
DECLARATIONS = 600
OPEN_REPORTS = REPORTS_SHOWN + 5


def _hub(make, make_unit):
    """The seeded network, and the hub: 600 imports (three a day, so days tie and the
    declaration id decides), OPEN_REPORTS open HQ reports naming it and one restricted
    South Region report naming it."""
    seed_network(make, make_unit)
    start = date(2025, 6, 1)
    lines = [trader("NL999000111", HUB_NAME, country="NL")]
    lines += [
        declaration(f"DEC-2025-9{i:05d}", (start + timedelta(days=i // 3)).isoformat(),
                    flow="import", importer="NL999000111")
        for i in range(DECLARATIONS)
    ]
    lines += [
        report(f"R-HUB-{i:03d}", f"{HUB_NAME} moved lot {i} of laptops through Varna.",
               received=f"2025-07-{1 + i % 28:02d}T{8 + i // 28:02d}:00:00Z",
               handling="open", title=f"Hub lot {i}")
        for i in range(OPEN_REPORTS)
    ]
    lines.append(report("R-HUB-SECRET", f"{HUB_NAME} pays the quayside foreman in cash.",
                        unit="South Region", handling="restricted", title="Quayside payments"))
    make.import_lines(*lines)


def _ids(html, kind="declarations"):
    table = re.search(rf'<table data-section="{kind}">(.*?)</table>', html, re.S)
    return re.findall(r'<tr><td><a href="/declarations/([^"]+)">', table.group(1)) if table else []


def _older(html):
    match = re.search(r'<a rel="next" href="([^"]+)">older</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def _expected_order():
    start = date(2025, 6, 1)
    keyed = [((start + timedelta(days=i // 3)).isoformat(), f"DEC-2025-9{i:05d}")
             for i in range(DECLARATIONS)]
    return [ref for _, ref in sorted(keyed, reverse=True)]


def test_hub_page_and_api_show_the_latest_with_totals_and_page_every_declaration_once(
    client, auth, make, make_unit
):
    _hub(make, make_unit)
    expected = _expected_order()
    auth.login(HQ_ANALYST)

    page = client.get(f"/entities/{HUB}")
    assert page.status_code == 200
    assert _ids(page.text) == expected[:DECLARATIONS_PER_PAGE]
    assert f"Declarations ({DECLARATIONS})" in page.text
    assert f"The latest {DECLARATIONS_PER_PAGE} of {DECLARATIONS}" in page.text
    # Reports: the latest REPORTS_SHOWN of those HQ may read; the South Region's is not
    # listed, not counted.
    assert f"Reports mentioning it ({OPEN_REPORTS})" in page.text
    assert f"The latest {REPORTS_SHOWN} of {OPEN_REPORTS}" in page.text
    assert "Quayside payments" not in page.text

    seen, pages = list(_ids(page.text)), 1
    link = _older(page.text)
    while link:
        page = client.get(link)
        assert page.status_code == 200 and 'rel="first"' in page.text
        seen += _ids(page.text)
        pages += 1
        link = _older(page.text)
    assert seen == expected  # every declaration exactly once, newest first
    assert pages == -(-DECLARATIONS // DECLARATIONS_PER_PAGE)

    headers = make.bearer(HQ_ANALYST)
    api = client.get(f"/api/v1/entities/{HUB}", headers=headers).json
    assert api["declarations_total"] == DECLARATIONS
    assert api["reports_total"] == OPEN_REPORTS and len(api["reports"]) == REPORTS_SHOWN
    received = [r["received"] for r in api["reports"]]
    assert received == sorted(received, reverse=True)
    assert "R-HUB-SECRET" not in {r["id"] for r in api["reports"]}
    walked = [d["id"] for d in api["declarations"]]
    while api["declarations_next"]:
        api = client.get(f"/api/v1/entities/{HUB}", headers=headers,
                         query_string={"declarations_before": api["declarations_next"]}).json
        assert len(api["declarations"]) <= DECLARATIONS_PER_PAGE
        walked += [d["id"] for d in api["declarations"]]
    assert walked == expected

    south = client.get(f"/api/v1/entities/{HUB}", headers=make.bearer(SOUTH_ANALYST)).json
    assert south["reports_total"] == OPEN_REPORTS + 1


def _search(client, headers, **params):
    answer = client.get("/api/v1/entities", query_string=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json


def test_search_finds_words_and_names_within_need_to_know(client, auth, make, make_unit):
    seed_network(make, make_unit)
    hq, south = make.bearer(HQ_ANALYST), make.bearer(SOUTH_ANALYST)

    # Words of a report's text and title, names and a misspelt name.
    assert OPEN_REPORT in {r["id"] for r in _search(client, hq, q="Varna")["reports"]}
    assert OPEN_REPORT in {r["id"] for r in _search(client, hq, q="port")["reports"]}
    for words in ("Baltic", "baltic star", "Baltik"):
        assert BALTIC in {e["id"] for e in _search(client, hq, q=words)["entities"]}, words

    # The restricted report's words find nothing for HQ, nor the company known only from
    # it; its reader in the South Region finds both.
    for words in ("cigarettes", "laptop consignments", "Zarkovic"):
        found = _search(client, hq, q=words)
        assert RESTRICTED_REPORT not in {r["id"] for r in found["reports"]}, words
        assert ZARKOVIC not in {e["id"] for e in found["entities"]}, words
    assert RESTRICTED_REPORT in {
        r["id"] for r in _search(client, south, q="cigarettes")["reports"]}
    assert ZARKOVIC in {e["id"] for e in _search(client, south, q="Zarkovic")["entities"]}

    # The page shows the same, within the same rules.
    auth.login(HQ_ANALYST)
    html = client.get("/search", query_string={"q": "cigarettes"}).text
    assert "Cigarettes in laptop consignments" not in html and "No report matches." in html


LUCENE_SYNTAX = [
    '"', "*", "~", "AND", "\\", "OR NOT", "a AND (b OR", "\\\"", "/", "[a TO b]",
    "+-!&&||^?{}", "name:x", "x" * 300, "Baltic " + "\\" * 199,
]


def test_search_takes_lucene_syntax_as_text(client, auth, make, make_unit):
    seed_network(make, make_unit)
    hq = make.bearer(HQ_ANALYST)
    auth.login(HQ_ANALYST)
    for text in LUCENE_SYNTAX:
        found = _search(client, hq, q=text)
        assert isinstance(found["entities"], list) and isinstance(found["reports"], list)
        assert client.get("/search", query_string={"q": text}).status_code == 200, text
        assert client.get("/reports/", query_string={"q": text}).status_code == 200, text
    # Syntax around a name is punctuation, not an operator: the name is still found.
    for text in ('"Baltic"', "Baltic*", "(Baltic", "Baltic)", "Baltic!", "Baltic~"):
        assert BALTIC in {e["id"] for e in _search(client, hq, q=text)["entities"]}, text
    # Nor does an operator widen a search: AND, OR, NOT are words like any other.
    assert _search(client, hq, q="Zarkovic OR Baltic")["entities"] == []


def test_search_pages_return_every_match_once(client, auth, make, make_unit):
    _hub(make, make_unit)
    hq = make.bearer(HQ_ANALYST)
    first = _search(client, hq, q="laptops", limit=7)
    references = [r["id"] for r in first["reports"]]
    after = first["reports_next"]
    while after:
        page = _search(client, hq, q="laptops", limit=7, kind="reports", after=after)
        assert page["entities"] == []
        references += [r["id"] for r in page["reports"]]
        after = page["reports_next"]
    assert sorted(references) == sorted(f"R-HUB-{i:03d}" for i in range(OPEN_REPORTS))

    bad = client.get("/api/v1/entities", headers=hq,
                     query_string={"q": "laptops", "kind": "reports", "after": "nonsense"})
    assert bad.status_code == 400 and bad.json["error"]
    assert client.get("/api/v1/entities", headers=hq,
                      query_string={"q": "x", "after": first["reports_next"]}).status_code == 400

    auth.login(HQ_ANALYST)
    html = client.get("/search", query_string={"q": "laptops"}).text
    more = re.search(r'<a rel="next" href="([^"]+)">More reports</a>', html)
    assert more, "no link to the further matches"
    further = client.get(more.group(1).replace("&amp;", "&"))
    assert further.status_code == 200 and "Hub lot" in further.text
    assert client.get("/search?q=laptops&kind=reports&after=zz").status_code == 200


def _walk_reports(client, headers, **params):
    """Every report id of the API's report list, following ``next`` page by page."""
    seen, after = [], None
    while True:
        answer = client.get("/api/v1/reports", headers=headers,
                            query_string={**params, **({"after": after} if after else {})})
        assert answer.status_code == 200, answer.text
        seen += [r["id"] for r in answer.json["reports"]]
        after = answer.json["next"]
        if not after:
            return seen


def test_report_lists_page_by_key_every_report_once(client, auth, make, make_unit):
    _hub(make, make_unit)
    hq, south = make.bearer(HQ_ANALYST), make.bearer(SOUTH_ANALYST)
    hub_reports = {f"R-HUB-{i:03d}" for i in range(OPEN_REPORTS)}

    newest_first = _walk_reports(client, hq, limit=8)
    assert len(newest_first) == len(set(newest_first))
    assert hub_reports | {OPEN_REPORT} <= set(newest_first)
    assert "R-HUB-SECRET" not in newest_first and RESTRICTED_REPORT not in newest_first
    assert "R-HUB-SECRET" in _walk_reports(client, south, limit=8)

    matches = _walk_reports(client, hq, q="laptops", limit=6)
    assert sorted(matches) == sorted(hub_reports)
    bad = client.get("/api/v1/reports", headers=hq, query_string={"after": "!!"})
    assert bad.status_code == 400

    auth.login(HQ_ANALYST)
    page = client.get("/reports/").text
    older = re.search(r'<a rel="next" href="([^"]+)">older</a>', page)
    assert older, "no link to older reports"
    second = client.get(older.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and 'rel="first"' in second.text
