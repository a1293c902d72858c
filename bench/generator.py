"""Deterministic synthetic register in the exchange format (JSON Lines).

Usage: ``python -m bench.generator --scale 10k --seed 7 --out data.jsonl``

Records stream in the order a register would receive them: the trader and person
registers first, then declarations, controls and intelligence reports in date
order. Fraud is driven by hidden traits (importer/broker/exporter propensity,
risky HS x origin lines, planted phoenix networks) and only becomes visible
through control outcomes, values and registers - that is what the risk engine
must learn from. A truth side file lists the planted patterns for tests.
"""

from __future__ import annotations

import argparse
import bisect
import heapq
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from bench import catalogue as cat
from bench.registry import Registry, Trader, sigmoid
from bench.texts import compose

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
START = date(2023, 7, 1)
DAYS = 730
BASE_LOGIT = -3.7
CONTROL_RATE_GUESS = 0.13
REPORT_SHARE = 0.02
REORDER_DAYS = 14  # reports may be dated up to this many days before the shipment they tip

GRADE_FROM_TRUTH = {True: ("A", "B", "B", "C"), False: ("C", "D", "E", "F")}
INFO_FROM_TRUTH = {True: ("1", "2", "2", "3"), False: ("3", "4", "5", "6")}


def scale_to_nodes(scale: str | int) -> int:
    if isinstance(scale, int):
        return scale
    try:
        return SCALES[scale.lower()]
    except KeyError:
        known = sorted(SCALES)
        raise ValueError(f"unknown scale {scale!r}; use one of {known} or an int") from None


