"""The OpenAPI 3.1 document served at /api/v1/openapi.json, built from the operations
themselves: each view declares its summary, its body, query and answer as pydantic models
with :func:`operation`, and that one declaration both validates what the caller sends and
writes the document (so the two cannot drift).

A view reads::

    @bp.post("/cases")
    @token_required
    @operation("Open a case (an RFI by default)", body=NewCase, answer=(201, Case),
               errors=(400, 401, 403))
    def api_create_case(body: NewCase): ...

A body that is not a JSON object, or that breaks its model, answers 400 (no body at all
reads as ``{}``: a model whose fields are all optional takes it) with the field and
the reason, as a service's refusal does (app/api/answers.py); the view receives the
validated model as ``body`` (and ``query`` for query parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import wraps
from typing import Annotated, Any

from flask import Blueprint, request
from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError

from app.errors import error_response


class Body(BaseModel):
    """A request body: fields the model does not name are ignored, as they always were;
    the services keep the rules of meaning (a title's length, who may be tasked)."""

    model_config = ConfigDict(extra="ignore")


class Answer(BaseModel):
    """An answer's shape: what it always carries; it may carry more."""

    model_config = ConfigDict(extra="allow")


class Error(Answer):
    error: str
    detail: Any = None


@dataclass(frozen=True)
class Operation:
    summary: str
    answer: tuple[int, Any] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = (401,)
    description: str | None = None
    operation_id: str | None = None
    public: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)


