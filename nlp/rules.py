"""Regex recognisers for customs identifiers that the statistical model cannot learn.

Every recogniser scans the raw text with precompiled regular expressions (C speed, no
per-token Python loop) and yields :class:`Candidate` tuples with character offsets.
Identifiers that carry a check digit (ISO 6346 containers, IMO numbers) are validated so
that a typo or a random number gets a low confidence instead of polluting the graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

import phonenumbers

from .lexicons import known_agency

# Priorities used by overlap resolution: higher wins, then longer span.
PRIO_SUPPRESS = 100
# Numbers withheld from extraction (payment cards): the range is taken, nothing comes out.
PRIO_WITHHELD = 95
PRIO_ID = 90  # check-digit identifiers, e-mail
PRIO_CONTEXT = 80  # HS codes, plates, documents: context-anchored identifiers
PRIO_PHONE = 70
PRIO_GAZETTEER = 65
PRIO_AMOUNT = 60  # money / quantity rules
PRIO_NAME = 55  # vessel names, legal-form companies, titled persons
PRIO_LEXICON = 20
PRIO_MODEL = 10


class Candidate(NamedTuple):
    """A proposed mention before overlap resolution (plain tuple: cheap and picklable)."""

    start: int
    end: int
    label: str
    normalized: str
    confidence: float
    source: str  # "model", "rule", "gazetteer"
    priority: int
    entity_id: str | None = None


# --------------------------------------------------------------------------- validators

_ISO6346_VALUES: dict[str, int] = {}


def _build_iso6346_values() -> None:
    value = 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if value % 11 == 0:  # multiples of 11 are skipped by the standard
            value += 1
        _ISO6346_VALUES[letter] = value
        value += 1


_build_iso6346_values()


def iso6346_check_digit(first10: str) -> int:
    """Check digit of an ISO 6346 container number from its first 10 characters."""
    total = 0
    for i, ch in enumerate(first10.upper()):
        v = _ISO6346_VALUES[ch] if ch.isalpha() else int(ch)
        total += v << i
    return total % 11 % 10


def is_valid_container(code: str) -> bool:
    """True when ``code`` (any spacing/hyphens) is a well-formed ISO 6346 number."""
    c = re.sub(r"[\s-]", "", code).upper()
    if not re.fullmatch(r"[A-Z]{3}[UJZ]\d{7}", c):
        return False
    return iso6346_check_digit(c[:10]) == int(c[10])


def is_valid_imo(number: str) -> bool:
    """True when the 7 digits of ``number`` satisfy the IMO ship-number checksum."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 7:
        return False
    total = sum(int(d) * (7 - i) for i, d in enumerate(digits[:6]))
    return total % 10 == int(digits[6])


# --------------------------------------------------------------------------- patterns

_CONTAINER_RE = re.compile(r"\b([A-Z]{3}[UJZ])[ -]?(\d{6})[ -]?(\d)\b")
_NOT_CONTAINER_CTX = re.compile(
    r"(?i:\b(?:BL|B/L|HBL|MBL|bill of lading|booking))\W{0,6}(?:no\W{0,3})?$"
)
_IMO_RE = re.compile(r"\bIMO(?:[ \t]*(?:No\.?|number|n[or]\.?|#))?[ \t]*[:.]?[ \t]*(\d{7})\b", re.I)
_EMAIL_RE = re.compile(r"\b[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")

_VESSEL_PREFIX = r"(?:M/[VTSY]|MV|M\.V\.|MT|M\.T\.|MS|MY|FV|F/V|SS|RoRo|tanker|freighter|reefer)"
_VESSEL_NAME = r"((?:[A-Z][\w'-]*|\d{1,3})(?:[ ](?:[A-Z][\w'-]*|[IVX]+|\d{1,3}|of|del?|la)){0,3})"
_VESSEL_RE = re.compile(
    r"(?:(?<![\d.,] )(?<!\d)\b(?:"  # not "40 ft reefer": a number before a ship type is a size
    + _VESSEL_PREFIX
    + r"\.?[ ]+|(?i:vessel|vsl|ship|boat|yacht|tanker|trawler|dhow|barge|freighter|reefer|coaster|"
    r"ferry|tug|tugboat|speedboat|catamaran|schooner|containership|(?:bulk|car|LNG|LPG)[ ]carrier|"
    r"bulker|feeder|sailboat|go-fast|semi-submersible|cutter|[a-z]+-flagged)"
    r"(?:[ ]+(?:named|called|name(?:[ ]is)?[ ]?:?))?[ ]+)"
    r"|\b(?i:aboard|on board|onboard)[ ]+(?:the[ ]+)?(?:" + _VESSEL_PREFIX + r"\.?[ ]+)?)"
    r"[\"'“‘]?" + _VESSEL_NAME,
)
# Ships of the container lines carry the line's name first ("MSC Gayane", "Maersk Kendal",
# "CMA CGM Marco Polo", "Ever Given"): the line's name and one or two capitalised words
# after it are a ship, unless they make a company's name ("Maersk Line", "MSC Cruises").
_LINER_VESSEL_RE = re.compile(
    r"\b(?:MSC|Maersk|MAERSK|CMA[ ]CGM|COSCO(?:[ ]SHIPPING|[ ]Shipping)?|OOCL|APL|ZIM|HMM|"
    r"YM|Ever|EVER|MOL|NYK|ONE|Wan[ ]Hai|Seaspan|Hapag[ ]Lloyd|Yang[ ]Ming)[ ]"
    r"([A-Z][A-Za-z'-]+(?:[ ](?:[A-Z][A-Za-z'-]+|[IVX]+))?)\b"
)
# "the Sea Star, a Panama-flagged tanker": a name set off before what it is.
_APPOSED_VESSEL_RE = re.compile(
    r"\b(?:the|The)[ ]((?:[A-Z][\w'-]*)(?:[ ][A-Z][\w'-]*){0,3}),[ ](?:an?|the)[ ]"
    r"(?:[\w-]+[ ]){0,3}(?:vessel|ship|tanker|carrier|freighter|trawler|yacht|dhow|boat|"
    r"ferry|containership|reefer|bulker)\b"
)
_LINER_NOT_SHIP = frozenset({
    "Line", "Lines", "Group", "Shipping", "Cruises", "Logistics", "Company", "Agency",
    "Mediterranean", "Container", "Containers", "Holdings", "Terminals", "Global", "Ltd",
})  # fmt: skip
_VESSEL_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "This",
        "That",
        "Customs",
        "Police",
        "Port",
        "From",
        "To",
        "In",
        "On",
        "At",
        "And",
        "For",
        "With",
        "Captain",
        "Master",
        "Crew",
        "IMO",
        "Flag",
    ]
)

