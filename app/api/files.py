"""Evidence files over the API: attach to a report (multipart), list a report's files,
download one. The rules are the pages' (app/evidence, app/intake/service.py): a file of a
record the caller may not see answers 404, like one that does not exist."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _

from app.api import bp
from app.api.answers import not_visible, refused
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, operation
from app.api.reports import report_service
from app.evidence.routes import evidence, file_response, uploads
from app.evidence.service import EvidenceError
from app.intake.service import ReportError
from graph.errors import NotFound
from graph.evidence import Parent


class EvidenceFile(Answer):
    id: str
    name: str
    type: str
    size: int
    sha256: str
    download: str
    uploaded_by: str | None = None
    uploaded_at: str | None = None
    metadata_removed: bool | None = None
    entities: int | None = None


class EvidenceFiles(Answer):
    files: list[EvidenceFile]


_MULTIPART = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
        "strip_metadata": {"type": "string"}}}}}}

def file_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "type": row["mime"], "size": row["size"],
            "sha256": row["sha256"], "uploaded_by": row["uploaded_by"],
            "uploaded_at": row["uploaded_at"], "metadata_removed": bool(row.get("stripped")),
            "entities": int(row.get("mentions") or 0),
            "download": f"/api/v1/files/{row['id']}"}


@bp.post("/reports/<report_id>/files")
@token_required
@operation("Attach evidence files to a report (author and reviewers)",
           answer=(201, EvidenceFiles), errors=(400, 401, 403, 404, 413),
           operation_id="attachReportFiles", requestBody=_MULTIPART,
           description="multipart/form-data with one or more `files` (photos, PDF, text, "
           "office documents, checked by content; at most CORDON_MAX_UPLOAD_MB in all) and "
           "optionally `strip_metadata=true`. The text of PDFs and text files goes through "
           "entity extraction.")
def api_attach_report_files(report_id: str):
    service = report_service()
    try:
        service.get(api_user(), report_id, audited=False)
    except NotFound:
        return not_visible("report", report_id)
    store = evidence()
    strip = request.form.get("strip_metadata", "").lower() in ("1", "true", "yes", "y")
    try:
        files = store.prepare(uploads(), by=api_user().email, strip=strip, extract=True)
        if not files:
            raise EvidenceError(_("Send the files as multipart/form-data, field 'files'."))
        store.saved(files, lambda: service.attach_files(api_user(), report_id, files))
    except EvidenceError as exc:
        return refused(exc)
    except NotFound:
        return not_visible("report", report_id)
    except ReportError as exc:
        return refused(exc)
    return jsonify({"files": [file_json(f.row) for f in files]}), 201


@bp.get("/reports/<report_id>/files")
@token_required
@operation("A report's evidence files", answer=EvidenceFiles, errors=(401, 404),
           operation_id="listReportFiles")
def api_report_files(report_id: str):
    service = report_service()
    try:
        service.get(api_user(), report_id, audited=False)
    except NotFound:
        return not_visible("report", report_id)
    rows = evidence().files_of(api_user(), Parent.REPORT, report_id)
    return jsonify({"files": [file_json(r) for r in rows]})


@bp.get("/files/<file_id>")
@token_required
@operation("Download an evidence file (audited; as an attachment)", errors=(401, 404),
           operation_id="downloadFile", responses={"200": {
               "description": "The file's bytes", "content": {"application/octet-stream": {
                   "schema": {"type": "string", "format": "binary"}}}}})
def api_download_file(file_id: str):
    try:
        record, handle = evidence().download(api_user(), file_id, via="api")
    except (NotFound, FileNotFoundError):
        return not_visible("file", file_id)
    return file_response(record, handle)
