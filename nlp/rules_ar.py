"""Recognisers for Arabic customs texts: rules and gazetteers, no statistical model.

No Arabic spaCy model is published on PyPI, so Arabic texts go through a blank Arabic
tokenizer, the language-neutral recognisers of ``nlp.rules`` (containers, phones, HS codes,
e-mail, plates) run over a copy of the text whose Arabic-Indic digits are ASCII (one
character for one, so offsets stay true), and the recognisers here add what is Arabic:
dates with the month names of the Gulf/Egyptian, Levantine and Maghreb series (Hijri dates
noted as such), amounts and counts, people after the words that introduce them (المتهم،
المدعو، السائق، السيد) with their nasab and nisba, customs services, countries (from
pycountry's Arabic names) and ports. Words are compared in a folded form (no diacritics
or tatweel; alef, ya and ta marbuta variants made one) so "السّعوديّة" and "السعودية" meet.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache

import pycountry

from .rules import PRIO_AMOUNT, PRIO_CONTEXT, PRIO_LEXICON, PRIO_NAME, Candidate, _fmt_amount

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u064B-\u065F\u0670\u0640]+")


_INDIC_DIGIT = re.compile(r"[٠-٩۰-۹]")


@lru_cache(maxsize=16)
def ascii_digits(text: str) -> str:
    """Arabic-Indic and Persian digits as ASCII, character for character (cached: each
    recogniser of one text asks; a text without them is returned as it is)."""
    return text.translate(_DIGITS) if _INDIC_DIGIT.search(text) else text


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """One spelling for matching: no diacritics or tatweel, أ/إ/آ/ٱ as ا, ى as ي, ة as ه
    (cached: a report's words repeat, and every recogniser folds them)."""
    word = _DIACRITICS.sub("", word)
    return (word.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا").replace("ٱ", "ا")
            .replace("ى", "ي").replace("ة", "ه"))


# ---------------------------------------------------------------------------- dates

_GREGORIAN = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12,
    # Levantine and Iraqi
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6,
    "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11,
    "كانون الاول": 12,
    # Maghreb
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويليه": 7, "اوت": 8,
    "شتنبر": 9, "نونبر": 11, "دجنبر": 12, "غشت": 8, "يوليوز": 7,
}
_HIJRI = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع الاخر": 4, "ربيع الثاني": 4,
    "جمادي الاولي": 5, "جمادي الاخره": 6, "جمادي الثانيه": 6, "رجب": 7, "شعبان": 8,
    "رمضان": 9, "شوال": 10, "ذو القعده": 11, "ذي القعده": 11, "ذو الحجه": 12,
    "ذي الحجه": 12,
}
_NUMERIC_DATE = re.compile(r"(?<!\d)([0-3]?\d)[/.-]([01]?\d)[/.-]((?:19|20|14)\d\d)(?!\d)")

# ---------------------------------------------------------------------------- amounts

_NUMBER = r"\d{1,3}(?:[,.\u066C ]\d{3})+(?:[.,\u066B]\d+)?|\d+(?:[.,\u066B]\d+)?"
_SCALES = {"الف": 1e3, "الاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9,
           "مليارات": 1e9}