_HS_TRIGGER = (
    r"\b(?:HS|H\.S\.|HTS|HTSUS|CN|TARIC|CTH|CTI|CTSH|tariff|commodity|customs|"
    r"Harmonized[ ]System|"
    r"Harmonized[ ]Tariff[ ]Schedule|(?<=under[ ])code)[ ]*(?:code|heading|subheading|"
    r"classification|item|line|no\.?|number|nos?\.?)?s?[ ]*(?:under|as|of)?[ ]*[:#]?[ ]*"
    r"|\b(?:sub)?headings?[ ]+(?:No\.?[ ]*)?|\bclassified[ ]+(?:under|as|in)[ ]+"
)
_HS_CODE = r"(?:\d{4}(?:[. ]?\d{2}){0,3}|\d{2}\.\d{2})(?!\d|[.,]\d)"  # "Heading 90.01"
_HS_RE = re.compile(
    "(?:"
    + _HS_TRIGGER
    + ")("
    + _HS_CODE
    + r"(?:(?:[ ]*,[ ]*|[ ]+(?:and|or)[ ]+|[ ]*/[ ]*)"
    + _HS_CODE
    + ")*)",
    re.I,
)
_HS_ONE = re.compile(_HS_CODE)
# A tariff line written in full (four digits, then two, then two to four, with dots:
# "8517.12.00", "8471.30.0100") is a code without any word before it.
_HS_DOTTED_RE = re.compile(r"(?<![\w.,])\d{4}\.\d{2}\.\d{2,4}(?:\.\d{2})?(?![\w.,]\d|\w)")
_DOTTED_DATE = re.compile(r"(?:19|20)\d\d\.(?:0[1-9]|1[0-2])\.(?:[0-2]\d|3[01])")

_PLATE = r"(?-i:([A-Z0-9]{1,5}(?:[ -]?[A-Z0-9]{1,5}){0,3}))\b"
_VEHICLE_RE = re.compile(
    r"\b(?:(?:registration|reg\.?|licen[cs]e)[ ]+(?:plates?|numbers?|no\.?|nos?\.?)"
    r"|plates?|registration|reg\b\.?|(?:semi-)?trailers?|trucks?|lorry|lorries|vans?|cars?|HGV|"
    r"tractor(?:[ ]unit)?|vehicles?|minibus|minivan|bus|tanker truck)\b"
    r"(?:[ ]+(?:with|bearing|under|number|no\.?|nos?\.?|reg\.?|registered|registration|plates?|"
    r"plate[ ]number|as|of|the|truck|trailer|tanker|(?-i:[A-Z][a-z]+(?:n|sh|ese|ian|ish|i|an))))*"
    r"[ ]*[:#(]?[ ]*" + _PLATE,
    re.I,
)
_PLATE_OK = re.compile(r"(?=.*\d)(?=.*[A-Z])[A-Z0-9 -]{4,14}")  # "TR 34 AB 1234"
_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")

_ID_DOC_RE = re.compile(
    r"\b(passport|ID[ ]card|identity[ ]card|identity[ ]document|national[ ]ID|ID[ ]number|"
    r"personal[ ]ID|driving[ ]licen[cs]e|driver'?s[ ]licen[cs]e|residence[ ]permit|"
    r"seaman'?s[ ]book|"
    r"visa|EGN|PESEL|NIN|SSN|tax[ ]ID|TIN|EORI)"
    r"(?:[ ]+(?:no\.?|number|nr\.?|nos?\.?|#|ID|holder))*[ ]*[:#]?[ ]*"
    r"(?:(?:[A-Z][a-z]+)[ ]+)?"
    r"([A-Z]{0,3}[ -]?\d[\dA-Z-]{4,16})\b",
    re.I,
)

_CURRENCY = (
    r"EUR|USD|GBP|CHF|JPY|CNY|RMB|AED|SAR|TRY|BGN|RON|PLN|UAH|RUB|INR|PKR|NGN|GHS|KES|ZAR|"
    r"BRL|MXN|AUD|CAD|NZD|HKD|SGD|MYR|THB|SEK|NOK|DKK|HUF|CZK|EGP|MAD|TZS|UGX|XOF|XAF"
)
_CURRENCY_WORD = (
    r"euros?|dollars?|US dollars?|pounds? sterling|levs?|leva|lira|liras|rupees?|naira|"
    r"cedis?|shillings?|rand|yuan|dirhams?|riyals?|francs?|zloty|hryvnias?|roubles?|rubles?|"
    r"pesos?|reais|ringgit|baht"
)
_SCALE = r"(?:[ -]?(?:million|billion|thousand|mln|bn|m|k|(?i:lakhs?|crores?))\b)?"
_NUMBER = r"\d{1,3}(?:[,. ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MONEY_RE = re.compile(
    r"(?:(?<![A-Za-z])(?P<cur1>"  # not the R of "TR 34 AB 1234"
    + _CURRENCY
    + r"|€|\$|£|¥|₦|₹|₱|US\$|USD\$|[SAC]\$|NZ\$|HK\$|RM(?=[ ]?\d)|K?[Ss]h(?=[ ]?\d)|"
    r"Rs\.?|R\$|R(?=[ ]?\d)|N(?=\d)|P(?=\d))[ ]?(?P<num1>"
    + _NUMBER
    + ")"
    + _SCALE
    + r"|(?P<num2>"
    + _NUMBER
    + ")"
    + _SCALE
    + r"[ ]?(?P<cur2>"
    + _CURRENCY
    + r"|(?i:"
    + _CURRENCY_WORD
    + r")|€))\b",
)
# Not containers or TEU: a count of containers is of boxes, not of goods (the guideline).
_UNITS = (
    r"kg|kgs|kilos?|kilograms?|g|grams?|mg|t|tonnes?|tons?|MT|lbs?|pounds|l|lt|ltrs?|litres?|"
    r"liters?|ml|m3|cubic metres?|cbm|barrels?|bbl|cartons?|ctns?|packs?|packets?|pcs|pieces?|"
    r"units?|boxes|box|bottles?|cans|cases?|crates?|pallets?|sticks?|bales?|bags?|sacks?|parcels?|"
    r"packages?|pkgs?|bundles?|rolls?|sets?|pairs?|doses?|tablets?|pills?|capsules?|vials?|ampoules?|"
    r"rounds|heads?|boxes|blocks|bricks|ingots|bars|drums|jerrycans?|"
    r"canisters?|cylinders?|logs|tusks|carats?|ounces?|oz|gms|grammes?|kilogrammes?|pellets"
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "a hundred": 100, "a dozen": 12,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNITS_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMBER_WORDS.update({f"{t}-{u}": n + i for t, n in _TENS.items()
                      for i, u in enumerate(_UNITS_WORDS, start=1)})
_NUMBER_WORDS.update(_TENS)
# "eighty-one (81) cartons": a number in words may repeat itself in figures
_NUMBER_WORD = ("(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
                + r")(?:[ ]\(\d+\))?")
_QUANTITY_RE = re.compile(
    r"(?<![\w.,])(?P<num>" + _NUMBER + r"|(?i:" + _NUMBER_WORD + r")(?=[ ]))"
    r"(?:[ ]?(?P<scale>million|billion|thousand|mln|bn|lakh|crore))?"
    r"(?:[ ]?(?:-[ ]?)?(?P<unit>" + _UNITS + r"))\b"
    r"(?:(?<=lbs|kgs|gms|ozs|pcs)\.)?",  # "941 lbs.": the dot is the unit's
)
_NUM_SCALE_RE = re.compile(
    r"(?<![\w.,])(?:" + _NUMBER + r")(?:[ ]?(?:million|billion|thousand|mln|bn))?(?=[ ]\w)"
)
_DATE_RE = re.compile(
    r"\b(?:(?P<d>[0-3]?\d)[./-](?P<m>[01]?\d)[./-](?P<y>(?:19|20)\d\d)"
    r"|(?P<y2>(?:19|20)\d\d)-(?P<m2>[01]\d)-(?P<d2>[0-3]\d))\b"
)
# Capital and small letters of names in Latin scripts ("Öztürk", "Łukasz", "Gıda"): `re`
# has no \p{Lu}, so Latin Extended-A, where the two alternate, is spelled out.
_EXTENDED_A = [chr(c) for c in range(0x100, 0x180)]
_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in _EXTENDED_A if c.isupper())
_LOWER = "a-zß-öø-ÿ" + "".join(c for c in _EXTENDED_A if c.islower())
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}'-]+|[{_UPPER}]{{2,}}[{_UPPER}'-]*)"
_TITLE_PERSON_RE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Capt|Captain|Master|Sgt|Insp|Inspector|Officer|Agent|Judge|"
    r"(?i:suspect|informant|driver|courier|named|called|national|citizen|subject|subj|owner|"
    r"director|manager|shipper|passenger|CEO|comptroller|contact))[.,]?[ ]+"
    rf"({_NAME_WORD}(?:[ ]{_NAME_WORD}){{1,3}})"
)
_PERSON_STOP = frozenset(
    [
        "Customs",
        "Police",
        "Port",
        "Border",
        "Ltd",
        "Limited",
        "LLC",
        "GmbH",
        "Agency",
        "Ministry",
        "The",
        "MV",
        "IMO",
        "HS",
        "EUR",
        "USD",
        "Street",
        "Road",
        "Airport",
        "Office",
        "Service",
        "Directorate",
    ]
)

