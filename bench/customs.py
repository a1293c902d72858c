"""Import declarations shaped like the public customs fraud datasets, with inspection results.

Usage: ``python -m bench.customs --declarations 60000 --seed 11 --out customs.jsonl``

One line per declaration and per inspection, in the exchange format, with the fields of
the public import declaration set (one goods item per declaration): importer, declarant,
seller and courier ids, office, HS10, origin and departure, transport mode, tax rate and
tax type, origin indicator, net mass, item price, quantity, payment, process and import
types, import use. Fraud comes both from hidden traits that no indicator of ours names
(each importer's propensity, most honest and a few persistent; declarants colluding with
some of their importers; undervaluation on some HS x origin lines; higher duty tempting
more) and, as in the public set, from the declared fields themselves: each value of each
categorical field carries its own weight (drawn from the seed, not chosen), preferential
tax types claimed on some origins, some import type x import use and payment x process
pairings, each HS10 its own, and noise (inspections that miss a fraud). ``inspected``:
``"legacy"`` inspects partly on the legacy hunch, partly at random; ``"all"`` inspects
every declaration, as the public set (the inspected part of the traffic) does. The last
``scored_share`` of days keeps its inspection results in a side file
(``*.outcomes.jsonl``): those declarations are only scored, never learnt from.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from datetime import date, timedelta
from pathlib import Path

COUNTRIES = ("CN", "TR", "IN", "VN", "US", "DE", "IT", "KR", "JP", "TH", "MY", "ID", "BD",
             "PK", "AE", "BR", "MX", "GB", "FR", "ES", "PL", "RU", "UA", "EG", "MA", "ZA",
             "NG", "KE", "SG", "TW")  # fmt: skip
OFFICES = tuple(f"OF{n:03d}" for n in range(1, 13))
PAYMENT = ("cash", "credit", "deferred", "guarantee", "prepaid")
PROCESSING = ("normal", "bonded", "temporary", "inward", "outward", "transit")
IMPORT_TYPE = ("commercial", "personal", "sample", "oem", "ecommerce")
IMPORT_USE = tuple(f"U{n:02d}" for n in range(1, 13))
TAX_TYPE = ("A", "C", "FCN1", "FEU1", "FAS1", "E1", "U")  # basic, agreed, FTA rates, exempt
PREFERENTIAL = ("FCN1", "FEU1", "FAS1")
ORIGIN_MARK = ("G", "B", "W", "N", "E")  # on the goods, on the box, by a document, none...
MODES = ("10", "20", "30", "40", "50")  # sea, rail, road, air, post
START = date(2024, 1, 1)
DAYS = 540


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _weights(rng: random.Random, values: tuple[str, ...], spread: float) -> dict[str, float]:
    """Each value's own weight in the log-odds of fraud, centred on zero."""
    return {v: rng.gauss(0.0, spread) for v in values}


