"""The OpenAPI 3.1 document served at /api/v1/openapi.json; grows with the API."""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "detail": {}},
}


def _errors(*codes: int) -> dict[str, Any]:
    return {
        str(code): {
            "description": "Error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


# Feature API modules add their paths and schemas here at import time (see register).
_PATHS: dict[str, Any] = {}
_SCHEMAS: dict[str, Any] = {}


def register(paths: dict[str, Any], schemas: dict[str, Any] | None = None) -> None:
    """Add a feature's operations to the served document."""
    for path, operations in paths.items():
        _PATHS.setdefault(path, {}).update(operations)
    _SCHEMAS.update(schemas or {})


def error_responses(*codes: int) -> dict[str, Any]:
    return _errors(*codes)


# Builders for the pieces every feature module's paths repeat.
def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_request(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def path_parameter(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Cordon API",
            "version": "1",
            "description": "Intelligence case management and risk targeting for customs. "
            "Authenticate with `Authorization: Bearer TOKEN` (`flask tokens create EMAIL`).",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": ERROR,
                **_SCHEMAS,
                "Me": {
                    "type": "object",
                    "required": ["email", "role", "unit"],
                    "properties": {
                        "email": {"type": "string"},
                        "role": {"type": "string"},
                        "unit": {"type": "string"},
                        "name": {"type": "string"},
                    },
                },
            },
        },
        "paths": {
            **_PATHS,
            "/me": {
                "get": {
                    "summary": "The caller",
                    "operationId": "me",
                    "responses": {
                        "200": {
                            "description": "The authenticated user",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Me"}}
                            },
                        },
                        **_errors(401),
                    },
                }
            },
        },
    }
