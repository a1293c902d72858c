"""The register on disk is the owner's alone: the data folder, the embedded Neo4j's store
and logs, backups and exports are 0700 folders and 0600 files, even under a umask of 022
(the common default, which would make them readable by every account on the machine)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from config import TestConfig


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _open_to_others(folder: Path) -> list[str]:
    found = []
    for root, _folders, files in os.walk(folder):
        for path in [Path(root), *(Path(root) / name for name in files)]:
            if path.is_symlink():
                continue
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode & 0o077:
                found.append(f"{oct(mode)} {path}")
    return found


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_embedded_neo4j_keeps_its_store_and_logs_private(neo4j_endpoint, tmp_path_factory):
    if os.environ.get("CORDON_TEST_NEO4J_URI"):
        pytest.skip("a Neo4j started elsewhere")
    folders = [p.parent for p in Path(tmp_path_factory.getbasetemp()).glob("*/server.json")]
    assert folders, "the test Neo4j's data folder was not found"
    for folder in folders:
        assert (folder / "home").is_dir() and (folder / "neo4j.log").is_file()
        assert any((folder / "home").rglob("*.db")) or any((folder / "home").rglob("neostore*"))
        assert _open_to_others(folder) == []


def test_backups_and_exports_are_owner_only(runner, app, umask_022, tmp_path):
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    backups = Path(app.config["CORDON_DATA"]) / "backups"
    assert _mode(backups) == 0o700
    written = list(backups.iterdir())
    assert len(written) == 2  # the snapshot and its manifest
    assert all(_mode(path) == 0o600 for path in written), [oct(_mode(p)) for p in written]

    named = tmp_path / "elsewhere" / "snapshot.jsonl"
    assert runner.invoke(args=["backup", str(named)]).exit_code == 0
    assert _mode(named.parent) == 0o700 and _mode(named) == 0o600

    export = tmp_path / "register.jsonl"
    result = runner.invoke(args=["export", str(export)])
    assert result.exit_code == 0, result.output
    assert _mode(export) == 0o600


def test_the_data_folder_is_created_owner_only(app_config, _migrated, umask_022, tmp_path):
    from app import create_app

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    data = shared / "cordon"
    app = create_app(TestConfig, {**app_config, "CORDON_DATA": str(data), "SECRET_KEY": None})
    try:
        assert _mode(data) == 0o700
        assert _mode(data / "secret_key") == 0o600
    finally:
        app.extensions["neo4j"].close()
