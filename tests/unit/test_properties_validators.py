"""Property-based tests (Hypothesis) on the validators of forms, the API and the import.

Each validator takes outside input, so for any input it either returns a clean value or
raises its own error type (which the routes turn into a form error or a JSON 4xx); clean
values are stable when validated again. The import and the scoring API apply one rule set
(HS codes, countries), so they must agree on every input.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta, timezone

import pycountry
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.accounts import totp
from app.accounts.passwords import MIN_LENGTH, policy_problems
from app.accounts.service import AccountError, normalise_email
from app.hotline.service import ALPHABET, code_hash, new_code, new_reference, normalise_reference
from app.intake.service import ReportError, _find, _span, validate_report
from graph.exchange.records import (
    FORBIDDEN_CHARACTERS,
    REGISTER_ID,
    SCORING,
    LineError,
    country,
    hs_code,
    iso_date,
    number,
    phone_ref,
    text_problem,
    validate,
)
from graph.exchange.records import _text as import_text
from graph.grading import SCHEMES, Grading, GradingError, handling_codes

FAST = settings(max_examples=100, deadline=None)


def validate_declaration(raw):
    """The scoring API's view of the one validator: the clean copy or the reasons."""
    try:
        return validate(raw, "declaration", SCORING).clean, []
    except LineError as exc:
        return None, exc.reasons


def validate_control(raw):
    try:
        return validate(raw, "control", SCORING).clean, []
    except LineError as exc:
        return None, exc.reasons

ISO_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}
TWO_LETTERS = st.text(alphabet=string.ascii_letters, min_size=2, max_size=2)
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**300)
    | st.floats() | st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
# Text that looks like the values the validators expect, mixed with noise.
NEAR_HS = st.text(alphabet="0123456789. \t\n٠١٢x-", max_size=16)
NEAR_DATE = st.one_of(
    st.dates().map(date.isoformat),
    st.datetimes(timezones=st.none() | st.just(UTC) | st.timezones()).map(datetime.isoformat),
    st.text(alphabet="0123456789-:T+Z. ", max_size=25),
    st.text(max_size=25),
)


# --------------------------------------------------------------------------- HS codes


@FAST
@given(st.one_of(NEAR_HS, st.text(max_size=16), st.integers(), SCALARS))
def test_hs_code_gives_six_to_ten_ascii_digits_or_a_line_error(value):
    try:
        code = hs_code(value, "hs")
    except LineError as exc:
        assert "hs" in str(exc)
        return
    assert code.isascii() and code.isdigit() and 6 <= len(code) <= 10
    assert hs_code(code, "hs") == code  # idempotent


@FAST
@given(
    digits=st.text(alphabet=string.digits, min_size=1, max_size=14),
    cuts=st.lists(st.tuples(st.integers(0, 14), st.sampled_from([".", " ", "\t"])), max_size=4),
)
def test_hs_code_strips_dots_and_spaces_and_accepts_only_6_to_10_digits(digits, cuts):
    dotted = digits
    for at, sep in sorted(cuts, reverse=True):
        dotted = dotted[:at] + sep + dotted[at:]
    if 6 <= len(digits) <= 10:
        assert hs_code(dotted, "hs") == digits
    else:
        with pytest.raises(LineError):
            hs_code(dotted, "hs")


@FAST
@given(st.one_of(NEAR_HS, st.text(max_size=16), st.integers()))
def test_scoring_api_and_import_agree_on_hs_codes(value):
    try:
        imported = hs_code(value, "hs")
    except LineError:
        imported = None
    decl, errors = validate_declaration(declaration(items=[{"hs": value, "value": 1.0}]))
    hs_errors = [e for e in errors if ".hs" in e]
    assert (imported is None) == bool(hs_errors), (imported, errors)
    if imported is not None:
        assert decl["items"][0]["hs"] == imported


# --------------------------------------------------------------------------- countries


UNKNOWN = ("ZZ", "XX", "QU", "zz", " xx ")  # what registers write for an unknown country
COUNTRY_TEXT = st.one_of(TWO_LETTERS, st.sampled_from(sorted(ISO_COUNTRIES)),
                         st.sampled_from(UNKNOWN), st.text(max_size=4))


@FAST
@given(COUNTRY_TEXT)
def test_import_accepts_exactly_the_iso_alpha2_codes(value):
    try:
        code = country({"origin": value}, "origin")
    except LineError:
        assert value.strip().upper() not in ISO_COUNTRIES | {"ZZ", "XX", "QU"}
        return
    if value.strip().upper() in ("ZZ", "XX", "QU"):
        assert code is None  # unknown: stored as no country
    elif code is not None:
        assert code in ISO_COUNTRIES and code == value.strip().upper()