LEGAL_FORMS: tuple[str, ...] = (
    "Ltd",
    "Limited",
    "LLC",
    "L.L.C.",
    "GmbH",
    "AG",
    "S.A.",
    "SA",
    "S.A.S.",
    "SAS",
    "SARL",
    "S.à r.l.",
    "SRL",
    "S.R.L.",
    "S.r.l.",
    "SpA",
    "S.p.A.",
    "OOD",
    "EOOD",
    "AD",
    "EAD",
    "AŞ",
    "A.Ş.",
    "AS",
    "Ltd. Şti.",
    "Ltd Şti",
    "BV",
    "B.V.",
    "NV",
    "N.V.",
    "Co.",
    "Co",
    "Company",
    "Corp",
    "Corp.",
    "Corporation",
    "Inc",
    "Inc.",
    "PLC",
    "plc",
    "LLP",
    "LP",
    "Pty",
    "Pty Ltd",
    "Pvt Ltd",
    "(Pvt) Ltd",
    "(Pvt.) Ltd.",
    "(Pvt) Limited",
    "(Private) Limited",
    "Private Limited",
    "Pvt. Ltd.",
    "Sdn Bhd",
    "FZE",
    "FZCO",
    "FZ-LLC",
    "DMCC",
    "Sp. z o.o.",
    "s.r.o.",
    "a.s.",
    "Kft",
    "Kft.",
    "Oy",
    "AB",
    "ApS",
    "A/S",
    "KG",
    "OOO",
    "ZAO",
    "PAO",
    "JSC",
    "SL",
    "S.L.",
    "Lda",
    "Ltda",
    "Ltda.",
    "SE",
    "d.o.o.",
    "DOO",
    "Trading Co.",
)
# Upper-case spellings ("BALTIC STAR TRADING LIMITED") of the longer forms.
LEGAL_FORMS += tuple(f.upper() for f in LEGAL_FORMS if f.upper() != f and len(f) > 2)
_LEGAL_ALT = "|".join(re.escape(f) for f in sorted(set(LEGAL_FORMS), key=len, reverse=True))
_CAP_WORD = r"(?:[A-Z][\w&'’.-]*)"
_COMPANY_RE = re.compile(
    r"\b("
    + _CAP_WORD
    + r"(?:[ ](?:&[ ]|(?:de|del|da|di|la|van|der|von)[ ]|and[ ](?=(?:Gas|Sons|Partners|Co|"
    r"Company|Services|Logistics|Trading|Shipping|Energy|Exports?|Imports?)\b))?"
    + _CAP_WORD
    + r"){0,5}),?[ ]"
    r"(?:" + _LEGAL_ALT + r")(?![\w-])"  # not the "Co" of "Co-operation"
)
_COMPANY_LEAD_STOP = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "By",
        "From",
        "To",
        "For",
        "Of",
        "And",
        "With",
        "Director",
        "Owner",
        "Manager",
        "Shipper",
        "Consignee",
        "Importer",
        "Exporter",
        "Company",
        "Firm",
        "Trader",
        "Via",
        "Declarant",
        "Contact",
        "Source",
        "Subj",
        "Re",
        "Ref",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


# --------------------------------------------------------------------------- recognisers


def find_containers(text: str) -> Iterator[Candidate]:
    for m in _CONTAINER_RE.finditer(text):
        if _NOT_CONTAINER_CTX.search(text, max(0, m.start() - 16), m.start()):
            continue  # bill-of-lading / booking numbers share the owner-code shape
        code = "".join(m.groups())
        valid = is_valid_container(code)
        yield Candidate(
            m.start(), m.end(), "CONTAINER", code, 0.99 if valid else 0.4, "rule", PRIO_ID
        )


def find_imo(text: str) -> Iterator[Candidate]:
    for m in _IMO_RE.finditer(text):
        digits = m.group(1)
        conf = 0.98 if is_valid_imo(digits) else 0.35
        yield Candidate(m.start(), m.end(), "VESSEL", f"IMO{digits}", conf, "rule", PRIO_ID)


def find_emails(text: str) -> Iterator[Candidate]:
    for m in _EMAIL_RE.finditer(text):
        yield Candidate(m.start(), m.end(), "EMAIL", m.group().lower(), 0.99, "rule", PRIO_ID)


# What a number after a ship's name counts when it is not part of the name ("Blue Horizon
# 40 nautical miles off"); "Yuet Fung 8 off Tsing Yi" keeps its number.
_COUNTED_AFTER = re.compile(
    r"[ ](?:nautical|miles?|nm|km|kilomet|met|feet|ft|tonnes?|tons?|kgs?|kilo|crew|people|"
    r"men|persons|migrants|containers|hours?|days?|bags|bales|packages|pounds|lbs|cartons|"
    r"per|percent|%)", re.I)


def find_vessel_names(text: str) -> Iterator[Candidate]:
    for m in _VESSEL_RE.finditer(text):
        name = m.group(1).rstrip("'")  # the closing quote of "'Jay Malhar'"
        start = m.start(1)
        words = name.split(" ")
        # drop trailing function words / stop words the greedy pattern swallowed
        while words and (words[-1] in {"of", "de", "del", "la"} or words[-1] in _VESSEL_STOP):
            words.pop()
        if not words or words[0] in _VESSEL_STOP or words[0].isdigit():
            continue
        name = " ".join(words)
        after = text[start + len(name) : start + len(name) + 16]
        if len(words) > 1 and words[-1].isdigit() and _COUNTED_AFTER.match(after):
            words.pop()  # "Blue Horizon 40 nautical miles": the number is not in the name
            name = " ".join(words)
        if name.isupper() and len(name) <= 3:
            continue
        yield Candidate(start, start + len(name), "VESSEL", name.upper(), 0.85, "rule", PRIO_NAME)
        yield Candidate(m.start(), start, "", "", 0.0, "rule", PRIO_SUPPRESS)
    for m in _LINER_VESSEL_RE.finditer(text):
        words = m.group(1).split(" ")
        if words[0] in _LINER_NOT_SHIP or words[0] in _VESSEL_STOP:
            continue
        if words[-1] in _LINER_NOT_SHIP or words[-1] in _VESSEL_STOP:
            words.pop()
        end = m.start(1) + len(" ".join(words))
        yield Candidate(m.start(), end, "VESSEL", text[m.start() : end].upper(), 0.8, "rule",
                        PRIO_NAME)
    for m in _APPOSED_VESSEL_RE.finditer(text):
        name = m.group(1)
        if name.split(" ")[0] not in _VESSEL_STOP and not known_agency(name):
            yield Candidate(m.start(1), m.end(1), "VESSEL", name.upper(), 0.75, "rule",
                            PRIO_NAME - 1)


