"""Files that hold the register (the Neo4j store, backups, exports, secrets) are the
owner's alone: folders 0700, files 0600, whatever the umask of whoever started us."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

FOLDER = 0o700
FILE = 0o600
UMASK = 0o077  # for child processes (the embedded Neo4j) that create files of their own


def private_folder(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and missing parents) and make it 0700."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER)
    folder.chmod(FOLDER)
    return folder


def open_private(path: str | os.PathLike[str], mode: str = "w") -> IO:
    """``open(path, mode)`` for writing, the file 0600 before a byte is written."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE)
    os.fchmod(fd, FILE)  # an existing file keeps its mode through os.open
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding="utf-8")


def tighten(folder: str | os.PathLike[str]) -> None:
    """Make everything under ``folder`` owner-only (folders 0700, files 0600)."""
    for root, _folders, files in os.walk(folder):
        os.chmod(root, FOLDER)
        for name in files:
            path = os.path.join(root, name)
            try:
                if not os.path.islink(path) and os.stat(path).st_mode & 0o077:
                    os.chmod(path, FILE)
            except FileNotFoundError:  # removed while we walked
                continue