@FAST
@given(COUNTRY_TEXT)
def test_scoring_api_accepts_exactly_the_iso_alpha2_codes(value):
    decl, errors = validate_declaration(declaration(origin=value))
    accepted = not [e for e in errors if e.startswith("origin")]
    # ZZ, XX, QU and a blank origin are all "unknown": scored as no country, as imported
    unknown = isinstance(value, str) and value.strip().upper() in ("ZZ", "XX", "QU", "")
    assert accepted == (value.strip().upper() in ISO_COUNTRIES or unknown), (value, errors)
    if accepted:
        assert decl["origin"] == (None if unknown else value.strip().upper())


def test_every_iso_code_in_either_case_is_a_country():
    for code in sorted(ISO_COUNTRIES):
        assert country({"c": code.lower()}, "c") == code
        assert validate_declaration(declaration(origin=code.lower()))[1] == []


# --------------------------------------------------------------------------- dates


@FAST
@given(st.dates())
def test_iso_dates_round_trip_everywhere(day):
    text = day.isoformat()
    assert iso_date({"d": text}, "d") == text
    assert validate_declaration(declaration(date=text))[0]["date"] == text
    assert validate_report(hotline(event_date=text, channel="register",
                                   event_type="seizure"), GRADING).props["event_date"] == text


@FAST
@given(st.datetimes(timezones=st.timezones()))
def test_aware_datetimes_become_utc_z_and_stay_stable(moment):
    try:
        out = iso_date({"d": moment.isoformat()}, "d")
    except LineError:  # a moment that falls outside year 1..9999 once moved to UTC
        assert moment.year in (1, 9999)
        return
    assert out.endswith("Z")
    said = datetime.fromisoformat(moment.isoformat())  # the offset the text states
    assert datetime.fromisoformat(out) == said.replace(microsecond=0)  # whole seconds
    assert iso_date({"d": out}, "d") == out  # idempotent


@FAST
@given(NEAR_DATE)
def test_date_validators_return_a_date_or_their_own_error(text):
    try:
        imported = iso_date({"d": text}, "d")
    except LineError:
        imported = None
    if imported is not None:
        assert date.fromisoformat(imported[:10])
    scored, _errors = validate_declaration(declaration(date=text))
    assert (scored is None) == (imported is None)  # the API and the import agree
    if scored is not None:
        assert scored["date"] == imported[:10]
    try:
        validate_report(hotline(received=text), GRADING)
    except ReportError as exc:
        assert exc.field in ("received", "text")


@FAST
@given(st.text(alphabet=string.ascii_letters + " /.,", min_size=1, max_size=12))
def test_words_are_not_dates(text):
    assume(text.strip())
    with pytest.raises(LineError):
        iso_date({"d": text}, "d")
    assert validate_declaration(declaration(date=text))[0] is None


def test_received_in_year_one_with_an_offset_is_a_clear_error():
    """Moving 0001-01-01T00:00+01:00 to UTC falls off the calendar: a 400, not a 500."""
    with pytest.raises(ReportError):
        validate_report(hotline(received="0001-01-01T00:00:00+01:00"), GRADING)
    with pytest.raises(LineError):
        iso_date({"d": "0001-01-01T00:00:00+01:00"}, "d")


# --------------------------------------------------------------------------- numbers


@FAST
@given(SCALARS)
def test_numbers_are_finite_floats_or_a_line_error(value):
    try:
        out = number({"n": value}, "n")
    except LineError:
        return
    assert out is None or (isinstance(out, float) and out == out and abs(out) != float("inf"))


@FAST
@given(st.one_of(SCALARS, st.integers(min_value=10**308)))
def test_scoring_api_numbers_never_crash(value):
    decl, errors = validate_declaration(declaration(items=[{"hs": "847130", "value": value}]))
    if decl is not None:
        assert decl["items"][0]["value"] == number({"v": value}, "v")
    _, control_errors = validate_control(
        {"declaration": "D1", "date": "2025-01-01", "lane": "red", "result": "positive",
         "revenue": value}
    )
    assert all(isinstance(e, str) for e in errors + control_errors)


# --------------------------------------------------------------------------- whole objects


def declaration(**fields):
    base = {"kind": "declaration", "id": "D-1", "date": "2025-03-12", "origin": "CN",
            "importer": "NL123456789", "items": [{"hs": "8471.30", "value": 100.0}]}
    return {**base, **fields}


@FAST
@given(st.dictionaries(
    st.sampled_from(["kind", "id", "date", "origin", "departure", "destination", "importer",
                     "exporter", "items", "transport", "office"]),
    JSON, max_size=8,
))
def test_declaration_validation_never_raises(changes):
    decl, errors = validate_declaration(declaration(**changes))
    assert (decl is None) == bool(errors)
    assert all(isinstance(e, str) and e for e in errors)
    if decl is not None:
        assert validate_declaration(decl) == (decl, [])  # cleaned copies validate again


