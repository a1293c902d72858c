"""Where evidence files' bytes live: one small interface (put, open, delete, exists) over
content-addressed storage, so several app servers can later share an object store.

Today the only store is :class:`LocalFileStore`: files named by their SHA-256 under
``$CORDON_DATA/files/ab/cd/abcd…`` (folders 0700, files 0600, graph/private.py). Several
app servers share it on a common volume. The same bytes are stored once however often
they are sent, so a retry on a poor network stores nothing new. A file is written to a
temporary name and renamed into place: a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

from graph.private import open_private, private_folder

CHUNK = 64 * 1024
DIGEST = re.compile(r"[0-9a-f]{64}")


class TooLarge(ValueError):
    """The bytes went past the limit; nothing was kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit // (1024 * 1024)} MB")
        self.limit = limit


class FileStoreError(RuntimeError):
    """A stored file is missing or no longer matches its hash."""


class FileStore(Protocol):
    def put(self, source: IO[bytes], limit: int | None = None) -> tuple[str, int]:
        """Store the bytes read from ``source``; return (SHA-256 hex, size)."""

    def open(self, digest: str) -> IO[bytes]:
        """The stored bytes for reading (FileNotFoundError when absent)."""

    def delete(self, digest: str) -> None:
        """Remove the bytes (nothing when absent)."""

    def exists(self, digest: str) -> bool: ...


def read_limited(source: IO[bytes], limit: int) -> Iterator[bytes]:
    """The chunks of ``source``, stopping with :class:`TooLarge` as soon as more than
    ``limit`` bytes came: the rest is never read."""
    seen = 0
    while chunk := source.read(CHUNK):
        seen += len(chunk)
        if seen > limit:
            raise TooLarge(limit)
        yield chunk


class LocalFileStore:
    """Content-addressed files in a private folder (see the module docstring)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        if not DIGEST.fullmatch(digest or ""):
            raise FileNotFoundError(f"not a SHA-256 digest: {digest[:80]!r}")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, source: IO[bytes], limit: int | None = None) -> tuple[str, int]:
        incoming = private_folder(self.root / "incoming")
        fd, temp = tempfile.mkstemp(dir=incoming)
        os.close(fd)
        digest = hashlib.sha256()
        size = 0
        try:
            with open_private(temp, "wb") as out:
                for chunk in read_limited(source, limit if limit is not None else 2**62):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            final = self.path(digest.hexdigest())
            if final.exists():
                os.unlink(temp)
            else:
                private_folder(final.parent)
                os.replace(temp, final)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
        return digest.hexdigest(), size

    def open(self, digest: str) -> IO[bytes]:
        return self.path(digest).open("rb")

    def delete(self, digest: str) -> None:
        try:
            self.path(digest).unlink()
        except FileNotFoundError:
            return

    def exists(self, digest: str) -> bool:
        try:
            return self.path(digest).is_file()
        except FileNotFoundError:
            return False


def file_store(data_dir: str | os.PathLike[str]) -> FileStore:
    """The store of the data folder ``$CORDON_DATA`` (its ``files`` folder)."""
    return LocalFileStore(Path(data_dir) / "files")



def copy_out(store: FileStore, digests: Iterable[str], folder: Path) -> None:
    """Copy stored files into ``folder`` (named by hash, owner-only), checking each one's
    hash as it is copied (backups and exports)."""
    private_folder(folder)
    for digest in sorted(set(digests)):
        try:
            source = store.open(digest)
        except FileNotFoundError:
            raise FileStoreError(f"evidence file {digest} is missing from the file store") \
                from None
        found = hashlib.sha256()
        with source, open_private(folder / digest, "wb") as out:
            while chunk := source.read(CHUNK):
                found.update(chunk)
                out.write(chunk)
        if found.hexdigest() != digest:
            raise FileStoreError(f"evidence file {digest} in the file store is damaged (its "
                                 "hash differs)")
