"""The Neo4j driver as a Flask extension: one driver per process, created on first use.

With ``NEO4J_URI`` set, the app uses that server, cluster or Aura and starts nothing. With
it unset, the first use starts (or finds) the embedded Neo4j under the data folder; if
that process dies, the next failure is noticed and it is started again in the background
while requests get a clear "database unavailable" answer.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from flask import Flask, current_app
from neo4j import Driver, GraphDatabase, NotificationMinimumSeverity

from graph.connection import Graph
from graph.embedded import BoltEndpoint, EmbeddedNeo4j
from graph.errors import DatabaseUnavailable


class Neo4jExtension:
    """Holds this process's :class:`Graph`; repositories get it through :func:`get_graph`."""

    def __init__(self, app: Flask | None = None) -> None:
        self._graph: Graph | None = None
        self._lock = threading.Lock()
        self._restarting = threading.Event()
        self.embedded: EmbeddedNeo4j | None = None
        self.config: dict = {}
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        self.config = app.config
        if not app.config.get("NEO4J_URI"):
            self.embedded = EmbeddedNeo4j(
                Path(app.config["CORDON_DATA"]) / "neo4j",
                heap=app.config["NEO4J_HEAP"],
                pagecache=app.config["NEO4J_PAGECACHE"],
            )
        app.extensions["neo4j"] = self
        atexit.register(self.close)

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            with self._lock:
                if self._graph is None:
                    self._graph = Graph(
                        self._connect(),
                        self.config.get("NEO4J_DATABASE") or None,
                        on_unavailable=self._recover if self.embedded else None,
                    )
        return self._graph

    def close(self) -> None:
        if self._graph is not None:
            self._graph.driver.close()
            self._graph = None

    def _connect(self) -> Driver:
        endpoint = self._endpoint()
        return GraphDatabase.driver(
            endpoint.uri,
            auth=(endpoint.user, endpoint.password),
            connection_timeout=5.0,
            max_transaction_retry_time=float(self.config.get("NEO4J_RETRY_SECONDS", 15)),
            connection_acquisition_timeout=10.0,
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )

    def _endpoint(self) -> BoltEndpoint:
        if self.embedded is None:
            return BoltEndpoint(
                self.config["NEO4J_URI"],
                self.config.get("NEO4J_USER") or "neo4j",
                self.config.get("NEO4J_PASSWORD") or "",
            )
        try:
            return self.embedded.ensure_running()
        except Exception as exc:  # start-up failures become one clear domain error
            raise DatabaseUnavailable(f"Embedded Neo4j could not start: {exc}") from exc

    def _recover(self) -> None:
        """Restart a dead embedded Neo4j once, in the background, without blocking requests."""
        if self.embedded is None or self._restarting.is_set():
            return
        if self.embedded.running() is not None:
            return
        self._restarting.set()

        def restart() -> None:
            try:
                self.embedded.ensure_running()  # type: ignore[union-attr]
            except Exception:  # noqa: S110 - the next request tries again and reports it
                pass
            finally:
                self._restarting.clear()

        threading.Thread(target=restart, name="neo4j-restart", daemon=True).start()


def get_graph() -> Graph:
    """The current app's graph handle."""
    return current_app.extensions["neo4j"].graph
