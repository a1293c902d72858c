"""Grading schemes for source reliability and information credibility, and handling codes.

The scheme is chosen by configuration (``GRADING_SCHEME``): NATO Admiralty by default, UK
3x5x2 or 5x5x5 as alternatives. Source reliability is graded on the source, information
credibility on the report. Handling codes decide who may read a report (see
``graph.access``) and are mandatory on every report; a scheme may add its own handling
dimension (3x5x2's P/C, 5x5x5's 1-5), kept as ``scheme_handling``.

Plain data, no Flask: the forms, the API and ``flask import`` (graph.exchange) validate
with the same :class:`Grading`, built from the app's configuration by ``from_config``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph.messages import N_


@dataclass(frozen=True)
class Grade:
    code: str
    label: str
    description: str = ""
    # How much a report so graded counts as a risk signal, 0-1 (reliability x credibility
    # in risk.intel): an unjudged grade sits between a doubtful and an unreliable one.
    weight: float = 0.0


@dataclass(frozen=True)
class GradingScheme:
    name: str
    title: str
    source: tuple[Grade, ...]
    information: tuple[Grade, ...]
    handling: tuple[Grade, ...] = ()
    unknown_source: str = ""  # the grade for a source nobody can judge yet
    unknown_information: str = ""  # the grade for information nobody can judge yet

    def handling_codes(self) -> list[str]:
        return [g.code for g in self.handling]

    def source_label(self, code: str | None) -> str:
        return _label(self.source, code)

    def information_label(self, code: str | None) -> str:
        return _label(self.information, code)

    def regraded(self, source: str, *, more_reliable: bool) -> str:
        """The source grade one step more (or less) reliable than ``source``; ``source``
        itself at either end, for "cannot be judged" and for a code not of this scheme."""
        judged = [g.code for g in self.source if g.code != self.unknown_source]
        if source not in judged:
            return source
        step = judged.index(source) + (-1 if more_reliable else 1)
        return judged[step] if 0 <= step < len(judged) else source

    def signal(self, source: str | None, information: str | None) -> float:
        """What a report graded ``source``/``information`` weighs as intelligence for the
        risk engine (before its age): the product of the grades' weights; a grade missing
        or not of this scheme counts as "cannot be judged"."""
        return (_weight(self.source, source, self.unknown_source)
                * _weight(self.information, information, self.unknown_information))


def _label(grades: tuple[Grade, ...], code: str | None) -> str:
    for grade in grades:
        if grade.code == code:
            return grade.label
    return ""


def _weight(grades: tuple[Grade, ...], code: str | None, unknown: str) -> float:
    weights = {g.code: g.weight for g in grades}
    return weights.get(code or "", weights.get(unknown, 0.0))


ADMIRALTY = GradingScheme(
    "admiralty",
    N_("NATO Admiralty (A–F, 1–6)"),
    source=(
        Grade("A", N_("Completely reliable"), "No doubt of authenticity, trustworthiness or "
              "competency; a history of complete reliability.", weight=1.0),
        Grade("B", N_("Usually reliable"), "Minor doubt; a history of valid information most "
              "of the time.", weight=0.8),
        Grade("C", N_("Fairly reliable"), "Doubt; provided valid information in the past.",
              weight=0.5),
        Grade("D", N_("Not usually reliable"), "Significant doubt; provided valid information "
              "in the past.", weight=0.25),
        Grade("E", N_("Unreliable"), "Lacking authenticity, trustworthiness and competency; a "
              "history of invalid information.", weight=0.1),
        Grade("F", N_("Reliability cannot be judged"), "No basis exists for evaluating the "
              "reliability of the source.", weight=0.2),
    ),
    information=(
        Grade("1", N_("Confirmed by other sources"), "Confirmed by other independent sources; "
              "logical in itself; consistent with other information.", weight=1.0),
        Grade("2", N_("Probably true"), "Not confirmed; logical in itself; consistent with other "
              "information.", weight=0.8),
        Grade("3", N_("Possibly true"), "Not confirmed; reasonably logical; agrees with some "
              "other information.", weight=0.5),
        Grade("4", N_("Doubtful"), "Not confirmed; possible but not logical; no other "
              "information on the subject.", weight=0.25),
        Grade("5", N_("Improbable"), "Not confirmed; not logical; contradicted by other "
              "information.", weight=0.05),
        Grade("6", N_("Truth cannot be judged"), "No basis exists for evaluating the validity "
              "of the information.", weight=0.2),
    ),
    unknown_source="F",
    unknown_information="6",
)

UK_3X5X2 = GradingScheme(
    "uk3x5x2",
    N_("UK 3x5x2 (1–3, A–E, P/C)"),
    source=(
        Grade("1", N_("Reliable"), "No doubt about the source's authenticity, trustworthiness "
              "or competence.", weight=0.9),
        Grade("2", N_("Untested"), "The source has not previously been used or the reliability "
              "cannot be judged.", weight=0.2),
        Grade("3", N_("Not reliable"), "Doubt about the source's authenticity, trustworthiness "
              "or competence.", weight=0.1),
    ),
    information=(
        Grade("A", N_("Known directly to the source"), "Witnessed or heard first hand.",
              weight=1.0),
        Grade("B", N_("Known indirectly, corroborated"), "Heard second hand and corroborated.",
              weight=0.8),
        Grade("C", N_("Known indirectly"), "Heard second hand, not corroborated.", weight=0.5),
        Grade("D", N_("Not known"), "Cannot be judged.", weight=0.2),
        Grade("E", N_("Suspected to be false"), "Suspected to be false or malicious.", weight=0.05),
    ),
    handling=(
        Grade("P", N_("Lawful sharing permitted"), "May be shared for a policing or customs "
              "purpose."),
        Grade("C", N_("Conditions apply"), "Sharing only on the conditions stated."),
    ),
    unknown_source="2",
    unknown_information="D",
)

FIVE_X5X5 = GradingScheme(
    "5x5x5",
    N_("5x5x5 (A–E, 1–5, 1–5)"),
    source=(
        Grade("A", N_("Always reliable"), weight=1.0),
        Grade("B", N_("Mostly reliable"), weight=0.8),
        Grade("C", N_("Sometimes reliable"), weight=0.5),
        Grade("D", N_("Unreliable"), weight=0.1),
        Grade("E", N_("Untested source"), weight=0.2),
    ),
    information=(
        Grade("1", N_("Known to be true without reservation"), weight=1.0),
        Grade("2", N_("Known personally to the source, not to the officer"), weight=0.8),
        Grade("3", N_("Not known personally to the source, corroborated"), weight=0.5),
        Grade("4", N_("Cannot be judged"), weight=0.2),
        Grade("5", N_("Suspected to be false or malicious"), weight=0.05),
    ),
    handling=(
        Grade("1", N_("Law enforcement agencies"), "May be disseminated to other law "
              "enforcement and prosecuting agencies."),
        Grade("2", N_("Non-prosecuting agencies"), "May be disseminated to national "
              "non-prosecuting agencies."),
        Grade("3", N_("Foreign agencies"), "May be disseminated to foreign agencies."),
        Grade("4", N_("Originating agency only"), "Dissemination within the originating agency "
              "only."),
        Grade("5", N_("Originator only"), "No further dissemination: refer to the originator."),
    ),
    unknown_source="E",
    unknown_information="4",
)

SCHEMES: dict[str, GradingScheme] = {s.name: s for s in (ADMIRALTY, UK_3X5X2, FIVE_X5X5)}

# Handling codes used for need-to-know (graph/access.py understands 'open'); an instance
# may relabel or extend them with HANDLING_CODES = [(code, label, description), ...].
DEFAULT_HANDLING = (
    Grade("open", N_("Open"), "Every unit may read it."),
    Grade("restricted", N_("Restricted"), "The originating unit and those it is disseminated to."),
    Grade("originator", N_("Originator control"), "No further dissemination without the "
          "originator's consent."),
)


# Channels whose reports are never opened to every unit by an edit: an informant report
# reaches a wider audience as a sanitised copy (app/dissemination), not by recoding it.
NEVER_OPEN_CHANNELS = ("informant",)


def handling_change_refusal(channel: str | None, old: str | None, new: str) -> str | None:
    """Why a submitted report's handling code may not go from ``old`` to ``new`` (None:
    allowed). Who may change it at all is the intake service's rule."""
    if new == old:
        return None
    if new == "open" and channel in NEVER_OPEN_CHANNELS:
        return N_("An informant report is never opened to every unit; make a sanitised copy "
                  "for wider release.")
    return None


