"""Explainable risk engine for customs selectivity (pure Python + numpy).

No web framework or database imports: callers feed exchange-format dicts and a
:class:`risk.stats.HistoryStats` store, and get scores with reasons back.
"""
