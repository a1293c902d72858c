"""Warm a freshly started server: plan the hot read queries before officers ask.

Neo4j plans each query text the first time it runs, and Cordon's need-to-know predicates
make its page queries long: several seconds of planning for search, an entity page or
scoring on a cold server, paid by whoever comes first, and by everybody queued behind
them. A served worker runs the same reads once at start-up, as an unprivileged viewer
that matches nothing sensitive, so the plans are cached when the first officer arrives.
Reads only; failures are logged and ignored (a database still starting is not an error
here: the pages then plan as before).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

log = logging.getLogger(__name__)

# A viewer of no unit and no role that sees nothing restricted: the reads plan the same
# queries and parameter types as an officer's, and return only what anybody may see.
WARM_UP_VIEWER = {"id": "warm-up", "unit": "", "role": "warm-up"}


def warm_up(app: Any) -> dict[str, str]:
    """Run the hot reads once against ``app``'s database: each step's outcome ("ok" or
    why it was skipped). An unreachable database ends the warm-up at once."""
    from graph.errors import DatabaseUnavailable

    t0 = time.perf_counter()
    outcome: dict[str, str] = {}
    with app.app_context():
        from graph.db import get_graph

        graph = get_graph()
        for name, step in _steps(graph):
            try:
                step()
                outcome[name] = "ok"
            except DatabaseUnavailable as exc:
                outcome[name] = f"database unavailable: {exc}"
                break
            except Exception as exc:  # best effort: the pages plan as before
                outcome[name] = f"{type(exc).__name__}: {exc}"
    log.info("warm-up in %.1f s: %s", time.perf_counter() - t0, outcome)
    return outcome


def _steps(graph: Any) -> list[tuple[str, Callable[[], Any]]]:
    from app.risk.rankings import high_risk_traders
    from app.risk.scoring import score_declarations
    from graph.dashboard import DashboardRepository
    from graph.dissemination import DisseminationRepository
    from graph.dossier import DossierRepository
    from graph.exchange.records import SCORING, LineError, validate
    from graph.network import NetworkRepository, parse_query
    from graph.reports import ReportRepository
    from graph.search import SearchRepository

    viewer = WARM_UP_VIEWER
    traders: list[dict[str, Any]] = []

    def ranked() -> None:
        traders.extend(high_risk_traders(graph, limit=1))

    def entity_page() -> None:
        if traders:
            DossierRepository(graph).dossier(traders[0]["entity_id"], viewer)

    def explorer() -> None:
        if traders:
            NetworkRepository(graph).neighbourhood(traders[0]["entity_id"], parse_query({}),
                                                   viewer)

    def scoring() -> None:
        ref = traders[0]["id"] if traders else "WARMUP"
        try:
            declaration = validate({
                "id": "WARM-UP", "date": date.today().isoformat(), "flow": "import",
                "origin": "CN", "importer": ref, "declarant": ref,
                "items": [{"hs": "85171300", "value": 1000.0, "weight_kg": 10.0}],
                "transport": {"mode": "sea", "container": "MSCU1234565"},
            }, "declaration", SCORING).clean
        except LineError as exc:
            log.info("warm-up declaration refused: %s", exc)
        else:
            score_declarations(graph, [declaration])

    def dashboard() -> None:
        from graph.clock import today
        from graph.controls import ControlRepository
        from graph.sources import SourceRepository
        from graph.tasks import TaskRepository
        from graph.watch import NotificationRepository

        DashboardRepository(graph).counts()
        NotificationRepository(graph).unread_count(viewer["id"])  # every page's menu badge
        TaskRepository(graph).mine(viewer)
        sendings = DisseminationRepository(graph)
        sendings.awaiting_feedback(viewer)
        sendings.feedback_by_unit(viewer)
        SourceRepository(graph).reviews_overdue(viewer["id"], today())
        ControlRepository(graph).effectiveness_groups()

    def report_page() -> None:
        """A report's page; a missing id plans the same statements as a real one."""
        from graph.errors import NotFound
        from graph.evidence import EvidenceRepository, Parent

        reports = ReportRepository(graph)
        reports.id_of_reference("R-0000-000000", viewer)
        with contextlib.suppress(NotFound):
            reports.get("warm-up", viewer)
        reports.mentions("warm-up", viewer)
        EvidenceRepository(graph).of(Parent.REPORT, "warm-up", viewer)
        with contextlib.suppress(NotFound):
            DisseminationRepository(graph).may_give_feedback("warm-up", viewer)

    def kpi() -> None:
        from graph.kpi import KpiRepository

        figures = KpiRepository(graph)
        figures.year(figures.latest_year(viewer) or date.today().year, viewer)

    return [
        # the dashboard is every officer's first page: 13 s of planning on a cold server
        ("dashboard", dashboard),
        ("report page", report_page),
        ("kpi", kpi),
        ("search", lambda: SearchRepository(graph).search("warm up", viewer)),
        ("reports", lambda: ReportRepository(graph).list(viewer, limit=20)),
        ("traders", ranked),
        ("entity page", entity_page),
        ("explorer", explorer),
        ("scoring", scoring),
    ]
