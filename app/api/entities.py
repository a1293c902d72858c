"""Entities, networks, exports and charts over the bearer-token API (same services as pages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, Literal

from flask import Response, jsonify, request
from pydantic import BeforeValidator, ConfigDict, Field

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, Body, operation
from app.entities import service
from app.errors import error_response
from app.templating import with_urls
from graph.errors import NotFound


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


class EntityQuery(Body):
    q: str = ""
    label: str | None = None
    limit: Annotated[int | None, BeforeValidator(_blank_is_none)] = Field(
        None, json_schema_extra={"maximum": 50}, description="20 when left out")
    kind: Literal["entities", "reports"] | None = Field(
        None, description="With `after`: which list to continue")
    after: str | None = Field(None, description="`entities_next` or `reports_next` of the "
                              "previous page")


class NetworkQuery(Body):
    """The neighbourhood's bounds; the entity service reads and checks them."""

    depth: int | None = Field(None, json_schema_extra={"minimum": 1, "maximum": 3})
    types: str | None = Field(None, description="Comma-separated relation types (default: "
                              "all whitelisted)")
    kinds: str | None = Field(None, description="Comma-separated node kinds (Trader, "
                              "Person, Phone, Report, ...)")
    since: str | None = Field(None, json_schema_extra={"format": "date"})
    until: str | None = Field(None, json_schema_extra={"format": "date"})
    limit: int | None = Field(None, json_schema_extra={"maximum": 500})
    per_type: int | None = Field(None, description="Neighbours shown per relation type and "
                                 "node, latest first (1 to 100, default 25)")
    more: str | None = Field(None, description="A group's `more` key: that group's next page")


class PathQuery(Body):
    start: str = Field(alias="from")
    to: str
    types: str | None = None


class DossierQuery(Body):
    declarations_before: str | None = Field(None, description="`declarations_next` of the "
                                            "previous answer: the next 50 declarations, "
                                            "older than those")


class Connect(Body):
    ids: list[str]
    filters: dict[str, Any] | None = None


class ChartNode(Body):
    model_config = ConfigDict(extra="allow")

    id: str
    x: int | float | None = None
    y: int | float | None = None


class Chart(Body):
    """A chart: given as ``{"chart": {...}, "case_id"}`` or as the chart itself (the
    entity service holds the rules)."""

    model_config = ConfigDict(extra="allow")

    title: str | None = None
    nodes: list[ChartNode] | None = None
    edges: list[dict[str, Any]] | None = None
    filters: dict[str, Any] | None = None


class NewChart(Chart):
    chart: Chart | None = None
    case_id: str | None = None


class EntityHit(Answer):
    id: str
    label: str | None
    name: str | None
    reports: int
    kind: str | None = None


class EntitySearch(Answer):
    entities: list[EntityHit]
    reports: list[dict[str, Any]] = []
    entities_next: str | None = None
    reports_next: str | None = None


class NetworkNode(Answer):
    id: str
    kind: str
    name: str | None
    reference: str | None = Field(None, description="a report's human reference")
    url: str | None = Field(None, description="the page of the report, declaration or "
                            "entity")
    risk: float | None = None
    seized: bool | None = None
    community: int | None = None
    betweenness: float | None = None


class NetworkEdge(Answer):
    id: str
    source: str
    target: str
    type: str
    date: str | None = None
    evidence: str | None = None


class Network(Answer):
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    truncated: bool | None = None


class Entity(Answer):
    id: str
    kind: str
    relations_total: int
    reports_total: int
    declarations_total: int
    declarations_next: str | None
    counts_capped_at: int


class SavedChart(Answer):
    id: str


class Charts(Answer):
    charts: list[dict[str, Any]]


_ENTITY = "The bounded neighbourhood (depth <= 3, at most 500 nodes)"


def _file(mimetype: str) -> dict[str, Any]:
    return {"200": {"description": "A file", "content": {mimetype: {
        "schema": {"type": "string"}}}}}


def _bad(exc: Exception):
    return error_response(400, "Bad request", str(exc))


def _missing(exc: Exception):
    return error_response(404, "Not found", str(exc) or "no such record, or you may not see it")


