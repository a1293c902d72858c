"""Evaluate extraction against a gold JSONL corpus: ``python -m nlp.evaluate [corpus]``
(``--plain=en`` or ``--plain=fr`` scores the plain spaCy model of a language instead, the
baseline; ``--pipeline=en`` scores Cordon's English pipeline on every text, whatever its
language: what a French or Arabic text got before it had its own).

Two views are reported per label: *strict* (same span and label) and *lenient* (same label,
overlapping span). Lenient numbers show whether a miss is a boundary disagreement or a real
miss, which matters when deciding what to fix.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from .pipeline import LABELS, extract_many

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "extraction.jsonl"


def load_corpus(path: str | Path = DEFAULT_CORPUS) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}


def _count(gold: list[tuple[int, int, str]], pred: list[tuple[int, int, str]], lenient: bool):
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    used: set[int] = set()
    for g in gold:
        hit = None
        for i, p in enumerate(pred):
            if i in used or p[2] != g[2]:
                continue
            if (p[0], p[1]) == (g[0], g[1]) or (lenient and p[0] < g[1] and g[0] < p[1]):
                hit = i
                break
        if hit is None:
            fn[g[2]] += 1
        else:
            used.add(hit)
            tp[g[2]] += 1
    for i, p in enumerate(pred):
        if i not in used:
            fp[p[2]] += 1
    return tp, fp, fn


def plain_model(texts: list[str], language: str) -> list[list[Any]]:
    """What the language's small spaCy model finds alone (its person, organisation, place,
    money, quantity and date labels mapped to ours): the baseline beside Cordon's figures.
    Arabic has no model, so its baseline finds nothing."""
    from .pipeline import _MODEL_LABELS, MODEL_NAMES, Mention, _load_base

    if not MODEL_NAMES.get(language, ()):
        return [[] for _ in texts]
    nlp = _load_base(language)  # whichever of the language's model names is installed
    return [[Mention(e.start_char, e.end_char, _MODEL_LABELS[e.label_], e.text, e.text, 1.0)
             for e in doc.ents if e.label_ in _MODEL_LABELS] for doc in nlp.pipe(texts)]


def one_pipeline(texts: list[str], language: str) -> list[list[Any]]:
    """Cordon's pipeline of ``language`` on every text, without detecting its language."""
    from .pipeline import get_nlp, mentions_from_doc

    nlp = get_nlp(language=language)
    return [mentions_from_doc(nlp(text), None) for text in texts]


def evaluate(corpus: list[dict[str, Any]] | str | Path = DEFAULT_CORPUS,
             plain: str | None = None, pipeline: str | None = None) -> dict[str, Any]:
    """Per-label and micro P/R/F1, strict and lenient; also the list of errors. With
    ``plain`` (a language code), the plain spaCy model of that language is scored instead;
    with ``pipeline``, Cordon's pipeline of that language on every text."""
    docs = load_corpus(corpus) if isinstance(corpus, str | Path) else corpus
    texts = [d["text"] for d in docs]
    if plain:
        predictions = plain_model(texts, plain)
    elif pipeline:
        predictions = one_pipeline(texts, pipeline)
    else:
        predictions = extract_many(texts)
    result: dict[str, Any] = {"errors": []}
    for mode in ("strict", "lenient"):
        tp: Counter[str] = Counter()
        fp: Counter[str] = Counter()
        fn: Counter[str] = Counter()
        for doc, mentions in zip(docs, predictions, strict=True):
            gold = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
            pred = [(m.start, m.end, m.label) for m in mentions]
            t, f, n = _count(gold, pred, lenient=mode == "lenient")
            tp.update(t)
            fp.update(f)
            fn.update(n)
            if mode == "strict":
                text = doc["text"]
                for s, e, lab in set(gold) - set(pred):
                    result["errors"].append(("FN", lab, text[s:e]))
                for s, e, lab in set(pred) - set(gold):
                    result["errors"].append(("FP", lab, text[s:e]))
        per_label = {lab: _prf(tp[lab], fp[lab], fn[lab]) for lab in LABELS}
        micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
        result[mode] = {"labels": per_label, "micro": micro}
    return result


def format_table(result: dict[str, Any]) -> str:
    head = f"{'label':<12} {'sup':>4} | {'P':>5} {'R':>5} {'F1':>5} | "
    head += f"{'lenP':>5} {'lenR':>5} {'lenF1':>5}"
    lines = [head, "-" * len(head)]
    rows = [*LABELS, "micro"]
    for lab in rows:
        s = result["strict"]["micro"] if lab == "micro" else result["strict"]["labels"][lab]
        le = result["lenient"]["micro"] if lab == "micro" else result["lenient"]["labels"][lab]
        if s["support"] == 0 and s["fp"] == 0:
            continue
        lines.append(
            f"{lab:<12} {s['support']:>4} | {s['precision']:5.2f} {s['recall']:5.2f} {s['f1']:5.2f}"
            f" | {le['precision']:5.2f} {le['recall']:5.2f} {le['f1']:5.2f}"
        )
    return "\n".join(lines)


def benchmark(texts: list[str], repeat: int = 20, language: str = "en",
              plain_language: str | None = None) -> dict[str, float]:
    """Words/second of the plain spaCy model of ``plain_language`` (default: the texts'
    language; ``nlp.pipe``, every component it ships; spaCy's blank pipeline for Arabic,
    which has no model) against :func:`extract_many` on the same texts, same run."""
    import spacy

    from .pipeline import MODEL_NAMES, get_nlp

    batch = texts * repeat
    words = sum(len(t.split()) for t in batch)
    model_language = plain_language or language
    plain = spacy.blank(model_language) if not MODEL_NAMES.get(model_language) else None
    for name in MODEL_NAMES.get(model_language, ()):
        try:
            plain = spacy.load(name)
            break
        except OSError:
            continue
    if plain is None:
        raise OSError(f"no spaCy model installed for {model_language}")
    get_nlp(language=language)  # load outside the timed region, as the baseline is
    list(plain.pipe(texts))
    extract_many(texts)
    t0 = time.perf_counter()
    for _ in plain.pipe(batch, batch_size=64):
        pass
    t_plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    extract_many(batch)
    t_ours = time.perf_counter() - t0
    out = {"words": words, "plain_wps": words / t_plain, "cordon_wps": words / t_ours}
    out["ratio"] = out["cordon_wps"] / out["plain_wps"]
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = sys.argv[1:] if argv is None else argv
    verbose = "-v" in args
    paths = [a for a in args if not a.startswith("-")]
    corpus = load_corpus(paths[0] if paths else DEFAULT_CORPUS)
    plain = next((a.split("=", 1)[1] for a in args if a.startswith("--plain=")), None)
    pipeline = next((a.split("=", 1)[1] for a in args if a.startswith("--pipeline=")), None)
    result = evaluate(corpus, plain, pipeline)
    print(format_table(result))
    if "--bench" in args:
        bench = benchmark([d["text"] for d in corpus])
        result["benchmark"] = bench
        print(
            f"words/s plain en_core_web_sm: {bench['plain_wps']:.0f}  cordon: "
            f"{bench['cordon_wps']:.0f}  ratio: {bench['ratio']:.2f}"
        )
    if verbose:
        for kind, lab, text in sorted(result["errors"]):
            print(f"{kind} {lab:<12} {text!r}")
    return result


if __name__ == "__main__":
    main()
