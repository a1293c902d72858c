"""A report from the source NIGHTJAR for the dissemination tests of the pages and of the
API, brought in by ``flask import`` (handling, status and unit as parameters)."""

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