_CURRENCY = {
    "ريال": "SAR", "ريالات": "SAR", "درهم": "AED", "دراهم": "AED", "دينار": "KWD",
    "دنانير": "KWD", "جنيه": "EGP", "جنيهات": "EGP", "دولار": "USD", "دولارات": "USD",
    "يورو": "EUR", "ليره": "TRY", "ليرات": "TRY",
}
_CURRENCY_OF = {  # the adjective after the currency names the country's
    ("ريال", "سعودي"): "SAR", ("ريال", "قطري"): "QAR", ("ريال", "عماني"): "OMR",
    ("ريال", "يمني"): "YER", ("درهم", "اماراتي"): "AED", ("درهم", "مغربي"): "MAD",
    ("دينار", "جزائري"): "DZD", ("دينار", "تونسي"): "TND", ("دينار", "اردني"): "JOD",
    ("دينار", "كويتي"): "KWD", ("دينار", "بحريني"): "BHD", ("دينار", "عراقي"): "IQD",
    ("دينار", "ليبي"): "LYD", ("جنيه", "مصري"): "EGP", ("جنيه", "سوداني"): "SDG",
    ("ليره", "تركيه"): "TRY", ("ليره", "لبنانيه"): "LBP", ("ليره", "سوريه"): "SYP",
    ("دولار", "امريكي"): "USD",
}
_UNITS = {
    "كيلوغرام": "kg", "كيلوجرام": "kg", "كغ": "kg", "كلغ": "kg", "كجم": "kg", "كيلو": "kg",
    "كيلوغرامات": "kg", "غرام": "g", "جرام": "g", "غ": "g", "طن": "t", "اطنان": "t",
    "لتر": "l", "لترات": "l", "حبه": "حبة", "حبات": "حبة", "قرص": "قرص", "اقراص": "قرص",
    "علبه": "علبة", "علب": "علبة", "كرتونه": "كرتونة", "كراتين": "كرتونة", "قطعه": "pcs",
    "قطع": "pcs", "خرطوشه": "خرطوشة", "خراطيش": "خرطوشة", "صندوق": "صندوق",
    "صناديق": "صندوق", "كيس": "كيس", "اكياس": "كيس", "رزمه": "رزمة", "رزم": "رزمة",
    "كرتون": "كرتونة", "كرتونات": "كرتونة", "شوال": "شوال", "زجاجه": "زجاجة",
    "زجاجات": "زجاجة", "سبيكه": "سبيكة", "سبائك": "سبيكة", "كبسوله": "كبسولة",
    "كبسولات": "كبسولة", "غرامات": "g", "جرامات": "g", "كيلوجرامات": "kg", "لترا": "l",
    "حاويه": "حاوية", "حاويات": "حاوية", "طرد": "طرد", "طرود": "طرد",
}


def _unit(word: str) -> str | None:
    """The unit a (folded) word names, also with a preposition before it or in the
    accusative after a number ("158 كرتوناً", "370 كيلوغراما")."""
    for form in (word, _bare(word)):
        if form in _UNITS:
            return _UNITS[form]
        if form.endswith("ا") and form[:-1] in _UNITS:
            return _UNITS[form[:-1]]
    return None

# ---------------------------------------------------------------------------- names

# Words that introduce a person, folded.
_CUES = frozenset({
    "المتهم", "المتهمه", "المدعو", "المدعوه", "السائق", "السيد", "السيده", "المواطن",
    "المواطنه", "المهرب", "المسافر", "المسافره", "الراكب", "الموقوف", "المشتبه",
    "المستورد", "المخلص", "صاحبها", "صاحبه", "مالكها", "مالكه", "الربان", "القبطان",
})
_NAME_LINKS = frozenset({"بن", "بنت", "ابن", "ابو", "ابي", "ام", "ال", "عبد"})
# Words that end a name: prepositions, relatives, verbs of the report's sentences.
_NOT_NAME = frozenset({
    "في", "من", "الي", "عن", "مع", "الذي", "التي", "وهو", "وهي", "وكان", "بعد",
    "قبل", "حيث", "بتهمه", "به", "بها", "انه", "كان", "قد", "لدي", "عند", "وذلك", "اثناء",
    "خلال", "وقد", "ثم", "او", "و", "الجنسيه", "الحامل", "يحمل", "يقود", "قادما", "متن",
    "بحوزته", "داخل", "الجمارك", "الشاحنه", "السياره", "الحاويه",
    # verbs that follow a name in reports ("المدعو خالد يستورد…")
    "يستورد", "يصدر", "يقوم", "يعمل", "يملك", "ينقل", "يدير", "يتاجر",
    "يهرب", "قام", "اعترف", "حاول", "استورد", "صدر", "نقل", "يتعامل", "يستخدم",
})
# Words that open the name of a company, a ship, or a place (the name follows them).
_ORG_HEADS = frozenset({"شركه", "مؤسسه", "مجموعه", "مكتب", "مصنع", "وكاله"})
_VESSEL_HEADS = frozenset({"السفينه", "الباخره", "الناقله", "سفينه", "باخره", "المركب",
                           "اليخت", "القارب"})
