"""Account rules shared by the login form, the admin pages, the API and the CLI."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from app.accounts import totp
from app.accounts.models import User
from app.accounts.passwords import DUMMY_HASH, hash_password, policy_problems, verify_password
from app.accounts.roles import Role, UnitKind
from app.audit import audit
from app.i18n import LANGUAGES
from graph.connection import Graph, atomic
from graph.errors import Duplicate, NotFound, Refused
from graph.sessions import SessionRepository
from graph.units import UnitRepository
from graph.users import UserRepository

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
UNIT_NAME = re.compile(r"^[\w][\w .\-/]{0,63}$")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=10)
TOKEN_PREFIX = "cdn_"  # noqa: S105 - marks Cordon tokens, not a secret
TOKEN_DAYS = 90


class AccountError(Refused, ValueError):
    """A request about accounts that breaks a rule; the message is shown to the user.

    ``field`` names the form field the message belongs to.
    """

    def __init__(self, message: str, field: str = "email") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked: bool = False


def users(graph: Graph) -> list[dict]:
    """Every account (active or not) with its unit, for the pages that list or choose
    officers; routes read them here, not from the repository."""
    return UserRepository(graph).list()


def user_row(graph: Graph, user_id: str) -> dict:
    """One account as the administration edits it; :class:`NotFound` (404) if none."""
    row = UserRepository(graph).get(user_id)
    if row is None:
        raise NotFound(f"no user {user_id}")
    return row


def units(graph: Graph) -> list[dict]:
    """The unit tree (HQ, regional units, crossing points) as plain rows."""
    return UnitRepository(graph).list()


def unit(graph: Graph, name: str) -> dict:
    """One unit; :class:`NotFound` (404) if none."""
    return UnitRepository(graph).get(name)


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise AccountError(_("Enter a valid e-mail address."))
    return email


@atomic
def create_user(
    graph: Graph,
    email: str,
    *,
    role: str,
    unit: str,
    password: str,
    name: str | None = None,
    must_change_password: bool = False,
) -> User:
    """``must_change_password``: the password is one an administrator chose; the officer
    sets their own at the first sign-in before anything else."""
    email = normalise_email(email)
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError(_("Unknown role %(role)s.", role=repr(role)), "role") from None
    problems = policy_problems(password, email)
    if problems:
        raise AccountError("Password " + "; ".join(problems) + ".", "password")
    try:
        row = UserRepository(graph).create(
            id=str(uuid.uuid4()),
            email=email,
            name=(name or "").strip()[:120] or email.split("@")[0],
            role=role_value.value,
            unit=unit,
            password_hash=hash_password(password),
            must_change_password=must_change_password,
        )
    except Duplicate:
        raise AccountError(_("A user with e-mail %(email)s exists already.", email=email)) from None
    except NotFound:
        raise AccountError(_("Unit %(unit)s does not exist.", unit=repr(unit)), "unit") from None
    audit("user.create", email, {"role": role_value.value, "unit": unit,
                                 "must_change_password": must_change_password}, graph=graph)
    return User.from_row(row)


@atomic
def update_user(
    graph: Graph, user_id: str, *, name: str, role: str, unit: str, active: bool
) -> None:
    try:
        Role(role)
    except ValueError:
        raise AccountError(_("Unknown role %(role)s.", role=repr(role)), "role") from None
    if not (name or "").strip():
        raise AccountError(_("Give the officer's full name."), "name")
    repo = UserRepository(graph)
    current = repo.get(user_id)
    if current is None:
        raise AccountError(_("No such user."))
    demoting = current["role"] == Role.ADMIN and (role != Role.ADMIN or not active)
    if demoting and repo.count_admins() <= 1:
        raise AccountError(_("The last active administrator cannot be demoted or "
                             "disabled."), "role")
    try:
        repo.update(user_id, name=name.strip()[:120], role=role, unit=unit, active=active)
    except NotFound:
        raise AccountError(_("Unit %(unit)s does not exist.", unit=repr(unit)), "unit") from None
    if not active:
        SessionRepository(graph).end_all(user_id)  # signed out everywhere, at once
    before = {"role": current.get("role"), "unit": current.get("unit"),
              "active": current.get("active", True)}
    after = {"role": str(role), "unit": unit, "active": active}
    audit("user.update", current["email"],
          {k: [before[k], after[k]] for k in after if before[k] != after[k]}, graph=graph)


def roles_requiring_second_factor(setting: str | None) -> frozenset[str]:
    """The roles named in ``CORDON_TOTP_REQUIRED_ROLES`` (comma-separated)."""
    return frozenset(r.strip() for r in (setting or "").split(",") if r.strip())


def authenticate(
    graph: Graph, email: str, password: str, *, lockout: timedelta = LOCKOUT
) -> LoginResult:
    """Check a login; five failures in a row lock the account for ``lockout``.

    Every answer costs one password hash, for unknown, locked and real accounts alike,
    so neither the answer nor its time tells whether an account exists (the caller shows
    one message for every failure). A right password of an officer with a second factor
    does not clear the failure count: the code still has to be right (``check_second_factor``).
    The duration comes from the caller (config ``LOCKOUT_SECONDS``), so this rule stays
    free of the app and tests can watch a lockout end.
    """
    repo = UserRepository(graph)
    try:
        row = repo.by_email(normalise_email(email))
    except AccountError:
        row = None
    if row is None:
        verify_password(DUMMY_HASH, password)
        return LoginResult(None)
    right = verify_password(row["password_hash"], password)
    if _locked(row):
        return LoginResult(None, locked=True)
    if not right or not row.get("active", True):
        return LoginResult(None, locked=_record_failure(repo, row["id"], lockout))
    user = User.from_row(row)
    if not user.totp_enabled:
        repo.record_login_success(row["id"])
    return LoginResult(user)


def _locked(row: dict) -> bool:
    until = row.get("locked_until")
    return bool(until) and datetime.fromisoformat(until) > datetime.now(UTC)


def _record_failure(repo: UserRepository, user_id: str, lockout: timedelta) -> bool:
    """Count one wrong password or code; True when it locked the account."""
    if repo.record_login_failure(user_id) >= MAX_FAILED_LOGINS:
        repo.lock(user_id, (datetime.now(UTC) + lockout).isoformat())
        return True
    return False


@atomic
def enable_totp(graph: Graph, user_id: str, secret: str, code: str, box: totp.SecretBox) -> None:
    """Store a TOTP secret once the officer proved their app produces its codes.

    Replacing an enrolled authenticator goes through ``reenrol_totp`` (password and
    current code first).
    """
    step = totp.matching_step(secret, code)
    if step is None:
        raise AccountError(
            _("That code does not match. Check the time on your phone and retry."), "code"
        )
    repo = UserRepository(graph)
    row = repo.get(user_id) or {}
    UserRepository(graph).set_totp(user_id, box.seal(secret), step)
    action = "account.second_factor.replaced" if row.get("totp_enc") else (
        "account.second_factor.enabled")
    audit(action, row.get("email", user_id), graph=graph)


def reenrol_totp(
    graph: Graph,
    user_id: str,
    *,
    password: str,
    current_code: str,
    secret: str,
    code: str,
    box: totp.SecretBox,
    lockout: timedelta = LOCKOUT,
) -> None:
    """Replace an enrolled authenticator: the password and a code of the current app
    prove it is the officer, not someone at an unlocked screen. Wrong ones count toward
    the lockout like wrong sign-ins."""
    repo = UserRepository(graph)
    row = repo.get(user_id)
    if row is None:
        raise AccountError(_("No such user."), "password")
    if _locked(row):
        raise AccountError(
            _("Your account is locked after too many wrong passwords or codes. Try again later."),
            "password",
        )
    if not verify_password(row["password_hash"], password):
        _record_failure(repo, user_id, lockout)
        raise AccountError(_("That is not your password."), "password")
    if not check_totp(graph, user_id, current_code, box):
        _record_failure(repo, user_id, lockout)
        raise AccountError(_("That code is not valid for your current app."), "current_code")
    enable_totp(graph, user_id, secret, code, box)


def check_totp(graph: Graph, user_id: str, code: str, box: totp.SecretBox) -> bool:
    """True for a valid code whose time step was not used before (no replay)."""
    repo = UserRepository(graph)
    row = repo.get(user_id)
    if row is None or not row.get("totp_enc"):
        return False
    secret = box.open(row["totp_enc"])
    if secret is None:
        return False
    step = totp.matching_step(secret, code, after=row.get("totp_step") or -1)
    return step is not None and repo.use_totp_step(user_id, step)


def check_second_factor(
    graph: Graph, user_id: str, code: str, box: totp.SecretBox, *, lockout: timedelta = LOCKOUT
) -> LoginResult:
    """The second step of a sign-in: a wrong code counts like a wrong password, five in a
    row lock the account (the same lockout), a locked account is refused."""
    repo = UserRepository(graph)
    row = repo.get(user_id)
    if row is None or not row.get("active", True):
        return LoginResult(None)
    if _locked(row):
        return LoginResult(None, locked=True)
    if not check_totp(graph, user_id, code, box):
        return LoginResult(None, locked=_record_failure(repo, user_id, lockout))
    repo.record_login_success(user_id)
    return LoginResult(User.from_row(row))


def set_language(graph: Graph, user_id: str, language: str | None) -> None:
    """The officer's interface language (``en``, ``fr``, ``ar``); empty: none of their own
    (the browser's, then the administration's default)."""
    if language and language not in LANGUAGES:
        raise AccountError(_("Unknown language %(language)s.", language=repr(language)), "language")
    UserRepository(graph).set_language(user_id, language or None)


@atomic
def change_password(
    graph: Graph, user_id: str, current: str, new: str, *, lockout: timedelta = LOCKOUT
) -> None:
    """Set a new password after the current one was given; the caller ends the sessions."""
    repo = UserRepository(graph)
    row = repo.get(user_id)
    if row is None:
        raise AccountError(_("No such user."), "current")
    if not verify_password(row["password_hash"], current):
        raise AccountError(_("That is not your current password."), "current")
    if new == current:
        raise AccountError(_("Choose a password different from the current one."), "new")
    problems = policy_problems(new, row["email"])
    if problems:
        raise AccountError("Password " + "; ".join(problems) + ".", "new")
    repo.set_password(user_id, hash_password(new))
    SessionRepository(graph).end_all(user_id)  # every browser signs in again with it
    audit("account.password.change", row["email"], graph=graph)


@atomic
def issue_token(
    graph: Graph,
    email: str,
    *,
    days: int = TOKEN_DAYS,
    second_factor_roles: frozenset[str] = frozenset(),
) -> str:
    """Create an API token for a user; only its SHA-256 is stored, so it is shown once.

    A token is a second way in: a user whose role must use a second factor gets one only
    after enrolling it, and the API refuses it again if they have not (``user_for_token``).
    """
    row = UserRepository(graph).by_email(normalise_email(email))
    if row is None:
        raise AccountError(_("No user with e-mail %(email)s.", email=email))
    if not row.get("active", True):
        raise AccountError(_("User %(email)s is disabled.", email=row['email']))
    if row["role"] in second_factor_roles and not row.get("totp_enc"):
        raise AccountError(
            _("A %(role)s must set up two-step sign-in before an API token can be issued.",
              role=row['role'])
        )
    if days < 1:
        raise AccountError(_("A token lasts at least one day."), "days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = secrets.token_hex(6)
    expires_at = (datetime.now(UTC) + timedelta(days=days)).isoformat(timespec="seconds")
    UserRepository(graph).add_token(row["id"], token_id, _token_hash(token), expires_at)
    audit("token.issue", row["email"], {"id": token_id, "expires_at": expires_at}, graph=graph)
    return token


def user_for_token(
    graph: Graph, token: str, *, second_factor_roles: frozenset[str] = frozenset()
) -> User | None:
    """The user of a live token: not revoked, not expired, user active, and enrolled in
    a second factor when their role requires one (the role may have changed since)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = UserRepository(graph).by_token(_token_hash(token))
    if not row or not row.get("active", True):
        return None
    if row["role"] in second_factor_roles and not row.get("totp_enc"):
        return None
    return User.from_row(row)