def find_hs_codes(text: str) -> Iterator[Candidate]:
    for m in _HS_RE.finditer(text):
        trigger = m.group(0)[: m.start(1) - m.start()].strip().lower()
        if trigger.startswith("customs") and "code" not in trigger:
            continue
        base = m.start(1)
        for c in _HS_ONE.finditer(m.group(1)):
            digits = re.sub(r"\D", "", c.group())
            if len(digits) % 2:
                continue
            s, e = base + c.start(), base + c.end()
            yield Candidate(s, e, "HS_CODE", digits, 0.95, "rule", PRIO_CONTEXT)
        yield Candidate(m.start(), m.start(1), "", "", 0.0, "rule", PRIO_SUPPRESS)
    for m in _HS_DOTTED_RE.finditer(text):
        if not _DOTTED_DATE.fullmatch(m.group()):
            yield Candidate(m.start(), m.end(), "HS_CODE", m.group().replace(".", ""), 0.8,
                            "rule", PRIO_CONTEXT - 1)


def find_vehicles(text: str) -> Iterator[Candidate]:
    for m in _VEHICLE_RE.finditer(text):
        plate = m.group(1)
        s = m.start(1)
        # trim trailing lower-case-looking tails: the pattern is case-insensitive
        parts = plate.split(" ")
        while parts and not parts[-1].isupper() and not parts[-1].isdigit():
            parts.pop()
        while parts and not parts[0].isupper() and not parts[0].isdigit():
            s += len(parts[0]) + 1
            parts.pop(0)
        plate = " ".join(parts)
        if not plate or not _PLATE_OK.fullmatch(plate) or _YEAR_ONLY.fullmatch(plate):
            continue
        if re.fullmatch(r"[A-Z]{3}[UJZ][ -]?\d{6}[ -]?\d", plate):
            continue  # a container number
        norm = re.sub(r"[\s-]", "", plate)
        if norm.isdigit() or len(norm) < 4:
            continue
        yield Candidate(s, s + len(plate), "VEHICLE", norm, 0.85, "rule", PRIO_CONTEXT)


def find_id_documents(text: str) -> Iterator[Candidate]:
    for m in _ID_DOC_RE.finditer(text):
        number = m.group(2)
        if not any(ch.isdigit() for ch in number):
            continue
        norm = re.sub(r"[\s-]", "", number).upper()
        if len(norm) < 5:
            continue
        yield Candidate(m.start(2), m.end(2), "ID_DOCUMENT", norm, 0.85, "rule", PRIO_CONTEXT)


def _parse_number(raw: str) -> float | None:
    s = raw.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "lakh": 1e5,
    "crore": 1e7,
}
_CURRENCY_NORM = {
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollar": "USD",
    "us dollars": "USD",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "pound sterling": "GBP",
    "¥": "JPY",
    "lev": "BGN",
    "levs": "BGN",
    "leva": "BGN",
    "lira": "TRY",
    "liras": "TRY",
    "rupee": "INR",
    "rupees": "INR",
    "rs": "INR",
    "rs.": "INR",
    "₹": "INR",
    "₱": "PHP",
    "p": "PHP",
    "usd$": "USD",
    "s$": "SGD",
    "a$": "AUD",
    "c$": "CAD",
    "nz$": "NZD",
    "hk$": "HKD",
    "rm": "MYR",
    "sh": "KES",
    "ksh": "KES",
    "r$": "BRL",
    "r": "ZAR",
    "n": "NGN",
    "₦": "NGN",
    "naira": "NGN",
    "rand": "ZAR",
    "yuan": "CNY",
    "rmb": "CNY",
    "dirham": "AED",
    "dirhams": "AED",
    "riyal": "SAR",
    "riyals": "SAR",
    "zloty": "PLN",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "reais": "BRL",
    "ringgit": "MYR",
    "baht": "THB",
}


def _fmt_amount(value: float) -> str:
    value = round(value, 2)  # 9.8 lakh is 980000, not 980000.0000000001
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")


def normalize_money(text: str) -> str:
    m = _MONEY_RE.search(text)
    if not m:
        return text
    cur = m.group("cur1") or m.group("cur2")
    num = m.group("num1") or m.group("num2")
    value = _parse_number(num)
    scale = re.search(r"(million|billion|thousand|mln|bn|m|k|lakh|crore)s?\b",
                      text[m.start() : m.end()].lower())
    if value is None:
        return text
    if scale:
        value *= _SCALES[scale.group(1)]
    code = _CURRENCY_NORM.get(cur.lower(), cur.upper())
    return f"{code} {_fmt_amount(value)}"


def find_money(text: str) -> Iterator[Candidate]:
    for m in _MONEY_RE.finditer(text):
        s, e = m.start(), m.end()
        yield Candidate(s, e, "MONEY", normalize_money(m.group()), 0.9, "rule", PRIO_AMOUNT)


_UNIT_NORM = {
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilogramme": "kg",
    "kilogrammes": "kg",
    "gms": "g",
    "gramme": "g",
    "grammes": "g",
    "kilograms": "kg",
    "gram": "g",
    "grams": "g",
    "tonne": "t",
    "tonnes": "t",
    "ton": "t",
    "tons": "t",
    "mt": "t",
    "lt": "l",
    "ltr": "l",
    "ltrs": "l",
    "litre": "l",
    "litres": "l",
    "liter": "l",
    "liters": "l",
    "pieces": "pcs",
    "piece": "pcs",
    "ctn": "cartons",
    "ctns": "cartons",
    "carton": "cartons",
}


def normalize_quantity(text: str) -> str:
    m = _QUANTITY_RE.search(text)
    if not m:
        return text
    word = _NUMBER_WORDS.get(m.group("num").lower().split(" (")[0])
    value = float(word) if word else _parse_number(m.group("num"))
    if value is None:
        return text
    if m.group("scale"):
        value *= _SCALES[m.group("scale")]
    unit = m.group("unit")
    unit = _UNIT_NORM.get(unit.lower(), unit.lower())
    return f"{_fmt_amount(value)} {unit}"


def find_quantities(text: str) -> Iterator[Candidate]:
    for m in _QUANTITY_RE.finditer(text):
        unit = m.group("unit")
        if unit in {"m", "g", "l", "t"} and m.group("num").isdigit() and len(m.group("num")) == 4:
            continue  # "2024 t"? unlikely; avoid years glued to letters
        norm = normalize_quantity(m.group())
        yield Candidate(m.start(), m.end(), "QUANTITY", norm, 0.85, "rule", PRIO_AMOUNT)


# Goods the lexicon does not list, named by what makes them contraband: "counterfeit car
# wax", "fake designer perfume", "falsified vaccine vials". One or two lower-case words
# after the qualifier (a brand between them is skipped: it is not the goods).
_FAKE_GOODS_RE = re.compile(
    r"\b(?i:counterfeit|fake|falsified|pirated|replica|knock-off)[ ]"
    r"(?:(?:[A-Z][\w&'-]*|designer|branded|brand-name)[ ]){0,3}"
    r"([a-z][a-z-]{2,}(?:[ ][a-z][a-z-]{2,})?)"
)
_NOT_GOODS = frozenset({
    "and", "or", "of", "in", "on", "at", "from", "to", "for", "with", "worth", "were", "was",
    "are", "is", "being", "that", "which", "by", "into", "as", "valued", "bearing", "had",
    "have", "has", "the", "a", "an", "trade", "trafficking", "smuggling", "network", "ring",
    "operation", "operations", "seizures", "seizure", "items", "products", "goods",
    "shipment", "shipments", "consignment", "consignments", "cargo", "containers", "parcels",
    "packages", "imports", "exports", "sales", "sellers", "factory", "warehouse", "labels",
    "trademarks", "trademark", "brands", "versions", "copies", "through", "destined", "bound",
})  # fmt: skip


