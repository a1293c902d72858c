"""Indicators with explanations; intelligence grading; network exposure."""

from __future__ import annotations

import pytest

from graph.grading import ADMIRALTY, SCHEMES
from risk.features import FEATURE_NAMES, Context, as_mapping, extract
from risk.intel import MentionIndex, Sighting, describe, mention_weight
from risk.network import TraderNetwork
from risk.stats import InMemoryHistoryStats
from risk.valuation import UnitValueStats

DECL = {"kind": "declaration", "id": "DEC-2025-000001", "date": "2025-03-12", "flow": "import",
        "office": "BGSVI001", "importer": "NL123", "exporter": "CN9133", "declarant": "BG2020",
        "origin": "CN", "departure": "AE", "destination": "BG",
        "transport": {"mode": "sea", "container": "MSCU1234565", "imo": "9703291"},
        "items": [{"hs": "847130", "quantity": 400, "unit": "pcs", "weight_kg": 800.0,
                   "value": 12000.0, "value_cif": 12600.0}]}


def test_features_complete_named_and_explained():
    stats = InMemoryHistoryStats()
    for i in range(12):
        stats.record_control(DECL, {"result": "positive" if i < 7 else "negative"})
    other = {**DECL, "importer": "X", "declarant": "Y", "exporter": "Z", "origin": "TR",
             "office": "O", "items": [{"hs": "010101"}]}
    for i in range(88):
        stats.record_control(other, {"result": "positive" if i < 2 else "negative"})
    feats = extract(DECL, stats, UnitValueStats(), Context(aeo=True))
    assert [f.name for f in feats] == list(FEATURE_NAMES)
    by = {f.name: f for f in feats}
    assert by["importer_history"].detail.startswith(
        "Importer NL123: 7 of 12 controls positive (smoothed")
    assert "vs 9% overall" in by["importer_history"].detail
    assert by["importer_history"].value > 0
    assert by["transit_origin"].value == 1.0
    assert by["aeo"].value == 1.0 and "Authorised" in by["aeo"].detail
    assert as_mapping(feats)["undervaluation"] == 0.0


def graded(report_id, received, source, info, scheme=ADMIRALTY):
    return Sighting(report_id, "trader", "NL123", received, source, info,
                   signal=scheme.signal(source, info))


def test_mention_weight_prefers_reliable_recent_reports():
    fresh = graded("R1", "2025-03-10T09:00:00Z", "B", "2")
    stale = graded("R2", "2024-03-10", "B", "2")
    rumour = graded("R3", "2025-03-10", "E", "5")
    future = graded("R4", "2025-04-10", "A", "1")
    w = {m.report_id: mention_weight(m, "2025-03-12") for m in (fresh, stale, rumour, future)}
    assert w["R1"] > 10 * w["R2"] and w["R1"] > 10 * w["R3"] and w["R4"] == 0
    total, detail = describe([fresh, stale, rumour, future], "2025-03-12")
    assert total == pytest.approx(w["R1"] + w["R2"] + w["R3"])
    assert detail.startswith("3 report(s): R1 (B2, 2 d ago")


def test_grades_weigh_what_their_own_scheme_says():
    """A 3x5x2 "1A" (reliable, first hand) is a strong report, not an unknown Admiralty
    grade; an ungraded report weighs as "cannot be judged" in every scheme."""
    uk, five = SCHEMES["uk3x5x2"], SCHEMES["5x5x5"]
    strong = mention_weight(graded("R1", "2025-03-10", "1", "A", uk), "2025-03-10")
    assert strong == pytest.approx(0.9) and strong > 10 * uk.signal("3", "E")
    assert five.signal("E", "4") == ADMIRALTY.signal("F", "6") == uk.signal("2", "D")
    for scheme in SCHEMES.values():
        assert scheme.signal(None, None) == pytest.approx(0.04)
        assert scheme.signal("?", "?") == scheme.signal(None, None)
    idx = MentionIndex(uk.signal)
    idx.add_trader({"id": "NL123456", "name": "Baltic Star Trading Ltd"})
    [mention] = idx.add_report({"id": "R-9", "received": "2025-03-01", "source_grade": "1",
                                "info_grade": "A", "text": "NL123456 again."})
    assert mention.signal == pytest.approx(0.9) and mention.grade == "1A"


def test_mention_index_links_ids_names_phones_and_containers():
    idx = MentionIndex(ADMIRALTY.signal)
    idx.add_trader({"id": "NL123", "name": "Baltic Star Trading Ltd",
                    "phones": ["+31 10 555 0101"]})
    idx.add_trader({"id": "BG777", "name": "Rila Vega Foods EOOD", "phones": []})
    idx.add_person({"id": "P-1", "name": "Ahmed Yilmaz", "phones": ["+90 532 111 2233"],
                    "roles": [{"trader": "BG777", "role": "director"}]})
    report = {"id": "R-1", "received": "2025-03-01T10:00:00Z", "source_grade": "B",
              "info_grade": "2", "title": "Tip",
              "text": "Source says baltic star trading ltd expects laptops in MSCU1234565. "
                      "Calls to +90 532 111 2233 and Ahmed Yilmaz arranged it. NL999 unknown."}
    found = {(m.entity_kind, m.entity_id): m.via for m in idx.add_report(report)}
    assert found[("trader", "NL123")] == "name"
    assert found[("trader", "BG777")].startswith("phone")
    assert ("container", "MSCU1234565") in found
    assert ("trader", "NL999") not in found
    assert {m.report_id for m in idx.mentions_for(DECL)} == {"R-1"}


def test_network_exposure_through_shared_phone_and_director():
    net = TraderNetwork()
    net.add_trader({"id": "OLD", "phones": ["+359 2 614 1050"], "address": "1 Port St, Varna"})
    net.add_trader({"id": "NEW", "phones": ["+359 2 614 1050"], "address": "9 Other St, Ruse"})
    net.add_trader({"id": "CLEAN", "phones": ["+359 2 000 0000"]})
    net.add_person({"id": "P-17", "roles": [{"trader": "OLD", "role": "director"},
                                            {"trader": "NEW", "role": "director"}]})
    assert net.exposure("NEW")[0] == 0.0
    net.record_control({"importer": "OLD"}, {"result": "positive", "seized": [{"hs": "240220"}]})
    score, detail = net.exposure("NEW")
    assert score > 1.0 and "OLD" in detail and "director P-17" in detail
    assert net.exposure("CLEAN")[0] == 0.0
    assert net.exposure("OLD")[0] == 0.0  # own history is counted elsewhere
