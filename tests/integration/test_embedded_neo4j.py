"""The embedded default: a real second Neo4j process, its persistence and its recovery."""

import os
import signal

import pytest

from app import create_app
from config import TestConfig
from graph.embedded import EmbeddedNeo4j
from graph.users import UserRepository

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def second_neo4j(tmp_path_factory):
    server = EmbeddedNeo4j(
        tmp_path_factory.mktemp("second") / "neo4j", heap="512m", pagecache="128m"
    )
    server.ensure_running()
    yield server
    server.stop()


def _app_on(data_dir, **overrides):
    config = {
        "CORDON_DATA": str(data_dir),
        "NEO4J_URI": None,
        "NEO4J_HEAP": "512m",
        "NEO4J_PAGECACHE": "128m",
        **overrides,
    }
    return create_app(TestConfig, config)


def test_embedded_app_finds_the_running_neo4j_and_keeps_data_across_restarts(second_neo4j):
    app = _app_on(second_neo4j.data_dir.parent)
    ext = app.extensions["neo4j"]
    assert ext.embedded is not None
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        args=["users", "create", "kept@customs.example", "--role", "analyst", "--password-stdin"],
        input="harbour-lights-2026-x\n",
    )
    assert result.exit_code == 0, result.output
    ext.close()

    assert second_neo4j.stop()
    assert second_neo4j.running() is None
    app = _app_on(second_neo4j.data_dir.parent)  # first use starts it again
    assert UserRepository(app.extensions["neo4j"].graph).by_email("kept@customs.example")
    app.extensions["neo4j"].close()


def test_a_killed_neo4j_is_noticed_and_started_again(second_neo4j):
    endpoint = second_neo4j.ensure_running()
    old_pid = second_neo4j.pid()
    os.kill(old_pid, signal.SIGKILL)
    second_neo4j.kill()  # waits until the process is gone
    assert second_neo4j.running() is None
    again = second_neo4j.ensure_running()
    assert second_neo4j.pid() != old_pid
    assert again.uri == endpoint.uri  # same port, so open drivers reconnect


def test_credentials_are_required_and_kept_private(second_neo4j):
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    endpoint = second_neo4j.ensure_running()
    with (
        pytest.raises(AuthError),
        GraphDatabase.driver(endpoint.uri, auth=("neo4j", "wrong")) as driver,
    ):
        driver.verify_connectivity()
    assert (second_neo4j.data_dir / "password").stat().st_mode & 0o077 == 0


def test_neo4j_uri_points_the_app_at_another_server(second_neo4j, app_config, _migrated):
    """With NEO4J_URI set, writes land on that server and nothing is started."""
    from neo4j import GraphDatabase

    other = second_neo4j.ensure_running()
    app = create_app(
        TestConfig,
        {
            **app_config,
            "NEO4J_URI": other.uri,
            "NEO4J_USER": other.user,
            "NEO4J_PASSWORD": other.password,
        },
    )
    assert app.extensions["neo4j"].embedded is None
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        args=[
            "users",
            "create",
            "elsewhere@customs.example",
            "--role",
            "auditor",
            "--password-stdin",
        ],
        input="harbour-lights-2026-y\n",
    )
    assert result.exit_code == 0, result.output
    app.extensions["neo4j"].close()

    with GraphDatabase.driver(other.uri, auth=(other.user, other.password)) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (u:User {email: 'elsewhere@customs.example'}) RETURN u"
        )
        assert len(records) == 1
    with GraphDatabase.driver(
        app_config["NEO4J_URI"], auth=(app_config["NEO4J_USER"], app_config["NEO4J_PASSWORD"])
    ) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (u:User {email: 'elsewhere@customs.example'}) RETURN u"
        )
        assert records == []
