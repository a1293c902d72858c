"""Bulk import and export in the register exchange format (docs/exchange-format.md).

``Importer(graph).run(path, strict=False)`` streams a JSON Lines file: every line is
validated (``records.parse_line``), valid lines are written in batched transactions
(``graph.trade`` and ``reports``), bad lines are reported with their number and reason.
``export_graph(graph, path)`` writes the whole register back in an order import reads.

Batch listeners
---------------
Code that must stay consistent with imported rows registers a listener per kind::

    from graph.exchange import on_batch

    @on_batch("control")
    def update_hit_rates(tx, rows):
        tx.run(UPDATE_HIT_RATES, ids=[row["declaration"] for row in rows])

``fn(tx, rows)`` runs inside the same write transaction, right after each batch of that
kind is written; if it raises, the batch is rolled back and its lines are reported as not
written. ``rows`` are the normalised records (exchange field names; dates as ISO strings,
HS codes as digits, numbers as floats) plus ``created`` (True when the record did not
exist, or existed only as a reference). Per kind, besides the exchange fields:
declarations carry ``hs`` (distinct codes), totals ``value``, ``value_cif``,
``weight_kg``, ``taxes``, ``mode``/``container``/``vessel``/``imo``/``vehicle`` from
``transport`` and ``extra`` (unknown fields); controls carry their ``id``
(``declaration/date``). Listeners must be idempotent (retries and re-imports call them
again with the same rows). Register at import time of a module the app imports.
"""

from graph.exchange.exporter import export_graph
from graph.exchange.importer import DEFAULT_BATCH_SIZE, Importer, ImportSummary, import_file
from graph.exchange.listeners import (
    listeners_for,
    on_batch,
    register_batch_listener,
    register_finish_listener,
    unregister_batch_listener,
)
from graph.exchange.records import Context, LineError, parse_line

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Context",
    "ImportSummary",
    "Importer",
    "LineError",
    "export_graph",
    "import_file",
    "listeners_for",
    "on_batch",
    "parse_line",
    "register_batch_listener",
    "register_finish_listener",
    "unregister_batch_listener",
]
