"""Backup and restore of the whole graph, independent of the Neo4j edition.

``dump`` reads every node and relationship inside ONE read transaction, so the backup is a
consistent snapshot even while officers keep writing. It writes JSON Lines (nodes first,
then relationships) and a manifest with counts per label and type and the file's
SHA-256. ``restore`` checks the manifest, refuses a non-empty database, and writes back
in batches with dynamic labels and types; the counts are compared after the restore.

Users, units, sources (identities stay encrypted), reports, cases, the audit chain: all
of it is in the graph, so all of it is in the backup. Evidence files' bytes live in the
file store (graph/filestore.py): the backup copies every file the snapshot refers to into
a folder beside it (``cordon-….jsonl.files/<sha256>``), each hash checked as it is copied,
verified again before a restore and once more as the file goes back into the store.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j import time as neo4j_time

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.filestore import CHUNK, FileStore, FileStoreError, copy_out
from graph.private import open_private

FORMAT = "cordon-backup/1"
BATCH = 2000

ALL_NODES = "MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
ALL_RELATIONSHIPS = """
MATCH (a)-[r]->(b)
RETURN elementId(a) AS start, elementId(b) AS end, type(r) AS type, properties(r) AS props
"""
COUNT_ALL = "MATCH (n) RETURN count(n) AS nodes"
LABEL_COUNTS = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count"
TYPE_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count"

# What counts as data: anything but migration records and a lone HQ unit.
USER_DATA = """
MATCH (n)
WHERE NOT n:Migration AND NOT (n:Unit AND n.name = 'HQ' AND NOT (n)--())
RETURN count(n) AS nodes
"""
WIPE = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"

RESTORE_INDEX = (
    "CREATE INDEX cordon_restore_id IF NOT EXISTS FOR (n:CordonRestore) ON (n.cordon_restore_id)"
)
DROP_RESTORE_INDEX = "DROP INDEX cordon_restore_id IF EXISTS"
RESTORE_NODES = """
UNWIND $rows AS row
CREATE (n:CordonRestore)
SET n = row.props, n.cordon_restore_id = row.id
SET n:$(row.labels)
"""
RESTORE_RELATIONSHIPS = """
UNWIND $rows AS row
MATCH (a:CordonRestore {cordon_restore_id: row.start})
MATCH (b:CordonRestore {cordon_restore_id: row.end})
CREATE (a)-[r:$(row.type)]->(b)
SET r = row.props
"""
CLEAN_RESTORE_MARKS = """
MATCH (n:CordonRestore)
CALL (n) { REMOVE n:CordonRestore REMOVE n.cordon_restore_id } IN TRANSACTIONS OF 5000 ROWS
"""


class BackupError(RuntimeError):
    """The backup is damaged, does not match its manifest, or cannot be restored here."""


@dataclass(frozen=True)
class Manifest:
    format: str
    created_at: str
    nodes: int
    relationships: int
    labels: dict[str, int]
    types: dict[str, int]
    sha256: str
    files: dict[str, int] = field(default_factory=dict)  # evidence files: sha256 -> size

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"cannot read manifest {path}: {exc}") from exc


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def files_path(path: Path) -> Path:
    """The folder of the evidence files beside a backup."""
    return path.with_name(path.name + ".files")


def dump(graph: Graph, path: Path, store: FileStore | None = None) -> Manifest:
    """Write a consistent snapshot of the graph to ``path`` and its manifest beside it,
    and the evidence files it refers to (from ``store``) into :func:`files_path`."""
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    digest = hashlib.sha256()
    labels: Counter[str] = Counter()
    types: Counter[str] = Counter()
    counts = {"nodes": 0, "relationships": 0}
    files: dict[str, int] = {}

    def work(tx: Any) -> None:
        files.clear()
        with open_private(tmp) as out:
            for record in tx.run(ALL_NODES):
                line = _line(
                    {
                        "n": record["id"],
                        "labels": record["labels"],
                        "props": _encode(record["props"]),
                    }
                )
                out.write(line)
                digest.update(line.encode())
                labels.update(record["labels"])
                counts["nodes"] += 1
                if "EvidenceFile" in record["labels"] and record["props"].get("sha256"):
                    files[record["props"]["sha256"]] = int(record["props"].get("size") or 0)
            for record in tx.run(ALL_RELATIONSHIPS):
                line = _line(
                    {
                        "r": record["type"],
                        "start": record["start"],
                        "end": record["end"],
                        "props": _encode(record["props"]),
                    }
                )
                out.write(line)
                digest.update(line.encode())
                types[record["type"]] += 1
                counts["relationships"] += 1

    # A retry of the unit of work rewrites the file from the start, so retries are safe.
    graph.read(work)
    if files:
        if store is None:
            raise BackupError("the graph refers to evidence files: give the file store")
        try:
            copy_out(store, files, files_path(path))
        except FileStoreError as exc:
            raise BackupError(str(exc)) from None
    manifest = Manifest(
        FORMAT,
        utc_now(),
        counts["nodes"],
        counts["relationships"],
        dict(labels),
        dict(types),
        digest.hexdigest(),
        dict(sorted(files.items())),
    )
    tmp.replace(path)
    with open_private(manifest_path(path)) as out:
        out.write(json.dumps(manifest.__dict__, indent=2, sort_keys=True))
    return manifest


def verify(path: Path) -> Manifest:
    """Check the file against its manifest (checksum and counts)."""
    path = Path(path)
    manifest = Manifest.read(manifest_path(path))
    if manifest.format != FORMAT:
        raise BackupError(f"unknown backup format {manifest.format!r}")
    digest = hashlib.sha256()
    nodes = relationships = 0
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            digest.update(line.encode())
            if line.startswith('{"n"'):
                nodes += 1
            else:
                relationships += 1
    if digest.hexdigest() != manifest.sha256:
        raise BackupError("checksum mismatch: the backup file was changed or truncated")
    if (nodes, relationships) != (manifest.nodes, manifest.relationships):
        raise BackupError("record counts differ from the manifest")
    folder = files_path(path)
    for sha256 in manifest.files:
        try:
            with (folder / sha256).open("rb") as handle:
                found = _hash(handle)
        except OSError:
            raise BackupError(f"evidence file {sha256} is missing from {folder}") from None
        if found != sha256:
            raise BackupError(f"evidence file {sha256} in {folder} was changed (its hash "
                              "differs)")
    return manifest


def _hash(handle: Any, out: Any = None) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        if out is not None:
            out.write(chunk)
    return digest.hexdigest()


def _copy_in(store: FileStore, manifest: Manifest, folder: Path) -> None:
    """Put the backup's evidence files back into the store, each hash checked again."""
    for sha256 in manifest.files:
        with (folder / sha256).open("rb") as handle:
            found, _size = store.put(handle)
        if found != sha256:
            store.delete(found)
            raise BackupError(f"evidence file {sha256} changed while it was restored")


