"""Languages: which language each part of a text is in, and French and Arabic extraction."""

from pathlib import Path

import pytest

from nlp import detect_language, extract
from nlp.evaluate import evaluate
from nlp.language import segments

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def test_each_sentence_keeps_its_language_and_short_ones_follow_their_neighbours():
    text = ("Le chauffeur a été contrôlé au poste frontière avec des cigarettes. "
            "MSCU1234565. "
            "وأفاد السائق بأن الشحنة تعود إلى شركة في جدة.")
    parts = segments(text)
    assert [p.language for p in parts] == ["fr", "ar"]
    assert parts[0].start == 0 and parts[-1].end == len(text)
    assert "MSCU1234565" in text[parts[0].start:parts[0].end]
    assert detect_language("The driver was stopped at the crossing with cigarettes.") == "en"
    assert detect_language("ضبطت الجمارك شحنة من السجائر") == "ar"
    assert detect_language("MSCU1234565") == "en"  # too little to tell: the default


def test_a_mixed_text_is_read_with_each_language_pipeline_at_true_offsets():
    text = ("Le nommé Karim Benali a été entendu le 3 avril 2023. "
            "وأوقفت الجمارك السائق محمد العتيبي في ١٢ مارس ٢٠٢٤.")
    found = {(m.label, text[m.start:m.end], m.normalized) for m in extract(text)}
    assert ("PERSON", "Karim Benali", "Karim Benali") in found
    assert ("DATE", "3 avril 2023", "2023-04-03") in found
    assert ("PERSON", "محمد العتيبي", "محمد العتيبي") in found
    assert ("DATE", "١٢ مارس ٢٠٢٤", "2024-03-12") in found


def test_french_amounts_and_arabic_hijri_dates_are_normalised():
    money = {m.normalized for m in extract("Un préjudice de 45 millions de FCFA et 1,5 million "
                                           "de dirhams.") if m.label == "MONEY"}
    assert money == {"XOF 45000000", "MAD 1500000"}
    dates = [m.normalized for m in extract("ضبطت الشحنة يوم ٥ رمضان ١٤٤٥ هـ في الميناء")
             if m.label == "DATE"]
    assert dates == ["hijri:1445-09-05"]


@pytest.mark.parametrize(("corpus", "floor"), [
    ("extraction_fr.jsonl", 0.93), ("extraction_fr_heldout.jsonl", 0.92),
    ("extraction_fr_real_heldout.jsonl", 0.85),
    ("extraction_ar.jsonl", 0.95), ("extraction_ar_heldout.jsonl", 0.9),
    ("extraction_ar_real_heldout.jsonl", 0.78),
])
def test_french_and_arabic_corpora_keep_their_figures(corpus, floor):
    """docs/extraction.md gives these figures; a change that loses them fails here."""
    result = evaluate(CORPUS / corpus)
    assert result["lenient"]["micro"]["f1"] >= floor, result["lenient"]["micro"]