_PLACE_HEADS = frozenset({"منفذ", "ميناء", "مطار", "معبر", "مركز", "جسر", "مدينه",
                          "محافظه", "ولايه", "بلده"})
# Words that end the name a head opens.
_NAME_END = _NOT_NAME | frozenset({"القادمه", "القادم", "المحمله", "المتجهه", "التابعه",
                                   "بتاريخ", "يوم", "حاويه", "وذلك", "قيمتها", "والمورد",
                                   "تحت", "باستخدام", "عبر", "لدي", "نحو"})
# Tariff lines: "البند الجمركي 8708.99", "رمز النظام المنسق 2402".
_HS = re.compile(r"(?:البند|بند|الرمز|رمز)\s+(?:الجمركي|التعريفي|النظام المنسق)?\s*(?:رقم\s*)?"
                 r"(\d{4}(?:[. ]?\d{2}){0,3})(?![\d,])")

# ---------------------------------------------------------------------------- services

_AGENCY_HEADS = (
    "هيئه الزكاه والضريبه والجمارك", "المديريه العامه للجمارك", "الاداره العامه للجمارك",
    "مصلحه الجمارك", "اداره الجمارك", "الهيئه الاتحاديه للجمارك",
    "الجمارك", "جمارك", "خفر السواحل", "حرس الحدود", "الشرطه", "الدرك الوطني", "الدرك",
    "المديريه العامه لمكافحه المخدرات", "الاداره العامه لمكافحه المخدرات",
    "النيابه العامه", "الامن الوطني", "منظمه الجمارك العالميه", "الانتربول",
    # Maghreb: the customs are الديوانة in Tunisia, its field force الحرس الديواني
    "الاداره العامه للديوانه", "الديوانه", "الحرس الديواني", "زاتكا",
)
# "الجمارك" or "الديوانة" alone is the trade ("رجال الجمارك", "عناصر الجمارك"), a service
# only with its nationality ("الجمارك السعودية").
_GENERIC_SERVICES = frozenset({"الجمارك", "جمارك", "الديوانه"})
# A unit named by its shape: a unit word, a few words, then the customs ("الفرقة المتنقلة
# للجمارك", "المديرية الجهوية للجمارك"), or "إدارة جمارك" and what it covers ("إدارة جمارك
# الموانئ الجنوبية").
_UNIT_HEADS = frozenset({"اداره", "الاداره", "مديريه", "المديريه", "فرقه", "الفرقه",
                         "مفتشيه", "المفتشيه", "مصلحه", "وحده", "الوحده", "قسم", "دائره"})
