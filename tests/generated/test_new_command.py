"""Slow: `flask-pick new` end to end, from the engine's own picks to a project that works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from uv import find_uv_bin

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.needs import resolve_needs
from recommender.errors import FlaskPickError

from . import harness

pytestmark = pytest.mark.slow


def _generatable(preset: str) -> bool:
    vocabulary = shipped_vocabulary()
    needs = resolve_needs(vocabulary, vocabulary.preset(preset))
    try:
        recommend(shipped_catalog(), vocabulary, needs, wired_only=True)
    except FlaskPickError:
        return False
    return True


PRESETS = [name for name, _, _ in shipped_vocabulary().presets]
GENERATABLE = [name for name in PRESETS if _generatable(name)]


def flask_pick(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_at_least_the_core_presets_are_generatable() -> None:
    assert {"minimal", "webapp"} <= set(GENERATABLE), GENERATABLE


@pytest.mark.parametrize("preset", GENERATABLE)
def test_new_preset_installs_tests_lints_and_boots(preset: str, tmp_path: Path) -> None:
    result = flask_pick("new", f"{preset}app", "--preset", preset, "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / f"{preset}app"
    assert str(tmp_path) not in (project / ".copier-answers.yml").read_text()
    # Every preset's code also passes its own mypy (strict) and bandit, as its CI runs them.
    report = harness.check_project(project, static_checks=True)
    print(harness.summarize(report))


def test_new_lock_pins_every_dependency_in_a_current_uv_lock(tmp_path: Path) -> None:
    result = flask_pick("new", "locked", "--preset", "minimal", "--lock", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "locked"
    lock = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))
    pinned = {package["name"]: package["version"] for package in lock["package"]}
    assert {"flask", "werkzeug", "gunicorn", "python-dotenv", "pytest", "mypy", "bandit"} <= set(
        pinned
    )
    # uv agrees the lock matches pyproject.toml without resolving again.
    check = subprocess.run(
        [find_uv_bin(), "lock", "--locked", "--quiet"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_new_refuses_a_non_empty_folder_and_touches_nothing(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = flask_pick("new", "taken", "--preset", "minimal", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: taken already exists and is not empty")
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize("name", ["flask", "class", "9lives", "my app!"])
def test_new_refuses_a_bad_package_name_before_writing(tmp_path: Path, name: str) -> None:
    result = flask_pick("new", "proj", "--preset", "minimal", "--name", name, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_new_without_a_terminal_or_needs_is_a_usage_error(tmp_path: Path) -> None:
    result = flask_pick("new", "proj", cwd=tmp_path)
    assert result.returncode == 2
    assert "pass --preset" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_git_repository_has_one_commit(tmp_path: Path) -> None:
    result = flask_pick("new", "repo", "--preset", "minimal", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    log = subprocess.run(
        ["git", "log", "--oneline"],
        cwd=tmp_path / "repo",
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(log.stdout.splitlines()) == 1
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=tmp_path / "repo", capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert ".env" not in tracked
    assert ".env.example" in tracked


def test_ctrl_c_during_render_leaves_nothing_behind(tmp_path: Path) -> None:
    # Interrupt the real command a moment after it starts, many times over, at varying points.
    # The points start once Python has loaded the CLI: a Ctrl-C during the interpreter's own
    # start-up is Python's to handle, and on a busy machine start-up alone can take 0.3 s.
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import recommender.cli"], check=True)
    loaded = time.perf_counter() - started
    for delay in (loaded + step for step in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)):
        process = subprocess.Popen(
            # A missing parent folder is created by the run, and removed with the rest.
            [sys.executable, "-m", "recommender", "new", "deep/cut", "--preset", "webapp"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        leftovers = sorted(p.name for p in tmp_path.iterdir())
        if leftovers == []:
            assert process.returncode == 130, err
            assert "nothing was written" in err
        else:
            # The project was moved into place before the signal: then all of it is there
            # (it is renamed in one step, last), nothing else is beside it, and the command
            # says it succeeded.
            assert leftovers == ["deep"], leftovers
            assert os.listdir(tmp_path / "deep") == ["cut"]
            assert process.returncode == 0, err
            assert (tmp_path / "deep" / "cut" / ".copier-answers.yml").is_file()
            assert (tmp_path / "deep" / "cut" / ".git").is_dir()
            subprocess.run(["rm", "-rf", str(tmp_path / "deep")], check=True)
    assert os.listdir(tmp_path) == []


def test_new_dot_fills_an_empty_current_folder(tmp_path: Path) -> None:
    here = tmp_path / "dotted-app"
    here.mkdir()
    result = flask_pick("new", ".", "--preset", "minimal", "--no-git", cwd=here)
    assert result.returncode == 0, result.stderr
    answers = (here / ".copier-answers.yml").read_text()
    assert "project_name: dotted-app" in answers
    assert "package: dotted_app" in answers
    assert (here / "dotted_app" / "__init__.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dotted-app"]


def test_new_creates_missing_parent_folders(tmp_path: Path) -> None:
    result = flask_pick("new", "work/apps/shop", "--preset", "minimal", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "work" / "apps" / "shop" / "shop" / "__init__.py").is_file()


def test_new_refuses_a_parent_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    result = flask_pick("new", "notes.txt/shop", "--preset", "minimal", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "is a file, not a folder" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
