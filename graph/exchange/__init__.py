"""Bulk import and export in the register exchange format (docs/exchange-format.md).

``Importer(graph).run(path, strict=False)`` streams a JSON Lines file: every line is
validated (``records.parse_line``), valid lines are written in batched transactions
(``graph.trade`` and ``reports``), bad lines are reported with their number and reason.
``export_graph(graph, path)`` writes the whole register back in an order import reads.

What derives from the written records (risk aggregates, stored trader scores, watch
notifications) is not the importer's: the import use case (app/exchange/load.py) computes
it once per file from ``Importer.written``, whatever the entry point.
"""

from graph.exchange.exporter import export_graph
from graph.exchange.importer import DEFAULT_BATCH_SIZE, Importer, ImportSummary, Written
from graph.exchange.records import Context, LineError, parse_line

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Context",
    "ImportSummary",
    "Importer",
    "LineError",
    "Written",
    "export_graph",
    "parse_line",
]
