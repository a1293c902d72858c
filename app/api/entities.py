"""Entities, networks, exports and charts over the bearer-token API (same services as pages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, jsonify, request

from app.api import bp
from app.api.answers import object_body
from app.api.auth import api_user, token_required
from app.api.openapi import (
    error_responses,
    json_request,
    json_response,
    path_parameter,
    register,
    schema_ref,
)
from app.entities import service
from app.errors import error_response
from app.templating import with_urls
from graph.errors import NotFound


def _bad(exc: Exception):
    return error_response(400, "Bad request", str(exc))


def _missing(exc: Exception):
    return error_response(404, "Not found", str(exc) or "no such record, or you may not see it")


def _refusals_answered(view: Callable[..., Any]) -> Callable[..., Any]:
    """The entity service refuses bad input with ValueError (so does object_body) and a
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
def entities_search():
    result = service.search(
        api_user(),
        request.args.get("q", ""),
        request.args.get("label") or None,
        limit=_int(request.args.get("limit"), 20),
        kind=request.args.get("kind") or None,
        after=request.args.get("after") or None,
    )
    return jsonify(result.to_dict())


@bp.get("/entities/<path:entity_id>/neighbours")
@token_required
@_refusals_answered
def entity_neighbours(entity_id: str):
    network = service.neighbourhood(api_user(), entity_id, request.args)
    return jsonify(with_urls(network.to_dict()))


@bp.get("/entities/<path:entity_id>/network.graphml")
@token_required
@_refusals_answered
def entity_graphml(entity_id: str):
    return _network_download(entity_id, service.export_graphml, "application/graphml+xml",
                             "network.graphml")


@bp.get("/entities/<path:entity_id>/network.i2.zip")
@token_required
@_refusals_answered
def entity_i2(entity_id: str):
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
def entity_get(entity_id: str):
    dossier = service.dossier(
        api_user(), entity_id, request.args.get("declarations_before"), via="api"
    )
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
def paths():
    network = service.paths(
        api_user(), request.args.get("from"), request.args.get("to"), request.args
    )
    return jsonify(with_urls(network.to_dict()))


@bp.post("/network/connect")
@token_required
@_refusals_answered
def network_connect():
    body = object_body("send a JSON object with ids")
    network = service.connecting(api_user(), body.get("ids"), body.get("filters") or {})
    return jsonify(with_urls(network.to_dict()))


@bp.post("/charts")
@token_required
@_refusals_answered
def charts_create():
    body = object_body("send a chart as a JSON object")
    document = body.get("chart", body)  # {"chart": {...}, "case_id"} or the chart itself
    chart = service.save_chart(api_user(), document, body.get("case_id"))
    return jsonify(chart), 201


@bp.get("/charts")
@token_required
def charts_list():
    return jsonify({"charts": service.list_charts(api_user())})


@bp.get("/charts/<chart_id>")
@token_required
def charts_get(chart_id: str):
    try:
        return jsonify(service.get_chart(api_user(), chart_id))
    except (NotFound, ValueError) as exc:
        return _missing(exc)


def _int(value: Any, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        raise ValueError("limit must be a whole number") from None


# -- OpenAPI ----------------------------------------------------------------------------

_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "Entity id `kind:ref`, e.g. `phone:+31105550101`",
}
_NETWORK_PARAMS = [
    {"name": "depth", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 3}},
    {
        "name": "types",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Comma-separated relation types (default: all whitelisted)",
    },
    {
        "name": "kinds",
        "in": "query",
        "schema": {"type": "string"},
        "description": "Comma-separated node kinds (Trader, Person, Phone, Report, ...)",
    },
    {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 500}},
]


def _file(mimetype: str) -> dict[str, Any]:
    return {"description": "A file", "content": {mimetype: {"schema": {"type": "string"}}}}


_NETWORK_SCHEMA = {
    "type": "object",
    "required": ["nodes", "edges"],
    "properties": {
        "nodes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "kind", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"type": "string"},
                    "name": {"type": ["string", "null"]},
                    "reference": {"type": ["string", "null"],
                                  "description": "a report's human reference"},
                    "url": {"type": "string",
                            "description": "the page of the report, declaration or entity"},
                    "risk": {"type": ["number", "null"]},
                    "seized": {"type": "boolean"},
                    "community": {"type": ["integer", "null"]},
                    "betweenness": {"type": "number"},
                },
            },
        },
        "edges": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "source", "target", "type"],
                "properties": {
                    "id": {"type": "string"},
                    "source": {"type": "string"},
                    "target": {"type": "string"},
                    "type": {"type": "string"},
                    "date": {"type": ["string", "null"]},
                    "evidence": {"type": ["string", "null"]},
                },
            },
        },
        "truncated": {"type": "boolean"},
    },
}

_NETWORK_OK = json_response(schema_ref("Network"))

