"""`make lint`'s translation check: every interface string has its French and Arabic text.

Three rules, each a list of problems (empty: all is well):

* every message the code and templates mark (``_``, ``_l``, ``ngettext``, ``{{ _('…') }}``,
  and graph/'s ``N_`` of graph/messages.py,
  found as ``pybabel extract`` finds them through ``babel.cfg``) has a translation, not
  fuzzy, in each catalogue of ``app/translations``;
* no template shows text outside ``_()``: a heuristic over text nodes and the
  ``title``/``aria-label``/``placeholder``/``alt`` attributes once tags, Jinja blocks and
  comments are taken out (a word of two Latin letters or more is English left behind),
  and over words a ``{{ … }}`` prints as a bare literal (``{{ 'older' if … else 'newer' }}``);
* no ``flash("…")``, no form field label and no menu entry (``nav_item``) written as a
  bare literal in the code, and no refusal of graph/ (``LineError``, ``PackageRefused``,
  ``GradingError``) raised with one in app/ or graph/;
* every stored word a page shows (entity kinds, relation types, channels, report, case,
  task and AEO states, lanes, results, the default handling codes, roles: the codes of
  ``graph/vocabulary.py`` and its neighbours) has a label in ``app.i18n.VOCABULARY``, and
  that label is translated in each catalogue.

Run: ``python -m app.i18n_check`` (exit status 1 and the problems on stderr).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "app" / "templates"
CATALOGUES = ROOT / "app" / "translations"
LANGUAGES = ("fr", "ar")  # English is the source text
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}


# Every template's visible text must be inside _(): a new template is checked as it arrives.
def checked_templates() -> list[str]:
    return sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


# Words that read the same in every language: the product's name, units, codes.
ALLOWED_WORDS = frozenset({"Cordon", "API", "QR", "TOTP", "HS", "AEO", "KPI", "KPIs", "ID",
                           "EUR"})

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_ATTRIBUTE = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"')
_TAG = re.compile(r"<[^>]*>", re.S)
_OUTPUT = re.compile(r"\{\{.*?\}\}", re.S)
# a quoted word printed as it is: first in {{ }}, or after `else` / `or`
_PRINTED_LITERAL = re.compile(r"""(?:^\{\{-?|\belse|\bor)\s*(['"])([A-Za-z][A-Za-z ,.'-]*)\1""")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_BARE_FLASH = re.compile(r"\bflash\(\s*f?[\"']")
_BARE_LABEL = re.compile(r"\b\w+Field\(\s*f?[\"']")
_BARE_MENU = re.compile(r"\bnav_item\(\s*[\"'][^\"']*[\"'],\s*f?[\"']")
# graph/'s refusals reach people: their message is marked N_() (graph/messages.py)
_BARE_REFUSAL = re.compile(r"\b(?:LineError|PackageRefused|GradingError)\(\s*f?[\"']")


def _mapping() -> list[tuple[str, str]]:
    """The method map of babel.cfg: [(glob, method)]."""
    mapping: list[tuple[str, str]] = []
    for line in (ROOT / "babel.cfg").read_text().splitlines():
        match = re.fullmatch(r"\[(\w+):\s*(.+)\]", line.strip())
        if match:
            mapping.append((match.group(2), match.group(1)))
    return mapping


def marked_messages(root: Path = ROOT) -> dict[str, str]:
    """Every marked message id → where it is first marked (``path:line``)."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), _mapping(), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids[:1]:  # a plural is keyed by its singular
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def missing_translations(
    messages: dict[str, str], catalogues: Path = CATALOGUES, languages: Iterable[str] = LANGUAGES
) -> list[str]:
    """A problem per message without a (non-fuzzy, non-empty) translation in a catalogue."""
    problems: list[str] = []
    for lang in languages:
        path = catalogues / lang / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(f"{path}: no catalogue")
            continue
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=lang)
        for msgid, where in sorted(messages.items(), key=lambda item: item[1]):
            entry = catalogue.get(msgid)
            strings = entry.string if entry is not None else None
            texts = strings if isinstance(strings, tuple) else (strings,)
            if entry is None:
                problems.append(f"{where}: {msgid!r} is not in the {lang} catalogue")
            elif entry.fuzzy or not all(texts):
                problems.append(f"{where}: {msgid!r} is untranslated in the {lang} catalogue")
    return problems


def untranslated_text(source: str) -> list[str]:
    """English left outside ``_()`` in one template's source (a heuristic)."""
    text = _SCRIPT.sub(" ", _JINJA.sub(" ", source))
    pieces = _ATTRIBUTE.findall(text) + _TAG.sub("\n", text).splitlines()
    pieces += [m.group(2) for block in _OUTPUT.findall(source)
               for m in _PRINTED_LITERAL.finditer(block)]
    leftovers = []
    for piece in pieces:
        words = [w for w in _WORD.findall(piece) if w not in ALLOWED_WORDS]
        if words:
            leftovers.append(piece.strip())
    return leftovers


def template_problems(names: Iterable[str] | None = None) -> list[str]:
    problems: list[str] = []
    for name in checked_templates() if names is None else names:
        path = TEMPLATES / name
        if not path.exists():
            problems.append(f"app/templates/{name}: no such template")
            continue
        for text in untranslated_text(path.read_text()):
            problems.append(f"app/templates/{name}: text outside _(): {text!r}")
    return problems


def code_problems(root: Path = ROOT / "app") -> list[str]:
    """``flash("…")``, ``XField("…")``, ``nav_item(endpoint, "…")`` or a refusal of graph/
    (``LineError("…")``, ``PackageRefused``, ``GradingError``) with a bare literal."""
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "i18n_check.py":
            continue  # this module's own docstrings name the patterns
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            if any(p.search(line) for p in (_BARE_FLASH, _BARE_LABEL, _BARE_MENU,
                                            _BARE_REFUSAL)):
                where = path.relative_to(root.parent)
                problems.append(f"{where}:{lineno}: a literal outside _(): {line.strip()}")
    return problems


def stored_words() -> list[tuple[str, str]]:
    """Every stored word a page may show, with where it is declared."""
    from app.accounts.roles import Role
    from graph import vocabulary
    from graph.cases import CaseKind, CaseStatus, MemberRole
    from graph.exchange.records import AEO_STATUSES, COURT_RESULTS, EventType
    from graph.grading import DEFAULT_HANDLING
    from graph.network import ALL_RELATIONS, NODE_KINDS
    from graph.tasks import TaskPriority, TaskStatus
    from nlp.pipeline import LABELS

    words: list[tuple[str, str]] = []
    for where, values in (
        ("graph/vocabulary.py EntityKind", [k.value for k in vocabulary.EntityKind]),
        ("graph/vocabulary.py RelationType", [t.value for t in vocabulary.RelationType]),
        ("graph/vocabulary.py Channel", [c.value for c in vocabulary.Channel]),
        ("graph/vocabulary.py ReportStatus", [s.value for s in vocabulary.ReportStatus]),
        ("graph/vocabulary.py LANES", vocabulary.LANES),
        ("graph/vocabulary.py RESULTS", vocabulary.RESULTS),
        ("graph/cases.py", [v.value for e in (CaseKind, CaseStatus, MemberRole) for v in e]),
        ("graph/tasks.py", [v.value for e in (TaskStatus, TaskPriority) for v in e]),
        ("graph/exchange/records.py AEO_STATUSES", AEO_STATUSES),
        ("graph/exchange/records.py EventType", [e.value for e in EventType]),
        ("graph/exchange/records.py COURT_RESULTS", COURT_RESULTS),
        ("graph/grading.py DEFAULT_HANDLING", [g.code for g in DEFAULT_HANDLING]),
        ("nlp/pipeline.py LABELS", LABELS),
        ("graph/network.py ALL_RELATIONS", ALL_RELATIONS),
        ("graph/network.py NODE_KINDS", NODE_KINDS),
        ("app/accounts/roles.py Role", [r.value for r in Role]),  # their own table
    ):
        words.extend((value, where) for value in values)
    return words


def vocabulary_problems(catalogues: Path = CATALOGUES) -> list[str]:
    """A stored word without a label in ``app.i18n.VOCABULARY``, or with an untranslated one."""
    from app import i18n

    problems: list[str] = []
    labels: dict[str, str] = {}
    for value, where in stored_words():
        table = i18n.ROLES if where.endswith(" Role") else i18n.VOCABULARY
        label = table.get(value)
        if label is None:
            problems.append(f"{where}: {value!r} has no label in app.i18n.VOCABULARY or ROLES")
        else:
            # outside a request a lazy label reads as its English msgid
            labels.setdefault(str(label), f"{where} {value!r}")
    return problems + missing_translations(labels, catalogues)


def main() -> int:
    problems = (missing_translations(marked_messages()) + template_problems() + code_problems()
                + code_problems(ROOT / "graph") + vocabulary_problems())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} translation problem(s); see app/i18n_check.py", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
