"""Validation of exchange-format lines (no database)."""

from __future__ import annotations

import json

import pytest

from graph.exchange.records import Context, LineError, parse_line
from graph.grading import Grading


def parse(obj, **ctx):
    return parse_line(json.dumps(obj), 1, Context(**ctx) if ctx else None)


def test_blank_lines_are_skipped_and_bytes_decoded_per_line():
    assert parse_line("   \n", 1) is None
    with pytest.raises(LineError, match="not UTF-8"):
        parse_line(b'{"kind": "trader", "id": "\xff"}\n', 1)


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"id": "X"}, 'missing "kind"'),
        ({"kind": "ship", "id": "X"}, "unknown kind 'ship'"),
        ({"kind": "trader", "name": "A"}, "id: required"),
        ({"kind": "trader", "id": "1", "name": "A", "country": "UK"}, "country: 'UK'"),
        ({"kind": "trader", "id": "1", "name": "A", "registered": "2024-13-01"}, "ISO 8601"),
        ({"kind": "trader", "id": "1", "name": "A", "aeo": "yes"}, "aeo: expected true"),
        ({"kind": "trader", "id": "1", "name": "A", "emails": ["nobody"]}, "e-mail"),
        ({"kind": "declaration", "id": "D", "date": "2025-01-01", "items": [{"hs": "12345"}]},
         "items[0].hs: '12345' is not an HS code"),
        ({"kind": "declaration", "id": "D", "date": "2025-01-01",
          "items": [{"hs": "847130", "value": "lots"}]}, "items[0].value: 'lots'"),
        ({"kind": "declaration", "id": "D", "date": "2025-01-01", "items": [{"value": 1}]},
         "items[0].hs: required"),
        ({"kind": "control", "declaration": "D", "date": "2025-01-01", "result": "found"},
         "result: 'found' is not one of negative, positive"),
        ({"kind": "control", "declaration": "D", "date": "2025-01-01", "result": "negative",
          "lane": "purple"}, "lane: 'purple'"),
        ({"kind": "report", "id": "R", "channel": "pigeon", "received": "2025-01-01",
          "unit": "HQ", "text": "t"}, "channel: 'pigeon'"),
        ({"kind": "report", "id": "R", "channel": "hotline", "received": "2025-01-01",
          "unit": "HQ", "text": "t", "info_grade": "7"}, "info_grade: '7' is not a"),
        ({"kind": "report", "id": "R", "channel": "hotline", "received": "2025-01-01",
          "unit": "HQ", "text": "t", "handling": "secret"}, "handling: 'secret'"),
        ({"kind": "relation", "from": {"kind": "person", "id": "P"}, "to": {"kind": "moon",
          "id": "M"}, "type": "associate_of"}, "to.kind: 'moon'"),
    ],
)  # fmt: skip
def test_invalid_lines_say_why(obj, reason):
    with pytest.raises(LineError, match=reason.replace("[", r"\[").replace("(", r"\(")):
        parse(obj)


def test_report_unit_must_exist_when_units_are_known():
    line = {"kind": "report", "id": "R", "channel": "hotline", "received": "2025-01-01",
            "unit": "Atlantis", "text": "t"}  # fmt: skip
    with pytest.raises(LineError, match="unit: 'Atlantis' does not exist"):
        parse(line, units=frozenset({"HQ"}))
    assert parse({**line, "unit": "HQ"}, units=frozenset({"HQ"})).data["handling"] == "restricted"


def test_declaration_is_normalised_with_totals_and_extra_fields():
    record = parse(
        {"kind": "declaration", "id": "D1", "date": "2025-03-12T10:30:00+02:00",
         "origin": "cn", "importer": "NL1",
         "transport": {"mode": "sea", "vessel": "MSC Oscar", "imo": "IMO 9703291",
                       "container": "MSCU 123456 5", "seal": "X1"},
         "items": [{"hs": "8471.30 00", "value": "100.5", "taxes": 21},
                   {"hs": "847130", "value": 0.25}],
         "procedure": "4000"}
    )  # fmt: skip
    data = record.data
    assert data["date"] == "2025-03-12T08:30:00Z" and data["origin"] == "CN"
    assert data["hs"] == ["84713000", "847130"] and data["value"] == 100.75
    assert data["taxes"] == 21.0 and data["weight_kg"] is None
    assert data["extra"] == {"procedure": "4000", "transport": {"seal": "X1"}}
    ids = {ref.id: ref.status for ref in record.refs}
    assert ids == {
        "trader:NL1": "referenced",
        "vessel:IMO9703291": "confirmed",
        "container:MSCU1234565": "confirmed",
    }


