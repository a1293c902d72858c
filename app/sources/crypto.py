"""Encryption at rest for source identities (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from ``CORDON_SOURCE_KEY`` or, failing that, from ``$CORDON_DATA/source_key``
(mode 0600, created on first use). Losing the key loses the identities: back it up apart
from the database, which holds only ciphertext.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

KEY_FILE = "source_key"


def load_key(data_dir: Path, env_key: str | None = None) -> bytes:
    if env_key:
        return env_key.strip().encode()
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(fd, "wb") as handle:
            handle.write(Fernet.generate_key())
    return path.read_bytes().strip()


class IdentityCipher:
    """Seals and opens a source's identity record (a small JSON object)."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, identity: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(identity, sort_keys=True).encode()).decode()

    def open(self, token: str) -> dict[str, Any]:
        try:
            return json.loads(self._fernet.decrypt(token.encode()))
        except InvalidToken as exc:
            raise ValueError("the identity cannot be decrypted with this instance's key") from exc
