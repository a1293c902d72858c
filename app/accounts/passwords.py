"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

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


def policy_problems(password: str, email: str = "") -> list[str]:
    """Why a password is unacceptable (empty list when it is fine)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters long")
    if len(password) > 256:
        problems.append("must be at most 256 characters long")
    if len(set(password)) < 5:
        problems.append("must use at least 5 different characters")
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        problems.append("must not contain your e-mail name")
    return problems
