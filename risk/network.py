"""Network exposure: is a trader linked to traders already caught?

Phoenix companies inherit phones, directors and premises from traders that were
caught. They have no control history of their own, so exposure through shared
identifiers is the only early signal. In production this is a Cypher query over
the graph; this in-memory version serves replays and tests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graph.messages import N_, Day, Joined
from risk.intel import RESTRICTED_REASON, phone_key

LINK_WEIGHT = {"director": 1.0, "shareholder": 0.8, "manager": 0.6, "employee": 0.3,
               "phone": 0.7, "email": 0.7, "address": 0.5, "relation": 0.4}


def _norm_address(address: str) -> str:
    return " ".join(address.lower().replace(",", " ").split())


class TraderNetwork:
    """Shared identifiers between traders plus the traders with positive controls."""

    def __init__(self) -> None:
        self._ident: dict[tuple[str, str], set[str]] = defaultdict(set)  # (kind, value) -> traders
        self._of_trader: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.flags: dict[str, list[float]] = {}  # trader -> [positives, seizures]

    def _link(self, trader: str, kind: str, value: str) -> None:
        if value:
            self._ident[(kind, value)].add(trader)
            self._of_trader[trader].add((kind, value))

    def add_trader(self, trader: Mapping) -> None:
        tid = trader["id"]
        for phone in trader.get("phones") or ():
            self._link(tid, "phone", phone_key(phone))
        for email in trader.get("emails") or ():
            self._link(tid, "email", email.lower())
        if trader.get("address"):
            self._link(tid, "address", _norm_address(trader["address"]))

    def add_person(self, person: Mapping) -> None:
        for role in person.get("roles") or ():
            if role.get("trader"):
                self._link(role["trader"], f"person:{role.get('role', 'employee')}", person["id"])

    def add_relation(self, relation: Mapping) -> None:
        a, b = relation.get("from") or {}, relation.get("to") or {}
        if a.get("kind") == "person" and b.get("kind") == "trader":
            self._link(b["id"], "person:relation", a["id"])
        elif a.get("kind") == "trader" and b.get("kind") == "trader":
            self._link(a["id"], "relation", f"{a['id']}|{b['id']}")
            self._link(b["id"], "relation", f"{a['id']}|{b['id']}")

    def record_control(self, declaration: Mapping, control: Mapping) -> None:
        if control.get("result") != "positive":
            return
        trader = declaration.get("importer")
        if trader:
            row = self.flags.setdefault(trader, [0, 0])
            row[0] += 1
            row[1] += 1 if control.get("seized") else 0

    def exposure(self, trader: str | None) -> tuple[float, str]:
        """Sum over flagged neighbours of (strongest link weight x flag strength), capped."""
        if not trader:
            return 0.0, "No importer"
        best: dict[str, tuple[float, str]] = {}
        for kind, value in self._of_trader.get(trader, ()):
            weight = LINK_WEIGHT.get(kind.split(":")[-1], 0.3)
            for other in self._ident[(kind, value)]:
                if other == trader or other not in self.flags:
                    continue
                if weight > best.get(other, (0.0, ""))[0]:
                    best[other] = (weight, f"{kind.split(':')[-1]} {value}")
        if not best:
            return 0.0, "No links to traders with positive controls"
        score = 0.0
        parts = []
        for other, (weight, via) in sorted(best.items(), key=lambda kv: -kv[1][0]):
            positives, seizures = self.flags[other]
            strength = min(3.0, 1.0 + 0.5 * positives + (1.0 if seizures else 0.0))
            score += weight * strength
            parts.append(f"{other} ({int(positives)} positive, {int(seizures)} with seizures) "
                         f"via shared {via}")
        return min(score, 10.0), "Linked to " + "; ".join(parts[:3])


# -- exposure from graph paths (production: paths come from a bounded Cypher query) ----------
PATH_DECAY = 0.5  # a link through an extra intermediary (3 hops) counts half


@dataclass(frozen=True)
class PathLink:
    """One path from a trader to another trader through shared identifiers or persons."""

    other: str  # register id of the linked trader
    kind: str  # key of LINK_WEIGHT: "phone", "director", "address", ...
    via: str  # what an officer can check: "phone +359 2 614 1050", "director Ivan Petrov"
    hops: int = 2
    restricted: bool = False  # runs through something the viewer may not see: counted, not named


@dataclass(frozen=True)
class TraderFlag:
    """What is known against a trader at scoring time (as of a date during training)."""

    positives: int = 0
    seizures: int = 0
    last_positive: str | None = None
    last_seized: str | None = None


def link_weight(link: PathLink) -> float:
    weight = LINK_WEIGHT.get(link.kind, 0.3)
    return weight * (PATH_DECAY ** max(0, link.hops - 2))


def _and(words: list[str]) -> str:
    """"a and b and c", each "and" translatable."""
    if len(words) < 2:
        return words[0] if words else ""
    return N_("%(first)s and %(rest)s", first=words[0], rest=_and(words[1:]))


def exposure_from_links(links: Iterable[PathLink], flags: Mapping[str, TraderFlag],
                        limit: int = 3) -> tuple[float, str]:
    """Exposure to flagged traders over paths, and the paths an officer can verify.

    Several independent links to one trader combine as 1 - prod(1 - w) (sharing a phone
    *and* a director says more than either); each flagged trader counts with a strength
    that grows with its positive controls and seizures, as in :class:`TraderNetwork`.

    >>> links = [PathLink("BG1", "phone", "phone +359 1"),
    ...          PathLink("BG1", "director", "director I. P.")]
    >>> flag = TraderFlag(1, 1, "2025-02-03", "2025-02-03")
    >>> score, why = exposure_from_links(links, {"BG1": flag})
    >>> round(score, 2)
    2.5
    >>> why
    'Shares director I. P. and phone +359 1 with BG1 (1 positive control, seized 2025-02-03)'
    """
    by_other: dict[str, list[PathLink]] = defaultdict(list)
    for link in links:
        flag = flags.get(link.other)
        if flag is not None and (flag.positives or flag.seizures):
            by_other[link.other].append(link)
    if not by_other:
        return 0.0, N_("No links to traders with positive controls or seizures")
    scored = []
    for other, paths in by_other.items():
        best: dict[str, PathLink] = {}
        hidden: dict[str, bool] = {}  # a via is named when any path through it may be seen
        for p in paths:
            if p.via not in best or link_weight(p) > link_weight(best[p.via]):
                best[p.via] = p
            hidden[p.via] = hidden.get(p.via, True) and p.restricted
        miss = 1.0
        for p in best.values():
            miss *= 1.0 - min(1.0, link_weight(p))
        weight = 1.0 - miss
        flag = flags[other]
        strength = min(3.0, 1.0 + 0.5 * flag.positives + (1.0 if flag.seizures else 0.0))
        vias = sorted(best.values(), key=lambda p: -link_weight(p))
        scored.append((weight * strength, other, [p.via for p in vias if not hidden[p.via]],
                       flag, any(hidden.values())))
    scored.sort(key=lambda s: (-s[0], s[1]))
    parts = []
    restricted = False
    for _score, other, named, flag, some_hidden in scored[:limit]:
        restricted = restricted or some_hidden
        if not named:
            continue
        record = (N_("%(count)s positive control", count=flag.positives) if flag.positives == 1
                  else N_("%(count)s positive controls", count=flag.positives))
        if flag.seizures:
            record = (N_("%(record)s, seized %(date)s", record=record, date=Day(flag.last_seized))
                      if flag.last_seized else N_("%(record)s, seizures", record=record))
        parts.append(N_("Shares %(links)s with %(trader)s (%(record)s)",
                        links=_and(named[:3]), trader=other, record=record))
    restricted = restricted or any(s[4] for s in scored[limit:])
    more = sum(1 for s in scored[limit:] if s[2])
    if more:
        parts.append(N_("and %(count)s more", count=more))
    if restricted:
        parts.append(RESTRICTED_REASON)
    return min(10.0, sum(s[0] for s in scored)), Joined(parts)