@FAST
@given(st.text(max_size=70))
def test_register_identifiers_take_no_trailing_newline_or_spaces(ident):
    _, errors = validate_declaration(declaration(id=ident))
    if not [e for e in errors if e.startswith("id")]:  # stored without the spaces around
        assert REGISTER_ID.fullmatch(ident.strip()) and "\n" not in ident.strip()


@FAST
@given(st.dictionaries(
    st.sampled_from(["declaration", "date", "lane", "result", "revenue", "finding",
                     "seized", "profiles", "random"]),
    JSON, max_size=8,
))
def test_control_validation_never_raises(fields):
    ctrl, errors = validate_control(fields)
    assert (ctrl is None) == bool(errors)


GRADING = Grading.from_config({})


def hotline(**fields):
    return {"channel": "hotline", "handling": "restricted", "text": "A truck at Kapitan Andreevo.",
            **fields}


REPORT_FIELDS = st.sampled_from(
    ["kind", "id", "channel", "received", "source", "source_grade", "info_grade", "handling",
     "scheme_handling", "title", "text", "event_type", "event_date", "date", "place",
     "commodity", "quantity", "value", "currency", "persons", "vehicles", "containers",
     "crossing"]
)


@FAST
@given(st.dictionaries(REPORT_FIELDS, JSON, max_size=8),
       st.sampled_from(["hotline", "register", "liaison", "informant", "open_source"]))
def test_report_validation_raises_only_report_errors(fields, channel):
    data = {**hotline(channel=channel), **fields}
    try:
        report = validate_report(data, GRADING)
    except ReportError as exc:
        assert str(exc) and exc.status in (400, 403, 409)
        return
    assert report.props["handling"] in {g.code for g in handling_codes({})}
    assert report.props["title"] and len(report.props["title"]) <= 200


@FAST
@given(text=st.text(min_size=1, max_size=40), start=SCALARS, end=SCALARS)
def test_mention_offsets_are_inside_the_text_or_a_report_error(text, start, end):
    try:
        s, e = _span(text, start, end)
    except ReportError:
        return
    assert 0 <= s < e <= len(text) and text[s:e].strip()


@FAST
@given(text=st.text(max_size=40), needle=st.text(max_size=5), occurrence=SCALARS)
def test_mention_by_text_finds_that_text_or_a_report_error(text, needle, occurrence):
    try:
        s, e = _find(text, needle, occurrence)
    except ReportError:
        return
    assert text[s:e] == needle


# --------------------------------------------------------------------------- grades


@FAST
@given(scheme=st.sampled_from(sorted(SCHEMES)), value=st.one_of(SCALARS, st.sampled_from(
    ["A", "b", " c ", "1", "6", "x", "P", "c", "5", "open", "RESTRICTED", " Originator "])))
def test_grades_and_handling_codes_are_scheme_codes_or_a_grading_error(scheme, value):
    grading = Grading.from_config({"GRADING_SCHEME": scheme})
    checks = [
        (grading.source_grade, grading.scheme.source),
        (grading.info_grade, grading.scheme.information),
        (grading.handling_code, grading.handling),
        (grading.scheme_handling, grading.scheme.handling),
    ]
    for check, grades in checks:
        try:
            code = check(value)
        except GradingError as exc:
            assert exc.field and str(exc)
            continue
        if code is None:
            continue
        assert code in {g.code for g in grades}
        assert check(code) == code and check(f" {code.lower()} ") == code


# --------------------------------------------------------------------------- accounts


PASSWORD_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@FAST
@given(password=PASSWORD_TEXT, extra=PASSWORD_TEXT)
def test_password_policy_is_monotonic_in_length(password, extra):
    """A password that passes still passes with more characters (up to the maximum)."""
    assume(len(password + extra) <= 256)
    if not policy_problems(password):
        assert not policy_problems(password + extra)
    if len(password) < MIN_LENGTH:
        assert policy_problems(password)


@FAST
@given(password=PASSWORD_TEXT, email=st.emails())
def test_an_email_only_adds_password_problems(password, email):
    without, with_email = policy_problems(password), policy_problems(password, email)
    assert set(without) <= set(with_email)
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        assert "must not contain your e-mail name" in with_email


@FAST
@given(st.one_of(st.emails(), st.text(max_size=40)))
def test_emails_normalise_idempotently_or_raise_account_error(text):
    try:
        email = normalise_email(text)
    except AccountError as exc:
        assert exc.field == "email"
        return
    assert email == email.strip().lower() and "@" in email
    assert normalise_email(email) == email