def find_fake_goods(text: str) -> Iterator[Candidate]:
    for m in _FAKE_GOODS_RE.finditer(text):
        words = m.group(1).split(" ")
        if words[0].endswith("s"):
            words = words[:1]  # "counterfeit airbags destined for": a plural ends the name
        while words and words[-1] in _NOT_GOODS:
            words.pop()
        if not words or words[0] in _NOT_GOODS:
            continue
        end = m.start(1) + len(" ".join(words))
        # "counterfeit car wax" keeps its qualifier, as the lexicon's "counterfeit
        # clothing" does; a brand between them leaves the goods alone
        start = m.start() if " " not in text[m.start() : m.start(1) - 1] else m.start(1)
        yield Candidate(start, end, "COMMODITY", text[start:end].lower(), 0.7, "rule",
                        PRIO_LEXICON)  # the longer of it and a lexicon's match wins


# Goods the lexicon lacks, named by where they stand: after a count in a unit of goods
# ("460 bags of fertilizer", "3,500 litres of illicit diesel") and as what a consignment
# was declared ("declared as bathroom fittings under", "labelled as wooden handicrafts").
_GOODS_UNITS = (
    r"kg|kgs|kilos|kilograms?|grams|tonnes?|tons|lbs|pounds|litres|liters|gallons|barrels|"
    r"cartons|packs|packets|pieces|units|boxes|bottles|cans|cases|crates|pallets|sticks|bales|"
    r"bags|sacks|parcels|packages|bundles|rolls|sets|pairs|rounds|heads|drums|jerrycans|"
    r"canisters|cylinders|tins|sachets|consignments?[ ]of[ ]"
)
_GOODS_OF_RE = re.compile(
    r"(?<![\w.,])(?:\d[\d,.]*|(?i:" + _NUMBER_WORD + r"))(?:[ ](?:million|thousand))?[ ]?"
    r"(?:" + _GOODS_UNITS + r")[ ]of[ ]((?:[a-z][a-z'-]+[ ]?){1,4})"
    r"|\b(?:declared|described|labelled|labeled|manifested|disguised|invoiced|misdeclared)"
    r"(?:[ ](?:the|its|their)[ ](?:consignments?|shipments?|goods|cargo|containers?|parcels?|"
    r"packages?|items|imports?|load))?[ ]as[ ](?:an?[ ])?((?:[a-z][a-z'-]+[ ]?){1,4})"
)
_GOODS_STOP = _NOT_GOODS | frozenset({
    "aboard", "hidden", "concealed", "declared", "each", "estimated", "what", "who", "when",
    "belonging", "suspected", "alleged", "believed", "worth", "weighing", "inside", "under",
    "onto", "off", "over", "via", "per", "some", "its", "their", "his", "her", "this", "these",
    "those", "they", "it", "not", "but", "also", "after", "before", "during", "while",
    "allegedly", "reportedly", "then", "than", "about", "arriving", "imported", "exported",
    "loaded", "shipped", "transported", "carried", "seized", "found", "intended", "meant",
    "merchandise", "substance", "substances", "material", "materials", "stuff", "things",
    "drugs", "drug", "narcotics", "contraband", "cigarette", "every", "all", "other",
    "personal", "commercial", "general", "mixed", "various", "different", "such",
})  # fmt: skip


def find_goods_by_context(text: str) -> Iterator[Candidate]:
    for m in _GOODS_OF_RE.finditer(text):
        group = 1 if m.group(1) else 2
        words = m.group(group).split()
        cut = next((i for i, w in enumerate(words) if w in _GOODS_STOP), len(words))
        words = words[:cut]
        if not words:
            continue
        start = m.start(group)
        end = start + len(" ".join(words))
        yield Candidate(start, end, "COMMODITY", text[start:end].lower(), 0.6, "rule",
                        PRIO_LEXICON - 1)  # a lexicon's name, normalised, wins


_COUNT_BEFORE = re.compile(
    r"(?<![\w.,])(" + _NUMBER + r"|(?i:" + _NUMBER_WORD + r"))"
    r"(?:[ ](million|billion|thousand|mln|bn))?[ ]$"
)


# "960 Tommy Hillfiger belts", "62 prohibited large-capacity magazines", "seven non-duty
# paid smuggled vehicles": a count with a brand or qualifiers between it and the goods.
_COUNT_BEFORE_WORDS = re.compile(
    r"(?<![\w.,])(?!(?:19|20)\d\d[ ])(" + _NUMBER + r"|(?i:" + _NUMBER_WORD + r"))"
    r"(?:[ ](million|billion|thousand|mln|bn))?[ ](?:[A-Za-z][\w'-]*[ ]){1,3}$"
)
_NOT_QUALIFIER = frozenset({
    "of", "and", "or", "in", "at", "on", "to", "for", "with", "from", "by", "the", "a", "an",
    "were", "was", "are", "is", "seized", "found", "containing", "cases", "years", "year",
    "months", "days", "people", "persons", "suspects", "men", "women", "containers", "trucks",
    "vessels", "kg", "kilograms", "tonnes", "tons", "litres", "liters", "pounds", "lbs",
})  # fmt: skip


def count_before(text: str, pos: int) -> tuple[int, int, str] | None:
    """A number (optionally scaled) that ends right before ``pos`` (one space between), or
    before up to three words that qualify the goods at ``pos``: its start, end and value."""
    window_start = max(0, pos - 60)
    chunk = text[window_start:pos]
    m = _COUNT_BEFORE.search(chunk)
    if not m:
        m = _COUNT_BEFORE_WORDS.search(chunk)
        if not m or set(chunk[m.end(2) if m.group(2) else m.end(1):].lower().split()) & (
                _NOT_QUALIFIER):
            return None
    word = _NUMBER_WORDS.get(m.group(1).lower().split(" (")[0])
    value = float(word) if word else _parse_number(m.group(1))
    if value is None:
        return None
    if m.group(2):
        value *= _SCALES[m.group(2)]
    end = m.end(2) if m.group(2) else m.end(1)
    return window_start + m.start(), window_start + end, _fmt_amount(value)


def find_dates(text: str) -> Iterator[Candidate]:
    for m in _DATE_RE.finditer(text):
        if m.group("y"):
            d, mo, y = int(m.group("d")), int(m.group("m")), m.group("y")
        else:
            d, mo, y = int(m.group("d2")), int(m.group("m2")), m.group("y2")
        if not (1 <= d <= 31 and 1 <= mo <= 12):
            continue
        yield Candidate(
            m.start(), m.end(), "DATE", f"{y}-{mo:02d}-{d:02d}", 0.9, "rule", PRIO_AMOUNT
        )


_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1)
    for name in names}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# One calendar date written with the month's name, in the orders reports use; a range
# ("3 and 5 February 2025") or a relative date ("last week") matches none of them.
_NAMED_DATES = [
    re.compile(rf"(?:the )?{_DAY}(?: of)? {_MONTH},? {_YEAR}", re.I),
    re.compile(rf"{_MONTH} (?:the )?{_DAY},? {_YEAR}", re.I),
    re.compile(rf"{_MONTH},? {_YEAR}", re.I),
    re.compile(_YEAR),
]


