"""Bulk exchange of registers: ``flask import FILE [--strict]`` and ``flask export FILE``.

A blueprint without routes (``cli_group=None`` puts its commands at the top level);
the work happens in ``graph.exchange`` so the API can share it.
"""

from flask import Blueprint

bp = Blueprint("exchange", __name__, cli_group=None)

from app.exchange import cli  # noqa: E402, F401