_CUSTOMS_WORDS = frozenset({"للجمارك", "الجمارك", "للديوانه", "الديوانه", "جمارك"})
_PORTS = (
    "جده", "ميناء جده الاسلامي", "الدمام", "ميناء الملك عبدالعزيز", "جبل علي", "دبي",
    "ابوظبي", "الشارقه", "الدار البيضاء", "طنجه", "طنجه المتوسط", "الجزائر العاصمه",
    "وهران", "تونس العاصمه", "رادس", "صفاقس", "العقبه", "عمان", "بيروت", "اللاذقيه",
    "طرطوس", "الاسكندريه", "بورسعيد", "السويس", "الكويت", "البصره", "ام قصر", "الدوحه",
    "مسقط", "صلاله", "المنامه", "نواكشوط", "الخرطوم", "بورتسودان", "عدن", "الحديده",
    "منفذ البطحاء", "منفذ الحديثه", "جسر الملك فهد", "معبر نصيب", "معبر رفح", "الكرامه",
    # capitals and large cities of the region, as reports write them
    "الرياض", "مكه المكرمه", "المدينه المنوره", "القاهره", "بغداد", "دمشق", "حلب",
    "اسطنبول", "انقره", "طهران", "بندر عباس", "كراتشي", "الرباط", "مراكش", "فاس",
    "قسنطينه", "بنغازي", "طرابلس", "الموصل", "اربيل", "غزه", "القدس",
    "صنعاء", "الخليل", "نابلس", "الزرقاء", "اربد", "المكلا", "الفجيره", "عجمان",
    # Maghreb governorates, wilayas and border posts
    "تونس", "سوسه", "جندوبه", "قفصه", "مدنين", "قابس", "نابل", "بنزرت", "القيروان",
    "تطاوين", "سيدي بوزيد", "القصرين", "رمادة", "راس جدير", "ذهيبه", "عنابه", "تلمسان",
    "سطيف", "بجايه", "تبسه", "ورقله", "تمنراست", "سوق اهراس", "الطارف", "الغزوات",
    "اكادير", "الناظور", "تطوان", "سبته", "مليليه", "العيون", "الداخله", "الكركرات",
    # ports and cities abroad that seizure notices name
    "مرسيليا", "نيويورك", "باريس", "لندن", "مدريد", "روما", "امستردام", "روتردام",
    "انتويرب", "هامبورغ", "برشلونه", "فالنسيا", "الجزيره الخضراء", "جنوه", "اليكانتي",
    "شنغهاي", "هونغ كونغ", "سنغافوره", "كوالالمبور", "مومباي", "بكين", "غوانزو",
)
# Short Arabic names of countries whose pycountry name is the long official one.
_COUNTRY_SHORT = {
    "ايران": "IR", "سوريا": "SY", "سوريه": "SY", "روسيا": "RU", "تركيا": "TR",
    "كوريا": "KR", "فنزويلا": "VE", "بوليفيا": "BO", "تنزانيا": "TZ", "فيتنام": "VN",
    "الامارات": "AE", "السعوديه": "SA", "امريكا": "US", "الولايات المتحده": "US",
    "بريطانيا": "GB", "المملكه المتحده": "GB", "هولندا": "NL", "مصر": "EG", "ليبيا": "LY",
    "السودان": "SD", "موريتانيا": "MR", "الصين": "CN", "الهند": "IN", "باكستان": "PK",
    "افغانستان": "AF", "لبنان": "LB", "فلسطين": "PS", "اليمن": "YE", "عمان": "OM",
}


@lru_cache(maxsize=1)
def _places() -> dict[tuple[str, ...], tuple[str, str]]:
    """Folded word tuples → (label, normalised): countries (ISO code), ports, services."""
    out: dict[tuple[str, ...], tuple[str, str]] = {}
    try:
        arabic = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    except OSError:
        arabic = None
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", country.name)}:
            translated = arabic.gettext(name) if arabic else name
            if translated != name:
                out[tuple(fold(w) for w in translated.split())] = ("LOCATION", country.alpha_2)
    for short, code in _COUNTRY_SHORT.items():
        out.setdefault(tuple(short.split()), ("LOCATION", code))
    for port in _PORTS:
        out.setdefault(tuple(port.split()), ("LOCATION", port))
    for head in _AGENCY_HEADS:
        out[tuple(head.split())] = ("AGENCY", head)
    return out


@lru_cache(maxsize=1)
def _place_lengths() -> dict[str, tuple[int, ...]]:
    """First word of each listed name → the lengths of the names it opens, longest first:
    a word that opens none is passed over without building any key."""
    lengths: dict[str, set[int]] = {}
    for key in _places():
        lengths.setdefault(key[0], set()).add(len(key))
    return {w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()}


