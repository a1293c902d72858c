"""A declaration as its page shows it: the line, its parties and controls, as far as the
reader may see them (need-to-know in the query, graph/declarations.py)."""

from __future__ import annotations

from typing import Any

from graph.access import viewer_param
from graph.connection import Graph
from graph.declarations import DeclarationRepository


def page(graph: Graph, user: Any, declaration_id: str) -> dict[str, Any]:
    """The declaration's page for ``user``; :class:`graph.errors.NotFound` when there is
    none they may see."""
    return DeclarationRepository(graph).page(declaration_id, viewer_param(user))
