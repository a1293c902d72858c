"""The corpus of real public English texts (press releases, partner alerts, court texts,
informal complaints), docs/extraction.md "Real texts": the files are well formed, and the
pipeline keeps its figures on them.

Floors sit a little under the figures measured when the corpus was made; raise them as the
rules improve. The held-out file is scored only: never tune the rules on its errors.
"""

from collections import Counter
from itertools import pairwise
from urllib.parse import urlparse

import pytest

from nlp import LABELS
from nlp.evaluate import DEFAULT_CORPUS, evaluate, load_corpus

DEV = DEFAULT_CORPUS.parent / "extraction_real.jsonl"
HELDOUT = DEFAULT_CORPUS.parent / "extraction_real_heldout.jsonl"
FILES = {"dev": DEV, "heldout": HELDOUT}


@pytest.mark.parametrize("part", sorted(FILES))
def test_real_corpus_files_are_well_formed(part):
    docs = load_corpus(FILES[part])
    for doc in docs:
        text = doc["text"]
        assert text and text == text.strip(), doc["source"]
        source = urlparse(doc["source"])
        assert source.scheme in {"http", "https"} and source.netloc, doc
        spans = sorted((e["start"], e["end"]) for e in doc["entities"])
        for e in doc["entities"]:
            assert e["label"] in LABELS, (e, doc["source"])
            assert 0 <= e["start"] < e["end"] <= len(text), (e, doc["source"])
            span = text[e["start"]:e["end"]]
            assert span == span.strip(), (span, doc["source"])
        for (_, end), (start, _) in pairwise(spans):
            assert end <= start, (text[start:end], doc["source"])  # no overlapping spans


def test_real_corpus_is_large_varied_and_split_without_leaks():
    dev, held = load_corpus(DEV), load_corpus(HELDOUT)
    assert len(dev) + len(held) >= 60
    assert len(held) * 4 >= len(dev) + len(held)  # roughly a third is scored only
    assert not {d["text"] for d in dev} & {d["text"] for d in held}
    informal = [d for d in dev + held if d.get("register") == "informal"]
    assert len(informal) >= 10
    for docs in (dev, held):  # every label is scored in both parts
        assert set(Counter(e["label"] for d in docs for e in d["entities"])) == set(LABELS)


@pytest.fixture(scope="module")
def results():
    return {part: evaluate(path) for part, path in FILES.items()}


MICRO_FLOORS = {  # (strict F1, lenient F1); measured 0.83/0.90 (dev), 0.78/0.86 (held out)
    "dev": (0.80, 0.87),
    "heldout": (0.75, 0.83),
}


@pytest.mark.parametrize("part", sorted(FILES))
def test_real_corpus_micro_f1_floor(results, part):
    strict, lenient = MICRO_FLOORS[part]
    assert results[part]["strict"]["micro"]["f1"] >= strict, results[part]["strict"]["micro"]
    assert results[part]["lenient"]["micro"]["f1"] >= lenient, results[part]["lenient"]["micro"]


LENIENT_RECALL_FLOORS = {  # labels with enough support in both parts
    "PERSON": 0.66,
    # companies the model alone proposed as acronyms are dropped for precision (F1 rose)
    "ORG": 0.54,
    "AGENCY": 0.87,
    "LOCATION": 0.82,
    "COMMODITY": 0.80,
    "MONEY": 0.91,
    "QUANTITY": 0.75,
    # measured 0.95 (dev), 0.91 (held out) once lone weekdays left the gold, as the rules do
    "DATE": 0.88,
}


@pytest.mark.parametrize("part", sorted(FILES))
@pytest.mark.parametrize("label", sorted(LENIENT_RECALL_FLOORS))
def test_real_corpus_lenient_recall_floor(results, part, label):
    assert results[part]["lenient"]["labels"][label]["recall"] >= LENIENT_RECALL_FLOORS[label]
