"""A small smuggling network for the explorer, search and entity-page tests.

A phone (+31 10 555 0101) is shared by two persons; Ahmed Yilmaz directs Baltic Star
Trading, whose import had a positive control (the "seized trader"); Ivan Petrov directs
Danube Logistics. An open HQ report mentions Ahmed; a restricted report of the South
Region names "Zarkovic Shipping", known from that report only, and comes from source
KX-17. Nobody outside the South Region may learn of that report, that company or the source.

Built as users build it: the registers and both reports by ``flask import``, the source
registered by its handler and the mentions reviewed by analysts through the API.
"""

from __future__ import annotations

from tests.factories import control, declaration, person, relation, report, trader

PHONE = "phone:+31105550101"
AHMED = "person:P-0001"
IVAN = "person:P-0002"
BALTIC = "trader:NL123456789"
DANUBE = "trader:BG204000111"
CONTAINER = "container:MSCU1234565"
ZARKOVIC = "organisation:zarkovic shipping"
OPEN_REPORT = "R-2025-0001"
RESTRICTED_REPORT = "R-2025-0042"
SOURCE_CODENAME = "KX-17"
HQ_ANALYST = "seed.hq@customs.example"
SOUTH_ANALYST = "seed.south@customs.example"

REGISTER = [
    person("P-0001", "Ahmed Yilmaz", phones=["+31 10 555 0101"]),
    person("P-0002", "Ivan Petrov"),
    trader("NL123456789", "Baltic Star Trading Ltd", country="NL"),
    trader("BG204000111", "Danube Logistics OOD", country="BG"),
    relation("person", "P-0002", "uses_phone", "phone", "+31105550101",
             source="liaison report", date="2025-02-01"),
    relation("person", "P-0001", "director_of", "trader", "NL123456789",
             source="chamber of commerce register", date="2024-11-02"),
    relation("person", "P-0002", "director_of", "trader", "BG204000111",
             source="chamber of commerce register", date="2023-05-20"),
    declaration("DEC-2025-000001", "2025-03-12", flow="import", office="BGSVI001",
                origin="CN", destination="BG", importer="NL123456789",
                transport={"container": "MSCU1234565"},
                items=[{"hs": "847130", "value": 12000.0}]),
    control("DEC-2025-000001", "2025-03-13", "positive", lane="red",
            finding="undervaluation", revenue=4100.0),
    report(OPEN_REPORT, "Ahmed Yilmaz met a driver at Varna port.", channel="liaison",
           title="Director seen at the port", handling="open", source=SOURCE_CODENAME),
    report(RESTRICTED_REPORT,
           "Zarkovic Shipping hides cigarettes in laptop consignments of Baltic Star.",
           unit="South Region", received="2025-03-10T09:00:00Z",
           title="Cigarettes in laptop consignments", handling="restricted",
           source=SOURCE_CODENAME, source_grade="B", info_grade="2"),
]


def seed_network(make, make_unit) -> None:
    """Write the network, with the South Region unit and one analyst in each unit."""
    make_unit("South Region", kind="regional", parent="HQ")
    make.user(HQ_ANALYST, unit="HQ")
    make.user(SOUTH_ANALYST, unit="South Region")
    make.source(SOURCE_CODENAME, identity={"name": "Real Name Of Informant"})
    make.import_lines(*REGISTER)
    make.accept_mentions(OPEN_REPORT, "Ahmed Yilmaz", by=HQ_ANALYST)
    make.link_mention(RESTRICTED_REPORT, "Baltic Star", BALTIC, by=SOUTH_ANALYST)
