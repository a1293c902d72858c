"""Property: no request to any operation of the OpenAPI document answers 500 or sends text
that is not JSON, whatever its body (any nesting, size or Unicode, lone surrogates, NaN,
huge numbers, broken UTF-8), path parameters and query parameters.

Unlike test_api_schema (schemathesis, inputs shaped by the schema), the inputs here are
hostile on purpose; bodies reuse each operation's property names so the values reach the
validators behind the JSON parser. The example count keeps the run near a minute.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.accounts.service import issue_token
from app.api.openapi import openapi_document
from graph import safejson

EXAMPLES = 250

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)  # surrogates too
NUMBERS = (st.integers() | st.integers(min_value=2**63 - 2, max_value=2**70)
           | st.floats(allow_nan=False) | st.sampled_from([1e308, -1e308, 5e-324]))
SCALARS = st.none() | st.booleans() | NUMBERS | ANY_TEXT
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(ANY_TEXT, children, max_size=4),
    max_leaves=20,
)
RAW_BODIES = st.one_of(
    st.integers(1, 300).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 300).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(1, 100_000).map(lambda n: "[" * n),
    st.sampled_from(["NaN", '{"value": Infinity}', "-Infinity", "1" * 5000, "", "{", "null",
                     '"\\ud800"', '{"\\udfff": 1}', "[1e999]"]),
    st.binary(max_size=60),
)


def _operations() -> list[tuple[str, str, dict]]:
    document = openapi_document()
    schemas = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            found.append((method.upper(), path, _property_names(operation, schemas)))
    return found


def _property_names(operation: dict, schemas: dict) -> dict:
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = body.get("schema", {})
    if "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    return {"body": sorted(schema.get("properties", {})), "query": query}


OPERATIONS = _operations()


@st.composite
def requests(draw):
    method, path, names = draw(st.sampled_from(OPERATIONS))
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if segment.startswith("{"):
            value = draw(ANY_TEXT.filter(bool) | st.sampled_from(["1", "0", "-1", str(2**64)]))
            segments[i] = quote(value.encode("utf-8", "surrogatepass"), safe="")
    keys = [*names["query"], "skip", "limit", "page"]
    query = draw(st.dictionaries(
        st.sampled_from(keys),
        st.text(max_size=30) | NUMBERS.map(str) | st.sampled_from([str(2**64), "-1", "1e9"]),
        max_size=4,
    ))
    if names["body"]:
        shaped = st.fixed_dictionaries({}, optional={k: JSON_VALUES for k in names["body"]})
    else:
        shaped = JSON_VALUES
    body = draw(st.one_of(
        shaped.map(lambda v: json.dumps(v).encode()),
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        RAW_BODIES.map(lambda v: v if isinstance(v, bytes) else v.encode("utf-8")),
    ))
    return method, "/api/v1" + "/".join(segments), query, body


@pytest.fixture
def tokens(make_user, graph):
    make_user("admin@customs.example", role="admin")
    make_user("analyst@customs.example", role="analyst")
    return [{"Authorization": "Bearer " + issue_token(graph, f"{role}@customs.example")}
            for role in ("admin", "analyst")]


def test_no_operation_answers_500_or_sends_what_is_not_json(client, tokens):
    assert len(OPERATIONS) >= 40

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(request=requests(), who=st.sampled_from([0, 1]))
    def exercise(request, who):
        method, path, query, body = request
        response = client.open(path, method=method, query_string=query, data=body,
                               headers=tokens[who], content_type="application/json")
        problem = None
        if response.status_code >= 500:
            problem = f"{response.status_code} {response.get_data(as_text=True)[:200]}"
        elif response.is_json:
            try:
                safejson.loads(response.get_data())
            except (ValueError, safejson.JSONRefused) as exc:
                problem = f"answer is not strict JSON: {exc}"
        assert problem is None, f"{method} {path} {query} {body[:80]!r}: {problem}"

    exercise()