@lru_cache(maxsize=16)
def _words(text: str) -> tuple[tuple[int, int, str], ...]:
    """The Arabic words of ``text`` with their offsets, folded (cached: every recogniser
    of one text reads them)."""
    return tuple((m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text))


@lru_cache(maxsize=65536)
def _bare(word: str) -> str:
    """A word without one leading conjunction or preposition (و، ب، ل، ف، ك; لل → ال)."""
    if word.startswith("لل") and len(word) > 4:
        return "ال" + word[2:]
    if word[:1] in "وبلفك" and len(word) > 3:
        return word[1:]
    return word


def find_places_and_services(text: str) -> Iterator[Candidate]:
    places, lengths = _places(), _place_lengths()
    words = _words(text)
    i = 0
    while i < len(words):
        first = words[i][2]
        bare = _bare(first)
        sizes = sorted({*lengths.get(first, ()), *lengths.get(bare, ())}, reverse=True)
        for n in sizes:
            if i + n > len(words):
                continue
            key = tuple(w for _, _, w in words[i:i + n])
            hit = places.get(key) or places.get((bare, *key[1:]))
            if hit is None:
                continue
            label, norm = hit
            s, e = words[i][0], words[i + n - 1][1]
            if key[0] != bare and places.get(key) is None:
                s += 1 if not key[0].startswith("لل") else 2
            if label == "AGENCY" and i + n < len(words) and words[i + n][2].endswith("يه"):
                e = words[i + n][1]  # "الجمارك السعودية": the service and its nationality
                n += 1
            elif label == "AGENCY" and n == 1 and bare in _GENERIC_SERVICES:
                i += n - 1
                break
            prio = PRIO_CONTEXT if label == "AGENCY" else PRIO_LEXICON + 5
            yield Candidate(s, e, label, norm if label == "LOCATION" else text[s:e], 0.85,
                            "gazetteer", prio)
            i += n - 1
            break
        i += 1


def find_units(text: str) -> Iterator[Candidate]:
    """Customs units named by their shape ("الفرقة المتنقلة للجمارك", "إدارة جمارك الموانئ
    الجنوبية"): a unit word, at most three words, then the customs, or "إدارة جمارك" and
    the definite words that say which."""
    words = _words(text)
    for i, (start, _, word) in enumerate(words):
        if _bare(word) not in _UNIT_HEADS:
            continue
        s = start + (len(word) - len(_bare(word)))
        for j in range(i + 1, min(i + 5, len(words))):
            if text[words[j - 1][1]:words[j][0]].strip() or words[j][2] in _NAME_END:
                break
            if words[j][2] not in _CUSTOMS_WORDS:
                continue
            e = words[j][1]
            if words[j][2] == "جمارك":  # "إدارة جمارك الموانئ الجنوبية"
                for k in range(j + 1, min(j + 4, len(words))):
                    if (not words[k][2].startswith("ال") or words[k][2] in _NAME_END
                            or text[words[k - 1][1]:words[k][0]].strip()):
                        break
                    e = words[k][1]
                if e == words[j][1]:
                    break
            elif j + 1 < len(words) and words[j + 1][2].endswith("يه") \
                    and not text[e:words[j + 1][0]].strip():
                e = words[j + 1][1]  # and its nationality
            yield Candidate(s, e, "AGENCY", " ".join(text[s:e].split()), 0.8, "rule",
                            PRIO_CONTEXT - 1)
            break


