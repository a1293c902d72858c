"""Grading schemes, report validation, highlighting and identity encryption (no database)."""

import pytest

from app.intake.highlight import segments
from app.intake.service import ReportError, validate_report
from app.sources.crypto import IdentityCipher, load_key
from graph.grading import SCHEMES, Grading, GradingError, scheme_for
from graph.reports import lucene_terms

ADMIRALTY = Grading.from_config({"GRADING_SCHEME": "admiralty"})
UK = Grading.from_config({"GRADING_SCHEME": "uk3x5x2"})
FIVE = Grading.from_config({"GRADING_SCHEME": "5x5x5"})


def test_each_scheme_checks_its_own_grades():
    assert ADMIRALTY.source_grade("b") == "B" and ADMIRALTY.info_grade("2") == "2"
    with pytest.raises(GradingError, match="one of A, B, C, D, E, F"):
        ADMIRALTY.source_grade("G")
    with pytest.raises(GradingError):
        ADMIRALTY.info_grade("7")
    assert UK.source_grade("1") == "1" and UK.info_grade("a") == "A"
    assert UK.scheme_handling("c") == "C"
    with pytest.raises(GradingError):
        UK.source_grade("A")  # an Admiralty grade is not a 3x5x2 grade
    assert FIVE.source_grade("E") == "E" and FIVE.info_grade("5") == "5"
    with pytest.raises(GradingError):
        FIVE.info_grade("6")
    assert FIVE.scheme_handling("4") == "4"
    assert ADMIRALTY.scheme_handling("P") is None  # Admiralty has no such dimension


def test_handling_code_is_mandatory_and_checked():
    with pytest.raises(GradingError, match="handling code is required"):
        ADMIRALTY.handling_code("")
    with pytest.raises(GradingError):
        ADMIRALTY.handling_code("secret")
    assert ADMIRALTY.handling_code("Restricted") == "restricted"
    custom = Grading.from_config({"HANDLING_CODES": [("open", "Open", ""), ("eyes", "Eyes", "")]})
    assert custom.handling_code("eyes") == "eyes"


def test_unknown_scheme_is_refused():
    with pytest.raises(ValueError, match="unknown GRADING_SCHEME"):
        scheme_for({"GRADING_SCHEME": "tarot"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"channel": "hotline", "text": "x"}, "handling"),
        ({"channel": "gossip", "text": "x", "handling": "open"}, "channel"),
        ({"channel": "hotline", "text": "", "handling": "open"}, "text"),
        ({"channel": "hotline", "text": "x", "handling": "open", "info_grade": "9"}, "info_grade"),
        ({"channel": "informant", "text": "x", "handling": "open"}, "source"),
        ({"channel": "register", "text": "x", "handling": "open"}, "event_type"),
        ({"channel": "register", "text": "x", "handling": "open", "event_type": "seizure",
          "value": "lots"}, "value"),
        ({"channel": "register", "text": "x", "handling": "open", "event_type": "seizure",
          "event_date": "12/03/2025"}, "event_date"),
        ({"channel": "hotline", "text": "x", "handling": "open", "received": "yesterday"},
         "received"),
        ({"channel": "liaison", "handling": "open"}, "text"),
        ({"kind": "trader", "channel": "hotline", "text": "x", "handling": "open"}, "kind"),
    ],
)
def test_bad_reports_name_the_field(data, field):
    with pytest.raises(ReportError) as err:
        validate_report(data, ADMIRALTY)
    assert err.value.field == field


def test_register_entry_structured_fields_become_person_mentions():
    report = validate_report(
        {"channel": "register", "handling": "restricted", "event_type": "Seizure",
         "text": "Seizure at the border.", "event_date": "2025-03-12", "value": "30,000",
         "currency": "eur", "persons": "Ivan Petrov\nAhmed Yilmaz",
         "vehicles": ["CA 1234 AB"], "containers": "mscu 1234565", "commodity": "cigarettes"},
        ADMIRALTY,
    )
    assert report.props["event_type"] == "seizure" and report.props["value"] == 30000.0
    assert report.props["currency"] == "EUR" and report.props["containers"] == ["MSCU1234565"]
    fields = {(m.field, m.label, m.text) for m in report.structured}
    assert ("persons", "PERSON", "Ivan Petrov") in fields
    assert ("containers", "CONTAINER", "MSCU1234565") in fields
    assert all(m.source == "person" and m.start is None for m in report.structured)


def test_liaison_log_needs_little():
    report = validate_report(
        {"channel": "liaison", "handling": "open", "vehicles": ["CA1234AB"], "crossing": "BCP"},
        ADMIRALTY,
    )
    assert report.props["title"].startswith("Liaison log: BCP CA1234AB")


def test_segments_cover_text_and_skip_rejected_and_overlaps():
    text = "Ivan Petrov called +359 888 123 456 from Varna."
    mentions = [
        {"start": 0, "end": 11, "label": "PERSON", "review": "proposed"},
        {"start": 5, "end": 11, "label": "PERSON", "review": "proposed"},  # overlaps
        {"start": 19, "end": 35, "label": "PHONE", "review": "rejected"},
        {"start": 41, "end": 46, "label": "LOCATION", "review": "accepted"},
        {"start": None, "end": None, "label": "VEHICLE", "review": "accepted"},
    ]
    parts = segments(text, mentions)
    assert "".join(p for p, _ in parts) == text
    assert [p for p, m in parts if m] == ["Ivan Petrov", "Varna"]


def test_lucene_terms_neutralise_query_syntax():
    assert lucene_terms('cigarettes AND "Baltic*" (x:y)') == (
        'cigarettes and \\"baltic\\*\\" \\(x\\:y\\)'
    )
    assert lucene_terms("   ") == ""


def test_identity_cipher_round_trip_and_key_file(tmp_path):
    key = load_key(tmp_path)
    assert (tmp_path / "source_key").stat().st_mode & 0o777 == 0o600
    assert load_key(tmp_path) == key  # created once, reused
    cipher = IdentityCipher(key)
    token = cipher.seal({"name": "Zlatka Secretova"})
    assert "Zlatka" not in token
    assert cipher.open(token) == {"name": "Zlatka Secretova"}
    other = IdentityCipher(load_key(tmp_path / "elsewhere"))
    with pytest.raises(ValueError):
        other.open(token)


def test_a_source_is_regraded_one_step_within_its_own_scheme():
    """Risk's source regrade moves along the configured scheme, never off its ends and
    never out of "cannot be judged" (F, 3x5x2's untested 2, 5x5x5's untested E)."""
    admiralty, uk, five = (SCHEMES[name] for name in ("admiralty", "uk3x5x2", "5x5x5"))
    assert admiralty.regraded("C", more_reliable=True) == "B"
    assert admiralty.regraded("A", more_reliable=True) == "A"
    assert admiralty.regraded("E", more_reliable=False) == "E"
    assert admiralty.regraded("F", more_reliable=True) == "F"
    assert uk.regraded("3", more_reliable=True) == "1"  # past "untested", which is no step
    assert uk.regraded("2", more_reliable=False) == "2"
    assert five.regraded("D", more_reliable=True) == "C"
    assert five.regraded("D", more_reliable=False) == "D"  # E is untested, not worse
    assert five.regraded("Z", more_reliable=True) == "Z"
