"""What pages, the explorer's JSON and the API share: search, dossiers, networks, exports.

Free of request objects; every function takes the acting user, turns it into the
``$viewer`` parameter, and lets the repositories apply need-to-know where they read.
Entity reads and exports are audited here, so pages and API cannot forget to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.audit import audit, recorded_read
from app.entities import exports
from graph.access import viewer_param
from graph.analytics import annotate
from graph.charts import ChartRepository, validate_chart
from graph.db import get_graph
from graph.dossier import DossierRepository
from graph.network import MAX_NODES, Network, NetworkRepository, parse_query
from graph.search import SearchRepository, SearchResult

MAX_ID_LENGTH = 300


def check_id(value: Any, name: str = "id") -> str:
    """An entity id from a request: present, a string, not absurdly long (ValueError)."""
    text = str(value or "").strip()
    if not text:
        raise ValueError(f"{name} is required")
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is longer than {MAX_ID_LENGTH} characters")
    return text


def check_ids(values: Any, name: str = "ids", limit: int = MAX_NODES) -> list[str]:
    if not isinstance(values, list) or not values:
        raise ValueError(f"{name} must be a non-empty list of ids")
    if len(values) > limit:
        raise ValueError(f"{name} holds at most {limit} ids")
    return [check_id(v, name) for v in values]


def search(
    user: Any,
    text: str,
    label: str | None = None,
    limit: int = 20,
    kind: str | None = None,
    after: str | None = None,
    reports: bool = True,
) -> SearchResult:
    """One page of matches (``kind`` and ``after`` continue one list; ValueError on bad input);
    ``reports=False``: entities only."""
    return SearchRepository(get_graph()).search(
        text, viewer_param(user), label=label, limit=limit, kind=kind, after=after,
        reports=reports,
    )


def dossier(
    user: Any, entity_id: str, declarations_before: Any = None, via: str = "page"
) -> dict[str, Any]:
    """The entity page's content (NotFound if hidden); the read, or the refused attempt,
    is audited (``via``: page or api).

    Declarations come one page at a time, newest first, with their total: the first page,
    or with ``declarations_before`` (a page's ``declarations_next``) the one after it, so
    a hub's page stays as cheap as anyone else's (ValueError on a token that is not one).
    """
    before = str(declarations_before).strip() if declarations_before else None
    if before and len(before) > MAX_ID_LENGTH * 2:
        raise ValueError("declarations_before is not a position from a previous page")
    entity_id = check_id(entity_id)
    repo = DossierRepository(get_graph())
    return recorded_read(
        "entity.view",
        entity_id,
        lambda: repo.dossier(entity_id, viewer_param(user), declarations_before=before),
        {"via": via},
        lambda result: {"reports": len(result["reports"])},
    )


def _analysed(network: Network) -> Network:
    network.nodes = annotate(network.nodes, network.edges)
    return network


def neighbourhood(user: Any, entity_id: str, args: Mapping[str, Any]) -> Network:
    query = parse_query(args)
    repo = NetworkRepository(get_graph())
    return _analysed(repo.neighbourhood(check_id(entity_id), query, viewer_param(user)))


def paths(user: Any, from_id: str, to_id: str, args: Mapping[str, Any]) -> Network:
    query = parse_query(args)
    repo = NetworkRepository(get_graph())
    return _analysed(
        repo.paths(check_id(from_id, "from"), check_id(to_id, "to"), query, viewer_param(user))
    )


def connecting(user: Any, ids: Any, args: Mapping[str, Any]) -> Network:
    query = parse_query(args)
    repo = NetworkRepository(get_graph())
    return _analysed(repo.connecting(check_ids(ids), query, viewer_param(user)))


def subgraph(user: Any, ids: Any, args: Mapping[str, Any] | None = None) -> Network:
    query = parse_query(args or {})
    repo = NetworkRepository(get_graph())
    return _analysed(repo.subgraph(check_ids(ids), query, viewer_param(user)))


def export_graphml(network: Network, target: str) -> bytes:
    audit("export.graphml", target, {"nodes": len(network.nodes), "edges": len(network.edges)})
    return exports.to_graphml(network)


def export_i2(network: Network, target: str) -> bytes:
    audit("export.csv", target, {"nodes": len(network.nodes), "edges": len(network.edges)})
    return exports.to_i2_zip(network)


def save_chart(user: Any, document: Any, case_id: Any = None) -> dict[str, Any]:
    """Validate and store a chart, optionally attached to a case the user may see."""
    clean = validate_chart(document)
    case = str(case_id).strip() if case_id else None
    def store_and_record() -> dict[str, Any]:
        chart = ChartRepository(get_graph()).create(clean, viewer_param(user), case)
        audit("chart.create", chart["id"], {"case": case, "nodes": len(clean["nodes"])})
        return chart

    return get_graph().atomically(store_and_record)


def get_chart(user: Any, chart_id: str) -> dict[str, Any]:
    return ChartRepository(get_graph()).get(check_id(chart_id), viewer_param(user))


def list_charts(user: Any) -> list[dict[str, Any]]:
    return ChartRepository(get_graph()).list(viewer_param(user))


def cases_for(user: Any) -> list[dict[str, Any]]:
    return ChartRepository(get_graph()).cases_for(viewer_param(user))


def network_target(ids: Iterable[str]) -> str:
    """A short audit target for an export of several nodes."""
    ids = list(ids)
    return ids[0] if len(ids) == 1 else f"{ids[0]} +{len(ids) - 1}"