register(
    {
        "/entities": {
            "get": {
                "summary": "Search entities by name (fuzzy), alias or identifier; and report text",
                "operationId": "searchEntities",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "label", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 50}},
                    {
                        "name": "kind",
                        "in": "query",
                        "description": "With `after`: which list to continue",
                        "schema": {"type": "string", "enum": ["entities", "reports"]},
                    },
                    {
                        "name": "after",
                        "in": "query",
                        "description": "`entities_next` or `reports_next` of the previous page",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": json_response(schema_ref("EntitySearch")),
                    **error_responses(400, 401),
                },
            }
        },
        "/entities/{id}": {
            "get": {
                "summary": "One entity: identifiers, relations, visible reports, trade, timeline",
                "description": (
                    "A hub stays bounded: the newest 50 visible reports, the first 200 "
                    "relations and 50 declarations (newest first), each list with its "
                    "total (`*_total`, counted up to `counts_capped_at`: a total equal to it "
                    "means at least that many)."
                ),
                "operationId": "getEntity",
                "parameters": [
                    _ID,
                    {
                        "name": "declarations_before",
                        "in": "query",
                        "description": "`declarations_next` of the previous answer: the "
                        "next 50 declarations, older than those",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": json_response({"type": "object"}, "The entity"),
                    **error_responses(400, 401, 404),
                },
            }
        },
        "/entities/{id}/neighbours": {
            "get": {
                "summary": "Bounded neighbourhood (depth <= 3, at most 500 nodes)",
                "operationId": "entityNeighbours",
                "parameters": [_ID, *_NETWORK_PARAMS],
                "responses": {"200": _NETWORK_OK, **error_responses(400, 401, 404)},
            }
        },
        "/entities/{id}/network.graphml": {
            "get": {
                "summary": "The neighbourhood as GraphML (networkx, Gephi)",
                "operationId": "entityGraphml",
                "parameters": [_ID, *_NETWORK_PARAMS],
                "responses": {
                    "200": _file("application/graphml+xml"),
                    **error_responses(400, 401, 404),
                },
            }
        },
        "/entities/{id}/network.i2.zip": {
            "get": {
                "summary": "The neighbourhood as entities.csv + links.csv for i2 Notebook",
                "operationId": "entityI2",
                "parameters": [_ID, *_NETWORK_PARAMS],
                "responses": {"200": _file("application/zip"), **error_responses(400, 401, 404)},
            }
        },
        "/paths": {
            "get": {
                "summary": "All shortest paths (at most 6 links) between two entities",
                "operationId": "paths",
                "parameters": [
                    {"name": "from", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "to", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "types", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {"200": _NETWORK_OK, **error_responses(400, 401, 404)},
            }
        },
        "/network/connect": {
            "post": {
                "summary": "The network connecting 2 to 10 entities (pairwise shortest paths)",
                "operationId": "connect",
                "requestBody": json_request({
                    "type": "object",
                    "required": ["ids"],
                    "properties": {
                        "ids": {"type": "array", "items": {"type": "string"}},
                        "filters": {"type": "object"},
                    },
                }),
                "responses": {"200": _NETWORK_OK, **error_responses(400, 401, 404)},
            }
        },
        "/charts": {
            "post": {
                "summary": "Save a chart (nodes, edges, positions, filters), optionally to a case",
                "operationId": "createChart",
                "requestBody": json_request({
                    "type": "object",
                    "properties": {
                        "chart": schema_ref("Chart"),
                        "case_id": {"type": ["string", "null"]},
                    },
                }),
                "responses": {
                    "201": json_response(
                        {"type": "object", "properties": {"id": {"type": "string"}}}, "Saved"
                    ),
                    **error_responses(400, 401, 404),
                },
            },
            "get": {
                "summary": "Charts the caller may open",
                "operationId": "listCharts",
                "responses": {
                    "200": json_response({"type": "object"}, "Charts"),
                    **error_responses(401),
                },
            },
        },
        "/charts/{chart_id}": {
            "get": {
                "summary": "One chart",
                "operationId": "getChart",
                "parameters": [
                    path_parameter("chart_id")
                ],
                "responses": {
                    "200": json_response({"type": "object"}, "The chart"),
                    **error_responses(401, 404),
                },
            }
        },
    },
    {
        "Network": _NETWORK_SCHEMA,
        "EntitySearch": {
            "type": "object",
            "required": ["entities"],
            "properties": {
                "entities": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id", "label", "name", "reports"],
                        "properties": {
                            "id": {"type": "string"},
                            "label": {"type": ["string", "null"]},
                            "name": {"type": ["string", "null"]},
                            "kind": {"type": "string"},
                            "reports": {"type": "integer"},
                        },
                    },
                },
                "reports": {"type": "array", "items": {"type": "object"}},
                "entities_next": {"type": ["string", "null"]},
                "reports_next": {"type": ["string", "null"]},
            },
        },
        "Chart": {
            "type": "object",
            "required": ["title", "nodes"],
            "properties": {
                "title": {"type": "string"},
                "nodes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {
                            "id": {"type": "string"},
                            "x": {"type": "number"},
                            "y": {"type": "number"},
                        },
                    },
                },
                "edges": {"type": "array", "items": {"type": "object"}},
                "filters": {"type": "object"},
            },
        },
    },
)