# Common given names (folded), so that a name with no word introducing it is still found
# ("المتحدث الرسمي حمود الحربي"): a given name and at least one more name word.
_GIVEN_NAMES_TEXT = """
محمد احمد محمود مصطفي علي حسن حسين عبدالله عبدالرحمن عبدالعزيز عبدالرحيم عبدالكريم
عبدالمجيد عبدالقادر عبدالسلام عبدالحميد عبدالناصر خالد فهد فيصل سعود سلطان سلمان مشعل
حمود حمد ناصر سعد سعيد صالح عمر عثمان يوسف ابراهيم اسماعيل يعقوب موسي عيسي هشام وليد
طارق مجدي جمال كمال عادل عماد رامي سامي هاني ياسر ياسين بلال زياد نبيل جلال راشد منصور
مراد رشيد كريم امين انس حمزه جابر جاسم بدر تركي نايف نواف مساعد متعب عبيد سيف مبارك
ايمن اسامه حازم حاتم وائل شريف اشرف عمرو ابوبكر اياد فراس غسان لؤي مهدي جعفر قاسم
حيدر عباس كاظم رضا نور فاطمه مريم عائشه خديجه زينب سميره نوره ليلي هند سلمي رانيا منيره
امال سعاد ناديه حنان منال وفاء اسماء رحمه ساره هدي
"""
_GIVEN_NAMES = frozenset(_GIVEN_NAMES_TEXT.split())
_NOT_IN_NAME = _PLACE_HEADS | frozenset({"الدولي", "الدوليه", "الشمالي", "الجنوبي"})


def find_named_persons(text: str) -> Iterator[Candidate]:
    words = _words(text)
    i = 0
    while i < len(words):
        start, end, word = words[i]
        bare = word if word in _GIVEN_NAMES else _bare(word)  # "فيصل" keeps its ف
        if (bare not in _GIVEN_NAMES or _DIACRITICS.sub("", text[start:end]) in ("على", "وعلى")
                or (i and (words[i - 1][2] in _TITLES or _bare(words[i - 1][2]) in _NOT_IN_NAME
                           or _bare(words[i - 1][2]) in _GIVEN_NAMES))):
            i += 1
            continue
        name = [(start + len(word) - len(bare), end, bare)]
        j = i + 1
        while j < len(words) and len(name) < 5:
            s, e, w = words[j]
            if text[name[-1][1]:s].strip() or w in _NOT_NAME or w in _NOT_IN_NAME \
                    or _DIACRITICS.sub("", text[s:e]) == "على":
                break
            if w in _GIVEN_NAMES or w in _NAME_LINKS:
                name.append((s, e, w))
            elif w.startswith("ال") and len(w) > 3:
                name.append((s, e, w))
                if name[-2][2] not in _NAME_LINKS:
                    break  # the family name or nisba ends the name
            else:
                break
            j += 1
        while name and name[-1][2] in _NAME_LINKS:
            name.pop()
        if len(name) >= 2:
            s, e = name[0][0], name[-1][1]
            yield Candidate(s, e, "PERSON", " ".join(text[s:e].split()), 0.7, "rule",
                            PRIO_NAME - 1)
        i = j if len(name) >= 2 else i + 1


def find_persons(text: str) -> Iterator[Candidate]:
    words = _words(text)
    for i, (_, cue_end, word) in enumerate(words):
        if _bare(word) not in _CUES:
            continue
        j = i + 1
        if j < len(words) and words[j][2] == "به":  # المشتبه به
            j += 1
        name: list[tuple[int, int, str]] = []
        while j < len(words) and len(name) < 5:
            start, end, w = words[j]
            if (w in _NOT_NAME or _DIACRITICS.sub("", text[start:end]) == "على"
                    or text[name[-1][1] if name else cue_end:start].strip(" ")):
                break  # a stop word ("على", not the name "علي"), or punctuation between
            if w.startswith("ال") and not (w.endswith("ي") or (name and name[-1][2] in
                                                                 _NAME_LINKS)):
                break  # "السائق محمد الشاحنة": a definite noun is not a name, a nisba is
            name.append((start, end, w))
            j += 1
        while name and name[-1][2] in _NAME_LINKS:
            name.pop()
        if not name:
            continue
        s, e = name[0][0], name[-1][1]
        yield Candidate(s, e, "PERSON", " ".join(text[s:e].split()),
                        0.8 if len(name) > 1 else 0.6, "rule", PRIO_NAME)


