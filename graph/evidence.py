"""Evidence files' metadata: ``(:EvidenceFile)-[:ATTACHED_TO]->(parent)``, where the parent
is a report (hotline tips included), a case, a control result or a mutual assistance request.

A file is visible exactly when its parent is: ``FILE_VISIBLE`` reuses ``REPORT_VISIBLE``
(graph/access.py), ``CASE_VISIBLE`` (graph/cases.py) and ``ASSISTANCE_VISIBLE``
(graph/assistance.py); control results are seen by every
officer, like the declarations they belong to. The bytes live in the file store
(graph/filestore.py) under the file's SHA-256; several records may share the same bytes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, LiteralString

from graph.access import REPORT_VISIBLE
from graph.assistance import ASSISTANCE_VISIBLE
from graph.cases import CASE_VISIBLE
from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import Hidden, NotFound


class Parent(StrEnum):
    """What a file may be attached to (the label is never taken from a request)."""

    REPORT = "report"
    CASE = "case"
    CONTROL = "control"
    ASSISTANCE = "assistance"  # a mutual assistance request's reply


_FIELDS = """f {.id, .name, .mime, .size, .sha256, .uploaded_by, .uploaded_at, .stripped,
          .parent_kind, .parent_id, .mentions}"""

_ATTACH: dict[Parent, LiteralString] = {
    Parent.REPORT: "MATCH (p:Report {id: $parent_id})",
    Parent.CASE: "MATCH (p:Case {id: $parent_id})",
    Parent.CONTROL: "MATCH (p:Control {id: $parent_id})",
    Parent.ASSISTANCE: "MATCH (p:AssistanceRequest {id: $parent_id})",
}
_CREATE = """
UNWIND $rows AS row
CREATE (f:EvidenceFile {id: row.id})
SET f += row, f.parent_kind = $kind, f.parent_id = $parent_id
CREATE (f)-[:ATTACHED_TO]->(p)
RETURN count(f) AS created
"""

FILE_VISIBLE = (
    """(
  EXISTS { MATCH (f)-[:ATTACHED_TO]->(r:Report) WHERE """
    + REPORT_VISIBLE
    + """ }
  OR EXISTS { MATCH (f)-[:ATTACHED_TO]->(c:Case) WHERE """
    + CASE_VISIBLE
    + """ }
  OR EXISTS { (f)-[:ATTACHED_TO]->(:Control) }
  OR EXISTS { MATCH (f)-[:ATTACHED_TO]->(a:AssistanceRequest) WHERE """
    + ASSISTANCE_VISIBLE
    + """ }
)"""
)

GET_FILE = "MATCH (f:EvidenceFile {id: $id}) WHERE " + FILE_VISIBLE + " RETURN " + _FIELDS + \
    " AS file"
FILE_EXISTS = "MATCH (f:EvidenceFile {id: $id}) RETURN count(f) > 0 AS found"

_LIST: dict[Parent, LiteralString] = {
    Parent.REPORT: "MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(:Report {id: $parent_id})",
    Parent.CASE: "MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(:Case {id: $parent_id})",
    Parent.CONTROL: "MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(:Control {id: $parent_id})",
    Parent.ASSISTANCE:
        "MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(:AssistanceRequest {id: $parent_id})",
}
_LIST_TAIL = " WHERE " + FILE_VISIBLE + " RETURN " + _FIELDS + \
    " AS file ORDER BY f.uploaded_at, f.name"

IN_USE = "MATCH (f:EvidenceFile {sha256: $sha256}) RETURN count(f) > 0 AS used"

ALL_FILES = """
MATCH (f:EvidenceFile)
RETURN f.sha256 AS sha256, count(f) AS records, max(f.size) AS size
ORDER BY sha256
"""

# The exchange format's file references: a report's file is known by its hash, so a
# second import of the same line attaches nothing new.
IMPORT_FILES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
WHERE NOT EXISTS { (:EvidenceFile {sha256: row.sha256})-[:ATTACHED_TO]->(r) }
CREATE (f:EvidenceFile {id: row.id, name: row.name, mime: row.mime, size: row.size,
                        sha256: row.sha256, uploaded_by: 'import', uploaded_at: $now,
                        stripped: false, parent_kind: 'report', parent_id: row.report_id})
CREATE (f)-[:ATTACHED_TO]->(r)
"""


class EvidenceRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def attach(self, kind: Parent, parent_id: str, rows: list[dict[str, Any]]) -> None:
        """Create the files' records on an existing parent (inside the caller's
        transaction when there is one); NotFound when there is no such parent."""
        self.graph.write(attach_tx, kind, parent_id, rows)

    def get(self, file_id: str, viewer: dict[str, str]) -> dict[str, Any]:
        """The file's record for this viewer; ``Hidden`` when it exists beyond need-to-know,
        ``NotFound`` when it does not (both a 404 to the viewer)."""
        rows = self.graph.query(GET_FILE, {"id": file_id, "viewer": viewer})
        if rows:
            return rows[0]["file"]
        found = self.graph.query(FILE_EXISTS, {"id": file_id})
        message = f"no file {file_id}"
        raise Hidden(message) if found and found[0]["found"] else NotFound(message)

    def of(self, kind: Parent, parent_id: str, viewer: dict[str, str]) -> list[dict[str, Any]]:
        """The files of one record the viewer may see (none when they may not)."""
        rows = self.graph.query(_LIST[kind] + _LIST_TAIL, {"parent_id": parent_id,
                                                            "viewer": viewer})
        return [r["file"] for r in rows]

    def in_use(self, sha256: str) -> bool:
        """Whether any record still refers to these bytes."""
        return bool(self.graph.query(IN_USE, {"sha256": sha256})[0]["used"])

    def stored(self) -> list[dict[str, Any]]:
        """Every distinct file the records refer to (backups copy these)."""
        return self.graph.query(ALL_FILES)


def import_files_tx(tx: Any, rows: list[dict[str, Any]]) -> None:
    """Attach imported file references (report_id, name, sha256, mime, size) once each."""
    if rows:
        tx_run(tx, IMPORT_FILES, rows=rows, now=utc_now())


def attach_tx(tx: Any, kind: Parent, parent_id: str, rows: list[dict[str, Any]]) -> None:
    """Create the files' records on a parent within the transaction ``tx``."""
    if not rows:
        return
    done = tx_run(tx, _ATTACH[Parent(kind)] + _CREATE, kind=Parent(kind).value,
                  parent_id=parent_id, rows=rows)
    if not done or done[0]["created"] != len(rows):
        raise NotFound(f"no {kind} {parent_id}")
