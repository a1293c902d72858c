"""Quality floors on the gold corpus: fails when extraction regresses.

Floors are the measured scores minus a small margin (see the table printed by
``python -m nlp.evaluate``).
"""

import pytest

from nlp.evaluate import DEFAULT_CORPUS, evaluate, load_corpus


@pytest.fixture(scope="module")
def result():
    return evaluate(DEFAULT_CORPUS)


def test_corpus_is_well_formed():
    docs = load_corpus()
    assert len(docs) >= 40
    for doc in docs:
        for e in doc["entities"]:
            span = doc["text"][e["start"] : e["end"]]
            assert span and span == span.strip()


def test_micro_f1_floor(result):
    assert result["strict"]["micro"]["f1"] >= 0.95
    assert result["lenient"]["micro"]["f1"] >= 0.96


RECALL_FLOORS = {
    "PERSON": 0.85,
    "ORG": 0.85,
    "AGENCY": 0.95,
    "LOCATION": 0.90,
    "VESSEL": 0.80,
    "CONTAINER": 0.95,
    "HS_CODE": 0.95,
    "COMMODITY": 0.94,
    "VEHICLE": 0.88,
    "PHONE": 0.95,
    "EMAIL": 0.95,
    "MONEY": 0.88,
    "QUANTITY": 0.85,
    "DATE": 0.90,
    "ID_DOCUMENT": 0.95,
}


@pytest.mark.parametrize("label", sorted(RECALL_FLOORS))
def test_per_label_recall_floor(result, label):
    assert result["strict"]["labels"][label]["recall"] >= RECALL_FLOORS[label]


def test_heldout_floor():
    """The project's held-out English texts (written after the rules, scored only)."""
    held = evaluate(DEFAULT_CORPUS.parent / "extraction_heldout.jsonl")
    assert held["strict"]["micro"]["f1"] >= 0.93
    assert held["lenient"]["micro"]["f1"] >= 0.95
