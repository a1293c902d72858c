"""The JSON API under /api/v1 (see openapi.py for the document it serves)."""

from flask import jsonify

from app.api import bp
from app.api.auth import api_user, token_required
from app.api.openapi import Answer, openapi_document, operation


class Me(Answer):
    email: str
    role: str
    unit: str
    name: str | None = None


@bp.get("/me")
@token_required
@operation("The caller", answer=Me)
def me():
    return jsonify(api_user().to_public())


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