def container_number(rng: random.Random) -> str:
    """ISO 6346 container number with a valid check digit."""
    owner = rng.choice(cat.CONTAINER_OWNERS)
    serial = f"{rng.randint(0, 999_999):06d}"
    code = owner + serial
    values = []
    for ch in code:
        if ch.isdigit():
            values.append(int(ch))
        else:
            v = 10 + ord(ch) - ord("A")
            values.append(v + (v - 1) // 10)  # skip multiples of 11
    check = sum(v * 2**i for i, v in enumerate(values)) % 11 % 10
    return f"{code}{check}"


def imo_number(vessel: str) -> str:
    """Stable IMO number with a valid check digit for a vessel name."""
    base = sum(ord(c) * (i + 7) for i, c in enumerate(vessel)) % 900_000 + 100_000
    digits = f"{base:06d}"
    check = sum(int(d) * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return f"{digits}{check}"


class Generator:
    """Iterate to get exchange records; ``truth`` is complete once iteration ends."""

    def __init__(self, scale: str | int = "10k", seed: int = 7) -> None:
        self.nodes = scale_to_nodes(scale)
        self.seed = seed
        self.rng = random.Random(seed)
        self.truth: dict = {}
        self.counts: dict[str, int] = {}

    # -- public --------------------------------------------------------------------------
    def __iter__(self) -> Iterator[dict]:
        rng = self.rng
        n_traders = max(30, round(self.nodes * 0.05))
        n_persons = max(30, round(self.nodes * 0.06))
        reg = Registry(rng, n_traders, n_persons, START, DAYS)
        self.reg = reg
        counts = dict.fromkeys(("trader", "person", "relation", "declaration", "control",
                                "report"), 0)
        for t in [*reg.brokers, *reg.exporters, *reg.importers]:
            counts["trader"] += 1
            yield t.record()
        for p in reg.persons:
            counts["person"] += 1
            yield p.record()
        for r in reg.relations:
            counts["relation"] += 1
            yield r
        budget = self.nodes - counts["trader"] - counts["person"]
        yield from self._stream(reg, budget, counts)
        self.counts = counts
        self.truth = self._truth(reg, counts)

    # -- declarations, controls, reports ------------------------------------------------------
    def _stream(self, reg: Registry, budget: int, counts: dict[str, int]) -> Iterator[dict]:
        self._cum = list(itertools.accumulate(t.weight for t in reg.importers))
        self._office_cum = list(itertools.accumulate(cat.OFFICE_WEIGHTS))
        self._offices = list(cat.OFFICES)
        est_decl = max(1, int(budget * (1 - REPORT_SHARE * 1.1) / (1 + CONTROL_RATE_GUESS)))
        report_rate = budget * REPORT_SHARE * 0.75 / est_decl
        self._report_seq: dict[int, int] = {}
        self._decl_seq: dict[int, int] = {}
        self._fraud_stats = {"declarations": 0, "fraud": 0, "controlled": 0, "positive": 0}
        pending: list[tuple[str, int, dict]] = []
        self._floor = START.isoformat()  # date of the last emitted record
        seq = itertools.count()
        emitted = 0
        report_acc = 0.0
        i = 0
        while emitted < budget:
            day = i * DAYS // est_decl  # may run a few days past DAYS if the estimate is short
            i += 1
            today = START + timedelta(days=day)
            horizon = (today - timedelta(days=REORDER_DAYS)).isoformat()
            while pending and pending[0][0] < horizon and emitted < budget:
                floor, _, rec = heapq.heappop(pending)
                self._floor = floor
                counts[rec["kind"]] += 1
                emitted += 1
                yield rec
            for rec in self._declaration(reg, day, today):
                heapq.heappush(pending, (self._event_date(rec), next(seq), rec))
            report_acc += report_rate
            if report_acc >= 1.0:
                report_acc -= 1.0
                rec = self._general_report(reg, today)
                heapq.heappush(pending, (rec["received"][:10], next(seq), rec))
        # records left in the buffer fall outside the node budget and are dropped

    @staticmethod
    def _event_date(rec: dict) -> str:
        return rec.get("date") or rec["received"][:10]

    def _pick_importer(self, reg: Registry, day: int) -> Trader:
        rng = self.rng
        for _ in range(8):
            t = reg.importers[bisect.bisect(self._cum, rng.random() * self._cum[-1])]
            if day > t.active_to and t.successor is not None:
                t = t.successor
            if t.active_from <= day <= t.active_to:
                return t
        return t

    def _declaration(self, reg: Registry, day: int, today: date) -> list[dict]:
        rng = self.rng
        imp = self._pick_importer(reg, day)
        imp.n_declarations += 1
        line_idx = rng.randrange(len(imp.lines))
        commodity, origin = imp.lines[line_idx]
        exporter = imp.exporters[line_idx]
        if rng.random() < 0.15:  # occasional spot purchase outside the usual lines
            commodity = rng.choice(cat.COMMODITIES)
            origin = rng.choice(list(commodity.origins))
            exporter = reg.exporter_in(origin)
        broker = rng.choice(imp.brokers) if rng.random() < 0.9 else rng.choice(reg.brokers)
        office = self._offices[bisect.bisect(self._office_cum,
                                             rng.random() * self._office_cum[-1])]
        mode = rng.choice(cat.OFFICES[office])
        goods = [commodity] + [c for c in cat.COMMODITIES
                               if origin in c.origins and c is not commodity]
        n_items = rng.choices((1, 2, 3, 4, 5), (45, 25, 15, 9, 6))[0]
        lines = [commodity] + [rng.choice(goods) for _ in range(n_items - 1)]

        hs_risk = max(cat.RISKY_HS_ORIGIN.get((c.hs, origin), 0.0) for c in lines)
        logit = BASE_LOGIT + imp.risk + broker.risk + exporter.risk + hs_risk
        logit += 0.3 if office == "BGSVI001" else 0.0
        fraud = rng.random() < sigmoid(logit)
        forced = imp.burned and imp.seizures == 0 and imp.n_declarations >= 3
        kind = None
        if fraud or forced:
            fraud = True
            kind = "concealment" if imp.burned or imp.successor else rng.choice(commodity.frauds)
            if imp.risk > 2.0 and rng.random() < 0.3:
                kind = "concealment"

        seq = self._decl_seq[today.year] = self._decl_seq.get(today.year, 0) + 1
        did = f"DEC-{today.year}-{seq:06d}"
        departure = origin
        if kind == "origin" or rng.random() < 0.04:
            departure = rng.choice(("TR", "AE", "MY", "SG"))
        items, evaded = self._items(lines, origin, mode, kind)
        transport = self._transport(mode, origin)
        decl = {"kind": "declaration", "id": did, "date": today.isoformat(), "flow": "import",
                "office": office, "importer": imp.id, "exporter": exporter.id,
                "declarant": broker.id, "origin": origin, "departure": departure,
                "destination": "BG", "transport": transport, "items": items,
                "procedure": "4000", "incoterm": rng.choice(("FOB", "CIF", "EXW", "FCA"))}

        # the legacy selectivity system: partly informed, partly random
        random_pick = rng.random() < 0.02
        legacy = logit + rng.gauss(0.0, 1.4) - (1.0 if imp.aeo else 0.0)
        controlled = random_pick or forced or rng.random() < sigmoid(legacy + 1.3) * 0.45
        lane = "green"
        if controlled:
            lane = "red" if forced or legacy > -1.0 or rng.random() < 0.35 else "yellow"
        decl["lane"] = lane
        decl["random_selection"] = random_pick
        stats = self._fraud_stats
        stats["declarations"] += 1
        stats["fraud"] += fraud
        out = [decl]
        if controlled:
            stats["controlled"] += 1
            control = self._control(decl, lane, kind, evaded, forced, today)
            stats["positive"] += control["result"] == "positive"
            if control["seized"] and imp.burned:
                imp.seizures += 1
                if imp.first_seizure is None:
                    imp.first_seizure = day
            out.append(control)
        if fraud and (imp.risk > 1.5) and rng.random() < 0.12:
            out.append(self._tip_report(decl, imp, broker, commodity, kind, today))
        return out

    def _items(self, lines, origin: str, mode: str, kind: str | None) -> tuple[list[dict], float]:
        rng = self.rng
        items = []
        evaded = 0.0
        freight = {"sea": 1.05, "road": 1.04, "air": 1.08}[mode]
        for pos, c in enumerate(lines):
            lo, hi = c.qty
            qty = int(math.exp(rng.uniform(math.log(lo), math.log(hi))))
            price = c.price * c.origins.get(origin, 1.0) * math.exp(rng.gauss(0.0, 0.28))
            weight = qty * c.kg_per_unit * math.exp(rng.gauss(0.0, 0.06))
            if c.unit == "kg":
                qty = round(weight)
            true_value = qty * price
            value = true_value
            if kind == "undervaluation" and (pos == 0 or rng.random() < 0.5):
                value = true_value * rng.uniform(0.18, 0.5)
            elif kind == "counterfeit" and pos == 0:
                value = true_value * rng.uniform(0.3, 0.7)
            elif kind == "concealment" and pos == 0:
                weight *= rng.uniform(1.1, 1.4)  # the hidden load adds weight
            cif = value * freight
            rate = c.rate
            if kind == "misclassification" and pos == 0:
                rate = round(rate * 0.3, 1)
                evaded += true_value * freight * max(0.04, (c.rate - rate) / 100 + 0.05)
            evaded += (true_value - value) * freight * (c.rate / 100 + 0.2)
            hs = c.hs + rng.choice(("", "", "00", "90", "0000", "1090"))
            items.append({"hs": hs, "description": rng.choice(c.words), "quantity": qty,
                          "unit": c.unit, "weight_kg": round(max(weight, 0.1), 1),
                          "value": round(value, 2), "value_cif": round(cif, 2),
                          "currency": "EUR", "tax_rate": rate, "tax_type": c.tax_type,
                          "taxes": round(cif * rate / 100, 2)})
        return items, evaded

    def _transport(self, mode: str, origin: str) -> dict:
        rng = self.rng
        if mode == "sea":
            vessel = rng.choice(cat.VESSELS)
            return {"mode": "sea", "container": container_number(rng), "vessel": vessel,
                    "imo": imo_number(vessel), "vehicle": None}
        if mode == "air":
            return {"mode": "air", "container": None, "vessel": None, "imo": None,
                    "vehicle": f"{rng.choice(cat.AIRLINES)}{rng.randint(100, 9999)}"}
        plate = (f"{origin if origin in ('TR', 'BG', 'RO', 'GR') else 'TR'} "
                 f"{rng.randint(10, 81)} {rng.choice('ABCDEFHKMT')}{rng.choice('ABCDEFHKMT')} "
                 f"{rng.randint(100, 9999)}")
        container = container_number(rng) if rng.random() < 0.3 else None
        return {"mode": "road", "container": container, "vessel": None, "imo": None,
                "vehicle": plate}

    def _control(self, decl: dict, lane: str, kind: str | None, evaded: float, forced: bool,
                 today: date) -> dict:
        rng = self.rng
        if kind is None:
            detect = False
        elif lane == "red":
            detect = forced or rng.random() < 0.9
        else:
            detect = rng.random() < {"concealment": 0.12, "counterfeit": 0.3}.get(kind, 0.6)
        control = {"kind": "control", "declaration": decl["id"],
                   "date": (today + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))).isoformat(),
                   "lane": lane, "result": "negative", "finding": None, "revenue": 0.0,
                   "seized": []}
        if detect:
            control["result"] = "positive"
            control["finding"] = kind
            revenue = evaded
            first = decl["items"][0]
            if kind == "concealment":
                sticks = rng.randint(20, 600) * 1000
                control["seized"] = [{"hs": "240220", "description": "cigarettes",
                                      "quantity": sticks, "unit": "pcs",
                                      "value": round(sticks * 0.03, 2)}]
                revenue = sticks * 0.14
            elif kind == "counterfeit":
                qty = max(1, int(first["quantity"] * rng.uniform(0.2, 1.0)))
                control["seized"] = [{"hs": first["hs"][:6], "description": first["description"],
                                      "quantity": qty, "unit": first["unit"],
                                      "value": round(first["value"] * qty / first["quantity"], 2)}]
                revenue = first["value_cif"] * rng.uniform(0.05, 0.2)
            elif kind == "origin":
                revenue = sum(it["value_cif"] for it in decl["items"]) * rng.uniform(0.1, 0.35)
            control["revenue"] = round(revenue, 2)
        elif rng.random() < 0.03:  # minor paperwork irregularities on clean consignments
            control.update(result="positive", finding="documents",
                           revenue=round(rng.uniform(50, 400), 2))
        return control

    # -- intelligence reports -------------------------------------------------------------
    def _report(self, when: date, channel: str, truthful: bool, facts: dict) -> dict:
        rng = self.rng
        seq = self._report_seq[when.year] = self._report_seq.get(when.year, 0) + 1
        title, text = compose(rng, channel, facts)
        source = {"informant": f"KX-{rng.randint(1, 60)}", "hotline": "hotline",
                  "register": "company register", "liaison": f"LO-{facts['city']}",
                  "open_source": "web", "partner_agency": rng.choice(("police", "NRA", "border"))}
        clock = f"{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:00Z"
        return {"kind": "report", "id": f"R-{when.year}-{seq:05d}", "channel": channel,
                "received": f"{when.isoformat()}T{clock}",
                "source": source[channel], "source_grade": rng.choice(GRADE_FROM_TRUTH[truthful]),
                "info_grade": rng.choice(INFO_FROM_TRUTH[truthful]),
                "handling": rng.choice(("open", "restricted", "restricted", "originator")),
                "unit": rng.choice(("HQ", "VAR-INT", "SVI-INT", "SOF-INT")),
                "title": title, "text": text}

    def _facts(self, imp: Trader, broker: Trader, commodity, origin: str, kind: str,
               transport: dict | None, office: str) -> dict:
        rng = self.rng
        person = rng.choice(imp.persons) if imp.persons and rng.random() < 0.6 else None
        phone = rng.choice(imp.phones) if rng.random() < 0.5 else None
        transport = transport or {}
        return {"trader": imp.name, "trader_id": imp.id, "commodity": rng.choice(commodity.words),
                "Commodity": commodity.words[0].capitalize(), "hs": commodity.hs,
                "origin": cat.COUNTRY_NAMES.get(origin, origin), "fraud": kind,
                "container": transport.get("container"), "vessel": transport.get("vessel"),
                "imo": transport.get("imo"), "person": person.name if person else None,
                "document": person.documents[0]["number"] if person else None, "phone": phone,
                "broker": broker.name, "office": office, "pct": rng.choice((20, 25, 30, 40)),
                "city": rng.choice(cat.CITIES.get(origin, ("Istanbul", "Dubai")))}

    def _tip_report(self, decl: dict, imp: Trader, broker: Trader, commodity, kind: str,
                    today: date) -> dict:
        rng = self.rng
        when = max(date.fromisoformat(self._floor),
                   today - timedelta(days=rng.randint(1, REORDER_DAYS - 2)))
        facts = self._facts(imp, broker, commodity, decl["origin"], kind, decl["transport"],
                            decl["office"])
        channel = rng.choice(("informant", "informant", "liaison", "partner_agency"))
        return self._report(when, channel, True, facts)

    def _general_report(self, reg: Registry, today: date) -> dict:
        """Background intelligence: some true (about risky traders), much of it noise."""
        rng = self.rng
        truthful = rng.random() < 0.45
        pool = [t for t in reg.importers if t.risk > 1.5] if truthful else reg.importers
        imp = rng.choice(pool or reg.importers)
        commodity, origin = rng.choice(imp.lines)
        kind = rng.choice(commodity.frauds)
        channel = rng.choice(("informant", "liaison", "partner_agency", "register") if truthful
                             else ("hotline", "open_source", "informant", "hotline"))
        facts = self._facts(imp, rng.choice(imp.brokers), commodity, origin, kind, None,
                            rng.choice(self._offices))
        return self._report(today, channel, truthful, facts)

    def _truth(self, reg: Registry, counts: dict[str, int]) -> dict:
        by_id = {t.id: t for t in reg.importers}
        networks = []
        for net in reg.networks:
            burned = by_id[net["burned"]]
            phoenix = by_id[net["phoenix"]]
            first = (START + timedelta(days=burned.first_seizure)).isoformat() \
                if burned.first_seizure is not None else None
            networks.append({**net, "burned_seizures": burned.seizures,
                             "burned_first_seizure": first,
                             "phoenix_declarations": phoenix.n_declarations})
        return {
            "seed": self.seed, "nodes": self.nodes, "counts": counts,
            "node_total": sum(v for k, v in counts.items() if k != "relation"),
            "period": [START.isoformat(), self._floor],
            "networks": networks,
            "risky_importers": sorted(t.id for t in reg.importers if t.risk > 1.5),
            "risky_brokers": sorted(t.id for t in reg.brokers if t.risk > 0.7),
            "aeo_traders": sorted(t.id for t in [*reg.importers, *reg.brokers] if t.aeo),
            "risky_hs_origin": sorted(f"{hs}:{o}" for hs, o in cat.RISKY_HS_ORIGIN),
            "simulation": self._fraud_stats,
        }