def normalize_date(text: str) -> str:
    """ISO 8601 for a single date in words ("3 Jan 2025" -> 2025-01-03, "March 2025" ->
    2025-03, "2025"); anything else (ranges, relative dates) keeps its words."""
    words = " ".join(text.split())
    for pattern in _NAMED_DATES:
        m = pattern.fullmatch(words)
        if not m:
            continue
        fields = m.groupdict()
        month = _MONTHS.get(fields["month"].lower()) if fields.get("month") else None
        if fields.get("month") and month is None:
            return words
        if fields.get("day"):
            try:
                return date(int(fields["year"]), month or 0, int(fields["day"])).isoformat()
            except ValueError:
                return words  # 31 February
        return f"{fields['year']}-{month:02d}" if month else fields["year"]
    return words


def find_titled_persons(text: str) -> Iterator[Candidate]:
    for m in _TITLE_PERSON_RE.finditer(text):
        words = m.group(1).split(" ")
        while words and words[-1] in _PERSON_STOP:
            words.pop()
        if len(words) < 2 or any(w in _PERSON_STOP for w in words):
            continue
        name = " ".join(words)
        s = m.start(1)
        yield Candidate(s, s + len(name), "PERSON", name, 0.75, "rule", PRIO_NAME - 10)


# "M/s Bilal Associates": South Asian texts mark a firm's name with "M/s" (messrs).
_MESSRS_RE = re.compile(
    r"\bM/[sS]\.?[ ]+(" + _CAP_WORD + r"(?:[ ](?:&[ ])?" + _CAP_WORD + r"){0,5})"
)


def find_companies(text: str) -> Iterator[Candidate]:
    for m in _MESSRS_RE.finditer(text):
        yield Candidate(m.start(1), m.end(1), "ORG", m.group(1), 0.8, "rule", PRIO_NAME - 1)
    for m in _COMPANY_RE.finditer(text):
        s = m.start(1)
        words = m.group(1).split(" ")
        # Drop sentence-initial function words and role nouns before the name proper.
        while words and words[0] in _COMPANY_LEAD_STOP:
            s += len(words[0]) + 1
            words.pop(0)
        if not words:
            continue
        e = m.end()
        if (
            text[e - 1 : e] != "."
            and text[e : e + 1] == "."
            and text[e + 1 : e + 2] not in ("", " ", "\n")
        ):
            e += 1  # "Co.Ltd" style; a sentence-final period stays outside the name
        yield Candidate(s, e, "ORG", text[s:e], 0.85, "rule", PRIO_NAME)


# Public bodies by the shape of their names: a run of capitalised words ending in what a
# body is ("Customs", "Directorate", "Border Police"), with an "of <place or domain>"
# tail: "Customs Administration of Montenegro", "State Customs Committee of Azerbaijan",
# "Philippine Drug Enforcement Agency". Words a shipping agency or a customer service
# also end in need a word of the trade before them (drug, revenue, border, ...).
_BODY_RUN = re.compile(
    r"(?<![\w&'’.-])(?:(?:[A-Z]\.){2,}|[A-Z][\w'’-]*)"
    r"(?:[ ](?:(?:of|and|for|&)[ ](?:the[ ])?)?(?:(?:[A-Z]\.){2,}|[A-Z][\w'’-]*))*"
)
_STRONG_HEADS = frozenset({
    "Customs", "Police", "Directorate", "Administration", "Authority", "Ministry", "Bureau",
    "Inspectorate", "Guard", "Gendarmerie", "Commissioners", "Force", "Forces", "Prosecutor",
    "Prosecution", "Constabulary", "Court", "Tribunal", "Commissionerate", "Collectorate",
})  # fmt: skip
_WEAK_HEADS = frozenset({
    "Agency", "Service", "Department", "Committee", "Board", "Office", "Unit", "Division",
    "Team", "Section", "Centre", "Center", "Command", "Squad", "Commission", "Council",
    "Organization", "Organisation", "Cell",
})  # fmt: skip
_TRADE_WORDS = frozenset({
    "Customs", "Police", "Revenue", "Tax", "Taxes", "Excise", "Border", "Borders", "Fiscal",
    "Narcotics", "Drug", "Drugs", "Enforcement", "Investigation", "Investigations",
    "Intelligence", "Immigration", "Security", "Homeland", "Crime", "Fraud", "Smuggling",
    "Anti-Smuggling", "Anti-Narcotics", "Anti-Fraud", "Coast", "Guard", "Prosecutor's",
    "General", "Protection",
    "Public", "Federal", "State", "National", "Royal", "Surveillance", "Checkpoints",
    "Finance", "Interior", "Justice", "Trade", "Treasury", "Veterinary", "Phytosanitary",
    "Health", "Wildlife", "Forestry", "Environment", "Maritime", "Port", "Counter-Terrorism",
    "Naval", "Navy", "Military", "Defence", "Defense", "Armed", "Operations",
})  # fmt: skip
# Words of a company's name, never of a public body's ("Orion Shipping Agency").
COMPANY_WORDS = frozenset({
    "Trading", "Logistics", "Shipping", "Freight", "Forwarding", "Transport", "Travel",
    "Holdings", "Group", "Import", "Export", "Broker", "Brokers", "Brokerage", "Consulting",
    "Solutions", "Services", "Lines", "Line", "Express", "Cargo", "Marine", "Bank",
})  # fmt: skip
_BODY_LEAD_STOP = frozenset({
    "The", "A", "An", "In", "On", "At", "By", "From", "To", "For", "Of", "And", "With", "Via",
    "Yesterday", "Today", "Officers", "Officials", "Agents", "Staff", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Liaise", "Fwd", "Re", "Ref",
    "Subj", "Contact", "Source", "Note", "Update", "Report",
})  # fmt: skip
_HEADS = _STRONG_HEADS | _WEAK_HEADS
_JOINS = ("of", "and", "for", "&", "the")


# Customs documents, procedures and systems the model takes for organisations.
CUSTOMS_TERMS = frozenset(
    ["TIR", "CMR", "EORI", "AEO", "SAD", "MRN", "AWB", "B/L", "TARIC", "VAT", "NCTS", "ICS",
     "ECS", "EX1", "EX-1", "T1", "T2", "ATA", "BCP", "HS", "CN", "LRN", "UCR", "CITES", "CTH",
     "CTI", "CTSH", "HGV", "LGV", "FIR", "ATM", "LCD", "LED", "DPV", "K-9", "GST", "FTZ", "POE",
     "CFS", "ICD", "SEZ", "NDPS", "IPR", "CBM", "TEU", "PoM", "MEA", "DRAM"]
)
# An acronym no list knows is a public body when its people or its units follow it: "CIIS
# officers", "ESS agents", "the PCG spokesman" (companies have staff, not officers).
_ACRONYM_OF_A_BODY = re.compile(
    r"(?<![\w&.-])([A-Z]{2,6})[ ](?=(?:officers?|agents?|operatives|officials|personnel|"
    r"operatives|spokes(?:man|woman|person)|commander|headquarters|command|troops|"
    r"investigators|inspectors|examiners)\b)"
)


def find_bodies_by_their_people(text: str) -> Iterator[Candidate]:
    for m in _ACRONYM_OF_A_BODY.finditer(text):
        if m.group(1) in CUSTOMS_TERMS:
            continue
        yield Candidate(m.start(1), m.end(1), "AGENCY", m.group(1), 0.6, "rule",
                        PRIO_LEXICON - 3)