def test_control_id_is_declaration_and_date():
    record = parse({"kind": "control", "declaration": "D1", "date": "2025-03-13",
                    "result": "positive", "revenue": 10})  # fmt: skip
    assert record.key == "D1/2025-03-13" and record.data["revenue"] == 10.0


def test_register_words_map_to_relation_types_and_keep_the_word():
    record = parse({"kind": "relation", "from": {"kind": "trader", "id": "A"},
                    "to": {"kind": "Trader", "id": "B"}, "type": "trades with"})  # fmt: skip
    assert record.data["type"] == "RELATED_TO" and record.data["detail"] == "trades_with"
    family = parse({"kind": "relation", "from": {"kind": "person", "id": "A"},
                    "to": {"kind": "person", "id": "B"}, "type": "family_of"})  # fmt: skip
    assert family.data["type"] == "RELATIVE_OF"
    plain = parse({"kind": "relation", "from": {"kind": "person", "id": "A"},
                   "to": {"kind": "trader", "id": "B"}, "type": "ASSOCIATE_OF"})  # fmt: skip
    assert plain.data["type"] == "ASSOCIATE_OF" and plain.data["detail"] is None


def test_phones_become_e164_in_the_holders_country():
    record = parse({"kind": "person", "id": "P", "name": "Ivan Petrov", "nationality": "BG",
                    "phones": ["088 123 4567", "+31 10 555 0101"],
                    "roles": [{"trader": "BG1", "role": "manager"}]})  # fmt: skip
    assert [link[:2] for link in record.data["links"]] == [
        ("USES_PHONE", "phone:+359881234567"),
        ("USES_PHONE", "phone:+31105550101"),
        ("EMPLOYEE_OF", "trader:BG1"),
    ]
    assert record.data["links"][2][2] == "manager"


def test_report_grades_follow_the_grading_scheme_given():
    line = {"kind": "report", "id": "R", "channel": "informant", "received": "2025-01-01",
            "unit": "HQ", "text": "t", "source_grade": "a", "info_grade": "1",
            "handling": "Open"}  # fmt: skip
    record = parse(line)  # Admiralty by default
    assert (record.data["source_grade"], record.data["info_grade"]) == ("A", "1")
    assert record.data["handling"] == "open"
    uk = Grading.from_config({"GRADING_SCHEME": "uk3x5x2"})
    with pytest.raises(LineError, match="source_grade: 'a' is not a source reliability of the UK"):
        parse(line, grading=uk)
    taken = parse({**line, "source_grade": "2", "info_grade": "b"}, grading=uk)
    assert (taken.data["source_grade"], taken.data["info_grade"]) == ("2", "B")


def test_a_line_names_every_reason_in_field_order():
    """One answer lists all that is wrong, so a register fixes a line once, not per field."""
    with pytest.raises(LineError) as caught:
        parse({"kind": "person", "name": "A", "nationality": "UK", "emails": ["nobody"],
               "documents": [{"type": "passport"}], "roles": ["director"], "dob": "soon"})
    assert caught.value.reasons == [
        "id: required",
        "nationality: 'UK' is not an ISO 3166-1 alpha-2 country code (ZZ for unknown)",
        "emails[0]: 'nobody' is not an e-mail address",
        "documents[0].number: required",
        "roles[0]: expected an object",
        "dob: 'soon' is not an ISO 8601 date",
    ]
    assert str(caught.value) == "; ".join(caught.value.reasons)  # what the import prints


def test_scoring_needs_what_the_engine_reads_and_the_import_does_not():
    from graph.exchange.records import SCORING, validate

    line = {"kind": "declaration", "id": "D1", "date": "2025-03-12", "origin": "ZZ",
            "items": [{"hs": "847130"}]}  # fmt: skip
    assert parse(line).data["origin"] is None  # the import takes it as it is
    with pytest.raises(LineError) as caught:
        validate(line, "declaration", SCORING)
    assert caught.value.reasons == ["importer: required",
                                    "items[0]: a value or value_cif is required"]
    clean = validate({**line, "importer": "BG1", "items": [{"hs": "8471.30", "value": "10"}]},
                     "declaration", SCORING).clean
    assert clean["origin"] is None and clean["items"] == [{"hs": "847130", "value": 10.0}]
    with pytest.raises(LineError, match="a control must be a JSON object"):
        validate("nonsense", "control")
