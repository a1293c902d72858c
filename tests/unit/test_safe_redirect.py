import pytest

from app import create_app
from app.auth.routes import _safe_next
from config import TestConfig


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    # No Neo4j needed: the app connects lazily and these tests never touch the graph.
    return create_app(
        TestConfig,
        {
            "NEO4J_URI": "bolt://127.0.0.1:9",
            "NEO4J_RETRY_SECONDS": 0.5,
            "CORDON_DATA": str(tmp_path_factory.mktemp("d")),
        },
    )


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/admin/users", "/admin/users"),
        ("/?q=1", "/?q=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_next_only_redirects_within_the_site(bare_app, target, expected):
    with bare_app.test_request_context():
        assert _safe_next(target) == expected


def test_security_headers_on_every_response(bare_app):
    response = bare_app.test_client().get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_database_down_gives_503_not_500(bare_app):
    client = bare_app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["neo4j"] == "down"
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer cdn_x"})
    assert api.status_code == 503
    assert api.get_json()["error"] == "Database unavailable"
