"""Rules of the source register, shared by pages and API (no request objects here).

Who may do what: handlers and administrators register sources; the handler must hold the
handler role and the controller must be a different officer. Reliability is regraded by
the handler, the controller or an analyst, always with a reason. The identity is opened
only for the handler or the controller, with a stated reason, and every opening is audited.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit import audit, recorded_read
from app.sources.crypto import IdentityCipher, load_key
from graph.connection import Graph
from graph.errors import Duplicate, Hidden, NotFound
from graph.grading import Grading, GradingError
from graph.sources import SourceRepository
from graph.users import UserRepository

CODENAME = re.compile(r"^[A-Z0-9][A-Z0-9\-_.]{1,31}$")
IDENTITY_FIELDS = ("name", "contact", "address", "notes")
MIN_REASON = 5


class SourceType(StrEnum):
    INFORMANT = "informant"
    LIAISON_OFFICER = "liaison_officer"
    PARTNER_AGENCY = "partner_agency"
    OPEN_SOURCE = "open_source"
    HOTLINE = "hotline"

    @property
    def title(self) -> str:
        return self.value.replace("_", " ").capitalize()


REGISTER_ROLES = {Role.HANDLER, Role.ADMIN}
READ_ROLES = {Role.HANDLER, Role.ADMIN, Role.ANALYST}
GRADE_ROLES = {Role.ANALYST}  # besides the handler and controller of the source
CONTROLLER_ROLES = {Role.HANDLER, Role.ADMIN, Role.ANALYST}


class SourceError(ValueError):
    """A request that breaks a rule of the register; ``field`` names the form field."""

    def __init__(self, message: str, field: str = "codename", status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


@dataclass(frozen=True)
class SourceService:
    graph: Graph
    grading: Grading
    cipher: IdentityCipher

    @classmethod
    def from_config(cls, graph: Graph, config: Any) -> SourceService:
        key = load_key(Path(config["CORDON_DATA"]), os.environ.get("CORDON_SOURCE_KEY"))
        return cls(graph, Grading.from_config(config), IdentityCipher(key))

    @property
    def repo(self) -> SourceRepository:
        return SourceRepository(self.graph)

    # ----------------------------------------------------------------- reading

    def list(self, user: User, **filters: Any) -> list[dict[str, Any]]:
        self._require_read(user)
        return self.repo.list(**filters)

    def get(self, user: User, codename: str, *, audited: bool = True,
            via: str = "page") -> dict[str, Any]:
        """The public record (never the identity) with the caller's relation to it.
        Audited: the read, or the attempt of a role without the register (403 whether or
        not the source exists), is recorded (``via``: page or api)."""
        codename = normalise_codename(codename, strict=False)

        def fetch() -> dict[str, Any]:
            source = self.repo.get(codename)
            if source is None:
                raise NotFound(f"no source {codename}")
            if user.role not in READ_ROLES:
                raise Hidden(f"no source {codename}")
            return source

        try:
            if audited:
                source = recorded_read("source.read", codename, fetch, {"via": via})
            else:
                source = fetch()
        except NotFound:
            self._require_read(user)  # a role without the register: 403, found or not
            raise
        holding = self.repo.holding(source["codename"], user.id)
        return {**source, **{"is_handler": holding["handler"],
                             "is_controller": holding["controller"]}}

    def history(self, user: User, codename: str) -> list[dict[str, Any]]:
        self._require_read(user)
        return self.repo.history(codename)

    def held_by(self, user: User) -> list[dict[str, Any]]:
        return self.repo.held_by(user.id)

    def reveal_identity(self, user: User, source: dict[str, Any], reason: str) -> dict[str, Any]:
        """Decrypt the identity for the handler or controller. The view is audited in the
        transaction that reads it: no record, no identity."""
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON:
            raise SourceError("State why you need the identity (a few words).", "reason")
        codename = source["codename"]

        def read_and_record() -> str | None:
            token = self.repo.identity_ciphertext(codename, user.id)
            audit("source.identity.view", source.get("id") or codename, reason=reason)
            return token

        try:
            token = self.graph.atomically(read_and_record)
        except NotFound:
            # same answer whether the source is missing or held by someone else
            raise NotFound(f"no source {codename}") from None
        if not token:
            return {}
        return self.cipher.open(token)

    # ----------------------------------------------------------------- writing

    def register(self, user: User, data: dict[str, Any]) -> str:
        if user.role not in REGISTER_ROLES:
            raise SourceError("Only handlers and administrators register sources.", status=403)
        codename = normalise_codename(data.get("codename"))
        try:
            kind = SourceType(str(data.get("type") or "").strip().lower())
        except ValueError:
            allowed = ", ".join(t.value for t in SourceType)
            raise SourceError(f"Choose a source type: {allowed}.", "type") from None
        try:
            reliability = self.grading.source_grade(data.get("reliability")) or (
                self.grading.scheme.unknown_source
            )
        except GradingError as exc:
            raise SourceError(str(exc), "reliability") from None
        handler_id = str(data.get("handler_id") or (user.id if user.role is Role.HANDLER else ""))
        controller_id = str(data.get("controller_id") or "")
        handler = self._user(handler_id, "handler_id")
        controller = self._user(controller_id, "controller_id")
        if handler.role is not Role.HANDLER:
            raise SourceError("The handler must be an officer with the handler role.",
                              "handler_id")
        if controller.id == handler.id:
            raise SourceError("The controller must be a different officer from the handler.",
                              "controller_id")
        if controller.role not in CONTROLLER_ROLES:
            raise SourceError("The controller must be a handler, analyst or administrator.",
                              "controller_id")
        identity = clean_identity(data.get("identity") or {})
        sealed = self.cipher.seal(identity) if identity else None

        def register_and_record() -> str:
            stored = self.repo.register(
                id=str(uuid.uuid4()), codename=codename, type=kind.value,
                reliability=reliability, handler_id=handler.id, controller_id=controller.id,
                identity_enc=sealed, by=user.email, reason="initial grading",
            )
            audit("source.create", stored, {"type": kind.value})
            return stored

        try:
            return self.graph.atomically(register_and_record)
        except Duplicate:
            raise SourceError(f"A source with codename {codename} exists already.",
                              status=409) from None

    def regrade(self, user: User, codename: str, grade: Any, reason: str) -> str:
        source = self.get(user, codename, audited=False)
        if not (source["is_handler"] or source["is_controller"] or user.role in GRADE_ROLES):
            raise SourceError("Only the handler, the controller or an analyst regrades a source.",
                              "grade", status=403)
        try:
            code = self.grading.source_grade(grade, required=True)
        except GradingError as exc:
            raise SourceError(str(exc), "grade") from None
        reason = (reason or "").strip()
        if len(reason) < MIN_REASON:
            raise SourceError("Give the reason for the new grade.", "reason")
        def regrade_and_record() -> None:
            self.repo.regrade(source["codename"], str(code), by=user.email, reason=reason[:500])
            audit("source.regrade", source["codename"], {"grade": str(code)}, reason=reason)

        self.graph.atomically(regrade_and_record)
        return str(code)

    def set_identity(self, user: User, source: dict[str, Any], identity: dict[str, Any]) -> None:
        cleaned = clean_identity(identity)
        if not cleaned:
            raise SourceError("Enter at least the name.", "name")
        codename, sealed = source["codename"], self.cipher.seal(cleaned)

        def store_and_record() -> None:
            self.repo.set_identity(codename, user.id, sealed)
            audit("source.identity.update", source.get("id") or codename)

        try:
            self.graph.atomically(store_and_record)
        except NotFound:
            raise NotFound(f"no source {codename}") from None

    # ----------------------------------------------------------------- helpers

    def _require_read(self, user: User) -> None:
        if user.role not in READ_ROLES:
            raise SourceError("The source register is for handlers and analysts.", status=403)

    def _user(self, user_id: str, field: str) -> User:
        row = UserRepository(self.graph).get(user_id) if user_id else None
        if row is None or not row.get("active", True):
            raise SourceError("Choose an active officer.", field)
        return User.from_row(row)


def normalise_codename(value: Any, *, strict: bool = True) -> str:
    text = str(value or "").strip()
    if not strict:
        return text  # lookups: imported codenames are kept as the register spelt them
    text = text.upper()
    if not CODENAME.match(text):
        raise SourceError("A codename is 2–32 letters, digits or - _ . (e.g. KX-17).")
    return text


def clean_identity(identity: dict[str, Any]) -> dict[str, str]:
    out = {}
    for field in IDENTITY_FIELDS:
        value = str(identity.get(field) or "").strip()
        if value:
            out[field] = value[:2000]
    return out