@FAST
@given(code=st.text(max_size=10), step=st.integers(0, 10**8))
def test_totp_takes_six_ascii_digits_and_never_raises(code, step):
    secret = "JBSWY3DPEHPK3PXP"
    found = totp.matching_step(secret, code, now=step * totp.STEP)
    if found is not None:
        compact = code.strip().replace(" ", "")
        assert len(compact) == 6 and compact.isascii() and compact.isdigit()
        assert totp.code_at(secret, found) == compact


@FAST
@given(step=st.integers(1, 10**8), spaced=st.booleans())
def test_the_current_totp_code_matches_once(step, spaced):
    secret = "JBSWY3DPEHPK3PXP"
    code = totp.code_at(secret, step)
    typed = f" {code[:3]} {code[3:]} " if spaced else code
    assert totp.matching_step(secret, typed, now=step * totp.STEP) == step
    assert totp.matching_step(secret, typed, after=step + 1, now=step * totp.STEP) is None


def test_unicode_digits_are_not_a_totp_code():
    """'١٢٣٤٥٦' passes str.isdigit(); it must be refused, not crash hmac.compare_digest."""
    assert totp.matching_step("JBSWY3DPEHPK3PXP", "١٢٣٤٥٦") is None


# --------------------------------------------------------------------------- hotline


@FAST
@given(st.text(max_size=20))
def test_hotline_reference_is_well_formed_or_empty(text):
    ref = normalise_reference(text)
    if ref:
        assert ref.startswith("T-") and len(ref) == 11 and ref[6] == "-"
        assert set(ref[2:6] + ref[7:]) <= set(ALPHABET)
        assert normalise_reference(ref) == ref


@FAST
@given(st.data())
def test_hotline_reference_and_code_survive_how_people_type_them(data):
    ref, code = new_reference(), new_code()
    typed = data.draw(st.sampled_from([ref.lower(), ref[2:], "T-" + ref[2:].replace("-", " "),
                                       ref.replace("0", "O").replace("1", "l"), f"  {ref} "]))
    assert normalise_reference(typed) == ref
    sloppy = data.draw(st.sampled_from([code.lower(), code.replace("-", ""),
                                        code.replace("-", " "), code.replace("0", "o")]))
    assert code_hash(sloppy) == code_hash(code)


# --------------------------------------------------------------------------- phones


@FAST
@given(text=st.text(alphabet="+0123456789 ()-./x", max_size=20),
       region=st.sampled_from([None, "BG", "TR", "NL", "ZZ"]))
def test_phone_keys_never_raise_and_e164_keys_are_stable(text, region):
    key = phone_ref(text, region)
    assert isinstance(key, str)
    if key.startswith("+") and key != "+":  # "+" alone: the import refuses it (no digits)
        assert key[1:].isdigit()
        assert phone_ref(key, None) == key


def test_offset_tz_strategy_sanity():
    """The year-one case above is real: a +01:00 moment at 0001-01-01 00:00 has no UTC."""
    moment = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(OverflowError):
        moment.astimezone(UTC)


# --------------------------------------------------------------------------- control characters


CONTROLS = st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\ufffe"])


@FAST
@given(before=st.text(max_size=20), control=CONTROLS, after=st.text(max_size=20))
def test_every_text_check_refuses_control_characters(before, control, after):
    from app.cases.service import CaseError, _text

    text = f"Baltic{before}{control}{after}Star"
    assert "control character U+" in (text_problem(text) or "")
    with pytest.raises(LineError, match="control character"):
        import_text({"name": text}, "name")
    with pytest.raises(CaseError, match="control character"):
        _text(text, "title", required=True, limit=1000)
    with pytest.raises(ReportError, match="control character"):
        validate_report({"channel": "open_source", "text": text, "handling": "open"}, GRADING)


@FAST
@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs")), max_size=40))
def test_printable_text_newlines_and_tabs_in_free_text_pass(text):
    assume(not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                   "\ufffe\uffff"))
    assert text_problem(f"{text}\n\twith a tab") is None
    assert text_problem("one line\nanother", multiline=False) is not None


@FAST
@given(name=st.text(max_size=30))
def test_graphml_and_i2_exports_are_valid_whatever_the_names(name):
    import xml.etree.ElementTree as ET

    from app.entities.exports import to_graphml, to_i2_tables
    from graph.network import Network

    network = Network(
        nodes=[{"id": "trader:1", "kind": "trader", "name": name, "label": name},
               {"id": "person:2", "kind": "person", "name": "P\x00\u202e"}],
        edges=[{"id": "e1", "source": "trader:1", "target": "person:2", "type": "DIRECTS",
                "evidence": name}],
    )
    ET.fromstring(to_graphml(network))  # well-formed XML
    entities, links = to_i2_tables(network)
    assert not FORBIDDEN_CHARACTERS.search(entities + links)