def find_names_by_shape(text: str) -> Iterator[Candidate]:
    """Public bodies and companies without a legal form, from one pass over the runs of
    capitalised words (see ``_bodies`` and ``_trade_names``)."""
    for m in _BODY_RUN.finditer(text):
        words = m.group(0).split(" ")
        yield from _bodies(text, m.start(), words)
        yield from _trade_names(text, m.start(), words)


def _bodies(text: str, start: int, words: list[str]) -> Iterator[Candidate]:
    """The public bodies named in one run of capitalised words, left to right: the words
    up to the first head ("Nigeria Customs"), further heads and words of the trade
    ("Service", "Anti-Smuggling Directorate"), then an "of ..." tail ("of Montenegro",
    "of Customs and Excise") or an "and <trade word> ..." one ("and Border Protection")."""
    while words:
        # a body the lexicon knows stands alone: "HMRC Border Force" is two of them
        while words and (words[0] in _BODY_LEAD_STOP or words[0] in _JOINS
                         or (len(words) > 2 and known_agency(words[0]))):
            start += len(words[0]) + 1
            words = words[1:]
        first = next((i for i, w in enumerate(words) if w in _HEADS), None)
        if first is None:
            return
        cut = _prefix_start(words, first)
        if cut:
            start += len(" ".join(words[:cut])) + 1
            words, first = words[cut:], first - cut
        end = first
        while end + 1 < len(words) and (words[end + 1] in _HEADS or words[end + 1] in _TRADE_WORDS):
            end += 1
        end = _tail(words, end)
        name = words[: end + 1]
        # a strong head ("Customs", "Directorate") or a word of the trade before a weak one
        plausible = (len(name) >= 2 and not set(name) & COMPANY_WORDS
                     and bool(set(name) & (_STRONG_HEADS | (_TRADE_WORDS - _HEADS))))
        length = len(" ".join(name))
        if plausible:
            yield Candidate(start, start + length, "AGENCY", text[start : start + length],
                            0.8, "rule", PRIO_LEXICON + 5)  # fmt: skip
        start += length + 1
        words = words[end + 1 :]


def _prefix_start(words: list[str], first: int) -> int:
    """Where the name begins before its first head: after the last "of"/"for"/"the" ("Maria
    Schmidt of the Hamburg Port Authority"); "and" joins words of one name ("Tax and
    Customs Board")."""
    start = 0
    for j in range(first - 1, -1, -1):
        if words[j] in ("of", "for", "the"):
            start = j + 1
            break
    while start < first and words[start] in _JOINS:
        start += 1
    return start


def _tail(words: list[str], end: int) -> int:
    """Index of the last word of the name once its tail is added."""
    n = len(words)
    if end + 1 < n and words[end + 1] in ("of", "for"):
        k = end + 2
        if k < n and words[k] == "the":
            k += 1
        if k >= n or not words[k][:1].isupper():
            return end
        while k < n and words[k][:1].isupper():
            k += 1
        while k + 1 < n and words[k] in ("and", "&") and words[k + 1] in _TRADE_WORDS:
            k += 2
            while k < n and words[k][:1].isupper():
                k += 1
        return k - 1
    if end + 2 < n and words[end + 1] in ("and", "&") and words[end + 2] in _TRADE_WORDS:
        k = end + 2
        while k < n and words[k][:1].isupper():
            k += 1
        return k - 1
    return end


# Companies named without a legal form, by the word their name ends in: "Fresh Fields
# Imports", "Baltic Star Trading". Two such names joined by "and" are two companies.
_TRADE_NAME_ENDS = COMPANY_WORDS | frozenset({
    "Imports", "Exports", "Enterprises", "Industries", "Distribution", "Traders", "Company",
    "Forwarders", "Carriers", "Agencies", "Wholesale", "Electronics", "Textiles", "Foods",
    "Fuels", "Pharmaceuticals", "Pharma", "Motors", "Storage", "Warehousing", "Maritime",
    "Petroleum", "Distributors", "Suppliers", "Investments", "Ventures", "Associates",
}) - {"Bank", "Marine", "Line"}  # fmt: skip


# Words that make a name a company's when no legal form follows it: the trade words above,
# and the words of the press, airlines, foundations and the like ("Northglen News",
# "Lotec Foundation", "Igma Trade").
_COMPANY_CUES = _TRADE_NAME_ENDS | COMPANY_WORDS | frozenset({
    "News", "Media", "Foundation", "Trade", "Airlines", "Airways", "Airline", "Times", "Post",
    "Herald", "Tribune", "Gazette", "Television", "TV", "Radio", "Press", "Corporation",
    "Corp", "Inc", "Motors", "Enterprise", "Partners", "Brothers", "Bros", "Sons", "Factory",
    "Mills", "Farms", "Pharmacy", "Stores", "Supermarket", "Hotel", "Technologies", "Systems",
    "Energy", "Oil", "Gas", "Mining", "Construction", "Chemicals", "Couriers", "Courier",
    "Laboratories", "Impex", "Overseas", "International", "Global", "Bank", "Insurance",
})  # fmt: skip
_LEGAL_END = re.compile(r"(?:[ ,]|^)(?:" + _LEGAL_ALT + r")$")


def has_company_cue(name: str) -> bool:
    """A word of trade, of the press or a legal form in a name: what makes it a company's
    rather than a brand's, a place's or a body's the model mistook for one."""
    words = name.replace(",", " ").split()
    return bool(set(words) & _COMPANY_CUES) or bool(_LEGAL_END.search(name))


def _trade_names(text: str, start: int, words: list[str]) -> Iterator[Candidate]:
    while words:
        cut = next((i for i, w in enumerate(words)
                    if w == "and" and i > 0 and words[i - 1] in _TRADE_NAME_ENDS),
                   len(words))  # fmt: skip
        yield from _trade_name(text, start, words[:cut])
        start += len(" ".join(words[: cut + 1])) + 1
        words = words[cut + 1 :]


def _trade_name(text: str, start: int, words: list[str]) -> Iterator[Candidate]:
    ends = [i for i, w in enumerate(words) if w in _TRADE_NAME_ENDS]
    if not ends or set(words) & _STRONG_HEADS or known_agency(words[0]):
        # "CBSA Border Watch Line": a body's line, not a company
        return
    words = words[: ends[-1] + 1]
    begin = _prefix_start(words, ends[-1])
    while begin < len(words) and words[begin] in _COMPANY_LEAD_STOP:
        begin += 1
    if len(words) - begin < 2:
        return
    start += len(" ".join(words[:begin])) + (1 if begin else 0)
    name = " ".join(words[begin:])
    yield Candidate(start, start + len(name), "ORG", name, 0.75, "rule", PRIO_LEXICON + 5)


# Border crossing points by what follows or precedes their name: "Kapitan Andreevo
# border crossing", "Svilengrad BCP", "BCP Kulata". The model often takes the name for a
# company; the words around it say it is a place.
_CROSSING_WORDS = (
    r"(?:border[ ]crossing(?:[ ]point)?|crossing[ ]point|border[ ]post|BCP|checkpoint)"
)
_PLACE_NAME = r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)*(?:[ ][A-Z][\w'’]*(?:-[A-Z][\w'’]*)*){0,2}"
_CROSSING_AFTER = re.compile(r"\b(" + _PLACE_NAME + r")[ ]" + _CROSSING_WORDS + r"\b")
_CROSSING_BEFORE = re.compile(r"\b" + _CROSSING_WORDS + r"[ ](" + _PLACE_NAME + r")\b")


