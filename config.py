"""Configuration from the environment; secrets from the environment or the instance folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def instance_secret(data_dir: Path, name: str = "secret_key") -> str:
    """Read a secret kept in the data folder, creating it (mode 0600) on first use."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    """Settings for ``make run``; every value can be overridden from the environment."""

    CORDON_DATA = os.environ.get("CORDON_DATA", str(BASE_DIR / "instance"))
    SECRET_KEY = os.environ.get("SECRET_KEY")  # else instance/secret_key, see create_app

    # Neo4j: unset NEO4J_URI means "run our own embedded Neo4j on loopback".
    NEO4J_URI = os.environ.get("NEO4J_URI") or None
    NEO4J_USER = os.environ.get("NEO4J_USER", "neo4j")
    NEO4J_PASSWORD = os.environ.get("NEO4J_PASSWORD", "")
    NEO4J_DATABASE = os.environ.get("NEO4J_DATABASE") or None
    NEO4J_HEAP = os.environ.get("NEO4J_HEAP", "1g")
    NEO4J_PAGECACHE = os.environ.get("NEO4J_PAGECACHE", "512m")
    # How long the driver retries a transaction while the database is away (restart,
    # leader election) before the request fails with "database unavailable".
    NEO4J_RETRY_SECONDS = float(os.environ.get("NEO4J_RETRY_SECONDS", "15"))

    CORDON_ADMIN_EMAIL = os.environ.get("CORDON_ADMIN_EMAIL", "admin@cordon.local")
    CORDON_ADMIN_PASSWORD = os.environ.get("CORDON_ADMIN_PASSWORD") or None

    GRADING_SCHEME = os.environ.get("CORDON_GRADING_SCHEME", "admiralty")
    # The administration's country (ISO 3166-1 alpha-2): local phone numbers in reports
    # are read as its numbers when a text names no other country.
    CORDON_COUNTRY = os.environ.get("CORDON_COUNTRY") or None
    # The administration's name as partners read it in exchange packages (app/cooperation).
    CORDON_ADMINISTRATION = os.environ.get("CORDON_ADMINISTRATION") or None
    # The administration's time zone (IANA name): times on pages are shown in it.
    CORDON_TIMEZONE = os.environ.get("CORDON_TIMEZONE") or "UTC"
    # The interface's language when neither the officer nor the browser asks for one:
    # en, fr or ar (app/i18n.py).
    CORDON_LANGUAGE = os.environ.get("CORDON_LANGUAGE") or "en"

    # Second factor: roles that must enrol a TOTP app; the key encrypting TOTP secrets
    # (defaults to one derived from SECRET_KEY).
    TOTP_REQUIRED_ROLES = os.environ.get("CORDON_TOTP_REQUIRED_ROLES", "handler")
    TOTP_KEY = os.environ.get("CORDON_TOTP_KEY") or None

    # After an import, run the pages' reads once so that Neo4j re-plans them then, not on
    # the first officer's page (app/warmup.py).
    REPLAN_AFTER_IMPORT = _env_bool("CORDON_REPLAN_AFTER_IMPORT", True)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # absolute session limit, seconds
    SESSION_IDLE_SECONDS = int(os.environ.get("CORDON_SESSION_IDLE_SECONDS", 30 * 60))
    SESSION_ABSOLUTE_SECONDS = int(os.environ.get("CORDON_SESSION_ABSOLUTE_SECONDS", 12 * 3600))
    # API tokens expire this many days after they are issued.
    TOKEN_DAYS = int(os.environ.get("CORDON_TOKEN_DAYS", 90))
    # Five failed sign-ins in a row lock an account for this long (default 10 minutes).
    LOCKOUT_SECONDS = int(os.environ.get("CORDON_LOCKOUT_SECONDS", 10 * 60))

    # Rate limits: memory per process by default; a shared store when several processes serve.
    # Mail for notifications (off unless set): smtp://[user:password@]host[:port],
    # smtps:// for TLS from the start, ?starttls=1 to upgrade a plain connection.
    SMTP_URL = os.environ.get("CORDON_SMTP_URL") or None
    MAIL_FROM = os.environ.get("CORDON_MAIL_FROM", "cordon@localhost")
    # Where mail links point (the address officers open Cordon at).
    BASE_URL = os.environ.get("CORDON_BASE_URL", "http://127.0.0.1:5000")
    MAIL_POLL_SECONDS = float(os.environ.get("CORDON_MAIL_POLL_SECONDS", "30"))
    MAIL_RETRY_SECONDS = float(os.environ.get("CORDON_MAIL_RETRY_SECONDS", "60"))

    # Recipients of a disseminated report are reminded to give feedback this many days
    # after it was sent; each web worker looks for reminders due this often.
    FEEDBACK_DAYS = int(os.environ.get("CORDON_FEEDBACK_DAYS", "14"))
    REMINDER_POLL_SECONDS = float(os.environ.get("CORDON_REMINDER_POLL_SECONDS", "600"))
    # Packages for a partner's inbox that could not be pushed at once: retried this often,
    # each with a backoff from PUSH_RETRY_SECONDS (doubling, up to 6 hours; 8 attempts).
    PUSH_POLL_SECONDS = float(os.environ.get("CORDON_PUSH_POLL_SECONDS", "60"))
    PUSH_RETRY_SECONDS = float(os.environ.get("CORDON_PUSH_RETRY_SECONDS", "60"))
    # How long "Send to partner" waits for the partner's inbox before leaving it to a retry.
    PUSH_TIMEOUT_SECONDS = float(os.environ.get("CORDON_PUSH_TIMEOUT_SECONDS", "20"))
    # Mutual assistance requests: their officers are reminded this many days before the
    # deadline, and again once it has passed (the same reminder round).
    ASSISTANCE_REMIND_DAYS = int(os.environ.get("CORDON_ASSISTANCE_REMIND_DAYS", "7"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_LOGIN = os.environ.get("CORDON_RATELIMIT_LOGIN", "20 per minute")
    RATELIMIT_API = os.environ.get("CORDON_RATELIMIT_API", "600 per minute")
    # A limiter that fails (its store unreachable, a race in the in-memory store under
    # threads) lets the request through and logs why, rather than answering 500; the
    # account lockout still guards sign-in.
    RATELIMIT_SWALLOW_ERRORS = True
    # Evidence files: the largest upload (all files of one form or request together), MB.
    # A request body past it is refused while it is read (MAX_CONTENT_LENGTH, set from it
    # by create_app with a margin for the form's other fields), and each file's copy stops
    # at the limit (app/evidence).
    MAX_UPLOAD_MB = int(os.environ.get("CORDON_MAX_UPLOAD_MB", "20"))
    WTF_CSRF_TIME_LIMIT = 12 * 3600


class TestConfig(Config):
    """Tests point NEO4J_URI at the throwaway Neo4j that the test session starts."""

    TESTING = True
    SECRET_KEY = secrets.token_hex(32)  # a fresh key for each test process
    # Many sign-ins come from one address in a test run; limit tests set their own values.
    RATELIMIT_LOGIN = "10000 per minute"
    TOTP_REQUIRED_ROLES = ""  # the second-factor tests switch it on
    RATELIMIT_API = "100000 per minute"
    # Re-planning takes seconds per import on a cold test database; the import test that is
    # about it switches it on.
    REPLAN_AFTER_IMPORT = False


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = True


def config_for_environment() -> type[Config]:
    return ProductionConfig if os.environ.get("CORDON_ENV") == "production" else Config
