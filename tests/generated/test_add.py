"""Slow: `flask-pick add` on real generated projects, with the person's edits in the way."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from recommender.project_git import TEMPLATE_BRANCH

from . import harness

pytestmark = pytest.mark.slow

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Person",
    "GIT_AUTHOR_EMAIL": "person@example.com",
    "GIT_COMMITTER_NAME": "Person",
    "GIT_COMMITTER_EMAIL": "person@example.com",
}
PERSON_TEST = """

def test_the_person_s_own_test(client: FlaskClient) -> None:
    assert client.get("/health").status_code == 200
"""


def flask_pick(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "recommender", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def git(cwd: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=check,
    ).stdout.strip()


def new_project(tmp_path: Path, name: str, *args: str) -> Path:
    result = flask_pick("new", name, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / name
    assert git(project, "rev-parse", "main") == git(project, "rev-parse", TEMPLATE_BRANCH)
    return project


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_project_tests(project: Path, *, lint: bool = True) -> str:
    """The project's own tests, verbose, in a venv with its (new) dependencies."""
    with harness.venv_for(project) as venv:
        env = harness.clean_env(venv, {"PYTHONPATH": str(project)})
        proc = subprocess.run(
            ["pytest", "-v", "-p", "no:cacheprovider"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
        if lint:
            ruff = subprocess.run(
                ["ruff", "check", "--no-cache", "."], cwd=project, env=env, capture_output=True
            )
            assert ruff.returncode == 0, ruff.stdout
    return proc.stdout


def person_edits(project: Path, package: str) -> None:
    """Edit a route and a test, and commit, as the person would."""
    edit(project / package / "api" / "__init__.py", '"es": "Hola"}', '"es": "Hola", "de": "Hallo"}')
    with (project / "tests" / "test_app.py").open("a", encoding="utf-8") as handle:
        handle.write(PERSON_TEST)
    git(project, "commit", "-q", "-am", "German greeting and my own test")


def test_add_two_libraries_one_after_the_other_keeps_the_edits(tmp_path: Path) -> None:
    project = new_project(
        tmp_path, "shop", "--need", "kind=api", "--need", "database=none", "--need", "api=none"
    )
    person_edits(project, "shop")

    first = flask_pick("add", "flask-sqlalchemy", cwd=project)
    assert first.returncode == 0, first.stderr
    assert "Added to shop" in first.stdout
    second = flask_pick("add", "flask-smorest", "--path", str(project), cwd=tmp_path)
    assert second.returncode == 0, second.stderr

    assert git(project, "status", "--porcelain") == ""
    answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
    assert "- flask-smorest" in answers and "- flask-sqlalchemy" in answers
    assert '"de": "Hallo"' in (project / "shop" / "api" / "__init__.py").read_text()
    assert "test_the_person_s_own_test" in (project / "tests" / "test_app.py").read_text()
    # Three renderings on the template branch, each merged into the person's branch.
    assert len(git(project, "rev-list", TEMPLATE_BRANCH).splitlines()) == 3
    assert git(project, "merge-base", "--is-ancestor", TEMPLATE_BRANCH, "main", check=False) == ""

    # The template branch holds exactly what `new` renders when both are chosen at the start.
    (tmp_path / "fresh").mkdir()
    fresh = new_project(
        tmp_path / "fresh",
        "shop",
        # The forced libraries bring their needs (a database, an OpenAPI API), as `add` did.
        *("--need", "kind=api", "--with", "flask-sqlalchemy", "--with", "flask-smorest"),
    )
    assert git(fresh, "rev-parse", "main^{tree}") == git(
        project, "rev-parse", f"{TEMPLATE_BRANCH}^{{tree}}"
    )

    output = run_project_tests(project)
    for test_file in ("test_flask_sqlalchemy.py", "test_flask_smorest.py", "test_app.py"):
        assert f"tests/{test_file}::" in output, output
    assert "test_the_person_s_own_test PASSED" in output
    print(output.strip().splitlines()[-1])


def test_add_flask_mail_to_a_webapp(tmp_path: Path) -> None:
    project = new_project(tmp_path, "blog", "--preset", "webapp")
    edit(project / "README.md", "# blog", "# blog\n\nMy own words about this blog.")
    git(project, "commit", "-q", "-am", "README")
    result = flask_pick("add", "flask-mail", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "need mail: no -> yes" in result.stdout
    assert "My own words about this blog." in (project / "README.md").read_text()
    assert "MAIL_SERVER=" in (project / ".env").read_text()
    assert "smtp" in (project / "docker-compose.yml").read_text().lower()
    output = run_project_tests(project)
    assert "tests/test_flask_mail.py::" in output
    again = flask_pick("add", "flask-mail", cwd=project)
    assert again.returncode == 0
    assert "flask-mail already in blog.\nNothing changed." in again.stdout


def test_a_conflicting_edit_is_left_with_markers_and_listed(tmp_path: Path) -> None:
    project = new_project(tmp_path, "clash", "--preset", "webapp")
    # The person adds a dependency of their own just where the template adds Flask-Mail's
    # (the list is sorted): both sides insert a line at the same place.
    deps = tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]
    after = min(dep for dep in deps if dep.lower() > "flask-mail")
    edit(
        project / "pyproject.toml",
        f'    "{after}",\n',
        f'    "flask-cors>=4",\n    "{after}",\n',
    )
    git(project, "commit", "-q", "-am", "CORS")
    result = flask_pick("add", "flask-mail", cwd=project)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: adding flask-mail")
    assert "pyproject.toml" in result.stderr and "git add" in result.stderr
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert "<<<<<<< HEAD" in text and ">>>>>>> flask-pick/template" in text
    assert "UU pyproject.toml" in git(project, "status", "--porcelain")

    # The person resolves (both lines), commits, and the project works.
    resolved = []
    for line in text.splitlines():
        if not line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            resolved.append(line)
    (project / "pyproject.toml").write_text("\n".join(resolved) + "\n", encoding="utf-8")
    git(project, "add", "pyproject.toml")
    git(project, "commit", "-q", "--no-edit")
    assert '"flask-cors>=4"' in (project / "pyproject.toml").read_text()
    run_project_tests(project)


def test_the_base_is_what_flask_pick_rendered_then_not_now(tmp_path: Path) -> None:
    # An older flask-pick rendered a line today's template no longer writes: the merge takes
    # it out (the template changed it, the person did not), and keeps the person's edit.
    project = new_project(tmp_path, "old", "--preset", "webapp")
    edit(project / "README.md", "# old", "# old\n\nRendered by an older flask-pick.")
    git(project, "commit", "-q", "--amend", "-am", "Initial project from flask-pick")
    git(project, "branch", "-f", TEMPLATE_BRANCH, "main")
    edit(project / ".gitignore", ".env\n", ".env\nnotes/\n")
    git(project, "commit", "-q", "-am", "ignore notes")
    result = flask_pick("add", "flask-mail", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "older flask-pick" not in (project / "README.md").read_text()
    assert "notes/" in (project / ".gitignore").read_text()


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    project = new_project(tmp_path, "dry", "--preset", "webapp")
    (project / "scratch.txt").write_text("uncommitted\n", encoding="utf-8")

    def state() -> tuple[str, ...]:
        return (
            git(project, "for-each-ref"),
            git(project, "status", "--porcelain"),
            git(project, "count-objects", "-v"),
            (project / ".env").read_text(),
        )

    before = state()
    result = flask_pick("add", "flask-mail", "--dry-run", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Would add to dry" in result.stdout
    assert "tests/test_flask_mail.py" in result.stdout
    assert "files changed" in result.stdout
    assert state() == before
