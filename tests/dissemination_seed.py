"""A report from the source NIGHTJAR for the dissemination tests of the pages and of the
API, brought in by ``flask import`` (handling, status and unit as parameters)."""

from typing import Any

from tests.factories import report

TEXT = "NIGHTJAR met the driver of lorry CA1234KX near Varna; Baltic Star Trading Ltd pays."


def seed_report(make, rid: str, handling: str = "restricted", status: str = "evaluated",
                unit: str = "HQ") -> str:
    """Import report ``rid`` of ``unit`` from NIGHTJAR, graded B2; returns its id."""
    make.import_lines(report(
        rid, TEXT, unit=unit, title=f"Report {rid}", handling=handling, status=status,
        source="NIGHTJAR", source_grade="B", info_grade="2", received="2025-01-01T00:00:00Z",
    ))
    return rid


def seed_officers(make_unit, make_user) -> dict[str, Any]:
    """The officers of the dissemination tests, by name: analysts at HQ, in South Region
    and in North Region (two regions under HQ), and a liaison officer in South Region."""
    make_unit("South Region")
    make_unit("North Region")
    return {
        "hq": make_user("hq@customs.example", role="analyst", unit="HQ"),
        "south": make_user("south@customs.example", role="analyst", unit="South Region"),
        "north": make_user("north@customs.example", role="analyst", unit="North Region"),
        "liaison": make_user("liaison@customs.example", role="liaison", unit="South Region"),
    }
