"""Source-system fields of a declaration as history dimensions (risk.stats.declared_fields)
and the indicator they feed (declared_fields_history)."""

from __future__ import annotations

from risk.features import extract
from risk.stats import InMemoryHistoryStats, declared_fields, dimension_keys
from risk.valuation import UnitValueStats

BASE = {"id": "D1", "date": "2025-01-02", "importer": "NL1", "origin": "CN",
        "departure": "TR", "flow": "import", "transport": {"mode": "sea"},
        "items": [{"hs": "847130", "value": 100.0, "tax_type": "A", "tax_rate": 8.0,
                   "description": "laptops", "currency": "EUR"},
                  {"hs": "610910", "value": 50.0, "tax_type": "C", "tax_rate": 12.0}]}


def test_categories_of_every_shape_of_declaration_become_dimensions():
    raw = {**BASE, "payment_type": "11", "courier": "C7", "import_use": 21}
    keys = declared_fields(raw)
    assert keys["field:payment_type"] == ["11"] and keys["field:import_use"] == ["21"]
    assert keys["field:mode"] == ["sea"] and keys["field:departure"] == ["TR"]
    assert keys["item:tax_type"] == ["A", "C"] and keys["item:tax_rate"] == ["8", "12"]
    assert "item:description" not in keys and "field:importer" not in keys
    # a validated import record keeps unknown fields under "extra" and the mode on top
    record = {**BASE, "transport": None, "mode": "sea", "extra": {"payment_type": "11"},
              "links": [("IMPORTED_BY", "trader:NL1")], "created": True}
    assert declared_fields(record)["field:payment_type"] == ["11"]
    assert declared_fields(record)["field:mode"] == ["sea"]
    assert "field:links" not in declared_fields(record)
    assert "field:created" not in declared_fields(record)
    assert dimension_keys(raw)["field:courier"] == ["C7"]


def test_selection_and_outcome_fields_never_become_dimensions():
    leaky = {**BASE, "lane": "red", "random_selection": True, "fraud": 1, "critical_fraud": 0,
             "Critical Fraud": 1, "inspection_result": "positive", "selected": True,
             "revenue": 100.0, "hit": 1, "extra": {"control_lane": "red"}}
    names = set(declared_fields(leaky))
    assert not {n for n in names if any(w in n.lower() for w in
                                         ("lane", "random", "fraud", "result", "select",
                                          "revenue", "hit"))}, names


def test_free_text_measures_and_nested_data_are_not_categories():
    keys = declared_fields({**BASE, "remarks": "x" * 80, "net_mass": 1234.5,
                            "packages": [1, 2], "seller": {"id": "S1"}, "gross": "1234.50",
                            "arrival": "2025-01-03T10:00:00Z", "procedure": "4000"})
    assert not {"field:remarks", "field:net_mass", "field:packages", "field:seller",
                "field:gross", "field:arrival"} & set(keys)
    assert keys["field:procedure"] == ["4000"]


def test_a_field_with_a_high_hit_rate_raises_the_indicator_and_names_itself():
    stats = InMemoryHistoryStats()
    for i in range(200):
        payment = "deferred" if i % 4 == 0 else "cash"
        hit = (payment == "deferred" and i % 8 == 0) or i % 20 == 1
        stats.record_control({**BASE, "payment_type": payment},
                             {"result": "positive" if hit else "negative"})
    values = UnitValueStats()

    def indicator(decl):
        return next(f for f in extract(decl, stats, values) if f.name == "declared_fields_history")

    risky = indicator({**BASE, "payment_type": "deferred"})
    usual = indicator({**BASE, "payment_type": "cash"})
    unknown = indicator({**BASE, "payment_type": "never seen"})
    assert risky.value > unknown.value > usual.value
    assert "Payment type deferred:" in risky.detail and "controls positive" in risky.detail
