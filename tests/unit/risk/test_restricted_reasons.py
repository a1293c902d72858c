"""Restricted intelligence counts in a reason's weight but is never named in its text."""

from dataclasses import replace

from risk.intel import RESTRICTED_REASON, Sighting, describe
from risk.network import PathLink, TraderFlag, exposure_from_links


def test_a_restricted_report_weighs_the_same_and_is_not_named():
    seen = Sighting("R-1", "trader", "BG5", "2025-03-01", "B", "2", signal=0.64)
    hidden = Sighting("R-2", "trader", "BG5", "2025-03-02", "A", "1", "person Z. K.", True,
                     signal=1.0)
    open_weight, _ = describe([seen, replace(hidden, restricted=False)], "2025-03-10")
    weight, text = describe([seen, hidden], "2025-03-10")
    assert weight == open_weight
    assert "R-1" in text and "1 report(s)" in text and text.endswith(RESTRICTED_REASON)
    assert "R-2" not in text and "A1" not in text and "Z. K." not in text
    only, text = describe([hidden], "2025-03-10")
    assert only > 0 and text == RESTRICTED_REASON


def test_a_restricted_path_counts_and_names_neither_person_nor_trader():
    flags = {"BG1": TraderFlag(1, 1, "2025-02-03", "2025-02-03")}
    hidden = PathLink("BG1", "director", "director Zoran K.", 2, restricted=True)
    shown = PathLink("BG1", "director", "director Zoran K.", 2)
    assert exposure_from_links([hidden], flags)[0] == exposure_from_links([shown], flags)[0]
    _score, why = exposure_from_links([hidden], flags)
    assert why == RESTRICTED_REASON
    _score, why = exposure_from_links([hidden, PathLink("BG1", "phone", "phone +359 1")], flags)
    assert "phone +359 1" in why and "Zoran" not in why and RESTRICTED_REASON in why
