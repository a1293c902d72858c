"""Users and their API tokens. Passwords and tokens arrive here already hashed."""

from __future__ import annotations

import builtins
from typing import Any

from graph.clock import utc_now
from graph.connection import Graph, tx_run
from graph.errors import NotFound

_USER_FIELDS = """
u.id AS id, u.email AS email, u.name AS name, u.role AS role, unit.name AS unit,
u.active AS active, u.password_hash AS password_hash,
u.failed_logins AS failed_logins, u.locked_until AS locked_until,
u.totp_enc AS totp_enc, u.totp_step AS totp_step, u.language AS language,
coalesce(u.must_change_password, false) AS must_change_password
"""

CREATE_USER = (
    """
MATCH (unit:Unit {name: $unit})
CREATE (u:User {id: $id, email: $email, name: $name, role: $role, active: true,
                password_hash: $password_hash, failed_logins: 0, created_at: $now,
                must_change_password: $must_change_password})
CREATE (u)-[:MEMBER_OF]->(unit)
RETURN """
    + _USER_FIELDS
)

USER_BY_ID = "MATCH (u:User {id: $id})-[:MEMBER_OF]->(unit:Unit) RETURN " + _USER_FIELDS
USER_BY_EMAIL = "MATCH (u:User {email: $email})-[:MEMBER_OF]->(unit:Unit) RETURN " + _USER_FIELDS
LIST_USERS = "MATCH (u:User)-[:MEMBER_OF]->(unit:Unit) RETURN " + _USER_FIELDS + " ORDER BY u.email"
COUNT_ADMINS = "MATCH (u:User {role: 'admin', active: true}) RETURN count(u) AS admins"

UPDATE_USER = """
MATCH (u:User {id: $id})-[m:MEMBER_OF]->(old:Unit)
MATCH (unit:Unit {name: $unit})
SET u.role = $role, u.name = $name, u.active = $active, u.updated_at = $now
WITH u, m, old, unit
CALL (u, m, old, unit) {
  WITH u, m, old, unit WHERE old <> unit
  DELETE m
  CREATE (u)-[:MEMBER_OF]->(unit)
}
RETURN u.id AS id
"""
SET_LANGUAGE = "MATCH (u:User {id: $id}) SET u.language = $language RETURN u.id AS id"
# The officer's own new password ends an administrator's "change it at first sign-in".
SET_PASSWORD = """
MATCH (u:User {id: $id})
SET u.password_hash = $password_hash, u.must_change_password = null
RETURN u.id AS id
"""
RECORD_LOGIN_FAILURE = """
MATCH (u:User {id: $id})
SET u.failed_logins = coalesce(u.failed_logins, 0) + 1, u.last_failed_at = $now
RETURN u.failed_logins AS failed_logins
"""
# A lockout starts a fresh count: once it ends the officer has five tries again.
LOCK_USER = "MATCH (u:User {id: $id}) SET u.locked_until = $until, u.failed_logins = 0"
RECORD_LOGIN_SUCCESS = """
MATCH (u:User {id: $id})
SET u.failed_logins = 0, u.locked_until = null, u.last_login_at = $now
"""

SET_TOTP = """
MATCH (u:User {id: $id})
SET u.totp_enc = $totp_enc, u.totp_step = $step, u.totp_enrolled_at = $now
"""
# Only a newer time step is accepted: the WHERE makes replay impossible even when two
# requests race with the same code.
USE_TOTP_STEP = """
MATCH (u:User {id: $id})
WHERE coalesce(u.totp_step, -1) < $step
SET u.totp_step = $step
RETURN u.id AS id
"""

CREATE_TOKEN = """
MATCH (u:User {id: $user_id})
CREATE (t:ApiToken {id: $token_id, hash: $hash, created_at: $now, expires_at: $expires_at})
       -[:AUTHENTICATES]->(u)
"""
# A token works while it is neither revoked nor expired; its user's state (active, role,
# second factor) is judged by the service from the returned fields.
USER_BY_TOKEN = (
    """
MATCH (t:ApiToken {hash: $hash})-[:AUTHENTICATES]->(u:User)-[:MEMBER_OF]->(unit:Unit)
WHERE t.revoked_at IS NULL AND t.expires_at > $now
SET t.last_used_at = $now
RETURN """
    + _USER_FIELDS
)
_TOKEN_FIELDS = """
t.id AS id, u.email AS email, u.id AS user_id, t.created_at AS created_at,
t.expires_at AS expires_at, t.last_used_at AS last_used_at, t.revoked_at AS revoked_at,
u.active AS user_active
"""
LIST_TOKENS = (
    """
MATCH (t:ApiToken)-[:AUTHENTICATES]->(u:User)
WHERE $user_id IS NULL OR u.id = $user_id
RETURN """
    + _TOKEN_FIELDS
    + " ORDER BY t.created_at DESC, t.id"
)
# Revoking twice keeps the first time; $user_id (when set) limits it to the owner's tokens.
REVOKE_TOKEN = (
    """
MATCH (t:ApiToken {id: $token_id})-[:AUTHENTICATES]->(u:User)
WHERE $user_id IS NULL OR u.id = $user_id
SET t.revoked_at = coalesce(t.revoked_at, $now)
RETURN """
    + _TOKEN_FIELDS
)


class UserRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def create(
        self, *, id: str, email: str, name: str, role: str, unit: str, password_hash: str,
        must_change_password: bool = False,
    ) -> dict[str, Any]:
        rows = self.graph.write(
            tx_run,
            CREATE_USER,
            must_change_password=must_change_password,
            id=id,
            email=email,
            name=name,
            role=role,
            unit=unit,
            password_hash=password_hash,
            now=utc_now(),
        )
        if not rows:
            raise NotFound(f"unit {unit!r} does not exist")
        return rows[0]

    def get(self, user_id: str) -> dict[str, Any] | None:
        rows = self.graph.query(USER_BY_ID, {"id": user_id})
        return rows[0] if rows else None

    def by_email(self, email: str) -> dict[str, Any] | None:
        rows = self.graph.query(USER_BY_EMAIL, {"email": email})
        return rows[0] if rows else None

    def list(self) -> list[dict[str, Any]]:
        return self.graph.query(LIST_USERS)

    def count_admins(self) -> int:
        return int(self.graph.query(COUNT_ADMINS)[0]["admins"])

    def update(self, user_id: str, *, name: str, role: str, unit: str, active: bool) -> None:
        rows = self.graph.write(
            tx_run,
            UPDATE_USER,
            id=user_id,
            name=name,
            role=role,
            unit=unit,
            active=active,
            now=utc_now(),
        )
        if not rows:
            raise NotFound("user or unit does not exist")

    def set_language(self, user_id: str, language: str | None) -> None:
        """The officer's interface language; None: the browser's, then the default."""
        if not self.graph.query(SET_LANGUAGE, {"id": user_id, "language": language}, write=True):
            raise NotFound(f"user {user_id}")

    def set_password(self, user_id: str, password_hash: str) -> None:
        self.graph.query(SET_PASSWORD, {"id": user_id, "password_hash": password_hash}, write=True)

    def record_login_failure(self, user_id: str) -> int:
        rows = self.graph.query(RECORD_LOGIN_FAILURE, {"id": user_id, "now": utc_now()}, write=True)
        return int(rows[0]["failed_logins"]) if rows else 0

    def lock(self, user_id: str, until: str) -> None:
        self.graph.query(LOCK_USER, {"id": user_id, "until": until}, write=True)

    def record_login_success(self, user_id: str) -> None:
        self.graph.query(RECORD_LOGIN_SUCCESS, {"id": user_id, "now": utc_now()}, write=True)

    def set_totp(self, user_id: str, totp_enc: str | None, step: int) -> None:
        self.graph.query(
            SET_TOTP,
            {"id": user_id, "totp_enc": totp_enc, "step": step, "now": utc_now()},
            write=True,
        )

    def use_totp_step(self, user_id: str, step: int) -> bool:
        return bool(self.graph.query(USE_TOTP_STEP, {"id": user_id, "step": step}, write=True))

    def add_token(self, user_id: str, token_id: str, token_hash: str, expires_at: str) -> None:
        self.graph.query(
            CREATE_TOKEN,
            {"user_id": user_id, "token_id": token_id, "hash": token_hash,
             "expires_at": expires_at, "now": utc_now()},
            write=True,
        )

    def by_token(self, token_hash: str) -> dict[str, Any] | None:
        rows = self.graph.query(USER_BY_TOKEN, {"hash": token_hash, "now": utc_now()}, write=True)
        return rows[0] if rows else None

    def tokens(self, user_id: str | None = None) -> builtins.list[dict[str, Any]]:
        return self.graph.query(LIST_TOKENS, {"user_id": user_id})

    def revoke_token(self, token_id: str, user_id: str | None = None) -> dict[str, Any] | None:
        rows = self.graph.query(
            REVOKE_TOKEN, {"token_id": token_id, "user_id": user_id, "now": utc_now()}, write=True
        )
        return rows[0] if rows else None
