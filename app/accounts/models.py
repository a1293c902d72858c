"""The signed-in officer as Flask-Login and the services see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import UserMixin

from app.accounts.roles import Role
from graph import policy


@dataclass(frozen=True)
class User(UserMixin):
    id: str
    email: str
    name: str
    role: Role
    unit: str
    active: bool = True
    totp_enabled: bool = False
    must_change_password: bool = False
    language: str | None = None  # the interface language chosen on /account (app/i18n.py)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_admin(self) -> bool:
        return policy.may(self, policy.ADMINISTER)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> User:
        return cls(
            id=row["id"],
            email=row["email"],
            name=row.get("name") or row["email"],
            role=Role(row["role"]),
            unit=row["unit"],
            active=bool(row.get("active", True)),
            totp_enabled=bool(row.get("totp_enc")),
            must_change_password=bool(row.get("must_change_password")),
            language=row.get("language"),
        )

    def to_public(self) -> dict[str, str]:
        return {"email": self.email, "role": self.role.value, "unit": self.unit, "name": self.name}
