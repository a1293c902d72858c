"""Traders, persons and relations of the synthetic register, with hidden risk traits.

The ``risk`` and ``weight`` attributes are generator internals (latent fraud
propensity, trading volume). They are never written to the exchange records, so
the risk engine has to rediscover them from control outcomes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from bench import catalogue as cat


@dataclass(slots=True)
class Trader:
    id: str
    name: str
    country: str
    address: str
    phones: list[str]
    emails: list[str]
    role: str  # importer | exporter | broker
    registered: date
    aeo: bool = False
    risk: float = 0.0
    weight: float = 1.0
    active_from: int = 0  # day index in the simulated period
    active_to: int = 10**6
    lines: list[tuple[cat.Commodity, str]] = field(default_factory=list)
    exporters: list[Trader] = field(default_factory=list)
    brokers: list[Trader] = field(default_factory=list)
    successor: Trader | None = None  # set on burned traders of a planted network
    burned: bool = False
    seizures: int = 0
    first_seizure: int | None = None
    n_declarations: int = 0
    persons: list[Person] = field(default_factory=list)

    def record(self) -> dict:
        return {"kind": "trader", "id": self.id, "name": self.name, "country": self.country,
                "address": self.address, "phones": self.phones, "emails": self.emails,
                "aeo": self.aeo, "registered": self.registered.isoformat()}


@dataclass(slots=True)
class Person:
    id: str
    name: str
    nationality: str
    dob: date
    documents: list[dict]
    phones: list[str]
    addresses: list[str]
    roles: list[dict] = field(default_factory=list)

    def record(self) -> dict:
        return {"kind": "person", "id": self.id, "name": self.name,
                "nationality": self.nationality, "dob": self.dob.isoformat(),
                "documents": self.documents, "phones": self.phones,
                "addresses": self.addresses, "roles": self.roles}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class Registry:
    """Builds the static part of the register: who trades, who runs them, who is linked."""

    def __init__(self, rng: random.Random, n_traders: int, n_persons: int,
                 start: date, days: int) -> None:
        self.rng = rng
        self.start = start
        self.days = days
        self._ids: set[str] = set()
        self._names: set[str] = set()
        n_brokers = max(5, round(n_traders * 0.04))
        n_exporters = round(n_traders * 0.38)
        n_importers = n_traders - n_brokers - n_exporters
        self.brokers = [self._broker() for _ in range(n_brokers)]
        self.exporters_by_country: dict[str, list[Trader]] = {}
        self.exporters = self._exporters(n_exporters)
        self.importers = [self._importer() for _ in range(n_importers)]
        self.persons: list[Person] = []
        self.networks: list[dict] = []
        self._staff(n_persons)
        self._plant_networks()
        self.relations = self._relations()

    # -- identifiers and contact details -------------------------------------------------
    def _unique(self, make) -> str:
        while True:
            value = make()
            if value not in self._ids:
                self._ids.add(value)
                return value

    def phone(self, country: str) -> str:
        rng = self.rng
        prefix = rng.choice(cat.PHONE_PREFIX.get(country, ("+359 2",)))
        return f"{prefix} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"

    def address(self, country: str) -> str:
        rng = self.rng
        city = rng.choice(cat.CITIES.get(country, (cat.COUNTRY_NAMES.get(country, country),)))
        return f"{rng.randint(1, 180)} {rng.choice(cat.STREETS)}, {city}"

    def _company_name(self, country: str) -> str:
        rng = self.rng
        for attempt in range(50):
            if country in cat.FOREIGN_PREFIX:
                core = f"{rng.choice(cat.FOREIGN_PREFIX[country])} {rng.choice(cat.FOREIGN_CORE)}"
            else:
                core = f"{rng.choice(cat.NAME_PARTS_EU)} {rng.choice(cat.NAME_PARTS_EU)}"
            forms = cat.LEGAL_FORM.get(country, ("Ltd",))
            name = f"{core} {rng.choice(cat.NAME_SECTORS)} {rng.choice(forms)}"
            if attempt > 20:
                name = name.replace(" ", f" {rng.choice(cat.FOREIGN_CORE)} ", 1)
            if name not in self._names and len(set(core.split())) == len(core.split()):
                self._names.add(name)
                return name
        name = f"{name} {len(self._names)}"
        self._names.add(name)
        return name

    def _trader(self, tid: str, country: str, role: str) -> Trader:
        rng = self.rng
        name = self._company_name(country)
        words = name.lower().split()
        slug = "".join(ch for ch in words[0] + words[1] if ch.isalnum())
        registered = self.start - timedelta(days=rng.randint(100, 6000))
        return Trader(id=tid, name=name, country=country, address=self.address(country),
                      phones=[self.phone(country) for _ in range(rng.choice((1, 1, 2)))],
                      emails=[f"{rng.choice(('info', 'ops', 'office', 'sales'))}@{slug}.example"],
                      role=role, registered=registered)

    # -- traders ---------------------------------------------------------------------------
    def _broker(self) -> Trader:
        rng = self.rng
        t = self._trader(self._unique(lambda: f"BG{rng.randint(1000, 9999)}"), "BG", "broker")
        t.aeo = rng.random() < 0.25
        t.risk = -0.6 if t.aeo else (rng.gauss(1.1, 0.2) if rng.random() < 0.12
                                     else rng.gauss(0.0, 0.2))
        t.weight = rng.paretovariate(1.5)
        return t

    def _exporters(self, n: int) -> list[Trader]:
        rng = self.rng
        usage: dict[str, int] = {}
        for c in cat.COMMODITIES:
            for origin in c.origins:
                usage[origin] = usage.get(origin, 0) + 1
        countries = sorted(usage)
        weights = [usage[c] for c in countries]
        out = []
        for i in range(n):
            country = countries[i] if i < len(countries) else rng.choices(countries, weights)[0]
            t = self._trader(self._unique(lambda c=country: f"{c}{rng.randint(1000, 999_999)}"),
                             country, "exporter")
            t.risk = rng.gauss(1.0, 0.2) if rng.random() < 0.08 else rng.gauss(0.0, 0.2)
            t.weight = rng.paretovariate(1.4)
            self.exporters_by_country.setdefault(country, []).append(t)
            out.append(t)
        return out

    def exporter_in(self, origin: str) -> Trader:
        """An exporter of that country; a small register has none in every origin, and
        then any exporter will do."""
        return self.rng.choice(self.exporters_by_country.get(origin) or self.exporters)

    def _importer(self) -> Trader:
        rng = self.rng
        country = "BG" if rng.random() < 0.8 else rng.choice(("NL", "DE", "RO", "GR"))
        t = self._trader(self._unique(lambda: f"{country}{rng.randint(10**8, 10**9 - 1)}"),
                         country, "importer")
        t.weight = min(rng.paretovariate(1.3), 60.0)
        roll = rng.random()
        if roll < 0.08:
            t.aeo, t.risk = True, rng.gauss(-1.6, 0.3)
            t.weight *= 2.0  # AEO traders tend to be established, high-volume operators
        elif roll < 0.14:
            t.risk = rng.gauss(2.3, 0.4)
        elif roll < 0.28:
            t.risk = rng.gauss(1.0, 0.3)
        else:
            t.risk = rng.gauss(0.0, 0.35)
        if rng.random() < 0.12 and not t.aeo:  # newcomers registered during the period
            day = rng.randint(0, int(self.days * 0.85))
            t.registered = self.start + timedelta(days=day)
            t.active_from = day
        self._assign_lines(t)
        return t

    def _assign_lines(self, t: Trader) -> None:
        rng = self.rng
        risky = list(cat.RISKY_HS_ORIGIN)
        by_hs = {c.hs: c for c in cat.COMMODITIES}
        for _ in range(rng.choice((1, 2, 2, 3))):
            if t.risk > 1.5 and rng.random() < 0.5:
                hs, origin = rng.choice(risky)
                line = (by_hs[hs], origin)
            else:
                c = rng.choice(cat.COMMODITIES)
                line = (c, rng.choice(list(c.origins)))
            t.lines.append(line)
        for _c, origin in t.lines:
            t.exporters.append(self.exporter_in(origin))
        t.brokers = rng.sample(self.brokers, k=min(len(self.brokers), rng.choice((1, 1, 2))))

    # -- persons -----------------------------------------------------------------------------
    def _person(self, nationality: str | None = None) -> Person:
        rng = self.rng
        nats = list(cat.PERSON_NATIONALITY_WEIGHTS)
        nat = nationality or rng.choices(nats, [cat.PERSON_NATIONALITY_WEIGHTS[n] for n in nats])[0]
        pid = f"P-{len(self.persons) + 1:06d}"
        doc_type = "id_card" if nat == "BG" and rng.random() < 0.6 else "passport"
        number = f"{rng.choice('ABCKNUPX')}{rng.randint(10**7, 10**8 - 1)}"
        p = Person(pid, f"{rng.choice(cat.FIRST_NAMES[nat])} {rng.choice(cat.LAST_NAMES[nat])}",
                   nat, date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                   [{"type": doc_type, "number": number, "country": nat}],
                   [self.phone(nat if nat in cat.PHONE_PREFIX else "BG")],
                   [self.address(nat if nat in cat.CITIES else "BG")])
        self.persons.append(p)
        return p

    def _staff(self, n_persons: int) -> None:
        rng = self.rng
        domestic = self.importers + self.brokers
        for t in domestic:
            if len(self.persons) >= n_persons:
                break
            if self.persons and rng.random() < 0.08:
                director = rng.choice(self.persons)  # one person running several companies
            else:
                director = self._person()
            director.roles.append({"trader": t.id, "role": "director"})
            t.persons.append(director)
        while len(self.persons) < n_persons:
            p = self._person()
            if rng.random() < 0.7:
                t = rng.choice(domestic)
                p.roles.append({"trader": t.id, "role": rng.choice(("employee", "employee",
                                                                    "manager", "shareholder"))})
                t.persons.append(p)

    # -- planted phoenix networks --------------------------------------------------------
    def _plant_networks(self) -> None:
        """A burned importer with seizures stops trading; a new company sharing its phone
        and director takes over the business. The link is only visible in the register."""
        rng = self.rng
        candidates = [t for t in self.importers
                      if not t.aeo and t.active_from == 0 and t.persons and t.country == "BG"]
        n = max(3, len(self.importers) // 60)
        for burned in rng.sample(candidates, k=min(n, len(candidates))):
            burned.burned = True
            burned.risk = max(burned.risk, rng.gauss(2.6, 0.3))
            burned.weight = max(burned.weight, 3.0)
            burn_day = rng.randint(int(self.days * 0.3), int(self.days * 0.5))
            burned.active_to = burn_day
            phoenix = self._importer()
            phoenix.aeo = False
            phoenix.risk = rng.gauss(2.4, 0.3)
            phoenix.weight = burned.weight
            phoenix.lines = list(burned.lines)
            phoenix.exporters = list(burned.exporters)
            phoenix.brokers = list(burned.brokers)
            start_day = burn_day + rng.randint(10, 60)
            phoenix.registered = self.start + timedelta(days=start_day - rng.randint(0, 10))
            phoenix.active_from = start_day
            shared_phone = burned.phones[0]
            phoenix.phones = [self.phone("BG"), shared_phone]
            rng.shuffle(phoenix.phones)
            director = burned.persons[0]
            director.roles.append({"trader": phoenix.id, "role": "director"})
            phoenix.persons.append(director)
            shared_address = rng.random() < 0.4
            if shared_address:
                phoenix.address = burned.address
            burned.successor = phoenix
            self.importers.append(phoenix)
            burned_to = self.start + timedelta(days=burn_day)
            self.networks.append({"burned": burned.id, "phoenix": phoenix.id,
                                  "shared_phone": shared_phone, "shared_director": director.id,
                                  "shared_address": shared_address,
                                  "burned_active_to": burned_to.isoformat(),
                                  "phoenix_registered": phoenix.registered.isoformat()})

    def _relations(self) -> list[dict]:
        rng = self.rng
        out = []
        sources = ("police register", "company register", "intelligence report", "partner agency")
        n = max(10, len(self.persons) // 6)
        for _ in range(n):
            roll = rng.random()
            p = rng.choice(self.persons)
            if roll < 0.5:
                t = rng.choice(self.importers)
                rel = {"kind": "relation", "from": {"kind": "person", "id": p.id},
                       "to": {"kind": "trader", "id": t.id}, "type": "associate_of"}
            elif roll < 0.8:
                q = rng.choice(self.persons)
                if q is p:
                    continue
                rel = {"kind": "relation", "from": {"kind": "person", "id": p.id},
                       "to": {"kind": "person", "id": q.id},
                       "type": rng.choice(("family_of", "associate_of"))}
            else:
                a, b = rng.sample(self.importers, 2)
                rel = {"kind": "relation", "from": {"kind": "trader", "id": a.id},
                       "to": {"kind": "trader", "id": b.id},
                       "type": rng.choice(("same_group", "trades_with"))}
            rel["source"] = rng.choice(sources)
            rel["date"] = (self.start - timedelta(days=rng.randint(0, 900))).isoformat()
            out.append(rel)
        return out
