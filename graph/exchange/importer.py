"""Streaming import of an exchange file: validate line by line, write in batched transactions.

Lines are read one at a time (memory does not grow with the file) and collected into a
window of at most ``batch_size`` valid records. Reading and validating runs one window
ahead in a thread (``read_ahead``), so the next window is parsed while the database
writes this one. A full window is written kind by kind in
dependency order (traders, persons, declarations, controls, reports, relations), one
write transaction per kind, so a line refers to what earlier lines (or earlier lines of
its window) described, and each line's writes commit with its batch or not at all. A
second line with the same kind and id closes the window first, so a batch never holds one
record twice.

A batch the database refuses (a constraint, a type the server rejects) is split in halves
until the offending lines are isolated; they are reported like invalid lines and the
rest is written. An unreachable database stops the import (``DatabaseUnavailable``):
batches already committed stay, and running the same file again completes it.

The importer writes the records only; what is derived from them (risk aggregates, stored
trader scores, watch notifications) is computed once per file from ``Importer.written``
by the import use case (app/exchange/load.py).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import trade
from graph.connection import Graph
from graph.errors import DatabaseUnavailable
from graph.exchange import reports
from graph.exchange.readahead import read_ahead
from graph.exchange.records import KINDS, Context, LineError, Record, parse_line
from graph.filestore import FileStore
from graph.grading import Grading
from graph.mentions import carry_over_tx
from graph.messages import N_, about, message_of
from graph.vocabulary import EntityKind
from nlp import Mention

DEFAULT_BATCH_SIZE = 2000
KNOWN_LIMIT = 200_000
# Write order inside a window: what is referenced before what refers to it.
ORDER = ("trader", "person", "declaration", "control", "report", "relation")

_WRITERS = {
    "trader": trade.write_traders,
    "person": trade.write_persons,
    "declaration": trade.write_declarations,
    "control": trade.write_controls,
    "report": reports.write_reports,
    "relation": trade.write_relations,
}

ErrorHandler = Callable[[int, str], None]


@dataclass
class Window:
    """At most ``batch_size`` records by kind, no kind and id twice, and the bytes of the
    lines read for them (for the progress bar, reported once the window is written)."""

    records: dict[str, list[Record]] = field(default_factory=lambda: {k: [] for k in ORDER})
    keys: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in ORDER})
    size: int = 0
    nbytes: int = 0

    def holds(self, record: Record) -> bool:
        return record.key in self.keys[record.kind]

    def add(self, record: Record) -> None:
        self.records[record.kind].append(record)
        self.keys[record.kind].add(record.key)
        self.size += 1


@dataclass
class Extracted:
    """Mentions of a batch's reports whose text is new or changed, and the former text of
    the changed ones (the analysts' decisions on them follow their words)."""

    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)


@dataclass
class Written:
    """What a run wrote, in file order, for the steps that follow the whole file: the
    declarations and controls as normalised rows with ``created`` (True when the record
    did not exist, or only as a reference), the ids of the reports."""

    declarations: list[dict[str, Any]] = field(default_factory=list)
    controls: list[dict[str, Any]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)

    def add(self, kind: str, records: list[Record], created: set[str]) -> None:
        if kind == "report":
            self.reports.extend(r.key for r in records)
        elif kind in ("declaration", "control"):
            rows = self.declarations if kind == "declaration" else self.controls
            rows.extend({**r.data, "created": r.key in created} for r in records)


@dataclass
class ImportSummary:
    """Counts of one run; ``created + updated + rejected`` is the number of non-blank lines."""

    lines: int = 0
    blank: int = 0
    created: int = 0
    updated: int = 0
    rejected: int = 0
    # analysts' decisions on re-imported reports dropped because their words left the text
    reviews_dropped: int = 0
    written: bool = True  # False when --strict refused the file
    by_kind: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: {"created": 0, "updated": 0} for k in KINDS}
    )
    first_errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rejected == 0

    def reject(self, line: int, reason: str) -> None:
        self.rejected += 1
        if len(self.first_errors) < 100:
            self.first_errors.append((line, reason))

    def as_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "blank": self.blank,
            "created": self.created,
            "updated": self.updated,
            "rejected": self.rejected,
            "reviews_dropped": self.reviews_dropped,
            "written": self.written,
            "by_kind": self.by_kind,
        }


