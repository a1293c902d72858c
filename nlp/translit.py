"""A script-blind key for person names: "محمد العتيبي", "Mohammed Al-Otaibi" and "Mohamed
Alotaibi" share one.

Arabic names reach Latin script in many spellings (vowels written or not, the article
fused, hyphenated or dropped, "ou" for "u", doubled letters, "q" or "k"), so the key keeps
only what every spelling agrees on: the consonants, transliterated with ``anyascii``,
folded into one letter per sound class. It is a *candidate* key: two people with one key
are proposed to an analyst with the evidence that agrees, never merged by it.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Arabic before transliteration: one alef, ya for alef maqsura, ha for ta marbuta, no
# diacritics or tatweel, and "عبد ال…" written as one word like "Abdallah".
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                              "ؤ": "و", "ئ": "ي", "ـ": None})  # fmt: skip
_HARAKAT = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")
_ARABIC_ABD = re.compile(r"\bعبد\s+(?=ال)")
_ARABIC_ARTICLE = re.compile(r"(?<!\S)ال(?=\S{2})")
# Latin: the article alone, hyphenated or with its sun-letter assimilation ("ash-"), and
# "Abd al-"/"Abdul " joined to the next word.
_LATIN_ABD = re.compile(r"\b(abd|abdu|abdou)(?:[\s-]+(?:al|el|ul|ar|as|ash|ad|an|az|at)\b)?[\s-]*")
_LATIN_ARTICLE = re.compile(r"\b(?:al|el|ul|ad|an|ar|as|ash|at|az)[-\s]+(?=\w)")
_LATIN_FUSED_ARTICLE = re.compile(r"\b(?:al|el)(?=\w{4})")
# One letter per sound class, digraphs first.
_DIGRAPHS = (("kh", "k"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"),
             ("dj", "j"), ("ph", "f"), ("ou", "u"), ("q", "k"), ("c", "k"), ("x", "ks"),
             ("g", "j"), ("z", "d"), ("p", "b"), ("v", "f"))  # fmt: skip
_VOWELS = re.compile(r"[aeiouyw]")


def translit_key(name: str) -> str:
    """The consonant skeleton of a person's name, the same in Arabic and Latin spellings
    ("" when nothing is left: a name of vowels only carries no key)."""
    text = unicodedata.normalize("NFC", name or "")
    text = _HARAKAT.sub("", text).translate(_ARABIC_FOLD)
    text = _ARABIC_ABD.sub("عبد", text)
    text = _ARABIC_ARTICLE.sub("", text)
    text = anyascii(text).lower()
    text = re.sub(r"['`’ʿʾ]", "", text)
    text = re.sub(r"[^a-z\s-]", " ", text)
    text = _LATIN_ABD.sub("abd", text)
    text = _LATIN_ARTICLE.sub("", text)
    text = _LATIN_FUSED_ARTICLE.sub("", text)
    words = []
    for word in re.split(r"[\s-]+", text):
        for digraph, letter in _DIGRAPHS:
            word = word.replace(digraph, letter)
        word = re.sub(r"(.)\1+", r"\1", _VOWELS.sub("", word))
        if len(word) > 2 and word.endswith("h"):  # ta marbuta, "Abdullah"/"Abdulla"
            word = word[:-1]
        if word:
            words.append(word)
    return " ".join(words)
