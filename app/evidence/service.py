"""Evidence files: check what was sent (type by content, size while reading), clean images,
store the bytes, and hand the records to the feature that attaches them (reports, tips,
cases, controls) in the transaction that writes that feature's record.

The order that leaves nothing behind: bytes are checked and stored first (the store is
content-addressed: the same bytes once, whatever the retries); the records are written in
one transaction with the parent's own write and its audit event; when that transaction
fails, bytes that no record refers to are deleted again (:meth:`Evidence.discard`).
Free of request objects: the pages, the API and the hotline share it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import IO, Any, TypeVar

from flask_babel import gettext as _

from app.audit import recorded_read
from app.evidence import content
from graph.access import viewer_param
from graph.clock import utc_now
from graph.connection import Graph
from graph.errors import Refused
from graph.evidence import EvidenceRepository, Parent
from graph.filestore import FileStore, TooLarge, file_store, read_limited
from nlp import Mention

MB = 1024 * 1024
MAX_FILES = 10  # per form or request
MAX_NAME = 200
T = TypeVar("T")


class EvidenceError(Refused, ValueError):
    """A file that is refused, with a message for the sender; ``status`` 400 or 413."""

    field = "files"

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Upload:
    """One file as received: the name the sender gave and its bytes to read."""

    name: str
    stream: IO[bytes]


@dataclass
class Prepared:
    """A checked file whose bytes are stored, waiting for its record."""

    row: dict[str, Any]
    kind: content.Kind
    text: str = ""
    mentions: list[Mention] = field(default_factory=list)


def limit_bytes(config: Any) -> int:
    return int(config.get("MAX_UPLOAD_MB", 20)) * MB


def clean_name(name: str | None) -> str:
    """The file's name as shown and offered for download: its last path part, printable
    characters only, at most :data:`MAX_NAME` characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if unicodedata.category(c)[0] not in ("C",)).strip().strip(".")
    return base[:MAX_NAME] or "file"


@dataclass(frozen=True)
class Evidence:
    graph: Graph
    store: FileStore
    limit: int

    @classmethod
    def from_config(cls, graph: Graph, config: Any) -> Evidence:
        return cls(graph, file_store(config["CORDON_DATA"]), limit_bytes(config))

    @property
    def repo(self) -> EvidenceRepository:
        return EvidenceRepository(self.graph)

    # ------------------------------------------------------------------ receiving

    def prepare(
        self, uploads: Iterable[Upload], *, by: str, strip: bool = False,
        extract: bool = False,
    ) -> list[Prepared]:
        """Check and store each file; ``strip`` removes image metadata (always for the
        hotline), ``extract`` finds the entities in the text of PDFs and text files."""
        chosen = [u for u in uploads if u.name or u.stream]
        if len(chosen) > MAX_FILES:
            raise EvidenceError(_("Attach at most %(max_files)s files at once.",
                                  max_files=MAX_FILES))
        done: list[Prepared] = []
        try:
            for upload in chosen:
                done.append(self._one(upload, by=by, strip=strip, extract=extract))
        except BaseException:
            self.discard(done)
            raise
        return done

    def _one(self, upload: Upload, *, by: str, strip: bool, extract: bool) -> Prepared:
        name = clean_name(upload.name)
        try:
            data = b"".join(read_limited(upload.stream, self.limit))
        except TooLarge:
            raise EvidenceError(_("%(name)s is larger than %(value)s MB, the largest file Cordon "
                                  "accepts.", name=name, value=self.limit // MB), 413) from None
        if not data:
            raise EvidenceError(_("%(name)s is empty.", name=name))
        try:
            kind = content.sniff(data)
            if kind.image and strip:
                data = content.clean_image(data, kind)
            elif kind.image:
                content.check_image(data)
        except content.Refused as exc:
            raise EvidenceError(_("%(name)s: %(exc)s", name=name, exc=exc)) from None
        sha256, size = self.store.put(io.BytesIO(data))
        row = {"id": "F-" + uuid.uuid4().hex[:16].upper(), "name": name, "mime": kind.mime,
               "size": size, "sha256": sha256, "uploaded_by": by, "uploaded_at": utc_now(),
               "stripped": bool(kind.image and strip)}
        prepared = Prepared(row, kind)
        if extract and kind.text:
            prepared.text = content.text_of(data, kind)
            prepared.mentions = self._mentions(prepared)
            row["mentions"] = len(prepared.mentions)
        return prepared

    def _mentions(self, prepared: Prepared) -> list[Mention]:
        """The entities named in the file's text, once each, pointing to the file."""
        from app.intake.extraction import extract_mentions

        seen: set[tuple[str, str]] = set()
        out = []
        for m in extract_mentions(self.graph, prepared.text):
            key = (m.label, (m.normalized or m.text).lower())
            if key in seen:
                continue
            seen.add(key)
            out.append(replace(m, start=None, end=None, field="file", file=prepared.row["id"]))
        return out

    def discard(self, prepared: Iterable[Prepared]) -> None:
        """Delete stored bytes no record refers to (after a write that failed)."""
        for item in prepared:
            if not self.repo.in_use(item.row["sha256"]):
                self.store.delete(item.row["sha256"])

    def saved(self, prepared: list[Prepared], write: Callable[[], T]) -> T:
        """Run ``write`` (the transaction that writes the records); on failure, the bytes
        it would have referred to go again."""
        try:
            return write()
        except BaseException:
            self.discard(prepared)
            raise

    # ------------------------------------------------------------------ reading

    def files_of(self, user: Any, kind: Parent, parent_id: str) -> list[dict[str, Any]]:
        return self.repo.of(kind, parent_id, viewer_param(user))

    def download(self, user: Any, file_id: str, via: str = "page") -> tuple[dict[str, Any],
                                                                            IO[bytes]]:
        """The file's record and bytes when the viewer may see its parent; the download,
        or the refused attempt, is audited. NotFound (404) otherwise."""
        record = recorded_read("file.download", file_id,
                               lambda: self.repo.get(file_id, viewer_param(user)),
                               {"via": via},
                               summary=lambda f: {"parent": f"{f['parent_kind']}:"
                                                            f"{f['parent_id']}"})
        return record, self.store.open(record["sha256"])

    def thumbnail(self, user: Any, file_id: str) -> bytes:
        """A small JPEG of an image the viewer may see (the page showing it was audited);
        a refused attempt is audited like a download."""
        record = recorded_read("file.thumbnail", file_id,
                               lambda: self.repo.get(file_id, viewer_param(user)))
        if not content.KINDS[record["mime"]].image:
            raise EvidenceError(_("Only images have thumbnails."), 404)
        with self.store.open(record["sha256"]) as handle:
            return content.thumbnail(handle.read())


def rows(prepared: list[Prepared]) -> list[dict[str, Any]]:
    return [p.row for p in prepared]


def mentions(prepared: list[Prepared]) -> list[Mention]:
    return [m for p in prepared for m in p.mentions]


def summary(prepared: list[Prepared]) -> list[dict[str, Any]]:
    """What the audit event records of the files: id, type, size and hash, no names."""
    return [{"id": p.row["id"], "type": p.row["mime"], "size": p.row["size"],
             "sha256": p.row["sha256"]} for p in prepared]
