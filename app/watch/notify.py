"""Who is told about a write, for the services that write (no request objects here).

Each function runs through ``graph.write``, so called inside ``Graph.atomically`` (or an
``@atomic`` service) the notifications and their mail commit with the write that caused
them. The rules of who may hear of what live in graph/notify.py, in the Cypher.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.mail import mail_enabled
from graph import notify
from graph.connection import Graph


def report_changed(graph: Graph, report_id: str, actor_id: str | None = None) -> list[str]:
    """A report was submitted, edited, or its entities reviewed, linked or added."""
    return graph.write(notify.report_watchers, [report_id], mail=mail_enabled(),
                       actor_id=actor_id)


def disseminated(
    graph: Graph, report_id: str, recipients: Sequence[dict[str, str]], actor_id: str
) -> list[str]:
    """The recipients hear of the report; watchers who may now read it hear too."""

    def tell(tx: Any) -> list[str]:
        told = notify.disseminated(tx, report_id, recipients, mail=mail_enabled(),
                                   actor_id=actor_id)
        return told + notify.report_watchers(tx, [report_id], mail=mail_enabled(),
                                             actor_id=actor_id)

    return graph.write(tell)


def feedback_due(graph: Graph, due_before: str) -> list[str]:
    """Recipients who have not answered a report sent before ``due_before`` hear of it,
    once per report (the reminder round, app/background.py)."""
    return graph.write(notify.feedback_due, due_before, mail=mail_enabled())


def task_assigned(graph: Graph, task_id: str, actor_id: str) -> list[str]:
    return graph.write(notify.task_assigned, task_id, mail=mail_enabled(), actor_id=actor_id)


def task_changed(graph: Graph, task_id: str, actor_id: str) -> list[str]:
    return graph.write(notify.task_changed, task_id, mail=mail_enabled(), actor_id=actor_id)


def tip_followup(graph: Graph, report_id: str, message_id: str) -> list[str]:
    """The analysts handling the tip hear of the tipster's new information; watchers of
    what it names too."""
    told = graph.write(notify.tip_followup, report_id, message_id, mail=mail_enabled())
    return told + report_changed(graph, report_id)


def control_recorded(graph: Graph, control_id: str, actor_id: str | None = None) -> list[str]:
    return graph.write(notify.control_watchers, [control_id], mail=mail_enabled(),
                       actor_id=actor_id)


def aeo_scores_tx(tx: Any, refs: Sequence[str], threshold: float) -> list[str]:
    """New trader scores: AEO traders that just drifted to ``threshold`` or above alert
    the committee and the auditors (graph/aeo.py keeps the drift, graph/notify.py tells)."""
    from graph.aeo import mark_drift

    drifted = mark_drift(tx, refs, threshold)
    return notify.aeo_drift(tx, drifted, threshold, mail=mail_enabled()) if drifted else []


def imported_tx(tx: Any, *, declarations: Sequence[str] = (), controls: Sequence[str] = (),
                reports: Sequence[str] = ()) -> list[str]:
    """An import (app/exchange/load.py, once per file): watchers hear of the declarations
    it created, and of the controls and reports it wrote."""
    if not (declarations or controls or reports) or not notify.anything_watched(tx):
        return []
    mail = mail_enabled()
    told = []
    if declarations:
        told += notify.declaration_watchers(tx, declarations, mail=mail)
    if controls:
        told += notify.control_watchers(tx, controls, mail=mail)
    if reports:
        told += notify.report_watchers(tx, reports, mail=mail)
    return told
