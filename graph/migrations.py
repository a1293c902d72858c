"""Versioned schema migrations: ``migrations/V0001__name.cypher`` applied in order.

Each file holds statements separated by ``;``. Every statement is idempotent
(``IF NOT EXISTS``, ``MERGE``) and each applied file is recorded as a ``:Migration`` node
with its checksum, so ``flask db upgrade`` can run at every start.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph.connection import Graph

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_FILE_NAME = re.compile(r"^V(\d{4})__(\w+)\.cypher$")

ENSURE_MIGRATION_CONSTRAINT = (
    "CREATE CONSTRAINT migration_version IF NOT EXISTS "
    "FOR (m:Migration) REQUIRE m.version IS UNIQUE"
)
APPLIED = "MATCH (m:Migration) RETURN m.version AS version, m.checksum AS checksum"
RECORD = """
MERGE (m:Migration {version: $version})
SET m.name = $name, m.checksum = $checksum, m.applied_at = $applied_at
"""


class MigrationError(RuntimeError):
    """A migration file is malformed or was changed after it was applied."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


@dataclass(frozen=True)
class MigrationStatus:
    version: int
    name: str
    applied: bool


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.cypher")):
        match = _FILE_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: expected V0001__name.cypher")
        text = path.read_text(encoding="utf-8")
        migrations.append(
            Migration(
                version=int(match.group(1)),
                name=match.group(2),
                statements=tuple(split_statements(text)),
                checksum=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    versions = [m.version for m in migrations]
    if len(versions) != len(set(versions)):
        raise MigrationError("two migration files share a version number")
    return migrations


def split_statements(text: str) -> list[str]:
    """Split a migration file on ``;`` after dropping ``//`` comment lines."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def status(graph: Graph, directory: Path = MIGRATIONS_DIR) -> list[MigrationStatus]:
    graph.run_schema(ENSURE_MIGRATION_CONSTRAINT)
    applied = {row["version"]: row["checksum"] for row in graph.query(APPLIED)}
    return [
        MigrationStatus(m.version, m.name, m.version in applied) for m in load_migrations(directory)
    ]


def upgrade(graph: Graph, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every migration not yet recorded; return the ones applied now."""
    graph.run_schema(ENSURE_MIGRATION_CONSTRAINT)
    applied = {row["version"]: row["checksum"] for row in graph.query(APPLIED)}
    done = []
    for migration in load_migrations(directory):
        if migration.version in applied:
            if applied[migration.version] != migration.checksum:
                raise MigrationError(
                    f"V{migration.version:04d} was changed after it was applied; "
                    "add a new migration instead"
                )
            continue
        for statement in migration.statements:
            graph.run_schema(statement)
        graph.query(
            RECORD,
            {
                "version": migration.version,
                "name": migration.name,
                "checksum": migration.checksum,
                "applied_at": datetime.now(UTC).isoformat(),
            },
            write=True,
        )
        done.append(migration)
    return done
