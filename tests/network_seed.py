"""A small smuggling network for the explorer, search and entity-page tests.

A phone (+31 10 555 0101) is shared by two persons; Ahmed Yilmaz directs Baltic Star
Trading, whose import had a positive control (the "seized trader"); Ivan Petrov directs
Danube Logistics. An open HQ report mentions Ahmed; a restricted report of the South
Region names "Zarkovic Shipping", known from that report only, and comes from source
KX-17. Nobody outside the South Region may learn of that report, that company or the source.
"""

from __future__ import annotations

from graph.entities import EntityKind, EntityRepository, EntityRow

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

_TRADE_AND_INTEL = """
MATCH (baltic:Entity {id: $baltic}), (container:Entity {id: $container}),
      (ahmed:Entity {id: $ahmed}), (zarkovic:Entity {id: $zarkovic})
CREATE (d:Declaration {id: 'DEC-2025-000001', date: '2025-03-12', flow: 'import',
        office: 'BGSVI001', origin: 'CN', destination: 'BG', value: 12000.0, hs: ['847130']})
CREATE (d)-[:IMPORTED_BY]->(baltic), (d)-[:SHIPPED_IN]->(container)
CREATE (:Control {id: 'DEC-2025-000001/2025-03-13', date: '2025-03-13', lane: 'red',
        result: 'positive', finding: 'undervaluation', revenue: 4100.0})-[:CONTROL_OF]->(d)
CREATE (s:Source {id: 'src-1', codename: $codename, name: 'Real Name Of Informant'})
CREATE (open:Report {id: $open_report, channel: 'liaison', received: '2025-03-01T09:00:00Z',
        title: 'Director seen at the port', text: 'Ahmed Yilmaz met a driver at Varna port.',
        handling: 'open', status: 'submitted', unit: 'HQ', author_id: 'someone-else'})
CREATE (secret:Report {id: $restricted_report, channel: 'informant',
        received: '2025-03-10T09:00:00Z', title: 'Cigarettes in laptop consignments',
        text: 'Zarkovic Shipping hides cigarettes in laptop consignments of Baltic Star.',
        handling: 'restricted', status: 'submitted', unit: 'South Region',
        author_id: 'south-author', source_grade: 'B', info_grade: '2'})
CREATE (open)-[:FROM_SOURCE]->(s), (secret)-[:FROM_SOURCE]->(s)
CREATE (open)-[:MENTIONS {text: 'Ahmed Yilmaz', label: 'PERSON', review: 'accepted'}]->(ahmed)
CREATE (secret)-[:MENTIONS {text: 'Zarkovic Shipping', label: 'ORG'}]->(zarkovic)
CREATE (secret)-[:MENTIONS {text: 'Baltic Star', label: 'ORG'}]->(baltic)
"""


def seed_network(graph, make_unit=None) -> None:
    """Write the network; creates the South Region unit when ``make_unit`` is given."""
    if make_unit is not None:
        make_unit("South Region", kind="regional", parent="HQ")
    repo = EntityRepository(graph)
    repo.upsert(
        [
            EntityRow(
                EntityKind.PHONE, "+31105550101", "+31 10 555 0101", "+31105550101", "confirmed"
            ),
            EntityRow(EntityKind.PERSON, "P-0001", "Ahmed Yilmaz", "ahmed yilmaz", "confirmed"),
            EntityRow(EntityKind.PERSON, "P-0002", "Ivan Petrov", "ivan petrov", "confirmed"),
            EntityRow(
                EntityKind.TRADER,
                "NL123456789",
                "Baltic Star Trading Ltd",
                "baltic star trading",
                "confirmed",
                {"risk_score": 0.82, "country": "NL"},
            ),
            EntityRow(
                EntityKind.TRADER,
                "BG204000111",
                "Danube Logistics OOD",
                "danube logistics",
                "confirmed",
                {"country": "BG"},
            ),
            EntityRow(
                EntityKind.CONTAINER, "MSCU1234565", "MSCU1234565", "MSCU1234565", "referenced"
            ),
            EntityRow(
                EntityKind.ORGANISATION,
                "zarkovic shipping",
                "Zarkovic Shipping",
                "zarkovic shipping",
                "proposed",
            ),
        ]
    )
    repo.relate(
        [
            {"from": AHMED, "to": PHONE, "type": "USES_PHONE", "source": "person register"},
            {
                "from": IVAN,
                "to": PHONE,
                "type": "USES_PHONE",
                "source": "liaison report",
                "date": "2025-02-01",
            },
            {
                "from": AHMED,
                "to": BALTIC,
                "type": "DIRECTOR_OF",
                "source": "chamber of commerce register",
                "date": "2024-11-02",
            },
            {
                "from": IVAN,
                "to": DANUBE,
                "type": "DIRECTOR_OF",
                "source": "chamber of commerce register",
                "date": "2023-05-20",
            },
        ]
    )
    graph.query(
        _TRADE_AND_INTEL,
        {
            "baltic": BALTIC,
            "container": CONTAINER,
            "ahmed": AHMED,
            "zarkovic": ZARKOVIC,
            "codename": SOURCE_CODENAME,
            "open_report": OPEN_REPORT,
            "restricted_report": RESTRICTED_REPORT,
        },
        write=True,
    )
