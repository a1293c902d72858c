"""Property-based tests (Hypothesis) on the parsers and validators that take outside input."""

import json
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.exchange.records import LineError, parse_line
from nlp import extract
from nlp.rules import is_valid_container, iso6346_check_digit

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
KINDS = st.sampled_from(
    ["trader", "person", "declaration", "control", "report", "relation", "ship", ""]
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_a_record_none_or_a_line_error(raw):
    try:
        parse_line(raw, 1)
    except LineError as exc:
        assert str(exc)


@settings(max_examples=400, deadline=None)
@given(
    kind=KINDS,
    fields=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "name",
                "date",
                "country",
                "origin",
                "items",
                "declaration",
                "result",
                "hs",
                "from",
                "to",
                "type",
                "text",
                "channel",
                "phones",
                "roles",
                "transport",
            ]
        ),
        JSON_VALUES,
        max_size=8,
    ),
)
def test_objects_of_any_shape_never_crash_the_validator(kind, fields):
    line = json.dumps({"kind": kind, **fields})
    try:
        parse_line(line, 7)
    except LineError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(
    owner=st.text(string.ascii_uppercase, min_size=3, max_size=3),
    category=st.sampled_from("UJZ"),
    serial=st.text(string.digits, min_size=6, max_size=6),
)
def test_container_check_digit_round_trip(owner, category, serial):
    first10 = owner + category + serial
    code = first10 + str(iso6346_check_digit(first10))
    assert is_valid_container(code)
    assert is_valid_container(f"{code[:4]} {code[4:10]}-{code[10]}")
    wrong = first10 + str((iso6346_check_digit(first10) + 1) % 10)
    assert not is_valid_container(wrong)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_extraction_spans_always_point_into_the_text(text):
    for mention in extract(text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
