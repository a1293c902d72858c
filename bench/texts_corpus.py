"""Report texts for the extraction benchmark: generated reports plus the gold corpus."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from bench.generator import generate

CORPORA = Path(__file__).resolve().parent.parent / "tests" / "corpus"
CORPUS = CORPORA / "extraction.jsonl"


def report_texts(n: int, seed: int = 11) -> list[str]:
    """``n`` varied texts: half from the generator's reports, half from the gold corpus."""
    generated = (r["text"] for r in generate("10k", seed) if r.get("kind") == "report")
    texts = list(itertools.islice(generated, n // 2))
    gold = [json.loads(line)["text"] for line in CORPUS.read_text().splitlines() if line.strip()]
    texts += list(itertools.islice(itertools.cycle(gold), n - len(texts)))
    return texts


def corpus_texts(language: str) -> list[str]:
    """Every annotated text of a language's corpus files (``extraction_fr*.jsonl``...)."""
    return [json.loads(line)["text"]
            for path in sorted(CORPORA.glob(f"extraction_{language}*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