def generate(scale: str | int = "10k", seed: int = 7) -> Iterator[dict]:
    """Stream exchange records; use :class:`Generator` directly to get the truth too."""
    return iter(Generator(scale, seed))


def write(path: str | Path, scale: str | int = "10k", seed: int = 7) -> dict:
    """Write FILE.jsonl and FILE.truth.json; return the truth dict (with counts)."""
    path = Path(path)
    gen = Generator(scale, seed)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with path.open("w", encoding="utf-8") as fh:
        buf = []
        for rec in gen:
            buf.append(dumps(rec))
            if len(buf) >= 5000:
                fh.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            fh.write("\n".join(buf) + "\n")
    truth_path = truth_path_for(path)
    truth_path.write_text(json.dumps(gen.truth, indent=1), encoding="utf-8")
    return gen.truth


def truth_path_for(path: str | Path) -> Path:
    path = Path(path)
    stem = path.name[:-6] if path.name.endswith(".jsonl") else path.name
    return path.with_name(stem + ".truth.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="10k", help="10k, 100k, 1m or a node count")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    scale = int(args.scale) if args.scale.isdigit() else args.scale
    t0 = time.perf_counter()
    truth = write(args.out, scale, args.seed)
    secs = time.perf_counter() - t0
    print(f"wrote {args.out}: {truth['node_total']} nodes {truth['counts']} in {secs:.1f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
