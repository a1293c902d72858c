"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A constant hash to verify against when the e-mail is unknown, so that a login attempt
# for a missing account costs the same time as one for a real account.
DUMMY_HASH = _hasher.hash("not-a-real-account-password")


COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def common_passwords() -> frozenset[str]:
    """The 10,000 most common passwords (shipped in the repository, read once)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def _email_names(email: str) -> set[str]:
    """The e-mail name and its parts ("j.smith" -> j.smith, smith), lower-cased."""
    local = email.split("@")[0].lower()
    return {local} | {p for p in re.split(r"[._+\-]+", local) if len(p) >= 3} - {""}


def policy_problems(password: str, email: str = "") -> list[str]:
    """Why a password is unacceptable (empty list when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters long")
    if len(password) > 256:
        problems.append("must be at most 256 characters long")
    if len(set(password)) < 5:
        problems.append("must use at least 5 different characters")
    if password.lower() in common_passwords():
        problems.append("is one of the 10,000 most common passwords; choose another")
    names = _email_names(email) if email else set()
    lowered = password.lower()
    # Any length of e-mail name: what is left without it must still pass on its own.
    rest = lowered
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    contains = any(len(name) >= 3 and name in lowered for name in names)
    if names and (contains or (rest != lowered and len(rest) < MIN_LENGTH)):
        problems.append("must not contain your e-mail name")
    return problems