_MONTH_FIRST = frozenset(k.split()[0] for k in (*_GREGORIAN, *_HIJRI))


def _month_at(words: tuple[tuple[int, int, str], ...], i: int) -> tuple[int, int, bool] | None:
    """(month, words used, Hijri) for the month name starting at word ``i``."""
    if words[i][2] not in _MONTH_FIRST:
        return None
    for n in (2, 1):
        key = " ".join(w for _, _, w in words[i:i + n])
        if len(words[i:i + n]) == n:
            if key in _GREGORIAN:
                return _GREGORIAN[key], n, False
            if key in _HIJRI:
                return _HIJRI[key], n, True
    return None


_DAY_BEFORE = re.compile(r"(?<!\d)([0-3]?\d)\s*$")
_YEAR_AFTER = re.compile(r"^\s*(?:عام\s+|سنة\s+|سنه\s+)?((?:19|20|14)\d\d)(\s*(?:هـ|ه|م)(?![\w]))?")


def find_dates(text: str) -> Iterator[Candidate]:
    digits = ascii_digits(text)
    words = _words(text)
    for i in range(len(words)):
        month = _month_at(words, i)
        if month is None:
            continue
        number, used, hijri = month
        s, e = words[i][0], words[i + used - 1][1]
        day = _DAY_BEFORE.search(digits, max(0, s - 6), s)
        year = _YEAR_AFTER.match(digits[e:e + 14])
        if not year:
            continue  # a month alone ("في رمضان") is no date
        y = int(year.group(1))
        hijri = hijri or (year.group(2) or "").strip() in ("هـ", "ه") or y < 1900
        start = day.start(1) if day else s
        end = e + year.end()
        if hijri:
            norm = f"hijri:{y}-{number:02d}" + (f"-{int(day.group(1)):02d}" if day else "")
        elif day:
            try:
                norm = date(y, number, int(day.group(1))).isoformat()
            except ValueError:
                continue
        else:
            norm = f"{y}-{number:02d}"
        yield Candidate(start, end, "DATE", norm, 0.9, "rule", PRIO_AMOUNT)
    for m in _NUMERIC_DATE.finditer(digits):
        d, mo, written = int(m.group(1)), int(m.group(2)), m.group(3)
        if 1 <= d <= 31 and 1 <= mo <= 12:
            norm = ("hijri:" if written.startswith("14") else "") + f"{written}-{mo:02d}-{d:02d}"
            yield Candidate(m.start(), m.end(), "DATE", norm, 0.9, "rule", PRIO_AMOUNT)


def _number(raw: str) -> float | None:
    text = raw.replace("\u066C", ",").replace("\u066B", ".").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


_AMOUNT = re.compile(rf"(?<![\d,.])({_NUMBER})")


def find_amounts(text: str) -> Iterator[Candidate]:
    """Money (a number, a scale, a currency and its country) and counts of goods."""
    digits = ascii_digits(text)
    words = _words(text)
    starts = {s: i for i, (s, _, _) in enumerate(words)}
    for m in _AMOUNT.finditer(digits):
        value = _number(m.group(1))
        if value is None:
            continue
        after = len(digits[m.end():]) - len(digits[m.end():].lstrip(" "))
        i = starts.get(m.end() + after)
        if i is None:
            continue
        end = m.end()
        if words[i][2] in _SCALES or _bare(words[i][2]) in _SCALES:
            value *= _SCALES.get(words[i][2]) or _SCALES[_bare(words[i][2])]
            end = words[i][1]
            i += 1
            if i >= len(words) or text[end:words[i][0]].strip():
                continue
        if i >= len(words):
            continue
        word = words[i][2]
        if word in _CURRENCY:
            code = _CURRENCY[word]
            end = words[i][1]
            if i + 1 < len(words) and not text[end:words[i + 1][0]].strip():
                country = words[i + 1][2]
                for key, other in _CURRENCY_OF.items():
                    if key[0] in (word, word.rstrip("ات")) and country.startswith(key[1]):
                        code, end = other, words[i + 1][1]
                        break
            yield Candidate(m.start(), end, "MONEY", f"{code} {_fmt_amount(value)}", 0.9,
                            "rule", PRIO_AMOUNT + 1)
        elif (unit := _unit(word)) is not None:
            yield Candidate(m.start(), words[i][1], "QUANTITY",
                            f"{_fmt_amount(value)} {unit}", 0.85, "rule", PRIO_AMOUNT)