def generate(n: int = 60_000, seed: int = 11, scored_share: float = 0.15,
             inspected: str = "legacy", spread: float = 0.6) -> tuple[list[dict], list[dict]]:
    """(lines for the exchange file, inspections kept aside for the scored-only tail);
    ``spread``: how much the declared categories' own weights vary (their deviation)."""
    rng = random.Random(seed)
    field_weight = {name: _weights(rng, values, spread) for name, values in (
        ("import_type", IMPORT_TYPE), ("import_use", IMPORT_USE), ("tax_type", TAX_TYPE),
        ("origin_indicator", ORIGIN_MARK), ("mode", MODES), ("payment_type", PAYMENT),
        ("process_type", PROCESSING), ("office", OFFICES))}
    false_origin = {c for c in COUNTRIES if rng.random() < 0.2}  # preferences claimed wrongly
    risky_use = {(t, u) for t in IMPORT_TYPE for u in IMPORT_USE if rng.random() < 0.08}
    n_imp, n_dec = max(50, n // 25), max(20, n // 300)
    propensity = [rng.gauss(-1.0, 1.0) + (2.5 if rng.random() < 0.06 else 0.0)
                  for _ in range(n_imp)]
    size = [rng.paretovariate(1.2) for _ in range(n_imp)]
    declarant_of = [rng.randrange(n_dec) for _ in range(n_imp)]
    colluding = {d for d in range(n_dec) if rng.random() < 0.1}
    collusion = {(i, declarant_of[i]) for i in range(n_imp)
                 if declarant_of[i] in colluding and rng.random() < 0.5}
    goods = []
    for _ in range(400):
        chapter = rng.randint(1, 97)
        goods.append((f"{chapter:02d}{rng.randint(1, 99):02d}{rng.randint(10, 99):02d}",
                      rng.choice((0.0, 2.5, 5.0, 8.0, 12.0, 17.0, 25.0, 40.0)),
                      math.exp(rng.gauss(2.0, 1.5)), math.exp(rng.gauss(0.0, 1.0)),
                      [(f"{rng.randint(0, 9999):04d}", rng.gauss(0.0, 0.8))
                       for _ in range(rng.randint(1, 4))]))
    lines_of = [[rng.randrange(len(goods)) for _ in range(rng.randint(1, 6))]
                for _ in range(n_imp)]
    origins_of = [[rng.choice(COUNTRIES) for _ in range(rng.randint(1, 3))]
                  for _ in range(n_imp)]
    risky_lines = {(g, c) for g in range(len(goods)) for c in COUNTRIES
                   if rng.random() < 0.01}
    sellers = [f"S{k:05d}" for k in range(n // 40 + 10)]
    couriers = [f"C{k:02d}" for k in range(15)]
    weights = [s for s in size]
    total = sum(weights)
    cum = []
    acc = 0.0
    for w in weights:
        acc += w / total
        cum.append(acc)
    out: list[dict] = []
    aside: list[dict] = []
    tail = START + timedelta(days=int(DAYS * (1 - scored_share)))
    for k in range(n):
        day = START + timedelta(days=int(DAYS * k / n))
        imp = min(n_imp - 1, _bisect(cum, rng.random()))
        g = rng.choice(lines_of[imp]) if rng.random() < 0.85 else rng.randrange(len(goods))
        hs, rate, price, kg_per_unit, national = goods[g]
        suffix, hs10_weight = rng.choice(national)
        origin = rng.choice(origins_of[imp]) if rng.random() < 0.9 else rng.choice(COUNTRIES)
        decl = declarant_of[imp] if rng.random() < 0.9 else rng.randrange(n_dec)
        fields = {"payment_type": rng.choice(PAYMENT), "process_type": rng.choice(PROCESSING),
                  "import_type": rng.choices(IMPORT_TYPE, (80, 7, 3, 5, 5))[0],
                  "import_use": rng.choice(IMPORT_USE),
                  "tax_type": rng.choices(TAX_TYPE, (40, 10, 15, 10, 10, 10, 5))[0],
                  "origin_indicator": rng.choices(ORIGIN_MARK, (40, 25, 20, 10, 5))[0],
                  "mode": rng.choices(MODES, (50, 5, 10, 30, 5))[0],
                  "office": OFFICES[imp % 5 if rng.random() < 0.7 else rng.randrange(12)]}
        logit = -3.2 + propensity[imp] + 0.04 * rate + hs10_weight
        logit += sum(field_weight[name][value] for name, value in fields.items())
        logit += 2.0 if (imp, decl) in collusion else 0.0
        logit += 1.5 if (g, origin) in risky_lines else 0.0
        logit += 1.5 if fields["tax_type"] in PREFERENTIAL and origin in false_origin else 0.0
        logit += 1.2 if (fields["import_type"], fields["import_use"]) in risky_use else 0.0
        logit += 0.9 if (fields["payment_type"], fields["process_type"]) == ("deferred",
                                                                             "bonded") else 0.0
        logit += rng.gauss(0.0, 0.5)
        fraud = rng.random() < _sigmoid(logit)
        qty = max(1, int(math.exp(rng.gauss(4.0, 1.2))))
        mass = qty * kg_per_unit * math.exp(rng.gauss(0.0, 0.15))
        value = qty * price * math.exp(rng.gauss(0.0, 0.3))
        declared = value
        if fraud and ((g, origin) in risky_lines or rng.random() < 0.4):
            declared = value * rng.uniform(0.25, 0.6)  # undervaluation
        elif fraud and rng.random() < 0.3:
            mass *= rng.uniform(1.15, 1.5)  # undeclared goods add weight
        did = f"IMP-{day.year}-{k + 1:07d}"
        line = {"kind": "declaration", "id": did, "date": day.isoformat(),
                "office": fields["office"],
                "importer": f"IM{imp:06d}", "declarant": f"DC{decl:05d}",
                "exporter": sellers[(imp * 7 + g) % len(sellers)], "origin": origin,
                "departure": origin if rng.random() < 0.9 else rng.choice(COUNTRIES),
                "transport": {"mode": fields["mode"]},
                "items": [{"hs": hs + suffix, "quantity": qty, "weight_kg": round(mass, 1),
                           "value_cif": round(declared, 2), "tax_rate": rate,
                           "taxes": round(declared * rate / 100, 2),
                           "tax_type": fields["tax_type"],
                           "origin_indicator": fields["origin_indicator"]}],
                **{k: fields[k] for k in ("payment_type", "process_type", "import_type",
                                          "import_use")},
                "courier": rng.choice(couriers)}
        out.append(line)
        hunch = 0.6 * propensity[imp] + 0.03 * rate + rng.gauss(0.0, 1.5)
        if (inspected == "all" or rng.random() < 0.03
                or rng.random() < _sigmoid(hunch - 1.8)):
            found = fraud and rng.random() < 0.92  # inspections miss some
            control = {"kind": "control", "declaration": did,
                       "date": (day + timedelta(days=rng.choice((0, 1, 2)))).isoformat(),
                       "lane": "red", "result": "positive" if found else "negative",
                       "revenue": round((value - declared) * (rate / 100 + 0.2), 2)
                       if found else 0.0}
            (aside if day >= tail else out).append(control)
    return out, aside


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def outcomes_path(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.stem + ".outcomes.jsonl")


def write(path: str | Path, n: int = 60_000, seed: int = 11, inspected: str = "legacy",
          spread: float = 0.6) -> dict[str, int]:
    """The exchange file and, beside it, the scored-only tail's inspections."""
    lines, aside = generate(n, seed, inspected=inspected, spread=spread)
    with Path(path).open("w") as fh:
        for line in lines:
            fh.write(json.dumps(line) + "\n")
    with outcomes_path(path).open("w") as fh:
        for line in aside:
            fh.write(json.dumps(line) + "\n")
    return {"lines": len(lines), "scored_only": len(aside)}


def read_outcomes(path: str | Path) -> dict[str, dict]:
    """Inspections kept aside, by declaration."""
    with Path(path).open() as fh:
        return {rec["declaration"]: rec for rec in map(json.loads, fh) if rec}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--declarations", type=int, default=60_000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--inspected", choices=("legacy", "all"), default="legacy")
    ap.add_argument("--spread", type=float, default=0.6,
                    help="deviation of the declared categories' own weights in fraud")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    print(json.dumps(write(args.out, args.declarations, args.seed, args.inspected,
                           args.spread)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
