"""Neo4j killed while the app serves: clear 503s, then recovery without intervention."""

import time

import pytest

from app import create_app
from config import TestConfig
from graph.embedded import EmbeddedNeo4j

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded_app(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("faults")
    app = create_app(
        TestConfig,
        {"CORDON_DATA": str(tmp_path), "NEO4J_URI": None, "NEO4J_HEAP": "512m",
         "NEO4J_PAGECACHE": "128m", "NEO4J_RETRY_SECONDS": 2},
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    yield app
    app.extensions["neo4j"].close()
    EmbeddedNeo4j(tmp_path / "neo4j").stop()


def test_killed_neo4j_gives_503_then_recovers_by_itself(embedded_app):
    client = embedded_app.test_client()
    assert client.get("/healthz").status_code == 200
    embedded = embedded_app.extensions["neo4j"].embedded
    embedded.kill()

    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json()["neo4j"] == "down"
    page = client.get("/login", headers={"Accept": "text/html"})
    assert page.status_code == 200  # the sign-in form itself needs no database
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer cdn_x"})
    assert api.status_code == 503 and api.get_json()["error"] == "Database unavailable"

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if client.get("/healthz").status_code == 200 and embedded.running() is not None:
            break
        time.sleep(1)
    else:
        pytest.fail("the app did not recover after Neo4j was killed")


def test_database_unavailable_page_says_so_plainly(embedded_app):
    client = embedded_app.test_client()
    embedded_app.extensions["neo4j"].embedded.kill()
    # Recovery is started in the background; this request must still fail cleanly.
    response = client.post("/login", data={"email": "a@b.org", "password": "x"})
    assert response.status_code in (400, 503)
    if response.status_code == 503:
        assert "database cannot be reached" in response.text