# A place's name may carry a title ("ميناء الملك عبدالعزيز", "مطار الأمير نايف") and end
# in an adjective ("مطار برج العرب الدولي", "ميناء أم قصر الشمالي").
_TITLES = frozenset({"الملك", "الامير", "الشيخ", "السلطان", "الرئيس"})
_PLACE_ADJECTIVES = frozenset({"الدولي", "الدوليه", "الشمالي", "الجنوبي", "الشرقي",
                               "الغربي", "البري", "البحري", "الجوي", "الجديد", "القديم",
                               "الاسلامي", "التجاري", "المتوسط"})


def find_headed_names(text: str) -> Iterator[Candidate]:
    """A company, ship or place named after the word that opens it ("شركة النخبة للتجارة",
    "السفينة البحر الأزرق", "منفذ العبدلي"): up to four words, to a word that ends it."""
    words = _words(text)
    heads = _ORG_HEADS | _VESSEL_HEADS | _PLACE_HEADS
    for i, (start, _, word) in enumerate(words):
        bare = word if word in heads else _bare(word)  # "باخرة" keeps its ب
        if bare in _ORG_HEADS:
            label, first, prio = "ORG", start, PRIO_NAME
        elif bare in _VESSEL_HEADS:
            label, first, prio = "VESSEL", None, PRIO_NAME
        elif bare in _PLACE_HEADS:
            label, first, prio = "LOCATION", start, PRIO_LEXICON + 6
        else:
            continue
        if first is not None and word != bare:
            first = start + (len(word) - len(bare))
        name: list[tuple[int, int, str]] = []
        longest = 2 if label == "LOCATION" else 4
        if label == "LOCATION" and i + 1 < len(words) and words[i + 1][2] in _TITLES:
            longest = 3
        for s, e, w in words[i + 1:i + 1 + longest + (label == "LOCATION")]:
            if len(name) == longest and w not in _PLACE_ADJECTIVES:
                break
            previous_end = name[-1][1] if name else words[i][1]
            if w in _NAME_END or _bare(w) in _CUES or text[previous_end:s].strip():
                break
            if label == "LOCATION" and name and name[0][2].startswith("ال") \
                    and not w.startswith("ال") and name[0][2] not in _TITLES:
                break  # "منفذ الكرامة شاحنة": after a definite name, a bare noun is not in it
            name.append((s, e, w))
            if w in _PLACE_ADJECTIVES and label == "LOCATION":
                break
        if not name:
            continue
        s = name[0][0] if first is None else first
        e = name[-1][1]
        yield Candidate(s, e, label, " ".join(text[s:e].split()), 0.75, "rule", prio)


def find_hs_codes(text: str) -> Iterator[Candidate]:
    for m in _HS.finditer(ascii_digits(text)):
        digits = re.sub(r"\D", "", m.group(1))
        if len(digits) % 2 == 0:
            yield Candidate(m.start(1), m.end(1), "HS_CODE", digits, 0.95, "rule", PRIO_CONTEXT)


FINDERS = (find_dates, find_amounts, find_persons, find_named_persons, find_places_and_services,
           find_units, find_headed_names, find_hs_codes)
