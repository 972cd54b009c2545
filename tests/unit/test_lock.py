"""`flask-pick new --lock` without uv: one line saying how to get it, and nothing written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.unit.cli_runner import run_cli


def test_lock_without_uv_says_how_to_install_it_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Neither the `uv` Python package nor a uv on PATH.
    monkeypatch.setitem(sys.modules, "uv", None)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    dest = tmp_path / "apps" / "shop"
    result = run_cli(capsys, "new", str(dest), "--preset", "minimal", "--lock", "--no-git")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: --lock needs uv, which is not installed")
    assert "pip install uv" in lines[0]
    assert not (tmp_path / "apps").exists()
    assert "Traceback" not in result.stderr