class GradingError(ValueError):
    """A grade or handling code that the configured scheme does not know."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def scheme_for(config: Mapping[str, Any]) -> GradingScheme:
    name = str(config.get("GRADING_SCHEME") or "admiralty").lower()
    try:
        return SCHEMES[name]
    except KeyError:
        raise ValueError(
            f"unknown GRADING_SCHEME {name!r}; one of {', '.join(sorted(SCHEMES))}"
        ) from None


def handling_codes(config: Mapping[str, Any]) -> tuple[Grade, ...]:
    custom = config.get("HANDLING_CODES")
    if not custom:
        return DEFAULT_HANDLING
    return tuple(Grade(*row) if not isinstance(row, Grade) else row for row in custom)


@dataclass(frozen=True)
class Grading:
    """The scheme and handling codes in force, with the validation every entry point uses."""

    scheme: GradingScheme
    handling: tuple[Grade, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Grading:
        return cls(scheme_for(config), handling_codes(config))

    def source_grade(self, value: Any, *, required: bool = False) -> str | None:
        return self._check(value, self.scheme.source, "source_grade", N_("source reliability"),
                           required)

    def info_grade(self, value: Any, *, required: bool = False) -> str | None:
        return self._check(value, self.scheme.information, "info_grade",
                           N_("information credibility"), required)

    def handling_code(self, value: Any) -> str:
        code = self._check(value, self.handling, "handling", N_("handling code"), True)
        assert code is not None  # noqa: S101 - required=True never returns None
        return code

    def scheme_handling(self, value: Any) -> str | None:
        if not self.scheme.handling:
            return None
        return self._check(value, self.scheme.handling, "scheme_handling",
                           N_("scheme handling code"), False)

    def _check(
        self, value: Any, grades: tuple[Grade, ...], field: str, what: str, required: bool
    ) -> str | None:
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                raise GradingError(N_("A %(what)s is required.", what=what), field)
            return None
        codes = {g.code.upper(): g.code for g in grades}
        code = codes.get(text.upper())
        if code is None:
            allowed = ", ".join(g.code for g in grades)
            raise GradingError(N_("%(value)r is not a %(what)s of the %(scheme)s scheme; one of "
                                  "%(allowed)s.", value=text, what=what,
                                  scheme=self.scheme.title, allowed=allowed), field)
        return code

    def choices(self, grades: tuple[Grade, ...], *, blank: str | None = None,
                translate: Callable[[str], str] = str) -> list[tuple]:
        """``(code, "code — label")`` for a select; ``translate`` puts the label (a
        ``graph.messages.Message``) in the reader's language."""
        out = [("", blank)] if blank is not None else []
        return out + [(g.code, f"{g.code} — {translate(g.label)}") for g in grades]
