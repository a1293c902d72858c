"""Free-text intelligence reports in varied wording.

Reports are composed from interchangeable openings, claims and details so that an
entity extractor sees the same facts phrased many ways, as in real intake.
"""

from __future__ import annotations

import random
from collections.abc import Callable

OPENINGS = {
    "informant": ("Source reports that", "According to the source,", "The informant states that",
                  "Source KX advises that", "A reliable contact indicates that"),
    "hotline": ("An anonymous caller alleged that", "A hotline caller claimed that",
                "Caller (did not give name) said that", "Anonymous tip received:"),
    "register": ("A register check shows that", "Company register records indicate that",
                 "Cross-check of registers revealed that"),
    "liaison": ("The liaison officer in {city} advises that",
                "Liaison contact in {city} reports that",
                "Information from the attache in {city}:"),
    "open_source": ("Open-source research found that", "Online marketplace listings suggest that",
                    "Press reporting from {city} indicates that", "Social media posts show that"),
    "partner_agency": ("The partner agency shared that", "Police colleagues informed us that",
                       "The tax administration reported that", "Border police advise that"),
}

VERBS_EXPECT = ("is expected to receive", "will import", "has ordered", "is about to clear",
                "plans to bring in")
HEDGES = ("", "", "reportedly ", "allegedly ", "probably ")
FRAUD_CLAIMS = {
    "undervaluation": ("invoices show roughly {pct}% of the real price of the {commodity}",
                       "the {commodity} are under-invoiced, a second invoice is kept off the books",
                       "the declared value of the {commodity} is far below market level",
                       "payment for the {commodity} is split so only part appears on the invoice"),
    "misclassification": ("the {commodity} are declared under a wrong tariff code (HS {hs})",
                          "goods declared under HS {hs} are in fact higher-duty {commodity}"),
    "origin": ("the {commodity} are transhipped to hide their real origin",
               "certificates of origin for the {commodity} from {origin} are false"),
    "concealment": ("cigarettes are hidden behind a front load of {commodity}",
                    "undeclared goods are concealed among the {commodity}",
                    "the consignment of {commodity} covers contraband in the last pallets"),
    "counterfeit": ("the {commodity} carry fake brand labels",
                    "counterfeit {commodity} are mixed with genuine stock"),
}


def _fill(template: str, facts: dict) -> str:
    return template.format(**facts)


def _shipment(rng: random.Random, facts: dict) -> list[str]:
    parts = [f"{{trader}} ({{trader_id}}) {rng.choice(HEDGES)}{rng.choice(VERBS_EXPECT)} "
             f"{{commodity}} from {{origin}}"]
    if facts.get("container"):
        parts.append(rng.choice(("in container {container}", "loaded in box {container}",
                                 "container number {container}")))
    if facts.get("vessel"):
        parts.append(rng.choice(("on the vessel {vessel}", "aboard {vessel} (IMO {imo})",
                                 "arriving with MV {vessel}")))
    return [", ".join(parts) + "."]


def _claim(rng: random.Random, facts: dict) -> list[str]:
    claim = rng.choice(FRAUD_CLAIMS[facts["fraud"]])
    lead = rng.choice(("It is said that ", "The concern is that ", "", "Apparently "))
    return [lead + claim + "."]


def _people(rng: random.Random, facts: dict) -> list[str]:
    out = []
    if facts.get("person"):
        out.append(rng.choice((
            "{person}, director of {trader}, arranges the shipments.",
            "The business is run in practice by {person}.",
            "{person} (passport {document}) handles contacts with the supplier.",
            "A man named {person} was seen at the warehouse of {trader}.",
        )))
    if facts.get("phone"):
        out.append(rng.choice((
            "Contact number used: {phone}.", "The phone {phone} is used to arrange deliveries.",
            "Calls to {phone} were linked to the deal.", "Mobile {phone} appears on the orders.",
        )))
    return out


def _tail(rng: random.Random, facts: dict) -> list[str]:
    return [rng.choice((
        "Declarant for the company is usually {broker}.",
        "Goods are cleared at {office}.", "No further details at this stage.",
        "Source could not confirm the date.", "Recommend checking the next consignment.",
        "Similar pattern observed last year.", "",
    ))]


SECTIONS: tuple[Callable[[random.Random, dict], list[str]], ...] = (_claim, _people, _tail)


def compose(rng: random.Random, channel: str, facts: dict) -> tuple[str, str]:
    """Return (title, text) for a report about ``facts`` in a channel's typical voice."""
    opening = _fill(rng.choice(OPENINGS[channel]), facts)
    body = _shipment(rng, facts)
    middle = [s for fn in SECTIONS[:2] for s in fn(rng, facts)]
    rng.shuffle(middle)
    sentences = [opening + " " + body[0][0].lower() + body[0][1:] if opening.endswith("that")
                 else opening + " " + body[0], *middle, *_tail(rng, facts)]
    filled = (_fill(s, facts) for s in sentences if s)
    text = " ".join(s[0].upper() + s[1:] for s in filled)
    title = _fill(rng.choice((
        "{Commodity} from {origin} - {trader}", "Suspected {fraud} by {trader}",
        "{Commodity} consignments of {trader}", "Tip: {commodity} via {office}",
        "{trader}: possible {fraud}",
    )), facts)
    return title, text
