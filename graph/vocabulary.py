"""The words Cordon's records are written in, declared once.

Entity kinds and relation types (both reach Cypher as labels and relationship types, so
they pass through these enums and never come from request text), the roles a person
plays in a trader, report channels and statuses, control lanes and results, and the
country codes. The import (``graph.exchange.records``), the API and the forms all read
them from here.

Grades and handling codes are configured per instance (``GRADING_SCHEME``,
``HANDLING_CODES``), so they live with their one scheme in ``graph.grading``.

Pure data, no Flask, no Neo4j.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import pycountry

from graph.messages import N_

# --------------------------------------------------------------------------- entities


class EntityKind(StrEnum):
    """The kind label of an entity node; the value is the Neo4j label."""

    TRADER = "Trader"
    ORGANISATION = "Organisation"
    AGENCY = "Agency"
    PERSON = "Person"
    LOCATION = "Location"
    VESSEL = "Vessel"
    CONTAINER = "Container"
    VEHICLE = "Vehicle"
    PHONE = "Phone"
    EMAIL = "Email"
    DOCUMENT = "Document"
    COMMODITY = "Commodity"
    ADDRESS = "Address"

    @property
    def label(self) -> str:
        """The extraction label of the contract for this kind."""
        return _LABEL_OF_KIND[self]

    @property
    def prefix(self) -> str:
        return self.value.lower()


_LABEL_OF_KIND = {
    EntityKind.TRADER: "ORG",
    EntityKind.ORGANISATION: "ORG",
    EntityKind.AGENCY: "AGENCY",
    EntityKind.PERSON: "PERSON",
    EntityKind.LOCATION: "LOCATION",
    EntityKind.VESSEL: "VESSEL",
    EntityKind.CONTAINER: "CONTAINER",
    EntityKind.VEHICLE: "VEHICLE",
    EntityKind.PHONE: "PHONE",
    EntityKind.EMAIL: "EMAIL",
    EntityKind.DOCUMENT: "ID_DOCUMENT",
    EntityKind.COMMODITY: "COMMODITY",
    EntityKind.ADDRESS: "LOCATION",
}

# Which kind an extracted mention becomes. Mentions of MONEY, QUANTITY and DATE are facts
# about the report, not entities, so they are kept on the report only.
KIND_OF_LABEL = {
    "ORG": EntityKind.ORGANISATION,
    "AGENCY": EntityKind.AGENCY,
    "PERSON": EntityKind.PERSON,
    "LOCATION": EntityKind.LOCATION,
    "VESSEL": EntityKind.VESSEL,
    "CONTAINER": EntityKind.CONTAINER,
    "VEHICLE": EntityKind.VEHICLE,
    "PHONE": EntityKind.PHONE,
    "EMAIL": EntityKind.EMAIL,
    "ID_DOCUMENT": EntityKind.DOCUMENT,
    "COMMODITY": EntityKind.COMMODITY,
    "HS_CODE": EntityKind.COMMODITY,
}

# Kinds a relation endpoint (or a lookup in general) may name, by their exchange word.
ENDPOINT_KINDS = {kind.value.lower(): kind for kind in EntityKind} | {
    "organization": EntityKind.ORGANISATION
}


class RelationType(StrEnum):
    DIRECTOR_OF = "DIRECTOR_OF"
    EMPLOYEE_OF = "EMPLOYEE_OF"
    OWNER_OF = "OWNER_OF"
    SHAREHOLDER_OF = "SHAREHOLDER_OF"
    ASSOCIATE_OF = "ASSOCIATE_OF"
    RELATIVE_OF = "RELATIVE_OF"
    USES_PHONE = "USES_PHONE"
    USES_EMAIL = "USES_EMAIL"
    LOCATED_AT = "LOCATED_AT"
    HOLDS_DOCUMENT = "HOLDS_DOCUMENT"
    OPERATES = "OPERATES"
    RELATED_TO = "RELATED_TO"

    @classmethod
    def parse(cls, text: str) -> RelationType:
        """Accept ``associate_of``, ``associate of`` or ``ASSOCIATE_OF``."""
        try:
            return cls(text.strip().upper().replace(" ", "_").replace("-", "_"))
        except ValueError:
            allowed = ", ".join(t.value.lower() for t in cls)
            raise ValueError(N_("unknown relation type %(value)r; one of %(allowed)s",
                                value=text, allowed=allowed)) from None


# Person roles in a trader, and relation words seen in registers, that are not literally
# a RelationType: the original word is kept on the relationship (``role`` / ``detail``)
# so an export writes it back unchanged.
ROLE_TYPES = {
    "director": RelationType.DIRECTOR_OF,
    "manager": RelationType.EMPLOYEE_OF,
    "employee": RelationType.EMPLOYEE_OF,
    "owner": RelationType.OWNER_OF,
    "shareholder": RelationType.SHAREHOLDER_OF,
}
RELATION_SYNONYMS = {
    "family_of": RelationType.RELATIVE_OF,
    "relative": RelationType.RELATIVE_OF,
    "associate": RelationType.ASSOCIATE_OF,
}


def relation_type(word: str) -> RelationType:
    """A register's relation word as a type: itself, its nearest type, or RELATED_TO."""
    try:
        return RelationType.parse(word)
    except ValueError:
        return RELATION_SYNONYMS.get(word, RelationType.RELATED_TO)


def role_type(word: str) -> RelationType:
    """A person's role in a trader (``director``, ``manager``, ...) as a relation type."""
    return ROLE_TYPES.get(word) or relation_type(word)


# --------------------------------------------------------------------------- reports


class Channel(StrEnum):
    INFORMANT = "informant"
    REGISTER = "register"
    LIAISON = "liaison"
    HOTLINE = "hotline"
    OPEN_SOURCE = "open_source"
    PARTNER_AGENCY = "partner_agency"

    @property
    def title(self) -> str:  # type: ignore[override]  # the display name, as on every enum here
        return CHANNEL_TITLES[self]


CHANNEL_TITLES = {
    Channel.INFORMANT: "Informant report",
    Channel.REGISTER: "Register entry",
    Channel.LIAISON: "Liaison log",
    Channel.HOTLINE: "Hotline tip",
    Channel.OPEN_SOURCE: "Open source",
    Channel.PARTNER_AGENCY: "Partner agency",
}


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    EVALUATED = "evaluated"
    DISSEMINATED = "disseminated"
    ARCHIVED = "archived"


# What an exchange line may say a report's status is (a draft is not yet a record).
EXCHANGED_STATUSES = tuple(s.value for s in ReportStatus if s is not ReportStatus.DRAFT)

# --------------------------------------------------------------------------- trade

KINDS = ("trader", "person", "declaration", "control", "report", "relation")
LANES = ("green", "yellow", "red", "blue")  # blue: post-clearance audit
RESULTS = ("positive", "negative")


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    # XK (Kosovo) is a user-assigned code that EU customs systems use.
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


# Codes customs registers write for a country nobody knows (ZZ is the ISO 3166 and UN/EDIFACT
# "unknown", XX and QU are common user-assigned ones). They are accepted and stored as no
# country (None), so "unknown" never becomes a pseudo-country with a risk history of its own.
UNKNOWN_COUNTRIES = frozenset({"ZZ", "XX", "QU"})


def is_country_code(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code (upper case) or XK."""
    return code in _countries()


def is_unknown_country(code: str) -> bool:
    """``ZZ``, ``XX`` or ``QU`` (upper case): a country declared as unknown."""
    return code in UNKNOWN_COUNTRIES