class Importer:
    """One import run against ``graph``; ``on_error(line, reason)`` hears every bad line
    (from the reading thread, as the line is read), ``on_progress(nbytes)`` hears how much
    of the file is written (for a progress bar, in the caller's thread)."""

    def __init__(
        self,
        graph: Graph,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        grading: Grading | None = None,
        on_error: ErrorHandler | None = None,
        on_progress: Callable[[int], None] | None = None,
        store: FileStore | None = None,
    ) -> None:
        self.graph = graph
        self.store = store  # where evidence files referenced by reports go
        self._folder: Path | None = None
        self.batch_size = max(1, batch_size)
        self.grading = grading or Grading.from_config({})  # the app passes its configured one
        self.on_error = on_error
        self.on_progress = on_progress
        self.summary = ImportSummary()
        self.written = Written()
        self._gazetteer: Any = None
        self._gazetteer_stale = True
        # Entities this run saw committed (id -> status), so a batch does not re-merge the
        # same traders and vessels; bounded, since it only saves work.
        self._known: dict[str, str] = {}
        self._pool: ThreadPoolExecutor | None = None

    # -- public ---------------------------------------------------------------------------
    def run(self, path: str | Path, *, strict: bool = False) -> ImportSummary:
        """Import ``path``; with ``strict`` write nothing unless every line is valid."""
        path = Path(path)
        ctx = self.context(path)
        if strict:
            checked = ImportSummary(written=False)
            for number, raw in _lines(path):
                self._parse(number, raw, ctx, checked)
            if not checked.ok:
                self.summary = checked
                return checked
        parsed = ((self._parse(n, raw, ctx, self.summary), len(raw)) for n, raw in _lines(path))
        self._write_all(read_ahead(self._windows(parsed)))
        return self.summary

    def context(self, path: Path) -> Context:
        """What validating the lines of ``path`` needs: the units, the grading, and the
        evidence files folder beside it (``FILE.files/``)."""
        self._folder = path.with_name(path.name + ".files")
        return Context(units=self.graph.read(reports.unit_names), grading=self.grading,
                       file_at_hand=self._file_at_hand if self.store is not None else None)

    def import_records(self, records: list[Record]) -> ImportSummary:
        """Write already validated records (the HTTP API path), batched the same way."""
        self.summary.lines += len(records)
        return self.write_records(records)

    def write_records(self, records: list[Record]) -> ImportSummary:
        """Write records whose lines were counted already (the first load's reports and
        relations, after its offline part)."""
        self._write_all(self._windows((record, 0) for record in records))
        return self.summary

    def _write_all(self, windows: Generator[Window]) -> None:
        try:
            with closing(windows):  # a failed write stops the read-ahead at once
                for window in windows:
                    self._flush(window)
        finally:
            self._close_pool()

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    # -- reading --------------------------------------------------------------------------
    def _parse(
        self, number: int, raw: bytes, ctx: Context, summary: ImportSummary
    ) -> Record | None:
        summary.lines += 1
        try:
            record = parse_line(raw, number, ctx)
        except LineError as exc:
            self._reject(summary, number, message_of(exc))
            return None
        if record is None:
            summary.blank += 1
        return record

    def _reject(self, summary: ImportSummary, line: int, reason: str) -> None:
        summary.reject(line, reason)
        if self.on_error:
            self.on_error(line, reason)

    # -- batching -------------------------------------------------------------------------
    def _windows(self, parsed: Iterable[tuple[Record | None, int]]) -> Generator[Window]:
        """Windows of at most ``batch_size`` records; a record whose kind and id the window
        already holds closes it first, so a batch never holds one record twice."""
        window = Window()
        for record, nbytes in parsed:
            if record is not None:
                if window.holds(record):
                    yield window
                    window = Window()
                window.add(record)
            window.nbytes += nbytes
            if window.size >= self.batch_size:
                yield window
                window = Window()
        if window.size or window.nbytes:
            yield window

    def _flush(self, window: Window) -> None:
        """Write the window kind by kind. Report extraction (CPU in this process) runs in a
        worker thread while controls are written (waiting on the server); it starts after
        traders, persons and declarations, so that the names they confirm (a vessel a
        declaration carries) are in the gazetteer, as they are for a first load."""
        extraction: Future[Extracted] | None = None
        report_records = window.records["report"]
        try:
            for kind in ORDER:
                records = window.records[kind]
                if kind == "control" and report_records:
                    extraction = self._extractor().submit(self._extract, report_records)
                if records:
                    extracted = extraction.result() if extraction and kind == "report" else None
                    self._write(kind, records, extracted)
        finally:
            if extraction is not None and not extraction.done():
                extraction.cancel()
        if self.on_progress and window.nbytes:
            self.on_progress(window.nbytes)

    def _extractor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        return self._pool

    def _file_at_hand(self, sha256: str) -> bool:
        folder = self._folder
        return (self.store is not None and self.store.exists(sha256)) or (
            folder is not None and (folder / sha256).is_file())

    def _bring_files(self, records: list[Record]) -> list[Record]:
        """Put the reports' evidence files from the folder beside the file into the store,
        each hash checked; a report whose file differs from its hash is rejected."""
        kept = []
        for record in records:
            try:
                for item in record.data.get("files") or ():
                    self._bring(item["sha256"])
            except (OSError, ValueError) as exc:
                self._reject(self.summary, record.line, about(message_of(exc), "files"))
                continue
            kept.append(record)
        return kept

    def _bring(self, sha256: str) -> None:
        if self.store is None or self._folder is None or self.store.exists(sha256):
            return
        with (self._folder / sha256).open("rb") as handle:
            found, _size = self.store.put(handle)
        if found != sha256:
            self.store.delete(found)
            raise ValueError(N_("the file %(sha256)s in %(folder)s differs from its hash",
                                sha256=sha256, folder=str(self._folder)))

    def _write(self, kind: str, records: list[Record], extracted: Extracted | None = None) -> None:
        if kind == "report" and self.store is not None:
            records = self._bring_files(records)
            if not records:
                return
        if extracted is None:
            extracted = self._extract(records) if kind == "report" else Extracted()
        try:
            created, dropped = self.graph.write(self._work, kind, records, extracted, self._known)
        except DatabaseUnavailable:
            raise
        except Exception as exc:  # the database refused the batch: isolate the bad lines
            if len(records) == 1:
                self._reject(self.summary, records[0].line,
                             N_("not written: %(why)s", why=_reason(exc)))
                return
            middle = len(records) // 2
            self._write(kind, records[:middle], extracted)
            self._write(kind, records[middle:], extracted)
            return
        self.summary.reviews_dropped += dropped
        self._count(kind, records, created)
        self.written.add(kind, records, created)

    @staticmethod
    def _work(
        tx: Any, kind: str, records: list[Record], extracted: Extracted, known: dict[str, str]
    ) -> tuple[set[str], int]:
        created = _WRITERS[kind](tx, records, known)
        dropped = 0
        if extracted.mentions:
            found = extracted.mentions
            dropped = carry_over_tx(
                tx, extracted.previous, {r.key: found[r.key] for r in records if r.key in found},
                "import")
        return created, dropped

    def _count(self, kind: str, records: list[Record], created: set[str]) -> None:
        if len(self._known) > KNOWN_LIMIT:
            self._known.clear()
        for record in records:
            for ref in record.refs:
                if self._known.get(ref.id) != "confirmed":
                    self._known[ref.id] = ref.status
            if kind in ("trader", "person"):
                self._known[record.key] = "confirmed"
        new = sum(1 for r in records if r.key in created)
        self.summary.created += new
        self.summary.updated += len(records) - new
        self.summary.by_kind[kind]["created"] += new
        self.summary.by_kind[kind]["updated"] += len(records) - new
        if kind in ("trader", "person") or any(
                ref.kind is EntityKind.VESSEL for r in records for ref in r.refs):
            self._gazetteer_stale = True

    # -- extraction -----------------------------------------------------------------------
    def _extract(self, records: list[Record]) -> Extracted:
        """Mentions of reports that are new or whose text changed; an unchanged report
        keeps the mentions (and the analysts' reviews) it already has."""
        import nlp
        from graph.entities import EntityRepository

        known = self.graph.read(reports.existing_texts, [r.key for r in records])
        todo = [r for r in records if known.get(r.key) != r.data["text"]]
        if not todo:
            return Extracted()
        if self._gazetteer is None or self._gazetteer_stale:
            self._gazetteer = nlp.Gazetteer(EntityRepository(self.graph).gazetteer_entries())
            self._gazetteer_stale = False
        found = nlp.extract_many([r.data["text"] for r in todo], gazetteer=self._gazetteer)
        return Extracted(
            mentions={r.key: mentions for r, mentions in zip(todo, found, strict=True)},
            previous={r.key: known[r.key] for r in todo if known.get(r.key) is not None},
        )


def _reason(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return message.splitlines()[0][:300]


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered raw lines, one at a time (decoding is per line, so one bad byte costs one
    line, not the file)."""
    with path.open("rb") as handle:
        yield from enumerate(handle, start=1)