def restore(
    graph: Graph, path: Path, *, replace: bool = False, store: FileStore | None = None
) -> Manifest:
    """Restore a verified backup into an empty database, or replace everything; its
    evidence files go back into ``store``.

    "Empty" allows what ``flask db upgrade`` leaves in a new database (migration records
    and the HQ unit), so the usual order is: new data folder, ``db upgrade``, ``restore``.
    """
    manifest = verify(path)
    if manifest.files and store is None:
        raise BackupError("the backup holds evidence files: give the file store")
    existing = graph.query(USER_DATA)[0]["nodes"]
    if existing and not replace:
        raise BackupError(
            f"the database holds {existing} records; restore into an empty database, "
            "or pass --replace to discard them"
        )
    with graph.driver.session(database=graph.database) as session:
        session.run(WIPE).consume()  # migration records come back from the backup
    graph.run_schema(RESTORE_INDEX)
    graph.query("CALL db.awaitIndexes(300)")
    try:
        for batch in _batches(_records(path, "n")):
            rows = [
                {"id": r["n"], "labels": r["labels"], "props": _decode(r["props"])} for r in batch
            ]
            graph.write(tx_run, RESTORE_NODES, rows=rows)
        for batch in _batches(_records(path, "r")):
            rows = [
                {"type": r["r"], "start": r["start"], "end": r["end"], "props": _decode(r["props"])}
                for r in batch
            ]
            graph.write(tx_run, RESTORE_RELATIONSHIPS, rows=rows)
        with graph.driver.session(database=graph.database) as session:
            session.run(CLEAN_RESTORE_MARKS).consume()
    finally:
        graph.run_schema(DROP_RESTORE_INDEX)
    actual = counts(graph)
    if actual["nodes"] != manifest.nodes or actual["relationships"] != manifest.relationships:
        raise BackupError(f"restored counts {actual} differ from the manifest")
    if store is not None:
        _copy_in(store, manifest, files_path(Path(path)))
    return manifest


def counts(graph: Graph) -> dict[str, Any]:
    labels = {r["label"]: r["count"] for r in graph.query(LABEL_COUNTS)}
    types = {r["type"]: r["count"] for r in graph.query(TYPE_COUNTS)}
    return {
        "nodes": graph.query(COUNT_ALL)[0]["nodes"],
        "relationships": sum(types.values()),
        "labels": labels,
        "types": types,
    }


def _records(path: Path, kind: str) -> Iterator[dict[str, Any]]:
    with path.open("r", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if kind in record:
                yield record


def _batches(records: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _line(record: dict[str, Any]) -> str:
    # Top-level key order is fixed ("n" or "r" first): verify counts lines by it.
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


# Neo4j temporal values are tagged so that they come back with their type.
_TEMPORAL: dict[str, type[Any]] = {
    "date": neo4j_time.Date,
    "datetime": neo4j_time.DateTime,
    "time": neo4j_time.Time,
    "duration": neo4j_time.Duration,
}


def _encode(props: dict[str, Any]) -> dict[str, Any]:
    return {key: _encode_value(value) for key, value in props.items()}


def _encode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_encode_value(v) for v in value]
    for tag, cls in _TEMPORAL.items():
        if isinstance(value, cls):
            return {"$temporal": tag, "iso": value.iso_format()}
    if isinstance(value, bytes):
        return {"$bytes": value.hex()}
    return value


def _decode(props: dict[str, Any]) -> dict[str, Any]:
    return {key: _decode_value(value) for key, value in props.items()}


def _decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if isinstance(value, dict) and "$temporal" in value:
        tag = value["$temporal"]
        if tag == "duration":
            return neo4j_time.Duration.from_iso_format(value["iso"])
        return _TEMPORAL[tag].from_iso_format(value["iso"])
    if isinstance(value, dict) and "$bytes" in value:
        return bytes.fromhex(value["$bytes"])
    return value
