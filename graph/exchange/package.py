"""Exchange packages between Cordon instances and partner agencies: sealed, signed files.

A package carries sanitised reports, their entities and relations, handling codes and the
originator's conditions, with a manifest of SHA-256 hashes. It is

- encrypted to the partner: an ephemeral X25519 key agreed with the partner's X25519
  public key, HKDF-SHA256 to a 256-bit key, ChaCha20-Poly1305 over the payload, with the
  envelope's header as associated data;
- signed by the sending instance: Ed25519 over the header and the ciphertext, so a
  receiver checks who sent it, and that not a byte changed, before decrypting anything.

The file is one JSON object (the envelope, docs/exchange-format.md "Exchange packages").
Pure functions and the instance's key files; no Flask, no Neo4j. What goes into a
package and what a received one becomes are app/cooperation's rules.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from graph import safejson
from graph.messages import N_
from graph.private import open_private, private_folder

FORMAT = "cordon-exchange-package"
VERSION = 1
KDF_INFO = b"cordon-exchange-package v1"
MAX_PACKAGE_BYTES = 50 * 1024 * 1024  # far above any real package; refuse before parsing
_HEADER = ("format", "version", "package_id", "created", "sender_key", "recipient_key",
           "ephemeral_key", "nonce")  # fmt: skip


class PackageRefused(ValueError):
    """A package that cannot be taken; the message says why in words an officer reads."""


# --------------------------------------------------------------------------- keys


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(str(text).strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PackageRefused(N_("the package is damaged: its %(what)s is not base64",
                                what=what)) from None


def _public_raw(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _private_raw(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def public_key_problem(text: str, kind: str) -> str | None:
    """Why ``text`` is not a base64 raw public key of ``kind`` ('ed25519' or 'x25519'),
    or None. (A key as another Cordon's partners page shows it: 44 characters.)"""
    try:
        raw = base64.b64decode((text or "").strip(), validate=True)
    except (binascii.Error, ValueError):
        return "is not base64 (44 characters, as the partner's Cordon shows it)"
    if len(raw) != 32:
        return f"is {len(raw)} bytes long; a public key is 32 bytes (44 base64 characters)"
    try:
        if kind == "ed25519":
            Ed25519PublicKey.from_public_bytes(raw)
        else:
            X25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return "is not a valid key"
    if not any(raw):
        return "is not a valid key"
    return None


@dataclass(frozen=True)
class InstanceKeys:
    """This instance's own key pairs: Ed25519 to sign, X25519 to be encrypted to."""

    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @property
    def verify_key(self) -> str:
        return b64(_public_raw(self.signing.public_key()))

    @property
    def encryption_key(self) -> str:
        return b64(_public_raw(self.encryption.public_key()))


def instance_keys(data_dir: str | os.PathLike[str]) -> InstanceKeys:
    """The instance's keys, kept in ``<data_dir>/exchange/`` (folder 0700, files 0600),
    generated at first use. Several processes starting at once agree on one key: the
    first to create a file wins and the others read it."""
    folder = private_folder(Path(data_dir) / "exchange")
    signing = Ed25519PrivateKey.from_private_bytes(
        _key_file(folder / "signing_key", lambda: _private_raw(Ed25519PrivateKey.generate())))
    encryption = X25519PrivateKey.from_private_bytes(
        _key_file(folder / "encryption_key", lambda: _private_raw(X25519PrivateKey.generate())))
    return InstanceKeys(signing, encryption)


def _key_file(path: Path, generate: Callable[[], bytes]) -> bytes:
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
        with open_private(temporary) as handle:
            handle.write(b64(generate()))
        try:
            os.link(temporary, path)  # fails when another process made it first
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return base64.b64decode(path.read_text().strip())


# --------------------------------------------------------------------------- packages


def canonical(value: Any) -> bytes:
    """The bytes hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def manifest(payload: dict[str, Any]) -> dict[str, Any]:
    """Hashes of what a payload carries: each report, the entities, the relations (and
    the mutual assistance requests and replies, app/assistance/exchange.py)."""
    hashes: dict[str, Any] = {
        "reports": [{"reference": r["reference"], "sha256": sha256(r)}
                    for r in payload["reports"]],
        "entities": sha256(payload["entities"]),
        "relations": sha256(payload["relations"]),
    }
    if "assistance_requests" in payload:  # mutual assistance requests and replies
        hashes["assistance_requests"] = sha256(payload["assistance_requests"])
    return hashes


def seal(payload: dict[str, Any], keys: InstanceKeys, recipient_key: str, *,
         package_id: str, created: str) -> bytes:
    """The package file for ``payload`` (reports, entities, relations, ...): manifest
    added, encrypted to ``recipient_key`` (X25519, base64), signed with ``keys``."""
    body = {**payload, "package_id": package_id, "manifest": manifest(payload)}
    ephemeral = X25519PrivateKey.generate()
    recipient = X25519PublicKey.from_public_bytes(base64.b64decode(recipient_key))
    nonce = secrets.token_bytes(12)
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "package_id": package_id,
        "created": created,
        "sender_key": keys.verify_key,
        "recipient_key": recipient_key,
        "ephemeral_key": b64(_public_raw(ephemeral.public_key())),
        "nonce": b64(nonce),
    }
    key = _content_key(ephemeral.exchange(recipient), header)
    ciphertext = ChaCha20Poly1305(key).encrypt(
        nonce, canonical(body), canonical(header))
    envelope = {**header, "ciphertext": b64(ciphertext)}
    envelope["signature"] = b64(keys.signing.sign(_signed_bytes(envelope)))
    return json.dumps(envelope, indent=1).encode() + b"\n"


@dataclass(frozen=True)
class Opened:
    """A package that verified and decrypted: who sent it (``sender_key``) and its payload."""

    package_id: str
    created: str
    sender_key: str
    payload: dict[str, Any]


def open_package(data: bytes, keys: InstanceKeys, known_sender: Callable[[str], bool]) -> Opened:
    """Verify, decrypt and check a package file, or raise :class:`PackageRefused` saying
    why: not a package, from no known partner (``known_sender(verify_key)``), altered,
    encrypted to another instance, or its content not matching its manifest."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageRefused(N_("the file is too large to be an exchange package"))
    try:
        envelope = safejson.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, safejson.JSONRefused):
        raise PackageRefused(N_("the file is not an exchange package, or it is damaged "
                                "(it does not read as JSON)")) from None
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise PackageRefused(N_("the file is not a Cordon exchange package"))
    if type(envelope.get("version")) is not int or envelope["version"] != VERSION:
        raise PackageRefused(N_("package version %(version)r is not one this Cordon reads "
                                "(version %(known)s)", version=envelope.get("version"),
                                known=VERSION))
    missing = [k for k in (*_HEADER, "ciphertext", "signature")
               if not isinstance(envelope.get(k), str | int)]
    if missing:
        raise PackageRefused(N_("the package is damaged: %(missing)s missing",
                                missing=", ".join(missing)))
    sender_key = str(envelope["sender_key"])
    if public_key_problem(sender_key, "ed25519"):
        raise PackageRefused(N_("the package is damaged: its sender key is not a key"))
    if not known_sender(sender_key):
        raise PackageRefused(N_("the package is signed by no known partner (register the "
                                "partner and its verify key at /admin/partners first)"))
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(sender_key)).verify(
            _unb64(envelope["signature"], "signature"), _signed_bytes(envelope))
    except InvalidSignature:
        raise PackageRefused(N_("the signature does not verify: the package was altered after "
                                "it was signed, or it is not from that partner")) from None
    if envelope["recipient_key"] != keys.encryption_key:
        raise PackageRefused(
            N_("the package is encrypted to another instance, not to this one"))
    header = {k: envelope[k] for k in _HEADER}
    try:
        shared = keys.encryption.exchange(X25519PublicKey.from_public_bytes(
            _unb64(envelope["ephemeral_key"], "ephemeral key")))
        plain = ChaCha20Poly1305(_content_key(shared, header)).decrypt(
            _unb64(envelope["nonce"], "nonce"), _unb64(envelope["ciphertext"], "ciphertext"),
            canonical(header))
        body = safejson.loads(plain)
    except (InvalidTag, ValueError, safejson.JSONRefused):
        raise PackageRefused(
            N_("the package cannot be decrypted with this instance's key")) from None
    _check_manifest(body, header)
    return Opened(str(header["package_id"]), str(header["created"]), sender_key, body)


def _check_manifest(body: Any, header: dict[str, Any]) -> None:
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k), list) for k in ("reports", "entities", "relations")
    ):
        raise PackageRefused(N_("the package holds no reports, entities and relations"))
    if body.get("package_id") != header["package_id"]:
        raise PackageRefused(N_("the package's content belongs to another package"))
    if body.get("manifest") != manifest(body):
        raise PackageRefused(N_("the package's content does not match its manifest (hashes "
                                "differ)"))


def _content_key(shared: bytes, header: dict[str, Any]) -> bytes:
    info = KDF_INFO + canonical({"ephemeral_key": header["ephemeral_key"],
                                 "recipient_key": header["recipient_key"]})
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _signed_bytes(envelope: dict[str, Any]) -> bytes:
    return canonical({k: envelope[k] for k in (*_HEADER, "ciphertext")})
