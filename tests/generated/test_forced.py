"""Slow: every wired library forced with `flask-pick new --with`, from the smallest base that
makes sense for it (tests/unit/forcing_bases.py), meets the bar like any other project."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.unit.forcing_bases import CATALOG, forced_base

from . import harness
from .test_new_command import flask_pick

pytestmark = pytest.mark.slow

WIRED = sorted(library.id for library in CATALOG.libraries if library.wired)


@pytest.mark.parametrize("library_id", WIRED)
def test_new_with_a_forced_library_meets_the_bar(library_id: str, tmp_path: Path) -> None:
    base = forced_base(library_id)
    assert base is not None, f"no base generates --with {library_id}"
    name = "forced-" + library_id
    result = flask_pick("new", name, *base, "--with", library_id, "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / name
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert library_id in answers["picks"]
    print(harness.summarize(harness.check_project(project)))
