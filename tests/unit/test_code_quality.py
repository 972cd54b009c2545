"""flask-pick's own code passes the linters its README names (the generated projects' are
checked in tests/generated)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]' installs it")
    return found


def test_ruff_finds_nothing_and_the_code_is_formatted() -> None:
    ruff = _tool("ruff")
    lint = _run(ruff, "check", "--quiet", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _run(ruff, "format", "--check", "--quiet", ".")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr


@pytest.mark.slow
def test_mypy_strict_passes() -> None:
    checked = _run(_tool("mypy"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