def list_tokens(graph: Graph, user_id: str | None = None) -> list[dict]:
    """Tokens with their short id and state (``live``, ``expired``, ``revoked``, ``user
    disabled``); never the secret, which is not stored."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = UserRepository(graph).tokens(user_id)
    for row in rows:
        if row.get("revoked_at"):
            row["state"] = "revoked"
        elif not row.get("user_active", True):
            row["state"] = "user disabled"
        elif (row.get("expires_at") or "") <= now:
            row["state"] = "expired"
        else:
            row["state"] = "live"
    return rows


@atomic
def revoke_token(graph: Graph, token_id: str, *, owner_id: str | None = None) -> dict:
    """Revoke a token by its short id; ``owner_id`` limits it to that user's tokens (an
    officer's own page), so another's token is as unknown as a missing one."""
    row = UserRepository(graph).revoke_token((token_id or "").strip(), owner_id)
    if row is None:
        raise NotFound("no such token")
    audit("token.revoke", row["email"], {"id": row["id"]}, graph=graph)
    return row


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; a slow one would tax every call.
    return hashlib.sha256(token.encode()).hexdigest()


# The unit tree, decided here for the CLI, the admin pages and any API: headquarters has
# no parent; a regional unit sits under headquarters; a border crossing point under a
# regional unit or directly under headquarters.
PARENT_KINDS: dict[UnitKind, tuple[UnitKind, ...]] = {
    UnitKind.HQ: (),
    UnitKind.REGIONAL: (UnitKind.HQ,),
    UnitKind.BCP: (UnitKind.REGIONAL, UnitKind.HQ),
}


def _unit_name(name: str | None, field: str = "name") -> str:
    name = (name or "").strip()
    if not UNIT_NAME.match(name):
        raise AccountError(_("A unit name has 1–64 letters, digits, spaces, dots or "
                             "dashes."), field)
    return name


def _check_place(graph: Graph, kind: UnitKind, parent: str | None) -> list[str]:
    """Refuse a parent that breaks the tree; return the allowed parent kinds."""
    allowed = PARENT_KINDS[kind]
    if not allowed:
        if parent:
            raise AccountError(_("Headquarters is the top of the tree: it has no "
                                 "parent."), "parent")
        return []
    wanted = " or ".join(k.title.lower() for k in allowed)
    if not parent:
        raise AccountError(_("A %(value)s needs a parent unit: %(wanted)s.",
                             value=kind.title.lower(), wanted=wanted), "parent")
    try:
        row = UnitRepository(graph).get(parent)
    except NotFound:
        raise AccountError(_("Parent unit %(parent)s does not exist.",
                             parent=repr(parent)), "parent") from None
    if row["kind"] not in allowed:
        raise AccountError(
            _("A %(value)s sits under a %(wanted)s, not under %(parent)s (%(value2)s).",
              value=kind.title.lower(),
            wanted=wanted, parent=parent, value2=UnitKind(row['kind']).title.lower()),
            "parent",
        )
    return [k.value for k in allowed]


@atomic
def create_unit(graph: Graph, name: str, *, kind: str, parent: str | None = None) -> dict:
    name = _unit_name(name)
    try:
        kind_value = UnitKind(kind)
    except ValueError:
        raise AccountError(_("Unknown unit kind %(kind)s.", kind=repr(kind)), "kind") from None
    parent_kinds = _check_place(graph, kind_value, parent or None)
    try:
        unit = UnitRepository(graph).create(name, kind_value.value, parent or None, parent_kinds)
    except Duplicate:
        raise AccountError(_("Unit %(name)s exists already.", name=name), "name") from None
    except NotFound:
        raise AccountError(_("Parent unit %(parent)s does not exist.",
                             parent=repr(parent)), "parent") from None
    audit("unit.create", name, {"kind": kind_value.value, "parent": parent or None},
          graph=graph)
    return unit


def _existing_unit(graph: Graph, name: str | None) -> dict:
    try:
        return UnitRepository(graph).get((name or "").strip())
    except NotFound:
        raise AccountError(_("Unit %(name)s does not exist.", name=repr(name)), "unit") from None


@atomic
def rename_unit(graph: Graph, name: str, new_name: str) -> dict:
    """Rename a unit; what it owns follows (graph/units.py). Audited as ``unit.update``."""
    unit = _existing_unit(graph, name)
    new_name = _unit_name(new_name)
    if unit["kind"] == UnitKind.HQ:
        raise AccountError(
            _("Headquarters keeps its name HQ: setup, the hotline queue and backups use it."),
            "name",
        )
    if new_name == unit["name"]:
        return unit
    try:
        UnitRepository(graph).rename(unit["name"], new_name)
    except Duplicate:
        raise AccountError(_("Unit %(new_name)s exists already.",
                             new_name=new_name), "name") from None
    audit("unit.update", new_name, {"name": [unit["name"], new_name]}, graph=graph)
    return UnitRepository(graph).get(new_name)


@atomic
def move_unit(graph: Graph, name: str, parent: str | None) -> dict:
    """Put a unit under another parent, by the same tree rule as creating it. Its own
    units move with it. Audited as ``unit.update``."""
    unit = _existing_unit(graph, name)
    kind = UnitKind(unit["kind"])
    parent = (parent or "").strip() or None
    parent_kinds = _check_place(graph, kind, parent)
    if parent == unit["parent"]:
        return unit
    assert parent is not None  # noqa: S101 - _check_place refused a missing parent
    try:
        UnitRepository(graph).move(unit["name"], kind.value, parent, parent_kinds)
    except NotFound:
        raise AccountError(_("%(name)s cannot move under %(parent)s.",
                             name=unit['name'], parent=parent), "parent") from None
    audit("unit.update", unit["name"], {"parent": [unit["parent"], parent]}, graph=graph)
    return UnitRepository(graph).get(unit["name"])


@atomic
def update_unit(graph: Graph, name: str, *, new_name: str, parent: str | None) -> dict:
    """The admin page's edit: move, then rename, all or nothing."""
    unit = _existing_unit(graph, name)
    if unit["kind"] != UnitKind.HQ or parent:
        move_unit(graph, unit["name"], parent)
    return rename_unit(graph, unit["name"], new_name)


def ensure_first_admin(graph: Graph, email: str, password: str | None) -> tuple[bool, str | None]:
    """Create the first administrator if there is none.

    Returns (created, generated password); the password is only returned when it was
    generated here, so the caller prints it once.
    """
    repo = UserRepository(graph)
    if repo.count_admins() > 0:
        return False, None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(15)
    UnitRepository(graph).ensure_headquarters()
    create_user(
        graph, email, role=Role.ADMIN.value, unit="HQ", password=password, name="Administrator"
    )
    return True, generated
