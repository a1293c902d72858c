"""Shared fixtures: one throwaway Neo4j per test session, a clean graph per test.

The test Neo4j is the same embedded launcher that `make run` uses, with its data in a
temporary folder, so the suite never touches a user's data. Set CORDON_TEST_NEO4J_URI
(with CORDON_TEST_NEO4J_USER / _PASSWORD) to run against a server you started yourself;
its database is wiped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from neo4j import GraphDatabase

from config import TestConfig
from graph.connection import Graph
from graph.embedded import BoltEndpoint, EmbeddedNeo4j

WIPE = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
PASSWORD = "a-long-test-password-1"

# Every new account and every sign-in hashes a password: argon2id at production cost (64 MiB,
# three passes) takes half a second to a second on a busy two-core machine, and the suite
# makes thousands. Tests hash with the same argon2id at its smallest cost; the tests about
# the cost itself ask for ``production_password_hashing``.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def pytest_configure(config: pytest.Config) -> None:
    """The French and Arabic catalogues compiled, as `make test` does (`make translations`);
    once, by the process that starts the run, before any parallel worker reads them."""
    if hasattr(config, "workerinput"):
        return
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", "app/translations"])


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[PasswordHasher]:
    """Yields the production hasher it stands in for."""
    from app.accounts import passwords

    with pytest.MonkeyPatch.context() as patch:
        production = passwords._hasher
        patch.setattr(passwords, "_hasher", CHEAP_HASHER)
        yield production


@pytest.fixture
def production_password_hashing(
    _cheap_password_hashing: PasswordHasher, monkeypatch: pytest.MonkeyPatch
) -> PasswordHasher:
    """The hasher that Cordon uses outside the tests, for a test about its cost."""
    from app.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", _cheap_password_hashing)
    return _cheap_password_hashing


@pytest.fixture(scope="session")
def neo4j_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoltEndpoint]:
    if os.environ.get("CORDON_TEST_NEO4J_URI"):
        yield BoltEndpoint(
            os.environ["CORDON_TEST_NEO4J_URI"],
            os.environ.get("CORDON_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("CORDON_TEST_NEO4J_PASSWORD", ""),
        )
        return
    server = EmbeddedNeo4j(tmp_path_factory.mktemp("neo4j"), heap="768m", pagecache="256m")
    # A start takes 20 s on a quiet machine; a shared CI runner can take minutes.
    endpoint = server.ensure_running(timeout=600)
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def app_config(neo4j_endpoint: BoltEndpoint, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return {
        "NEO4J_URI": neo4j_endpoint.uri,
        "NEO4J_USER": neo4j_endpoint.user,
        "NEO4J_PASSWORD": neo4j_endpoint.password,
        "CORDON_DATA": str(tmp_path_factory.mktemp("data")),
    }


@pytest.fixture(scope="session")
def _migrated(app_config: dict) -> None:
    from graph import migrations

    driver = GraphDatabase.driver(
        app_config["NEO4J_URI"], auth=(app_config["NEO4J_USER"], app_config["NEO4J_PASSWORD"])
    )
    migrations.upgrade(Graph(driver))
    driver.close()


@contextmanager
def fresh_app(config: dict) -> Iterator[Flask]:
    """An app on the session's (migrated) Neo4j whose graph holds nothing but headquarters,
    so each test starts from the same empty administration; the driver closes after."""
    from app import create_app
    from graph.units import UnitRepository

    app = create_app(TestConfig, config)
    graph = app.extensions["neo4j"].graph
    with graph.driver.session() as session:
        session.run(WIPE).consume()
    UnitRepository(graph).ensure_headquarters()
    yield app
    app.extensions["neo4j"].close()


@pytest.fixture
def app(app_config: dict, _migrated: None):
    with fresh_app(app_config) as app:
        yield app


@pytest.fixture
def graph(app) -> Graph:
    return app.extensions["neo4j"].graph


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def submit_form(client, url: str, data: dict[str, Any], *, page: str | None = None):
    """Post a form as a browser does: open the page that shows it (``page``, else ``url``)
    for its CSRF token, then post ``data`` with the token to ``url``."""
    html = client.get(page or url).text
    return client.post(url, data={**data, "csrf_token": csrf_from(html)})


class AuthActions:
    """Sign in through the real form, CSRF token included."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        return submit_form(self.client, "/login", {"email": email, "password": password})

    def logout(self):
        return submit_form(self.client, "/logout", {}, page="/")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def make_user(graph: Graph):
    """Factory: make_user("a@x.org", role="analyst", unit="HQ") → User."""
    from app.accounts.service import create_user

    def make(email: str, role: str = "analyst", unit: str = "HQ", password: str = PASSWORD):
        return create_user(graph, email, role=role, unit=unit, password=password)

    return make


@pytest.fixture
def make_unit(graph: Graph):
    from app.accounts.service import create_unit

    def make(name: str, kind: str = "regional", parent: str | None = "HQ"):
        return create_unit(graph, name, kind=kind, parent=parent)

    return make


@pytest.fixture
def make(app, runner, tmp_path, make_user):
    """Factories for everything else (reports, declarations, controls, traders, cases,
    tasks, sources), each through a real entry point: see ``tests/factories.py``."""
    from tests.factories import Factories

    return Factories(app, runner, tmp_path, make_user)


@pytest.fixture
def instance_b(app_config, tmp_path, _migrated):
    """A second Cordon (a partner's) with its own data folder, so its own keys, on the same
    test Neo4j as ``app``: the exchange tests run A, then B, one after the other."""
    from app import create_app

    b = create_app(TestConfig, {**app_config, "CORDON_DATA": str(tmp_path / "instance-b")})
    yield b
    b.extensions["neo4j"].close()
