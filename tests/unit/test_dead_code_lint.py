"""`make lint` finds dead code: a function that only tests call is reported, because
tests are not scanned; the project itself is clean. Both runs use the Makefile's own
vulture command and the options in pyproject.toml."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_paths() -> list[str]:
    """The paths the Makefile's lint target gives vulture."""
    line = re.search(r"^\t\$\(BIN\)/vulture (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert line, "the Makefile's lint target runs vulture"
    return shlex.split(line.group(1))


def _vulture(*paths: str) -> subprocess.CompletedProcess[str]:
    # cwd is the project root, so vulture reads the [tool.vulture] options of pyproject.toml
    return subprocess.run(
        [sys.executable, "-m", "vulture", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_function_only_tests_call_is_reported(tmp_path):
    package = tmp_path / "customs"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "seals.py").write_text(
        '"""Seal checks: describe() is the entry point, seal_intact() was never wired in."""\n'
        "\n"
        '__all__ = ["describe"]\n'
        "\n\n"
        "def seal_intact(number: str) -> bool:\n"
        "    return number.isdigit()\n"
        "\n\n"
        "def seal_label(number: str) -> str:\n"
        '    return f"seal {number}"\n'
        "\n\n"
        "def describe(numbers: list[str]) -> list[str]:\n"
        "    return [seal_label(n) for n in numbers]\n"
    )
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_seals.py").write_text(
        "from customs.seals import seal_intact\n\n\n"
        "def test_seal():\n    assert seal_intact('123')\n"
    )
    # the Makefile's command with the copied package in place of the project's packages
    scanned = [p for p in _lint_paths() if p.endswith(".py")] + [str(package)]
    result = _vulture(*scanned)
    assert result.returncode != 0
    findings = [line for line in result.stdout.splitlines() if "customs" in line]
    assert len(findings) == 1, result.stdout
    assert findings[0].endswith("seals.py:6: unused function 'seal_intact' (60% confidence)")


def test_the_project_has_no_dead_code():
    result = _vulture(*_lint_paths())
    assert result.returncode == 0, result.stdout + result.stderr