# Airports, harbours, terminals and free zones by their names: the whole name is the place.
_FACILITY = re.compile(
    r"\b((?:[A-Z][\w'’-]*[ ]){1,4}(?:International[ ])?(?:Airport|Harbour|Harbor|Seaport|"
    r"Container[ ]Terminal|Free[ ](?:Trade[ ])?Zone|(?:Container[ ]|Ferry[ ]|Dry[ ])?Port)"
    r"(?![ ](?:of|Authority|Health|Police|Command|Director|Manager)\b))\b"
    r"|\b((?:Port|Airport)[ ]of[ ][A-Z][\w'’-]*(?:[ ][A-Z][\w'’-]*)?)\b"
)


def find_places(text: str) -> Iterator[Candidate]:
    """Airports, harbours and free zones by their names; border crossings by the words
    around theirs."""
    for m in _FACILITY.finditer(text):
        group = 1 if m.group(1) else 2
        words, start = m.group(group).split(" "), m.start(group)
        while len(words) > 2 and words[0] in _BODY_LEAD_STOP:
            start += len(words[0]) + 1
            words = words[1:]
        name = " ".join(words)
        # the whole name is the place, over a city inside it ("Kingston Container Terminal")
        yield Candidate(start, start + len(name), "LOCATION", name, 0.8, "rule", PRIO_LEXICON)
    for pattern in (_CROSSING_AFTER, _CROSSING_BEFORE):
        for m in pattern.finditer(text):
            words = m.group(1).split(" ")
            start = m.start(1)
            while words and words[0] in _BODY_LEAD_STOP:
                start += len(words[0]) + 1
                words = words[1:]
            if words:
                name = " ".join(words)
                # below the lexicon, whose crossings carry a normalised id
                yield Candidate(start, start + len(name), "LOCATION", name, 0.8, "rule",
                                PRIO_LEXICON - 2)


_PHONE_HINT = re.compile(r"(?:\+|\b00|\b0|\(|\b\d{3})\d?[\d ()./-]{4,}\d|\b1[- .]?\(?8\d\d")
# A local number no country explains, after a word that says it is one: "tel. 0888 765
# 432", "call 555-0100", "call me back on 6944 123 456", "hotline 2545 6182".
_PHONE_CUE = re.compile(
    r"\b(?:tel|telephone|phone|ph|mob|mobile|cell|cellphone|gsm|fax|whatsapp|viber|telegram|"
    r"signal|hotline|helpline|tip[ -]?line|call|text|sms|ring)\b\.?"
    r"(?:[ ]?(?:no\.?|nr\.?|numbers?|is|:|-|on|me|us|him|her|them|back|at|free|toll-free))*"
    r"[ ]?(?P<number>\(?\d{2,5}\)?(?:[ ./-]?\d{2,5}){1,4})"
    r"(?![\d.,]\d|\w|[ ]?%|[ ](?i:kg|kilos?|tonnes?|tons?|litres?|cartons|pieces|units)\b)",
    re.I,
)
# A number after "on" or "at" in a sentence that has said it is one to call, a few words
# before: "call ZIMRA on 08677 007 688 or the local office on 0286 23456", "report it to
# the hotline at 0700 225 5337", "contact us on 0711 099 999".
_PHONE_ON = re.compile(
    r"\b(?:on|at|is|:)[ ]?(?P<number>\(?\d{2,5}\)?(?:[ ./-]?\d{2,5}){1,4})"
    r"(?![\d.,]\d|\w|[ ]?%|[ ](?i:kg|kilos?|tonnes?|tons?|litres?|cartons|pieces|units)\b)",
    re.I,
)
_CALL_CUE = re.compile(
    r"\b(?:call|calls|calling|contact|phone|telephone|tel|ring|text|whatsapp|sms|reach|"
    r"hotline|helpline|tip[ -]?line|toll-free|freephone|line|number|mobile|cell)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?](?:[ ]|$)|\n")


def _called(text: str, pos: int) -> bool:
    """Whether the sentence before ``pos`` says, in its last 80 characters, that a number
    to call follows."""
    window = text[max(0, pos - 80) : pos]
    ends = list(_SENTENCE_END.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    return bool(_CALL_CUE.search(window))


# Toll-free and shared-cost numbers, written with or without a country: North American
# 1-8xx numbers, spelled in letters or not ("1-800-BE-ALERT", "1-866-DHS-2-ICE"), and the
# 0800/0808/086x, 0500/0508, 1800 and 1300 numbers of the UK, Africa, Australia, New
# Zealand, Ireland and elsewhere.
_NANP_FREE = re.compile(
    r"(?<![\w+-])1[ .-]?\(?8(?:00|33|44|55|66|77|88)\)?[ .-]?"
    r"(?P<tail>[A-Z0-9]{1,7}(?:[ .-][A-Z0-9]{1,7}){0,4})(?![\w-])"
)
_LOCAL_FREE = re.compile(
    r"(?<![\w+])(?:080[08]|0500|0508|086[01]|1[38]00)[ -]?\d{2,4}[ -]?\d{2,4}(?:[ -]?\d{1,4})?"
    r"(?![\w-])"
)


def find_phones(text: str, regions: list[str]) -> Iterator[Candidate]:
    """Phone numbers via libphonenumber; ``regions`` are tried in order for local numbers."""
    if not _PHONE_HINT.search(text):
        return
    # a local number is most likely from the country of the text's international ones
    spoken = [
        phonenumbers.region_code_for_number(m.number)
        for m in phonenumbers.PhoneNumberMatcher(text, "ZZ", leniency=phonenumbers.Leniency.VALID)
    ]
    seen: list[tuple[int, int]] = []
    for m in _NANP_FREE.finditer(text):
        tail = m.group("tail")
        # the seven digits or capital letters after 1-8xx, as written ("BE-ALERT")
        if len(re.sub(r"[^A-Z0-9]", "", tail)) != 7:
            continue
        digits = phonenumbers.convert_alpha_characters_in_number(m.group())
        seen.append(m.span())
        yield Candidate(m.start(), m.end(), "PHONE", "+" + re.sub(r"\D", "", digits), 0.9,
                        "rule", PRIO_PHONE)
    for region in dict.fromkeys([*[r for r in spoken if r], *regions, "ZZ"]):
        leniency = phonenumbers.Leniency.VALID
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=leniency):
            if any(match.start < e and s < match.end for s, e in seen):
                continue
            seen.append((match.start, match.end))
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            intl = match.raw_string.lstrip().startswith(("+", "00"))
            conf = 0.95 if intl else 0.8
            yield Candidate(match.start, match.end, "PHONE", e164, conf, "rule", PRIO_PHONE)
    # A local or toll-free number no country explains: still an identifier officers
    # search for, kept with its digits as written.
    found = [(m.span("number"), 0.6) for m in _PHONE_CUE.finditer(text)]
    found += [(m.span(), 0.7) for m in _LOCAL_FREE.finditer(text)]
    found += [(m.span("number"), 0.6) for m in _PHONE_ON.finditer(text)
              if _called(text, m.start())]
    for (start, end), conf in found:
        digits = re.sub(r"\D", "", text[start:end])
        if not 7 <= len(digits) <= 12 or any(start < e and s < end for s, e in seen):
            continue
        seen.append((start, end))
        yield Candidate(start, end, "PHONE", digits, conf, "rule", PRIO_PHONE)
