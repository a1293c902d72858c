"""Recognisers for French customs texts: what ``fr_core_news_sm`` does not know.

Seizure notes of francophone administrations write dates in words ("le 12 mars 2024",
"1er avril"), amounts with spaces between thousands and a comma for decimals ("45
millions de FCFA", "1,2 million de dirhams"), counts of goods ("2 000 cartouches"),
companies by their legal form (SARL, SA, GIE…), services by their French names
("brigade mobile des douanes") and people after the words that introduce them ("le
chauffeur", "M.", "le nommé"). Same shape as ``nlp.rules``: regexes over the raw text,
``Candidate`` tuples with character offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .rules import PRIO_AMOUNT, PRIO_CONTEXT, PRIO_NAME, Candidate, _fmt_amount

_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4, "juil": 7,
    "sept": 9, "oct": 10, "nov": 11, "déc": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_WORDS = re.compile(
    rf"\b(?P<day>[0-3]?\d)(?:er)?\s+(?P<month>{_MONTH_ALT})\.?(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.I)
_MONTH_YEAR = re.compile(
    rf"\b(?:en\s+|de\s+|d['’])?(?P<month>{_MONTH_ALT})\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_DATE_NUMERIC = re.compile(r"\b(?P<d>[0-3]?\d)[/.-](?P<m>[01]?\d)[/.-](?P<y>(?:19|20)\d\d)\b")

# "45 000 000", "45.000.000", "1,2": spaces (also narrow no-break) or dots group thousands
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_SCALE = r"(?:\s+(?P<scale>milliards?|millions?|mille|mds?|M)(?:\s+d['e’]\s*|\s+)?)?"
_CURRENCIES = {
    "fcfa": "XOF", "f cfa": "XOF", "francs cfa": "XOF", "cfa": "XOF", "xof": "XOF",
    "xaf": "XAF", "€": "EUR", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "dirhams": "MAD", "dirham": "MAD", "mad": "MAD", "dh": "MAD", "dhs": "MAD",
    "dinars algériens": "DZD", "da": "DZD", "dzd": "DZD",
    "dinars tunisiens": "TND", "dt": "TND", "tnd": "TND", "dinars": "DZD",
    "ouguiyas": "MRU", "mru": "MRU", "dollars": "USD", "dollars américains": "USD",
    "usd": "USD", "$": "USD", "francs guinéens": "GNF", "gnf": "GNF",
    "francs congolais": "CDF", "cdf": "CDF", "francs comoriens": "KMF", "kmf": "KMF",
}
_CUR_ALT = "|".join(re.escape(c) for c in sorted(_CURRENCIES, key=len, reverse=True))
_MONEY = re.compile(
    rf"(?<![\w,.])(?P<num>{_NUMBER}){_SCALE}\s*(?P<cur>{_CUR_ALT})(?![\w])", re.I)
_SCALES = {"mille": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6, "milliard": 1e9,
           "milliards": 1e9, "md": 1e9, "mds": 1e9}

_UNITS = {
    "cartouches": "cartouches", "cartouche": "cartouches", "paquets": "paquets",
    "tonnes": "t", "tonne": "t", "t": "t", "kilogrammes": "kg", "kilogramme": "kg",
    "kilos": "kg", "kg": "kg", "grammes": "g", "g": "g", "litres": "l", "litre": "l",
    "l": "l", "colis": "colis", "cartons": "cartons", "sacs": "sacs", "boîtes": "boîtes",
    "bouteilles": "bouteilles", "pièces": "pcs", "unités": "pcs", "comprimés": "comprimés",
    "plaquettes": "plaquettes", "ballots": "ballots", "fûts": "fûts", "bidons": "bidons",
    "têtes": "têtes", "conteneurs": "conteneurs", "palettes": "palettes",
    "pains": "pains", "pain": "pains", "blocs": "blocs", "sachets": "sachets",
    "plaques": "plaques", "paquet": "paquets", "boîte": "boîtes", "sac": "sacs",
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w,.])(?P<num>{_NUMBER}){_SCALE}\s*(?P<unit>{_UNIT_ALT})(?![\w])", re.I)

LEGAL_FORMS = ("SARL", "SARLU", "SA", "SAS", "SASU", "SNC", "GIE", "EURL", "SUARL", "SCI",
               "Sarl", "Ets", "Établissements", "Etablissements", "Société", "Societe", "Sté")
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’&.-]*"
_LINK = r"(?:de|du|des|d'|d’|et|&|la|le)"
_NAME_RUN = rf"{_CAP}(?:\s+(?:{_LINK}\s+)?{_CAP}){{0,4}}"
_FORM_ALT = "|".join(re.escape(f) for f in sorted(LEGAL_FORMS, key=len, reverse=True))
_COMPANY_BEFORE = re.compile(rf"\b(?P<form>{_FORM_ALT})\.?\s+(?P<name>{_NAME_RUN})")
_COMPANY_AFTER = re.compile(
    rf"(?P<name>{_NAME_RUN})\s+(?P<form>SARL|SARLU|SAS|SASU|SNC|GIE|EURL|SUARL|SA)\b")

# Public services of francophone administrations, by their French names.
AGENCIES = (
    "Direction générale des douanes", "Direction Générale des Douanes",
    "Direction générale des douanes et droits indirects", "DGDDI", "DGD", "ADII",
    "Administration des douanes et impôts indirects", "brigade mobile des douanes",
    "Brigade mobile des douanes", "brigade commerciale des douanes", "gendarmerie nationale",
    "Gendarmerie nationale", "gendarmerie", "Gendarmerie", "police nationale",
    "Police nationale", "police judiciaire", "Police judiciaire", "garde nationale",
    "Garde nationale", "Office central de répression du trafic illicite des stupéfiants",
    "OCRTIS", "OFAST", "Office anti-stupéfiants", "Cellule nationale de traitement des "
    "informations financières", "CENTIF", "TRACFIN", "douanes sénégalaises",
    "Douanes sénégalaises", "douane marocaine", "Douane marocaine", "douanes tunisiennes",
    "Douanes tunisiennes", "douanes algériennes", "Douanes algériennes", "douanes ivoiriennes",
    "Douanes ivoiriennes", "douane camerounaise", "Douane camerounaise", "douanes maliennes",
    "Douanes maliennes", "douanes nigériennes", "Douanes nigériennes", "OMD",
    "Organisation mondiale des douanes", "Interpol", "INTERPOL", "ONUDC", "DNRED",
    "Direction nationale du renseignement et des enquêtes douanières", "JIRS",
    "juridiction interrégionale spécialisée", "police mixte", "Police mixte",
    "police des frontières", "Police des frontières", "police aux frontières",
    "Police aux frontières", "PAF", "garde-côtes", "Garde-côtes", "douane française",
    "Douane française", "douanes françaises", "Douanes françaises",
)
# Units named by their shape: "brigade maritime des douanes", "bureau des douanes de Noé",
# "brigade de surveillance extérieure des navires", "cellule de lutte contre le trafic
# illicite par conteneurs" (a unit word, at most four words, then what it watches).
_UNIT_WORDS = r"(?:[Bb]rigade|[Bb]ureau|[Cc]ellule|[Ss]ubdivision|[Uu]nité|[Ii]nspection|" \
    r"[Rr]ecette|[Dd]irection régionale|[Dd]ivision|[Gg]roupement)s?"
_UNIT_SHAPE = re.compile(
    rf"(?<![\w]){_UNIT_WORDS}(?:\s+[\wÀ-ÿ'’-]+){{0,4}}?\s+des\s+douanes(?![\w])"
    rf"|(?<![\w]){_UNIT_WORDS}\s+de\s+(?:surveillance|lutte|recherche|contrôle)"
    r"(?:\s+[\wÀ-ÿ'’-]+){0,3}?\s+(?:des\s+navires|des\s+conteneurs|par\s+conteneurs|"
    r"des\s+stupéfiants|aux\s+frontières)(?![\w])")
# A service named with capitals and its initials in brackets: "Unité Mobile d'Intervention
# Rapide (UMIR)"; the initials then name it wherever they stand (pipeline abbreviations).
_SERVICE_WITH_INITIALS = re.compile(
    r"(?<![\w])(?:Unité|Brigade|Cellule|Direction|Office|Service|Groupement|Bureau|Division|"
    r"Agence|Autorité)(?:\s+(?:de\s+la\s+|de\s+l['’]|d['’]|des\s+|du\s+|de\s+|et\s+)?"
    r"[A-ZÀ-Þ][\wÀ-ÿ-]*){1,6}(?=\s*\([A-Z]{2,8}\))")
# Ministries: "ministère de l'Action et des Comptes publics", "ministère des Finances".
_MINISTRY = re.compile(
    r"(?<![\w])[Mm]inistère\s+(?:de\s+la\s+|de\s+l['’]|des\s+|du\s+|de\s+)[A-ZÀ-Þ][\wÀ-ÿ-]*"
    r"(?:(?:\s+et)?\s+(?:de\s+la\s+|de\s+l['’]|des\s+|du\s+|de\s+)[A-ZÀ-Þ][\wÀ-ÿ-]*"
    r"(?:\s+publi(?:cs|ques))?)*")
_AGENCY = re.compile(
    r"(?<![\w])(?:" + "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True))
    + r")(?![\w])")

# Words that introduce a person: "le chauffeur Mamadou Diallo", "M. Diop", "le nommé X".
_CUES = (r"(?:le|la|du|au|les)\s+(?:chauffeur|conducteur|transporteur|passager|passagère|"
         r"propriétaire|gérant|gérante|directeur|directrice|déclarant|commissionnaire|"
         r"importateur|exportateur|suspect|prévenu|prévenue|mis en cause|nommée?|"
         r"dénommée?|sieur|dame|capitaine|commandant)|M\.|Mme|Mlle|Me|Monsieur|Madame|"
         r"nommée?|dénommée?|sieur|alias")
_PERSON_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+|[A-ZÀ-ÖØ-Þ]{2,}(?:-[A-ZÀ-ÖØ-Þ]+)?"
_PERSON = re.compile(
    rf"(?<![\w])(?:{_CUES})\s+(?P<name>(?:{_PERSON_NAME})(?:\s+(?:{_PERSON_NAME})){{0,3}})")
_NOT_NAMES = frozenset({"Le", "La", "Les", "De", "Du", "Des", "Un", "Une", "Il", "Elle",
                        "Douane", "Douanes", "Police", "Gendarmerie", "Société", "SARL"})


# A tariff line after the words that name it: "position tarifaire 8708.99", "code SH 2402".
_HS = re.compile(
    r"\b(?:position|sous-position|ligne)s?\s+tarifaires?|\b(?:code|nomenclature|chapitre)\s+"
    r"(?:SH|NC|TEC|du\s+SH)|\bsous\s+(?:la\s+)?position", re.I)
_HS_CODE = re.compile(r"\s*(?:n[o°]\s*)?:?\s*(\d{4}(?:[. ]?\d{2}){0,3})(?![\d,])")
# A plate after the words that introduce it: "immatriculé DK-4521-B", "plaque LT 345 AB".
_PLATE = re.compile(
    r"\b(?:immatricul[ée]e?s?|plaques?(?:\s+d['’]immatriculation)?|immatriculation)"
    r"(?:\s+(?:n[o°]|num[ée]ro))?\s*:?\s*"
    r"(?P<plate>(?=[A-Z0-9 -]*\d)(?=[A-Z0-9 -]*[A-Z])[A-Z0-9]{1,7}(?:[ -][A-Z0-9]{1,4}){1,3})\b")


def find_hs_codes(text: str) -> Iterator[Candidate]:
    for m in _HS.finditer(text):
        code = _HS_CODE.match(text, m.end())
        if code:
            digits = re.sub(r"\D", "", code.group(1))
            if len(digits) % 2 == 0:
                yield Candidate(code.start(1), code.end(1), "HS_CODE", digits, 0.95, "rule",
                                PRIO_CONTEXT)


def find_plates(text: str) -> Iterator[Candidate]:
    for m in _PLATE.finditer(text):
        plate = m.group("plate")
        yield Candidate(m.start("plate"), m.end("plate"), "VEHICLE",
                        re.sub(r"[\s-]", "", plate), 0.85, "rule", PRIO_CONTEXT + 1)


def _number(raw: str) -> float | None:
    text = re.sub(r"[ \u00a0\u202f]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        text = text.replace(".", "")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _scaled(match: re.Match[str]) -> float | None:
    value = _number(match.group("num"))
    scale = match.group("scale")
    if value is not None and scale:
        value *= _SCALES.get(scale.lower(), 1.0)
    return value


def find_dates(text: str) -> Iterator[Candidate]:
    for m in _DATE_WORDS.finditer(text):
        month = _MONTHS[m.group("month").lower()]
        day = int(m.group("day"))
        if m.group("year"):
            try:
                norm = date(int(m.group("year")), month, day).isoformat()
            except ValueError:
                continue
        elif 1 <= day <= 31:
            norm = f"--{month:02d}-{day:02d}"
        else:
            continue
        yield Candidate(m.start(), m.end(), "DATE", norm, 0.9, "rule", PRIO_AMOUNT)
    for m in _MONTH_YEAR.finditer(text):
        s = m.start("month")
        yield Candidate(s, m.end(), "DATE",
                        f"{m.group('year')}-{_MONTHS[m.group('month').lower()]:02d}", 0.85,
                        "rule", PRIO_AMOUNT - 1)
    for m in _DATE_NUMERIC.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            yield Candidate(m.start(), m.end(), "DATE", f"{m.group('y')}-{mo:02d}-{d:02d}",
                            0.9, "rule", PRIO_AMOUNT)


def find_money(text: str) -> Iterator[Candidate]:
    for m in _MONEY.finditer(text):
        value = _scaled(m)
        if value is None:
            continue
        code = _CURRENCIES[" ".join(m.group("cur").lower().split())]
        yield Candidate(m.start(), m.end(), "MONEY", f"{code} {_fmt_amount(value)}", 0.9,
                        "rule", PRIO_AMOUNT + 1)


def find_quantities(text: str) -> Iterator[Candidate]:
    for m in _QUANTITY.finditer(text):
        value = _scaled(m)
        unit = m.group("unit")
        if value is None or (len(unit) == 1 and m.group("num").isdigit()
                             and len(m.group("num")) == 4):
            continue
        norm = f"{_fmt_amount(value)} {_UNITS.get(unit.lower(), unit.lower())}"
        yield Candidate(m.start(), m.end(), "QUANTITY", norm, 0.85, "rule", PRIO_AMOUNT)


def find_companies(text: str) -> Iterator[Candidate]:
    for pattern in (_COMPANY_BEFORE, _COMPANY_AFTER):
        for m in pattern.finditer(text):
            name = m.group("name")
            if name.split()[0] in _NOT_NAMES and pattern is _COMPANY_AFTER:
                continue
            norm = f"{name} {m.group('form').upper()}" if m.group("form").isupper() else name
            yield Candidate(m.start(), m.end(), "ORG", " ".join(norm.split()), 0.85, "rule",
                            PRIO_NAME)


def find_agencies(text: str) -> Iterator[Candidate]:
    for m in _AGENCY.finditer(text):
        yield Candidate(m.start(), m.end(), "AGENCY", m.group(), 0.9, "rule", PRIO_CONTEXT)
    for pattern in (_UNIT_SHAPE, _SERVICE_WITH_INITIALS, _MINISTRY):
        for m in pattern.finditer(text):
            yield Candidate(m.start(), m.end(), "AGENCY", " ".join(m.group().split()), 0.8,
                            "rule", PRIO_CONTEXT - 1)


def find_persons(text: str) -> Iterator[Candidate]:
    for m in _PERSON.finditer(text):
        words = list(re.finditer(r"\S+", m.group("name")))
        while words and words[-1].group() in _NOT_NAMES:
            words.pop()
        if not words or words[0].group() in _NOT_NAMES:
            continue
        s, e = m.start("name"), m.start("name") + words[-1].end()
        yield Candidate(s, e, "PERSON", " ".join(text[s:e].split()), 0.85, "rule", PRIO_NAME)


FINDERS = (find_dates, find_money, find_quantities, find_companies, find_agencies, find_persons,
           find_hs_codes, find_plates)
