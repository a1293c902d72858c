"""Intelligence mentions as a risk signal, weighted by grade and age.

A B2 informant tip from last week should weigh more than an F6 rumour from last
year. What a grade weighs is the grading scheme's word (``graph.grading``: Admiralty,
3x5x2 or 5x5x5, as configured), handed over as each mention's ``signal``; the engine
reads no grade itself. :class:`Sighting` is what the case-management side (NER + entity linking)
hands over; :class:`MentionIndex` is a light regex/lexicon linker used for
replays and tests so the engine can be evaluated without spaCy or Neo4j.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from graph.messages import N_, Joined

# What a report's source and information grades weigh, 0-1 (GradingScheme.signal).
GradeSignal = Callable[[str, str], float]
HALF_LIFE_DAYS = 90.0
# What a reason says in place of intelligence the viewer may not see (need-to-know): it still
# counts in the score, so the lane does not depend on who asks.
RESTRICTED_REASON = N_("restricted intelligence (ask HQ analysis)")

TRADER_ID = re.compile(r"\b[A-Z]{2}\d{4,15}\b")
CONTAINER = re.compile(r"\b[A-Z]{3}U\d{7}\b")
IMO = re.compile(r"\bIMO\s*(\d{7})\b")
PHONE = re.compile(r"\+\d[\d ()-]{6,}\d")
WORD = re.compile(r"[\w&.'-]+")


def to_date(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def day(value: object) -> str:
    """ISO date (first 10 characters) of a date, datetime or string; '' when missing."""
    return str(value)[:10] if value else ""


def phone_key(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


@dataclass(frozen=True)
class Sighting:
    """One report naming one entity (trader, container, vessel) relevant to a declaration."""

    report_id: str
    entity_kind: str
    entity_id: str
    received: str  # ISO date or datetime
    source_grade: str = ""
    info_grade: str = ""
    via: str = ""  # how it was linked: "id", "name", "phone", "director P-1", ...
    restricted: bool = False  # the viewer may not see the report: counted, never named
    signal: float = field(kw_only=True)  # what its grades weigh, from the scheme in force

    @property
    def grade(self) -> str:
        return f"{self.source_grade}{self.info_grade}" or N_("ungraded")


# What a reason calls the kind of entity a report names, and how the report was linked to it
# (the ``via`` of a :class:`Sighting`: a word, or a word and what was matched).
KIND_WORDS = {"trader": N_("trader"), "container": N_("container"), "vessel": N_("vessel")}
VIA_WORDS = {"id": N_("register number"), "alias": N_("alias"), "name": N_("name"),
             "number": N_("container number"), "IMO": N_("IMO number")}


def via_said(via: str) -> str:
    """How a report was linked to an entity, in words the reader's language can hold:
    ``phone +359 2 614 1050``, ``director P-1``, ``name``."""
    if via in VIA_WORDS:
        return VIA_WORDS[via]
    word, _sep, what = via.partition(" ")
    if not what:
        return via
    return link_said(word, what)


def link_said(kind: str, name: str) -> str:
    """A thing two records share, named with its kind: ``phone +359 1``, ``director I. P.``
    (a kind with no word of its own keeps the English one)."""
    if kind == "person":  # "person" alone is a word of the extraction (found by a person)
        return N_("person %(name)s", name=name)
    word = LINK_WORDS.get(kind)
    return N_("%(kind)s %(name)s", kind=word, name=name) if word else f"{kind} {name}"


# The kinds of link the network and the mentions name (risk.network.LINK_WEIGHT's keys).
LINK_WORDS = {"director": N_("director"), "shareholder": N_("shareholder"),
              "manager": N_("manager"), "employee": N_("employee"), "phone": N_("phone"),
              "email": N_("e-mail"), "address": N_("address"), "relation": N_("relation"),
              "document": N_("document"), "vehicle": N_("vehicle")}


def mention_weight(m: Sighting, as_of: date | str, half_life_days: float = HALF_LIFE_DAYS) -> float:
    """Reliability x credibility x exponential decay; reports from the future weigh 0."""
    age = (to_date(as_of) - to_date(m.received)).days
    if age < 0:
        return 0.0
    return m.signal * 0.5 ** (age / half_life_days)


def describe(mentions: Iterable[Sighting], as_of: date | str, limit: int = 3) -> tuple[float, str]:
    """Total weight and a short explanation naming the strongest reports the viewer may see;
    restricted ones count in the weight and appear only as :data:`RESTRICTED_REASON`."""
    weighted = sorted(((mention_weight(m, as_of), m) for m in mentions),
                      key=lambda wm: -wm[0])
    weighted = [(w, m) for w, m in weighted if w > 0]
    if not weighted:
        return 0.0, N_("No intelligence reports on the parties or transport")
    total = sum(w for w, _ in weighted)
    shown = [m for _w, m in weighted if not m.restricted]
    parts = []
    for m in shown[:limit]:
        said = {"report": m.report_id, "grade": m.grade,
                "days": (to_date(as_of) - to_date(m.received)).days,
                "kind": KIND_WORDS.get(m.entity_kind, m.entity_kind), "entity": m.entity_id}
        parts.append(N_("%(report)s (%(grade)s, %(days)s d ago, %(kind)s %(entity)s via "
                        "%(via)s)", **said, via=via_said(m.via)) if m.via
                     else N_("%(report)s (%(grade)s, %(days)s d ago, %(kind)s %(entity)s)",
                             **said))
    detail: str = ""
    if len(shown) > limit:
        detail = N_("%(count)s report(s): %(reports)s and %(more)s more", count=len(shown),
                    reports=Joined(parts), more=len(shown) - limit)
    elif shown:
        detail = N_("%(count)s report(s): %(reports)s", count=len(shown), reports=Joined(parts))
    if len(shown) < len(weighted):
        detail = (Joined((detail, N_("and %(restricted)s", restricted=RESTRICTED_REASON)))
                  if detail else RESTRICTED_REASON)
    return total, detail


class MentionIndex:
    """Links report text to registered traders by id, name, phone and director name;
    ``signal`` weighs the reports' grades (the scheme they were graded in)."""

    def __init__(self, signal: GradeSignal) -> None:
        self.signal = signal
        self._trader_ids: set[str] = set()
        self._names: dict[tuple[str, str], list[tuple[tuple[str, ...], str, str]]] = {}
        self._phones: dict[str, set[str]] = defaultdict(set)
        self._by_entity: dict[tuple[str, str], list[Sighting]] = defaultdict(list)

    # -- register ---------------------------------------------------------------------
    def _add_name(self, name: str, target: str, via: str) -> None:
        tokens = tuple(w.lower() for w in WORD.findall(name))
        if len(tokens) >= 2:
            self._names.setdefault(tokens[:2], []).append((tokens, target, via))

    def add_trader(self, trader: Mapping) -> None:
        tid = trader["id"]
        self._trader_ids.add(tid)
        self._add_name(trader.get("name") or "", tid, "name")
        for phone in trader.get("phones") or ():
            self._phones[phone_key(phone)].add(tid)

    def add_person(self, person: Mapping) -> None:
        for role in person.get("roles") or ():
            trader = role.get("trader")
            if not trader:
                continue
            self._add_name(person.get("name") or "", trader, f"{role.get('role')} {person['id']}")
            for phone in person.get("phones") or ():
                self._phones[phone_key(phone)].add(trader)

    # -- reports -----------------------------------------------------------------------
    def link(self, text: str) -> list[tuple[str, str, str]]:
        """(entity_kind, entity_id, via) found in a text."""
        found: dict[tuple[str, str], str] = {}
        for tid in TRADER_ID.findall(text):
            if tid in self._trader_ids:
                found.setdefault(("trader", tid), "id")
        for c in CONTAINER.findall(text):
            found.setdefault(("container", c), "number")
        for imo in IMO.findall(text):
            found.setdefault(("vessel", imo), "IMO")
        for phone in PHONE.findall(text):
            for tid in self._phones.get(phone_key(phone), ()):
                found.setdefault(("trader", tid), f"phone {phone.strip()}")
        tokens = [w.lower() for w in WORD.findall(text)]
        for i in range(len(tokens) - 1):
            for full, target, via in self._names.get((tokens[i], tokens[i + 1]), ()):
                if tuple(tokens[i:i + len(full)]) == full:
                    found.setdefault(("trader", target), via)
        return [(kind, eid, via) for (kind, eid), via in found.items()]

    def add_report(self, report: Mapping) -> list[Sighting]:
        text = f"{report.get('title') or ''}. {report.get('text') or ''}"
        out = []
        for kind, eid, via in self.link(text):
            source = str(report.get("source_grade") or "")
            info = str(report.get("info_grade") or "")
            m = Sighting(report["id"], kind, eid, report.get("received") or "", source, info, via,
                        signal=self.signal(source, info))
            self._by_entity[(kind, eid)].append(m)
            out.append(m)
        return out

    def mentions_for(self, declaration: Mapping) -> list[Sighting]:
        """Mentions of the declaration's parties, container and vessel (any date), each
        party once."""
        keys = [("trader", declaration.get(r)) for r in ("importer", "declarant", "exporter")]
        transport = declaration.get("transport") or {}
        keys += [("container", transport.get("container")), ("vessel", transport.get("imo"))]
        out: list[Sighting] = []
        for kind, value in dict.fromkeys(keys):  # a trader in two roles is one party
            if value:
                out.extend(self._by_entity.get((kind, value), ()))
        return out
