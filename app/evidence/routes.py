"""Downloads and thumbnails of evidence files, within need-to-know (404 otherwise).

A file is never shown as a page: it is served as an attachment with ``nosniff`` and a
policy under which nothing in it can run (``default-src 'none'; sandbox``); only the
thumbnail (a JPEG made here, without metadata) is shown inline.
"""

from __future__ import annotations

from typing import IO

from flask import Response, abort, current_app, request, send_file
from flask_login import current_user

from app.evidence import bp
from app.evidence.service import Evidence, EvidenceError, Upload
from graph.db import get_graph
from graph.errors import NotFound

FILE_POLICY = "default-src 'none'; sandbox"


def evidence() -> Evidence:
    return Evidence.from_config(get_graph(), current_app.config)


def uploads(name: str = "files") -> list[Upload]:
    """The files of a form or API request (empty file inputs left out)."""
    return [Upload(f.filename or "", f.stream) for f in request.files.getlist(name)
            if f.filename]


def file_response(record: dict, handle: IO[bytes]) -> Response:
    """The bytes as a download, with headers under which a browser runs nothing."""
    response = send_file(handle, mimetype=record["mime"], as_attachment=True,
                         download_name=record["name"], conditional=False, etag=False,
                         max_age=0)
    return _locked(response)


def _locked(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/files/<file_id>")
def download(file_id: str):
    try:
        record, handle = evidence().download(current_user, file_id)
    except (NotFound, FileNotFoundError):
        abort(404)
    return file_response(record, handle)


@bp.get("/files/<file_id>/thumbnail")
def thumbnail(file_id: str):
    try:
        small = evidence().thumbnail(current_user, file_id)
    except (NotFound, FileNotFoundError, EvidenceError):
        abort(404)
    response = Response(small, mimetype="image/jpeg")
    response.headers["Content-Disposition"] = "inline"
    return _locked(response)
