"""A hub's neighbourhood answers bounded: per relation type the latest few neighbours, the
type's total, and a key that fetches the next page of that type; need-to-know applies
before the limit, so a report the reader may not see neither shows nor counts."""

from datetime import date, timedelta

from tests.factories import declaration, person, relation
from tests.network_seed import BALTIC, RESTRICTED_REPORT, SOUTH_ANALYST, seed_network

HUB_DECLARATIONS = 300
HUB_ASSOCIATES = 40
REF = BALTIC.removeprefix("trader:")


def _hub(make, make_unit):
    """The network plus 300 imports by Baltic Star (one a day from 2 January 2026) and 40
    associates, all through ``flask import``."""
    seed_network(make, make_unit)
    make.import_lines(*(
        declaration(f"DEC-2026-{i:06d}", (date(2026, 1, 1) + timedelta(days=i)).isoformat(),
                    flow="import", importer=REF)
        for i in range(1, HUB_DECLARATIONS + 1)
    ))
    make.import_lines(
        *(person(f"P-H{i:03d}", f"Associate {i:03d}") for i in range(HUB_ASSOCIATES)),
        *(relation("person", f"P-H{i:03d}", "associate_of", "trader", REF,
                   source="port register", date=f"2024-{1 + i % 12:02d}-01")
          for i in range(HUB_ASSOCIATES)),
    )


def _group(answer, node, type_):
    found = [g for g in answer["groups"] if g["node"] == node and g["type"] == type_]
    return found[0] if found else None


def test_hub_neighbourhood_is_bounded_with_totals_and_pages_by_key(make, make_unit):
    _hub(make, make_unit)
    reader = make.user("inv@customs.example", role="investigator")
    path = f"/entities/{BALTIC}/neighbours"

    answer = make.api("get", path, as_=reader, expect=200, query_string={"per_type": 10})
    assert {"nodes", "edges", "truncated", "groups"} <= set(answer)
    imports = _group(answer, BALTIC, "IMPORTED_BY")
    assert imports["shown"] == 10 and imports["total"] == HUB_DECLARATIONS + 1
    assert not imports["capped"] and imports["more"]
    shown = [e["source"] for e in answer["edges"] if e["type"] == "IMPORTED_BY"]
    # The latest ten, newest first by day.
    assert sorted(shown) == [f"declaration:DEC-2026-{i:06d}" for i in range(291, 301)]
    associates = _group(answer, BALTIC, "ASSOCIATE_OF")
    assert associates["shown"] == 10 and associates["total"] == HUB_ASSOCIATES
    assert len(answer["nodes"]) < 60  # not 340 nodes

    following = make.api("get", path, as_=reader, expect=200,
                         query_string={"per_type": 10, "more": imports["more"]})
    nxt = [e["source"] for e in following["edges"] if e["type"] == "IMPORTED_BY"]
    assert sorted(nxt) == [f"declaration:DEC-2026-{i:06d}" for i in range(281, 291)]
    assert [(g["type"], g["shown"]) for g in following["groups"]] == [("IMPORTED_BY", 10)]
    assert {e["type"] for e in following["edges"]} == {"IMPORTED_BY"}

    default = make.api("get", path, as_=reader, expect=200)
    assert _group(default, BALTIC, "IMPORTED_BY")["shown"] == 25
    for bad in ({"per_type": 0}, {"per_type": 101}, {"per_type": "x"}, {"more": "nope"}):
        response = make.api("get", path, as_=reader, query_string=bad)
        assert response.status_code == 400, bad
        assert response.json.get("error") or response.json.get("message")


def test_a_hidden_reports_mention_neither_shows_nor_counts(make, make_unit):
    _hub(make, make_unit)
    reader = make.user("inv@customs.example", role="investigator")
    path = f"/entities/{BALTIC}/neighbours"

    hq = make.api("get", path, as_=reader, expect=200, query_string={"per_type": 5})
    assert _group(hq, BALTIC, "MENTIONS") is None
    assert f"report:{RESTRICTED_REPORT}" not in {n["id"] for n in hq["nodes"]}
    south = make.api("get", path, as_=SOUTH_ANALYST, expect=200, query_string={"per_type": 5})
    mentions = _group(south, BALTIC, "MENTIONS")
    assert mentions["total"] == 1 and mentions["shown"] == 1 and mentions["more"] is None
    assert f"report:{RESTRICTED_REPORT}" in {n["id"] for n in south["nodes"]}


def test_the_one_statement_walk_answers_as_the_step_by_step_walk(make, make_unit, monkeypatch):
    """The neighbourhood reads its whole walk in one statement while it stays within the
    node cap and goes on step by step past it; cut the walk short (after no step or after
    the first) and each answer (nodes, edges, groups, need-to-know) must stay the same."""
    from graph import network

    _hub(make, make_unit)
    reader = make.user("inv@customs.example", role="investigator")
    path = f"/entities/{BALTIC}/neighbours"
    asks = [
        {"depth": 2},
        {"depth": 3, "per_type": 5},
        {"depth": 2, "per_type": 30, "limit": 40},  # the cap cuts the first step
        {"depth": 3, "per_type": 4, "limit": 25},  # the cap cuts a later step
        {"depth": 2, "kinds": "Trader,Person,Declaration", "since": "2026-03-01"},
        {"depth": 2, "types": "IMPORTED_BY,MENTIONS,DIRECTOR_OF", "until": "2026-02-01"},
    ]
    whole = {(who, i): make.api("get", path, as_=who, expect=200, query_string=ask)
             for who in (reader, SOUTH_ANALYST) for i, ask in enumerate(asks)}
    assert any(answer["truncated"] for answer in whole.values())
    assert any(not answer["truncated"] for answer in whole.values())

    run = network.tx_values
    walks = (network.WALK_ENTITY, network.WALK_REPORT, network.WALK_DECLARATION)
    for steps in (0, 1):

        def cut(tx, cypher, steps=steps, **params):
            rows = run(tx, cypher, **params)
            if cypher in walks:
                for row in rows:
                    row["steps"], row["done"] = row["steps"][:steps], False
            return rows

        monkeypatch.setattr(network, "tx_values", cut)
        for (who, i), answer in whole.items():
            again = make.api("get", path, as_=who, expect=200, query_string=asks[i])
            assert again == answer, (steps, asks[i])
