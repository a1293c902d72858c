"""Score -> lane, with capacity-based thresholds, random selection and committee profiles.

Lanes: green (release), blue (release, post-clearance audit), yellow (documentary
check), red (physical check). A minimum random share, drawn deterministically from
the declaration id, keeps an unbiased sample so targeted and random hit rates
can be compared. Committee profiles are data, not code: conditions are checked
by a fixed set of operators, never eval'd, and every hit is returned as a reason.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from graph.messages import N_
from risk.model import Score

LANES = ("green", "blue", "yellow", "red")
SEVERITY = {lane: i for i, lane in enumerate(LANES)}
# A lane's colour in a reason's sentence ("minimum lane yellow"), translatable.
LANE_WORDS = {"green": N_("green"), "blue": N_("blue"), "yellow": N_("yellow"), "red": N_("red")}


class ProfileError(ValueError):
    """A committee profile that cannot be applied safely."""


@dataclass(frozen=True)
class Thresholds:
    """acceptable: below -> green (or blue from ``audit``); unacceptable: at or above -> red."""

    acceptable: float
    unacceptable: float
    audit: float | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.acceptable <= self.unacceptable <= 1.0:
            raise ValueError("need 0 <= acceptable <= unacceptable <= 1")
        if self.audit is not None and not 0.0 <= self.audit <= self.acceptable:
            raise ValueError("audit threshold must lie between 0 and acceptable")

    def lane(self, score: float) -> str:
        if score >= self.unacceptable:
            return "red"
        if score >= self.acceptable:
            return "yellow"
        if self.audit is not None and score >= self.audit:
            return "blue"
        return "green"


def _quantile(ordered: Sequence[float], share: float) -> float:
    """Score at or above which ``share`` of the (sorted ascending) scores lie."""
    if share <= 0:
        return 1.0
    k = min(len(ordered), max(1, math.ceil(share * len(ordered) - 1e-9)))  # float-safe ceil
    return ordered[len(ordered) - k]


def thresholds_from_capacity(scores: Sequence[float], red_share: float, yellow_share: float = 0.0,
                             audit_share: float = 0.0) -> Thresholds:
    """Thresholds that send the top ``red_share`` of a score distribution red, the next
    ``yellow_share`` yellow and the next ``audit_share`` blue (e.g. last month's scores)."""
    if not scores:
        raise ValueError("need a score distribution")
    if min(red_share, yellow_share, audit_share) < 0 or red_share + yellow_share + audit_share > 1:
        raise ValueError("shares must be >= 0 and sum to at most 1")
    ordered = sorted(scores)
    red = _quantile(ordered, red_share)
    yellow = _quantile(ordered, red_share + yellow_share) if yellow_share else red
    audit = _quantile(ordered, red_share + yellow_share + audit_share) if audit_share else None
    return Thresholds(min(yellow, red), red, audit if audit is None else min(audit, yellow))


def random_draw(declaration_id: str, seed: str | int = "") -> float:
    """Uniform [0, 1) fixed by id and seed: reproducible, and not steerable by the trader."""
    digest = hashlib.sha256(f"{seed}|{declaration_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# -- committee profiles ------------------------------------------------------------------------
def _cmp(op: str):
    return {
        "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
        ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
        "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
        "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
        "startswith": lambda a, b: isinstance(a, str) and a.startswith(b),
    }[op]


OPERATORS = ("==", "!=", ">", ">=", "<", "<=", "in", "not_in", "startswith")
NUMERIC_OPS = (">", ">=", "<", "<=")


def field_values(declaration: Mapping, path: str) -> list:
    """Values at a dotted path; lists fan out, so ``items.hs`` yields every item's code."""
    current: list = [declaration]
    for part in path.split("."):
        nxt = []
        for node in current:
            if isinstance(node, Mapping) and part in node:
                value = node[part]
                nxt.extend(value if isinstance(value, list) else [value])
        current = nxt
    return [v for v in current if v is not None]


@dataclass(frozen=True)
class Condition:
    op: str
    value: object
    field: str | None = None
    indicator: str | None = None

    @classmethod
    def parse(cls, raw: Mapping, where: str) -> Condition:
        if not isinstance(raw, Mapping):
            raise ProfileError(f"{where}: condition must be an object, got {raw!r}")
        unknown = set(raw) - {"field", "indicator", "op", "value"}
        if unknown:
            raise ProfileError(f"{where}: unknown keys {sorted(unknown)}")
        fld, ind = raw.get("field"), raw.get("indicator")
        if (fld is None) == (ind is None):
            raise ProfileError(f"{where}: give exactly one of 'field' or 'indicator'")
        op = raw.get("op")
        if op not in OPERATORS:
            raise ProfileError(f"{where}: unsupported op {op!r}; allowed: {', '.join(OPERATORS)}")
        if "value" not in raw:
            raise ProfileError(f"{where}: missing 'value'")
        value = raw["value"]
        if op in ("in", "not_in"):
            if not isinstance(value, list | tuple) or not value:
                raise ProfileError(f"{where}: op {op!r} needs a non-empty list value")
            value = tuple(value)
        elif op in NUMERIC_OPS and (not isinstance(value, int | float) or isinstance(value, bool)):
            raise ProfileError(f"{where}: op {op!r} needs a number, got {value!r}")
        elif op == "startswith" and not isinstance(value, str):
            raise ProfileError(f"{where}: op 'startswith' needs a string")
        name = fld if fld is not None else ind
        if not isinstance(name, str) or not name:
            raise ProfileError(f"{where}: field/indicator must be a non-empty string")
        return cls(op, value, fld, ind)

    def matches(self, declaration: Mapping, indicators: Mapping[str, float]) -> bool:
        test = _cmp(self.op)
        if self.indicator is not None:
            if self.indicator not in indicators:
                return False
            candidates = [indicators[self.indicator]]
        else:
            candidates = field_values(declaration, self.field or "")
        for v in candidates:
            if self.op in NUMERIC_OPS and (not isinstance(v, int | float) or isinstance(v, bool)):
                continue
            try:
                if test(v, self.value):
                    return True
            except TypeError:
                continue
        return False


@dataclass(frozen=True)
class Profile:
    """A targeting rule agreed by the risk committee; all conditions must hold."""

    id: str
    conditions: tuple[Condition, ...]
    rationale: str
    weight: float = 0.0  # added to the log-odds
    lane: str | None = None  # minimum lane when it fires
    valid_from: date | None = None
    valid_to: date | None = None
    title: str = ""  # the committee's name for it: what officers see in reasons

    @classmethod
    def parse(cls, raw: Mapping) -> Profile:
        pid = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(pid, str) or not pid:
            raise ProfileError(f"profile needs a string 'id': {raw!r}")
        unknown = set(raw) - {"id", "conditions", "rationale", "weight", "lane", "valid_from",
                              "valid_to", "name"}
        if unknown:
            raise ProfileError(f"profile {pid}: unknown keys {sorted(unknown)}")
        conds = raw.get("conditions")
        if not isinstance(conds, list) or not conds:
            raise ProfileError(f"profile {pid}: 'conditions' must be a non-empty list")
        rationale = raw.get("rationale")
        if not isinstance(rationale, str) or not rationale.strip():
            raise ProfileError(f"profile {pid}: a 'rationale' is required for accountability")
        weight = raw.get("weight", 0.0)
        if not isinstance(weight, int | float) or isinstance(weight, bool) \
                or not math.isfinite(weight):
            raise ProfileError(f"profile {pid}: 'weight' must be a finite number")
        lane = raw.get("lane")
        if lane is not None and lane not in LANES:
            raise ProfileError(f"profile {pid}: lane {lane!r} not one of {LANES}")
        if lane is None and weight == 0:
            raise ProfileError(f"profile {pid}: give a non-zero 'weight' or a 'lane'")
        dates: dict[str, date | None] = {}
        for key in ("valid_from", "valid_to"):
            if raw.get(key) is None:
                dates[key] = None
                continue
            try:
                dates[key] = date.fromisoformat(str(raw[key]))
            except ValueError:
                raise ProfileError(f"profile {pid}: {key} {raw[key]!r} is not an ISO date") \
                    from None
        if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
            raise ProfileError(f"profile {pid}: valid_from is after valid_to")
        parsed = tuple(Condition.parse(c, f"profile {pid} condition {i + 1}")
                       for i, c in enumerate(conds))
        title = str(raw.get("name") or pid).strip()[:120] or pid
        return cls(pid, parsed, rationale.strip(), float(weight), lane, **dates, title=title)

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and \
            (self.valid_to is None or day <= self.valid_to)

    def matches(self, declaration: Mapping, indicators: Mapping[str, float]) -> bool:
        day = date.fromisoformat(str(declaration.get("date"))[:10])
        return self.active_on(day) and all(c.matches(declaration, indicators)
                                           for c in self.conditions)


@dataclass(frozen=True)
class Decision:
    lane: str
    score: float  # after profile weights
    model_score: float
    random: bool
    targeted: bool
    reasons: list[dict]
    profiles: list[str]
    model_version: str


@dataclass
class Selectivity:
    thresholds: Thresholds
    profiles: list[Profile] = field(default_factory=list)
    random_rate: float = 0.0
    random_lane: str = "red"
    seed: str | int = "cordon"

    def __post_init__(self) -> None:
        if not 0.0 <= self.random_rate <= 1.0:
            raise ValueError("random_rate must be within [0, 1]")
        if self.random_lane not in LANES:
            raise ValueError(f"random_lane must be one of {LANES}")

    def decide(self, declaration: Mapping, score: Score,
               indicators: Mapping[str, float]) -> Decision:
        reasons = list(score.reasons)
        logit = score.logit
        lane_floor = "green"
        fired = []
        for p in self.profiles:
            if not p.matches(declaration, indicators):
                continue
            fired.append(p.id)
            logit += p.weight
            # The title only: the committee's rationale and conditions stay on its own page.
            reasons.append({"indicator": f"profile:{p.id}", "contribution": p.weight,
                            "value": 1.0,
                            "detail": N_("Risk profile %(profile)s; minimum lane %(lane)s",
                                         profile=p.title or p.id, lane=LANE_WORDS[p.lane])
                            if p.lane else N_("Risk profile %(profile)s",
                                              profile=p.title or p.id)})
            if p.lane and SEVERITY[p.lane] > SEVERITY[lane_floor]:
                lane_floor = p.lane
        if not math.isfinite(logit):
            # Fail closed: a score that cannot be computed sends the declaration to a person.
            return self._unscorable(declaration, score, fired)
        reasons.sort(key=lambda r: -r["contribution"])
        adjusted = 1.0 / (1.0 + math.exp(-logit)) if logit > -700 else 0.0
        lane = self.thresholds.lane(adjusted)
        if SEVERITY[lane_floor] > SEVERITY[lane]:
            lane = lane_floor
        targeted = SEVERITY[lane] >= SEVERITY["yellow"]
        is_random = random_draw(str(declaration.get("id")), self.seed) < self.random_rate
        if is_random and SEVERITY[self.random_lane] > SEVERITY[lane]:
            lane = self.random_lane
        return Decision(lane, adjusted, score.probability, is_random, targeted, reasons, fired,
                        score.model_version)

    def _unscorable(self, declaration: Mapping, score: Score, fired: list[str]) -> Decision:
        reason = {"indicator": "unscorable", "contribution": 0.0, "value": 0.0,
                  "detail": N_("The score could not be computed from these values (an "
                               "overflow); red lane so that an officer checks the declaration")}
        is_random = random_draw(str(declaration.get("id")), self.seed) < self.random_rate
        return Decision("red", 1.0, 1.0, is_random, True, [reason], fired, score.model_version)
