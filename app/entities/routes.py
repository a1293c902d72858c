"""Pages (entity, search, explorer) and the explorer's session-authenticated JSON.

The explorer runs in the browser with the officer's session cookie, so its JSON lives
here (CSRF-protected POSTs) rather than under the bearer-token API; both call the same
service functions.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_login import current_user

from app.entities import bp, service
from app.i18n import term
from app.templating import with_urls
from graph.errors import NotFound
from graph.network import ALL_RELATIONS, MAX_DEPTH, NODE_KINDS
from graph.search import COUNT_CAP, LABELS


def _bad(reason: str):
    return jsonify({"error": "Bad request", "detail": reason}), 400


def _not_found(reason: str):
    return jsonify({"error": "Not found", "detail": reason}), 404


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# -- pages ------------------------------------------------------------------------------


@bp.get("/search")
def search():
    text = request.args.get("q", "").strip()
    label = request.args.get("label") or None
    kind = request.args.get("kind") or None
    result, error = None, None
    if text:
        try:
            result = service.search(
                current_user, text, label, kind=kind, after=request.args.get("after") or None
            )
        except ValueError as exc:
            error, kind = str(exc), None
    return render_template(
        "entities/search.html",
        q=text,
        label=label,
        labels=LABELS,
        result=result,
        error=error,
        kind=kind,
        count_cap=COUNT_CAP,
    )


@bp.get("/entities/<path:entity_id>")
def entity(entity_id: str):
    try:
        entity_id = service.check_id(entity_id)
    except ValueError:
        abort(404, "No such entity, or you may not see it.")
    try:
        dossier = service.dossier(
            current_user, entity_id, request.args.get("declarations_before")
        )
    except NotFound:
        abort(404, "No such entity, or you may not see it.")
    except ValueError as exc:
        abort(400, str(exc))
    return render_template("entities/entity.html", d=dossier)


@bp.get("/explorer")
def explorer():
    chart_id = request.args.get("chart", "")
    return render_template(
        "entities/explorer.html",
        start=request.args.get("id", ""),
        chart_id=chart_id,
        cases=service.cases_for(current_user),
        charts=service.list_charts(current_user),
        relation_types=ALL_RELATIONS,
        node_kinds=NODE_KINDS,
        explorer_terms={word: term(word) for word in (
            *ALL_RELATIONS, *NODE_KINDS, "proposed", "confirmed", "referenced")},
        max_depth=MAX_DEPTH,
    )


# -- explorer JSON ----------------------------------------------------------------------


@bp.get("/explorer/api/search")
def api_search():
    try:
        result = service.search(current_user, request.args.get("q", ""), limit=15)
    except ValueError as exc:
        return _bad(str(exc))
    return jsonify({"entities": result.entities})


@bp.get("/explorer/api/neighbours")
def api_neighbours():
    try:
        network = service.neighbourhood(current_user, request.args.get("id"), request.args)
    except ValueError as exc:
        return _bad(str(exc))
    except NotFound as exc:
        return _not_found(str(exc))
    return jsonify(with_urls(network.to_dict()))


@bp.get("/explorer/api/paths")
def api_paths():
    try:
        network = service.paths(
            current_user, request.args.get("from"), request.args.get("to"), request.args
        )
    except ValueError as exc:
        return _bad(str(exc))
    except NotFound as exc:
        return _not_found(str(exc))
    return jsonify(with_urls(network.to_dict()))


@bp.post("/explorer/api/connect")
def api_connect():
    try:
        body = _json_body()
        network = service.connecting(current_user, body.get("ids"), body.get("filters") or {})
    except ValueError as exc:
        return _bad(str(exc))
    except NotFound as exc:
        return _not_found(str(exc))
    return jsonify(with_urls(network.to_dict()))


@bp.post("/explorer/api/subgraph")
def api_subgraph():
    """The nodes the browser holds, re-read with visibility and analysed (communities,
    centrality), also how a saved chart is reopened."""
    try:
        body = _json_body()
        network = service.subgraph(current_user, body.get("ids"), body.get("filters") or {})
    except ValueError as exc:
        return _bad(str(exc))
    return jsonify(with_urls(network.to_dict()))


@bp.post("/explorer/export/<kind>")
def api_export(kind: str):
    if kind not in ("graphml", "i2"):
        abort(404)
    try:
        body = _json_body()
        network = service.subgraph(current_user, body.get("ids"), body.get("filters") or {})
    except ValueError as exc:
        return _bad(str(exc))
    target = service.network_target(n["id"] for n in network.nodes) if network.nodes else ""
    if kind == "graphml":
        return _download(
            service.export_graphml(network, target), "application/graphml+xml", "network.graphml"
        )
    return _download(service.export_i2(network, target), "application/zip", "network-i2.zip")


@bp.post("/explorer/charts")
def api_save_chart():
    try:
        body = _json_body()
        chart = service.save_chart(current_user, body.get("chart"), body.get("case_id"))
    except ValueError as exc:
        return _bad(str(exc))
    except NotFound as exc:
        return _not_found(f"{exc}, or you may not add to it")
    chart["url"] = url_for("entities.explorer", chart=chart["id"])
    return jsonify(chart), 201


@bp.get("/explorer/charts/<chart_id>")
def api_get_chart(chart_id: str):
    try:
        chart = service.get_chart(current_user, chart_id)
    except (NotFound, ValueError):
        return _not_found("no such chart, or you may not see it")
    return jsonify(chart)
