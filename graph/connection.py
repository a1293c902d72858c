"""The handle that repositories use: one driver per process plus the database name.

Reads and writes go through managed transactions, so a cluster (``neo4j://`` routing) or
Aura gets reads routed to followers and writes retried on leader changes. Driver
exceptions that mean "the database is not there" become :class:`DatabaseUnavailable`.
``Graph.atomically`` (``@atomic`` on a service call) makes everything a call does through
the graph one transaction: a write and the audit event that records it commit together.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Literal, LiteralString, TypeVar

from neo4j import Driver, ManagedTransaction, Query, RoutingControl
from neo4j.exceptions import ConstraintError, DriverError, ServiceUnavailable, SessionExpired

from graph.errors import DatabaseUnavailable, Duplicate

T = TypeVar("T")

_UNAVAILABLE = (ServiceUnavailable, SessionExpired, OSError)

# The transaction of the ``Graph.atomically`` call running in this thread, with its graph.
_unit: ContextVar[tuple[Graph, ManagedTransaction] | None] = ContextVar("unit", default=None)


class Graph:
    """What repositories talk to; free of Flask so the CLI and tests share it."""

    def __init__(
        self,
        driver: Driver,
        database: str | None = None,
        on_unavailable: Callable[[], None] | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self._on_unavailable = on_unavailable

    def read(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``work(tx, ...)`` in a managed read transaction."""
        if (tx := self._unit_tx()) is not None:
            with self._translate(inside_unit=True):
                return work(tx, *args, **kwargs)
        with self._translate(), self.driver.session(database=self.database) as session:
            return session.execute_read(work, *args, **kwargs)

    def write(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``work(tx, ...)`` in a managed write transaction (retried by the driver)."""
        if (tx := self._unit_tx()) is not None:
            with self._translate(inside_unit=True):
                return work(tx, *args, **kwargs)
        with self._translate(), self.driver.session(database=self.database) as session:
            return session.execute_write(work, *args, **kwargs)

    def atomically(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``work(...)`` so that every read and write it makes through this graph is
        one transaction: a repository's write and the audit event recording it commit
        together or not at all. Retried whole on transient errors, so ``work`` must have
        no effects outside the graph. Nested calls join the outer transaction."""
        if self._unit_tx() is not None:
            return work(*args, **kwargs)

        def unit(tx: ManagedTransaction) -> T:
            token = _unit.set((self, tx))
            try:
                return work(*args, **kwargs)
            finally:
                _unit.reset(token)

        with self._translate(), self.driver.session(database=self.database) as session:
            return session.execute_write(unit)

    def _unit_tx(self) -> ManagedTransaction | None:
        current = _unit.get()
        return current[1] if current is not None and current[0] is self else None

    def query(
        self, cypher: LiteralString, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> list[dict[str, Any]]:
        """Run one parameterised statement and return its records as plain dicts."""
        if (tx := self._unit_tx()) is not None:
            with self._translate(inside_unit=True):
                return tx_run(tx, cypher, **(params or {}))
        routing = RoutingControl.WRITE if write else RoutingControl.READ
        with self._translate():
            records, _, _ = self.driver.execute_query(
                cypher, params or {}, database_=self.database, routing_=routing
            )
        return [record.data() for record in records]

    def run_schema(self, cypher: str) -> None:
        """Run one schema statement (migrations only) in an auto-commit transaction.

        Schema statements cannot share a transaction with data writes, and migration files
        are read from the repository, never from a request.
        """
        with self._translate(), self.driver.session(database=self.database) as session:
            session.run(Query(cypher)).consume()

    def ping(self) -> dict[str, Any]:
        """Check that the server answers; return its version."""
        with self._translate():
            self.driver.verify_connectivity()
            info = self.driver.get_server_info()
        return {"agent": info.agent, "address": str(info.address)}

    def _translate(self, *, inside_unit: bool = False) -> _Translate:
        # inside a unit, a lost connection is left to the unit, which the driver retries
        return _Translate(None if inside_unit else self._on_unavailable, inside_unit)


def atomic(service: Callable[..., T]) -> Callable[..., T]:
    """For a service function taking the ``Graph`` first (or a method of a service that
    has a ``graph``): the whole call is one transaction (``Graph.atomically``), so its
    writes and the audit events recording them commit together or not at all."""

    @functools.wraps(service)
    def run(owner: Any, *args: Any, **kwargs: Any) -> T:
        graph = owner if isinstance(owner, Graph) else owner.graph
        return graph.atomically(service, owner, *args, **kwargs)

    return run


class _Translate:
    """Context manager mapping driver errors to domain errors at the repository edge."""

    def __init__(
        self, on_unavailable: Callable[[], None] | None, constraints_only: bool = False
    ) -> None:
        self._on_unavailable = on_unavailable
        self._constraints_only = constraints_only

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, _exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any
    ) -> Literal[False]:
        if exc is None:
            return False
        if isinstance(exc, ConstraintError):
            raise Duplicate(str(exc.message)) from exc
        if self._constraints_only:
            return False
        # PermissionError is an OSError too, and the services' "not for your role"
        if (isinstance(exc, _UNAVAILABLE) and not isinstance(exc, PermissionError)) or (
            isinstance(exc, DriverError) and "defunct" in str(exc).lower()
        ):
            if self._on_unavailable:
                self._on_unavailable()
            raise DatabaseUnavailable("The graph database is unavailable") from exc
        return False


def tx_run(tx: ManagedTransaction, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]:
    """Run one statement inside a transaction function and return plain dicts."""
    return [record.data() for record in tx.run(cypher, params)]


def tx_values(
    tx: ManagedTransaction, cypher: LiteralString, **params: Any
) -> list[dict[str, Any]]:
    """:func:`tx_run` for a statement that returns only plain values (numbers, strings,
    lists and maps; no node, relationship or path): each record's values as the driver
    decoded them, without ``Record.data``'s walk over every nested list and map (a third
    of the time of a two-hop neighbourhood's answer)."""
    return [dict(record.items()) for record in tx.run(cypher, params)]
