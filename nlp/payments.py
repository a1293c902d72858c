"""Where the money goes: bank accounts (IBAN), bank codes (BIC/SWIFT), VAT numbers, and
payment cards, which are withheld.

The interface contract has a fixed label set and no bank-account label, so an IBAN, a BIC
and a VAT number are ``ID_DOCUMENT``: like a passport number, an identifier an officer
searches for and links records by (normalised to its compact, upper-case form). Each is
accepted only when its check digits (python-stdnum) hold, so a reference number of the
same shape is not taken for one. A payment card number (a Luhn-valid run of 13 to 19
digits) is not extracted at all: it is not an entity of the contract and should not be
copied into the graph, and it must not come out as a phone number either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import bic, iban, luhn
from stdnum.eu import vat

from .rules import PRIO_CONTEXT, PRIO_ID, PRIO_WITHHELD, Candidate

# Country letters, two check digits, then groups of four (the last one shorter).
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
_BIC_RE = re.compile(
    r"\b(?:BIC|SWIFT)(?:[ ]?(?:/[ ]?BIC|code|no\.?|number))*[ ]*[:#(]?[ ]*"
    r"([A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\b"
)
_VAT_RE = re.compile(
    r"\b(?:VAT|V\.A\.T\.)(?:[ ](?:reg(?:istration)?\.?|ID|identification))?"
    r"(?:[ ](?:no\.?|number|nr\.?|#))?[ ]*[:#]?[ ]*([A-Z]{2}[ ]?[0-9A-Z](?:[ ]?[0-9A-Z]){6,13})\b"
)
# A bank account number without its IBAN, after the word: "acct 0123456789".
_ACCOUNT_RE = re.compile(
    r"\b(?i:(?:bank[ ])?account|acct|a/c)(?:[ ](?i:no\.?|number|nr\.?|#))?[ ]*[:#]?[ ]*"
    r"(\d[\d -]{6,20}\d)(?![\d-])"
)
# Card numbers in groups of four or in one run; industries 2-6 (cards), never a phone's
# leading 0 or +.
_CARD_RE = re.compile(r"(?<![\d+])(?:[2-6]\d{3}(?:[ -]\d{4}){2}[ -]\d{1,7}|[2-6]\d{12,18})(?!\d)")


def find_accounts(text: str) -> Iterator[Candidate]:
    """IBANs, BICs after their name and VAT numbers after theirs, checksum-validated;
    account numbers after "account"; payment cards withheld."""
    for m in _IBAN_RE.finditer(text):
        found = _valid_iban(m.group())
        if found:
            yield Candidate(m.start(), m.start() + len(found), "ID_DOCUMENT",
                            iban.compact(found), 0.95, "rule", PRIO_ID)
    for m in _BIC_RE.finditer(text):
        if bic.is_valid(m.group(1)):
            yield Candidate(m.start(1), m.end(1), "ID_DOCUMENT", m.group(1), 0.9, "rule",
                            PRIO_CONTEXT)
    for m in _VAT_RE.finditer(text):
        number = m.group(1).rstrip()
        if vat.is_valid(number):
            yield Candidate(m.start(1), m.start(1) + len(number), "ID_DOCUMENT",
                            vat.compact(number), 0.9, "rule", PRIO_CONTEXT)
    for m in _ACCOUNT_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if 8 <= len(digits) <= 18:
            yield Candidate(m.start(1), m.end(1), "ID_DOCUMENT", digits, 0.7, "rule",
                            PRIO_CONTEXT - 1)
    for m in _CARD_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            yield Candidate(m.start(), m.end(), "", "", 0.0, "rule", PRIO_WITHHELD)


def _valid_iban(raw: str) -> str | None:
    """The longest leading part of ``raw`` that is a valid IBAN: the pattern may have run
    into the next group of letters or digits."""
    parts = raw.split(" ")
    while parts:
        candidate = " ".join(parts)
        if iban.is_valid(candidate):
            return candidate
        parts.pop()
    return None