def _refusals_answered(view: Callable[..., Any]) -> Callable[..., Any]:
    """The entity service refuses bad input with ValueError and a
    record the caller may not see with NotFound; every operation here answers them alike,
    as 400 and 404."""

    @wraps(view)
    def answered(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except ValueError as exc:
            return _bad(exc)
        except NotFound as exc:
            return _missing(exc)

    return answered


@bp.get("/entities")
@token_required
@_refusals_answered
@operation("Search entities by name (fuzzy), alias or identifier; and report text",
           query=EntityQuery, answer=EntitySearch, errors=(400, 401),
           operation_id="searchEntities")
def entities_search(query: EntityQuery):
    result = service.search(
        api_user(),
        query.q,
        query.label or None,
        limit=20 if query.limit is None else query.limit,
        kind=query.kind or None,
        after=query.after or None,
    )
    return jsonify(result.to_dict())


@bp.get("/entities/<path:entity_id>/neighbours")
@token_required
@_refusals_answered
@operation("Bounded neighbourhood (depth <= 3, at most 500 nodes)", query=NetworkQuery,
           answer=Network, errors=(400, 401, 404), operation_id="entityNeighbours")
def entity_neighbours(entity_id: str, query: NetworkQuery):
    network = service.neighbourhood(api_user(), entity_id, request.args)
    return jsonify(with_urls(network.to_dict()))


@bp.get("/entities/<path:entity_id>/network.graphml")
@token_required
@_refusals_answered
@operation("The neighbourhood as GraphML (networkx, Gephi)", query=NetworkQuery,
           errors=(400, 401, 404), operation_id="entityGraphml",
           responses=_file("application/graphml+xml"))
def entity_graphml(entity_id: str, query: NetworkQuery):
    return _network_download(entity_id, service.export_graphml, "application/graphml+xml",
                             "network.graphml")


@bp.get("/entities/<path:entity_id>/network.i2.zip")
@token_required
@_refusals_answered
@operation("The neighbourhood as entities.csv + links.csv for i2 Notebook",
           query=NetworkQuery, errors=(400, 401, 404), operation_id="entityI2",
           responses=_file("application/zip"))
def entity_i2(entity_id: str, query: NetworkQuery):
    return _network_download(entity_id, service.export_i2, "application/zip", "network-i2.zip")


def _network_download(entity_id: str, export: Callable[..., Any], mimetype: str,
                      filename: str) -> Response:
    """The neighbourhood the caller may see as a file for another tool (Gephi, i2)."""
    network = service.neighbourhood(api_user(), entity_id, request.args)
    return Response(
        export(network, entity_id),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/entities/<path:entity_id>")
@token_required
@_refusals_answered
@operation("One entity: identifiers, relations, visible reports, trade, timeline",
           query=DossierQuery, answer=Entity, errors=(400, 401, 404),
           operation_id="getEntity", description="A hub stays bounded: the newest 50 "
           "visible reports, the first 200 relations and 50 declarations (newest first), "
           "each list with its total (`*_total`, counted up to `counts_capped_at`: a total "
           "equal to it means at least that many).")
def entity_get(entity_id: str, query: DossierQuery):
    dossier = service.dossier(api_user(), entity_id, query.declarations_before, via="api")
    entity = {k: v for k, v in dossier["entity"].items() if k != "aliases_text"}
    return jsonify(
        {
            **entity,
            "kind": dossier["kind"],
            "aliases": dossier["aliases"],
            "identifiers": dossier["identifiers"],
            "relations": dossier["relations"],
            "relations_total": dossier["relations_total"],
            "reports": dossier["reports"],
            "reports_total": dossier["reports_total"],
            "declarations": dossier["declarations"],
            "declarations_total": dossier["declarations_total"],
            "declarations_next": dossier["declarations_next"],
            "counts_capped_at": dossier["counts_capped_at"],
            "controls": dossier["controls"],
            "timeline": dossier["timeline"],
        }
    )


@bp.get("/paths")
@token_required
@_refusals_answered
@operation("All shortest paths (at most 6 links) between two entities", query=PathQuery,
           answer=Network, errors=(400, 401, 404), operation_id="paths")
def paths(query: PathQuery):
    network = service.paths(api_user(), query.start, query.to, request.args)
    return jsonify(with_urls(network.to_dict()))


@bp.post("/network/connect")
@token_required
@_refusals_answered
@operation("The network connecting 2 to 10 entities (pairwise shortest paths)", body=Connect,
           answer=Network, errors=(400, 401, 404), operation_id="connect")
def network_connect(body: Connect):
    network = service.connecting(api_user(), body.ids, body.filters or {})
    return jsonify(with_urls(network.to_dict()))


@bp.post("/charts")
@token_required
@_refusals_answered
@operation("Save a chart (nodes, edges, positions, filters), optionally to a case",
           body=NewChart, answer=(201, SavedChart), errors=(400, 401, 404),
           operation_id="createChart")
def charts_create(body: NewChart):
    sent = body.model_dump(exclude_unset=True)
    document = sent.get("chart", sent)  # {"chart": {...}, "case_id"} or the chart itself
    chart = service.save_chart(api_user(), document, body.case_id)
    return jsonify(chart), 201


@bp.get("/charts")
@token_required
@operation("Charts the caller may open", answer=Charts, operation_id="listCharts")
def charts_list():
    return jsonify({"charts": service.list_charts(api_user())})


@bp.get("/charts/<chart_id>")
@token_required
@operation("One chart", answer=dict[str, Any], errors=(401, 404), operation_id="getChart")
def charts_get(chart_id: str):
    try:
        return jsonify(service.get_chart(api_user(), chart_id))
    except (NotFound, ValueError) as exc:
        return _missing(exc)

