"""A hub's entity page lists its declarations a page at a time (keyset: each "older" link
starts after the last row shown), newest first, with the true total, and keeps the
positive-control badge of a seizure that is not on the shown page;
the API pages the same way. Search keeps identifiers before names after the merge of both
into one query."""

import re
from datetime import date, timedelta

from app.accounts.service import issue_token
from graph.dossier import DECLARATIONS_PER_PAGE
from tests.factories import declaration
from tests.network_seed import BALTIC, PHONE, seed_network

EXTRA = 2 * DECLARATIONS_PER_PAGE + 7  # three pages on top of the seeded declaration


def _hub(make, make_unit):
    """The network, and EXTRA more imports by Baltic Star from 2 January 2026 on, one a
    day; every second one Baltic Star also declared."""
    seed_network(make, make_unit)
    ref = BALTIC.removeprefix("trader:")
    make.import_lines(*(
        declaration(f"DEC-2026-{i:06d}", (date(2026, 1, 1) + timedelta(days=i)).isoformat(),
                    flow="import", importer=ref, **({"declarant": ref} if i % 2 == 0 else {}))
        for i in range(1, EXTRA + 1)
    ))


def _declaration_ids(html):
    return re.findall(r'<tr><td><a href="/declarations/DEC-[^"]+">DEC-([^<]+)</a>', html)


def _older(html):
    match = re.search(r'<a rel="next" href="([^"]+)">older</a>', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_hub_page_shows_latest_declarations_and_pages_further(
    client, auth, graph, make, make_user, make_unit
):
    _hub(make, make_unit)
    make_user("inv@customs.example", role="investigator", unit="HQ")
    auth.login("inv@customs.example")
    total = EXTRA + 1

    first = client.get(f"/entities/{BALTIC}")
    assert first.status_code == 200
    shown = _declaration_ids(first.text)
    assert shown == [f"2026-{EXTRA - i:06d}" for i in range(DECLARATIONS_PER_PAGE)]
    assert f"Declarations ({total})" in first.text
    assert f"The latest {DECLARATIONS_PER_PAGE} of {total}" in first.text
    assert "declarations_before=" in first.text and 'rel="first"' not in first.text
    # The seizure is on the oldest declaration, far off this page: the badge still shows.
    assert "positive control" in first.text
    # A declaration in two roles is listed once, with both roles.
    assert "declared by, imported by" in first.text or "imported by, declared by" in first.text

    second = client.get(_older(first.text)).text
    assert 'rel="first"' in second
    last = client.get(_older(second)).text
    assert _declaration_ids(last) == [f"2026-{i:06d}" for i in range(7, 0, -1)] + ["2025-000001"]
    assert "undervaluation" in last and _older(last) is None
    assert client.get(f"/entities/{BALTIC}?declarations_before=x").status_code == 400
    assert client.get(f"/entities/{BALTIC}?declarations_before=WzEsMl0").status_code == 400


def test_api_pages_a_hubs_declarations(client, graph, make, make_user, make_unit):
    _hub(make, make_unit)
    make_user("inv@customs.example", role="investigator", unit="HQ")
    headers = {"Authorization": f"Bearer {issue_token(graph, 'inv@customs.example')}"}

    one = client.get(f"/api/v1/entities/{BALTIC}", headers=headers).json
    assert len(one["declarations"]) == DECLARATIONS_PER_PAGE
    assert one["declarations_total"] == EXTRA + 1 and one["declarations_next"]
    after = {"declarations_before": one["declarations_next"]}
    two = client.get(f"/api/v1/entities/{BALTIC}", query_string=after, headers=headers).json
    assert not {d["id"] for d in one["declarations"]} & {d["id"] for d in two["declarations"]}
    assert one["declarations"][-1]["date"] > two["declarations"][0]["date"]
    bad = client.get(
        f"/api/v1/entities/{BALTIC}", query_string={"declarations_before": "-1"}, headers=headers
    )
    assert bad.status_code == 400 and bad.json["error"]


def test_search_lists_identifier_hits_before_name_hits(
    client, graph, make, make_user, make_unit
):
    seed_network(make, make_unit)
    make_user("inv@customs.example", role="investigator", unit="HQ")
    headers = {"Authorization": f"Bearer {issue_token(graph, 'inv@customs.example')}"}
    found = client.get(
        "/api/v1/entities", query_string={"q": "+31 10 555 0101"}, headers=headers
    ).json["entities"]
    assert found[0]["id"] == PHONE and found[0]["matched"] == "identifier"
    assert len({e["id"] for e in found}) == len(found)


def test_an_entitys_properties_read_in_the_pages_words(client, auth, make, make_user):
    """A person's and a trader's properties are named in the page's language, and the
    script-blind key that finds duplicates ("mhmt rsln") is not shown."""
    from tests.factories import person, trader

    make.import_lines(
        person("P-77", "Mehmet Arslan", dob="1989-09-04", nationality="TR"),
        trader("BG777", "Vector Rila Textiles EAD", registered="2012-04-19", aeo=False),
    )
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    page = client.get("/entities/person:P-77")
    assert page.status_code == 200
    assert "<dt>date of birth</dt>" in page.text and "<dt>nationality</dt>" in page.text
    assert "translit" not in page.text and "mhmt" not in page.text
    assert "<dt>dob</dt>" not in page.text
    french = client.get("/entities/person:P-77", headers={"Accept-Language": "fr"}).text
    assert "<dt>date de naissance</dt>" in french and "<dt>nationalité</dt>" in french
    trader_page = client.get("/entities/trader:BG777", headers={"Accept-Language": "ar"}).text
    assert "<dt>تاريخ التسجيل</dt>" in trader_page and "<dt>registered</dt>" not in trader_page