def operation(summary: str, *, answer: Any = None, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None, errors: tuple[int, ...] = (401,),
              description: str | None = None, operation_id: str | None = None,
              public: bool = False, **extra: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare a view's operation once. ``answer`` is a type (a model, ``list[Model]``) for
    a 200, or ``(status, type)``; ``extra`` goes into the document as written (e.g.
    ``responses`` beside JSON, such as a file download)."""
    declared = Operation(summary, _answer(answer), body, query, tuple(errors), description,
                         operation_id, public, extra)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def validated(*args: Any, **kwargs: Any) -> Any:
            if body is not None:
                data = request.get_json(silent=True) if request.data else {}
                if not isinstance(data, dict):
                    return error_response(400, "Bad request", "Send a JSON object.")
                try:
                    kwargs["body"] = body.model_validate(data)
                except ValidationError as exc:
                    return _invalid(exc)
            if query is not None:
                try:
                    kwargs["query"] = query.model_validate(request.args.to_dict())
                except ValidationError as exc:
                    return _invalid(exc)
            return view(*args, **kwargs)

        validated.openapi = declared  # type: ignore[attr-defined]
        return validated

    return decorate


def _answer(answer: Any) -> tuple[int, Any] | None:
    if answer is None:
        return None
    if isinstance(answer, tuple):
        return answer
    return (200, answer)


# What a caller reads for the usual faults, in the services' own words; any other fault
# keeps pydantic's sentence.
_WORDING = {
    "missing": "Required.",
    "literal_error": "Choose {choices}.",
    "enum": "Choose {choices}.",
    "greater_than_equal": "{ge} or more.",
    "greater_than": "More than {gt}.",
    "less_than_equal": "{le} or less.",
    "string_too_short": "At least {min_length} characters.",
    "string_too_long": "At most {max_length} characters.",
    "string_type": "Send text.",
    "list_type": "Send a list.",
    "dict_type": "Send an object.",
    "model_type": "Send an object.",
    "bool_type": "Send true or false.",
    "int_type": "Send a whole number.",
    "int_parsing": "Send a whole number.",
    "float_type": "Send a number.",
    "float_parsing": "Send a number.",
    "extra_forbidden": "Not a field of this request.",
    "value_error": "{error}",
}


def _reason(error: Any) -> tuple[str, str]:
    """``(where, why)`` for one pydantic fault; ``where`` is the path into the body
    (``subjects.0``)."""
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        ctx["choices"] = str(ctx["expected"]).replace("'", "")
    for bound in ("ge", "gt", "le"):
        if isinstance(ctx.get(bound), float) and ctx[bound].is_integer():
            ctx[bound] = int(ctx[bound])
    wording = _WORDING.get(error["type"])
    try:
        why = wording.format(**ctx) if wording else error["msg"]
    except KeyError:
        why = error["msg"]
    return ".".join(str(part) for part in error["loc"]) or "body", why


def _invalid(exc: ValidationError):
    """400 naming the first field at fault and every reason, as ``field: why``."""
    reasons = [_reason(error) for error in exc.errors(include_url=False)]
    where, why = reasons[0]
    return error_response(400, "Bad request", {
        "field": where.split(".", 1)[0],  # the form's field, as a service's refusal names it
        "message": f"{where}: {why}",
        "reasons": [f"{name}: {text}" for name, text in reasons],
    })


def _not_a_flag(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("Send a number.")
    return value


# A JSON number, never true or false (which Python would read as 1 and 0).
Number = Annotated[float, BeforeValidator(_not_a_flag)]


class ApiBlueprint(Blueprint):
    """The API's blueprint: it keeps each declared operation with its rule, so the document
    is built without an application (tests read it at collection time)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.operations: list[tuple[str, list[str], str, Operation]] = []

    def add_url_rule(self, rule: str, endpoint: str | None = None,
                     view_func: Callable[..., Any] | None = None, **options: Any) -> None:
        super().add_url_rule(rule, endpoint, view_func, **options)
        declared = getattr(view_func, "openapi", None)
        if declared is not None:
            methods = [m.lower() for m in options.get("methods") or ["GET"]]
            self.operations.append((rule, methods, view_func.__name__, declared))


def _error_responses(*codes: int) -> dict[str, Any]:
    return {
        str(code): {"description": "Error",
                    "content": {"application/json": {"schema": _schema_ref("Error")}}}
        for code in codes
    }


def _json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_request(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _path_parameter(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


_REF = "#/components/schemas/{model}"
_RULE_PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


class _Schemas:
    """The components a document's operations name, each model once under its own name."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def of(self, kind: Any) -> dict[str, Any]:
        if isinstance(kind, dict):
            return kind
        schema = TypeAdapter(kind).json_schema(ref_template=_REF)
        for name, definition in schema.pop("$defs", {}).items():
            self.components.setdefault(name, definition)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            self.components.setdefault(kind.__name__, schema)
            return _schema_ref(kind.__name__)
        return schema


def _paths_of(rule: str) -> list[tuple[str, list[dict[str, Any]], str]]:
    """An API rule as document paths: ``<case_id>`` becomes ``{case_id}``, a rule with
    ``<any(a, b):x>`` one path per choice (its name given to tell the operations apart),
    and every other part a path parameter."""
    choices: list[tuple[str, list[dict[str, Any]], str]] = [("", [], "")]
    pos = 0
    for match in _RULE_PART.finditer(rule):
        converter, arguments, name = match.groups()
        literal = rule[pos:match.start()]
        pos = match.end()
        if converter == "any":
            options = [o.strip().strip("'\"") for o in (arguments or "").split(",")]
            choices = [(path + literal + o, params, chosen + o.capitalize())
                       for path, params, chosen in choices for o in options]
            continue
        kind = "integer" if converter == "int" else "string"
        choices = [(path + literal + "{" + name + "}", [*params, _path_parameter(name, kind)],
                    chosen) for path, params, chosen in choices]
    return [(path + rule[pos:], params, chosen) for path, params, chosen in choices]


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    properties = model.model_json_schema(ref_template=_REF).get("properties", {})
    return [{"name": info.alias or name, "in": "query", "required": info.is_required(),
             "schema": _not_null(properties.get(info.alias or name, {})),
             **({"description": info.description} if info.description else {})}
            for name, info in model.model_fields.items()]


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or text, never null: its schema without the null."""
    kinds = [k for k in schema.get("anyOf", []) if k.get("type") != "null"]
    if len(kinds) == 1:
        return {**{k: v for k, v in schema.items() if k not in ("anyOf", "default")},
                **kinds[0]}
    return schema


def _camel(name: str) -> str:
    head, *rest = name.removeprefix("api_").split("_")
    return head + "".join(word.capitalize() for word in rest)


def _document_operation(view_name: str, chosen: str, declared: Operation,
                        params: list[dict[str, Any]], schemas: _Schemas) -> dict[str, Any]:
    answer: dict[str, Any] = {}
    if declared.answer is not None:
        status, kind = declared.answer
        answer[str(status)] = _json_response(schemas.of(kind),
                                            "Created" if status == 201 else "OK")
    operation_doc: dict[str, Any] = {
        "summary": declared.summary,
        "operationId": (declared.operation_id or _camel(view_name)) + chosen,
        "responses": {**answer, **_error_responses(*declared.errors)},
    }
    if declared.description:
        operation_doc["description"] = declared.description
    query = _query_parameters(declared.query) if declared.query else []
    if params or query:
        operation_doc["parameters"] = [*params, *query]
    if declared.body is not None:
        required = any(f.is_required() for f in declared.body.model_fields.values())
        operation_doc["requestBody"] = json_request(schemas.of(declared.body), required)
    if declared.public:
        operation_doc["security"] = []
    for key, value in declared.extra.items():
        operation_doc[key] = ({**operation_doc.get(key, {}), **value}
                              if isinstance(value, dict) else value)
    return operation_doc


def openapi_document() -> dict[str, Any]:
    from app.api import bp

    schemas = _Schemas()
    paths: dict[str, Any] = {}
    for rule, methods, view_name, declared in bp.operations:
        for path, params, chosen in _paths_of(rule):
            for method in methods:
                if method in ("head", "options"):
                    continue
                paths.setdefault(path, {})[method] = _document_operation(
                    view_name, chosen, declared, params, schemas)
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
            "schemas": {"Error": Error.model_json_schema(), **schemas.components},
        },
        "paths": paths,
    }
