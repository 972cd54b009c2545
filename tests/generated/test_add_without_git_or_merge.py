"""`add` where it cannot merge: a --no-git project says how to make it addable, and a merge
left with conflicts writes nothing outside it, so `git merge --abort` undoes all of `add`.

In-process (no venv, no project test run): each test renders twice, a few seconds."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from recommender.project_git import MAKE_ADDABLE
from tests.unit.cli_runner import run_cli

from .test_add import GIT_ENV, git

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """flask-pick's own commits (new, add) need an author, as on a fresh CI machine."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def test_new_no_git_warns_and_add_says_how_to_make_it_addable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "plain"
    made = run_cli(capsys, "new", str(project), "--preset", "minimal", "--no-git")
    assert made.exit_code == 0, made.stderr
    assert "`flask-pick add` merges with git" in made.stdout
    assert MAKE_ADDABLE in made.stdout
    refused = run_cli(capsys, "add", "flask-caching", "--path", str(project))
    assert refused.exit_code == 1
    assert "not a git repository (made with --no-git?)" in refused.stderr
    assert f"`{MAKE_ADDABLE}`" in refused.stderr
    # Following the advice makes it addable.
    subprocess.run(MAKE_ADDABLE, shell=True, cwd=project, check=True, capture_output=True)
    added = run_cli(capsys, "add", "flask-caching", "--path", str(project))
    assert added.exit_code == 0, added.stderr
    assert "Merged into main" in added.stdout


def test_an_aborted_conflicting_merge_leaves_nothing_of_add_behind(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "clash"
    made = run_cli(capsys, "new", str(project), "--preset", "webapp")
    assert made.exit_code == 0, made.stderr
    # The person adds a dependency just where Flask-Mail's will land (the list is sorted), and
    # commits: both sides insert a line at the same place.
    pyproject = project / "pyproject.toml"
    deps = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    after = min(dep for dep in deps if dep.lower() > "flask-mail")
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace(f'    "{after}",\n', f'    "flask-cors>=4",\n    "{after}",\n')
    )
    git(project, "commit", "-q", "-am", "pin")
    env_before = (project / ".env").read_text()

    result = run_cli(capsys, "add", "flask-mail", "--path", str(project))
    assert result.exit_code == 1
    assert "pyproject.toml" in result.stderr
    # .env is untracked: written now, a merge --abort could not take it back.
    assert (project / ".env").read_text() == env_before
    assert "once you commit the merge, add them to .env:" in result.stdout
    assert "  MAIL_SERVER=" in result.stdout

    git(project, "merge", "--abort")
    assert git(project, "status", "--porcelain", "--ignored=no") == ""
    assert (project / ".env").read_text() == env_before
    assert '"flask-mail' not in pyproject.read_text().lower()
