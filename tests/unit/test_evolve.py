"""`flask-pick add` without rendering: merging answers, and refusals on small git repositories."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.models import Recommendation
from recommender.core.needs import resolve_needs
from recommender.errors import FlaskPickError, UnknownLibraryError, UsageError
from recommender.evolve import (
    add_to_project,
    new_env_lines,
    parse_recorded,
    plan_addition,
    replay,
)
from recommender.project_git import TEMPLATE_BRANCH
from recommender.render import Project, copier_data

from .cli_runner import run_cli

CATALOG = shipped_catalog()
VOCABULARY = shipped_vocabulary()
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def _rec(needs: dict[str, str], with_: tuple[str, ...] = ()) -> Recommendation:
    resolved = resolve_needs(VOCABULARY, needs)
    return recommend(CATALOG, VOCABULARY, resolved, with_, (), wired_only=True)


def _answers(rec: Recommendation, name: str = "demo") -> dict[str, Any]:
    """What .copier-answers.yml holds after `new`, read back through YAML."""
    data = copier_data(Project(Path(name), name, name), rec, "s" * 64)
    data.pop("secret_key")
    data["_src_path"] = "flask-pick"
    loaded = yaml.safe_load(yaml.safe_dump(data))
    assert isinstance(loaded, dict)
    return loaded


MINIMAL = {"kind": "api", "database": "none", "api": "none"}
WEBAPP = VOCABULARY.preset("webapp")


def test_recorded_answers_name_forced_and_dead_libraries() -> None:
    rec = _rec(MINIMAL, ("flask-sqlalchemy", "flask-restful"))
    recorded = parse_recorded(_answers(rec))
    assert set(recorded.forced) == {"flask-sqlalchemy", "flask-restful"}
    assert "flask-smorest" in recorded.picks
    assert recorded.needs["migrations"] == "no"


@pytest.mark.parametrize(
    ("needs", "with_"),
    [
        (MINIMAL, ()),
        (MINIMAL, ("flask-sqlalchemy",)),
        (MINIMAL, ("flask-restful",)),
        (WEBAPP, ()),
        (WEBAPP, ("flask-mail",)),
        ({"kind": "api", "database": "sqlite", "auth": "token"}, ()),
    ],
)
def test_replay_reproduces_the_recorded_picks(
    needs: dict[str, str], with_: tuple[str, ...]
) -> None:
    rec = _rec(needs, with_)
    recorded = parse_recorded(_answers(rec))
    forced, excluded = replay(CATALOG, VOCABULARY, recorded)
    again = recommend(CATALOG, VOCABULARY, rec.needs, forced, excluded, wired_only=True)
    assert again.ids == rec.ids
    assert [w.library for w in again.warnings] == [w.library for w in rec.warnings]


def test_replay_keeps_a_pick_the_catalog_would_no_longer_make() -> None:
    rec = _rec(MINIMAL)
    data = _answers(rec)
    data["picks"] = sorted([*data["picks"], "flask-sqlalchemy"])
    forced, excluded = replay(CATALOG, VOCABULARY, parse_recorded(data))
    assert "flask-sqlalchemy" in forced
    assert excluded == ()


def test_adding_a_library_forces_it_and_keeps_the_needs() -> None:
    recorded = parse_recorded(_answers(_rec(MINIMAL)))
    addition = plan_addition(CATALOG, VOCABULARY, recorded, ["Flask_SQLAlchemy"], {})
    # As if chosen at the start: an ORM brings a database, which brings migrations.
    assert addition.added == ("flask-migrate", "flask-sqlalchemy")
    assert addition.needs_changed == (("database", "none", "sqlite"), ("migrations", "no", "yes"))
    assert addition.changes
    # The next `add` reads it back as forced, so it stays.
    after = parse_recorded(_answers(addition.rec))
    assert "flask-sqlalchemy" in after.forced
    second = plan_addition(CATALOG, VOCABULARY, after, ["flask-smorest"], {})
    assert set(second.added) == {"flask-smorest"}
    assert {"flask-sqlalchemy", "flask-smorest"} <= set(second.rec.ids)


def test_a_library_a_need_brings_sets_that_need() -> None:
    recorded = parse_recorded(_answers(_rec(WEBAPP)))
    addition = plan_addition(CATALOG, VOCABULARY, recorded, ["flask-mail"], {})
    assert addition.added == ("flask-mail",)
    assert ("mail", "no", "yes") in addition.needs_changed
    assert "smtp" in addition.new_services


def test_a_new_need_recomputes_the_needs_left_at_their_defaults() -> None:
    # As with `new --need database=sqlite`: a database brings migrations by default.
    recorded = parse_recorded(_answers(_rec(MINIMAL)))
    addition = plan_addition(CATALOG, VOCABULARY, recorded, [], {"database": "sqlite"})
    assert {"flask-sqlalchemy", "flask-migrate"} <= set(addition.added)
    assert ("migrations", "no", "yes") in addition.needs_changed


def test_requirements_come_along() -> None:
    recorded = parse_recorded(_answers(_rec(MINIMAL)))
    addition = plan_addition(CATALOG, VOCABULARY, recorded, ["flask-migrate"], {})
    assert set(addition.added) == {"flask-migrate", "flask-sqlalchemy"}
    assert ("database", "none", "sqlite") in addition.needs_changed


def test_a_library_whose_need_makes_no_sense_here_says_what_to_change() -> None:
    recorded = parse_recorded(_answers(_rec(MINIMAL)))
    with pytest.raises(UsageError, match="adding flask-admin brings admin=yes, but .* auth"):
        plan_addition(CATALOG, VOCABULARY, recorded, ["flask-admin"], {})


def test_a_library_already_there_changes_nothing() -> None:
    recorded = parse_recorded(_answers(_rec(WEBAPP)))
    present = recorded.picks[0]
    addition = plan_addition(CATALOG, VOCABULARY, recorded, [present], {})
    assert not addition.changes
    assert addition.already == (present,)
    need = plan_addition(CATALOG, VOCABULARY, recorded, [], {"kind": "web"})
    assert not need.changes


def test_a_dead_name_warns_and_finds_its_successor_already_there() -> None:
    recorded = parse_recorded(_answers(_rec({"kind": "api", "database": "none"})))
    assert "flask-smorest" in recorded.picks
    addition = plan_addition(CATALOG, VOCABULARY, recorded, ["flask-restful"], {})
    assert not addition.changes
    assert addition.already == ("flask-smorest",)
    assert [w.library for w in addition.new_warnings] == ["flask-restful"]


def test_add_never_removes_a_library() -> None:
    recorded = parse_recorded(_answers(_rec({"kind": "api", "database": "none"})))
    with pytest.raises(FlaskPickError, match="would remove flask-smorest"):
        plan_addition(CATALOG, VOCABULARY, recorded, [], {"kind": "web"})


def test_a_rival_of_a_library_already_there_is_refused_without_naming_without() -> None:
    recorded = parse_recorded(_answers(_rec(MINIMAL, ("uwsgi",))))
    with pytest.raises(FlaskPickError) as refused:
        plan_addition(CATALOG, VOCABULARY, recorded, ["gunicorn"], {})
    message = str(refused.value)
    assert "gunicorn conflicts with uwsgi" in message
    assert "only adds" in message
    assert "--without" not in message


def test_an_unwired_library_is_refused() -> None:
    unwired = next(lib for lib in CATALOG.libraries if not lib.is_dead and not lib.wired)
    recorded = parse_recorded(_answers(_rec(MINIMAL)))
    with pytest.raises(FlaskPickError, match="not wired into generated projects"):
        plan_addition(CATALOG, VOCABULARY, recorded, [unwired.id], {})


def test_unknown_names_and_senseless_needs_are_refused() -> None:
    recorded = parse_recorded(_answers(_rec(MINIMAL)))
    with pytest.raises(UnknownLibraryError, match="did you mean"):
        plan_addition(CATALOG, VOCABULARY, recorded, ["flask-sqlalchemi"], {})
    with pytest.raises(UsageError, match="makes no sense"):
        plan_addition(CATALOG, VOCABULARY, recorded, [], {"admin": "yes"})
    with pytest.raises(UsageError, match="unknown need"):
        plan_addition(CATALOG, VOCABULARY, recorded, [], {"colour": "blue"})


def test_answers_without_flask_pick_version_are_not_a_flask_pick_project() -> None:
    with pytest.raises(FlaskPickError, match="flask-pick did not generate this project"):
        parse_recorded({"_src_path": "gh:someone/template", "project_name": "x"})


def test_env_gets_new_keys_only() -> None:
    mine = "# mine\nDEMO_ENV=development\nSECRET_KEY=abc\nMAIL_PORT=2525\n"
    rendered = (
        "# Local development settings\nDEMO_ENV=development\nSECRET_KEY=abc\n"
        "MAIL_SERVER=localhost\nMAIL_PORT=1025\n\n# MAIL_USERNAME= for a real server\n"
    )
    assert new_env_lines(mine, rendered) == [
        "# Local development settings",
        "MAIL_SERVER=localhost",
        "# MAIL_USERNAME= for a real server",
    ]


# --- refusals on small git repositories (no rendering) ---------------------------------------


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A committed folder with the answers of a minimal API project and its template branch."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    root = tmp_path / "demo"
    root.mkdir()
    data = _answers(_rec(MINIMAL))
    (root / ".copier-answers.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    (root / ".gitignore").write_text(".env\n", encoding="utf-8")
    (root / "README.md").write_text("# demo\n", encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "--no-gpg-sign", "-m", "Initial project from flask-pick")
    _git(root, "branch", TEMPLATE_BRANCH)
    return root


def _state(root: Path) -> tuple[str, str, str]:
    refs = _git(root, "for-each-ref", "--format=%(refname) %(objectname)")
    return refs, _git(root, "status", "--porcelain"), _git(root, "count-objects")


def test_a_dirty_work_tree_is_refused_and_left_alone(project: Path) -> None:
    (project / "README.md").write_text("# demo, edited\n", encoding="utf-8")
    before = _state(project)
    with pytest.raises(FlaskPickError, match="uncommitted change.*git stash"):
        add_to_project(project, ["flask-sqlalchemy"], {})
    assert _state(project) == before
    assert (project / "README.md").read_text(encoding="utf-8") == "# demo, edited\n"


def test_an_untracked_file_counts_as_dirty(project: Path) -> None:
    (project / "notes.txt").write_text("todo\n", encoding="utf-8")
    with pytest.raises(FlaskPickError, match="1 uncommitted change;"):
        add_to_project(project, ["flask-sqlalchemy"], {})


def test_a_repository_without_the_template_branch_says_how_to_make_it(project: Path) -> None:
    _git(project, "branch", "-D", TEMPLATE_BRANCH)
    before = _state(project)
    with pytest.raises(FlaskPickError, match=r"git branch flask-pick/template \$\(git rev-list"):
        add_to_project(project, ["flask-sqlalchemy"], {})
    assert _state(project) == before


def test_the_template_branch_checked_out_is_refused(project: Path) -> None:
    _git(project, "switch", "-q", TEMPLATE_BRANCH)
    with pytest.raises(FlaskPickError, match="switch to your own branch"):
        add_to_project(project, ["flask-sqlalchemy"], {})


def test_a_project_without_git_is_refused(project: Path) -> None:
    subprocess.run(["rm", "-rf", str(project / ".git")], check=True)
    with pytest.raises(FlaskPickError, match="not a git repository.*--no-git"):
        add_to_project(project, ["flask-sqlalchemy"], {})
    assert sorted(p.name for p in project.iterdir()) == [
        ".copier-answers.yml",
        ".gitignore",
        "README.md",
    ]


def test_a_folder_flask_pick_did_not_make_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FlaskPickError, match=r"no \.copier-answers\.yml.*--path"):
        add_to_project(tmp_path, ["flask-sqlalchemy"], {})
    (tmp_path / ".copier-answers.yml").write_text("_src_path: gh:x/y\n", encoding="utf-8")
    with pytest.raises(FlaskPickError, match="no flask_pick_version"):
        add_to_project(tmp_path, ["flask-sqlalchemy"], {})


def test_the_project_is_found_from_a_subfolder(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "README.md").write_text("changed\n", encoding="utf-8")
    with pytest.raises(FlaskPickError, match="uncommitted change"):
        add_to_project(project / "docs", ["flask-sqlalchemy"], {})


def test_cli_already_there_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "add", "gunicorn", "--path", str(project))
    assert result.exit_code == 0, result.stderr
    assert "gunicorn already in demo.\nNothing changed." in result.stdout


def test_a_dead_library_replaced_by_flask_itself_adds_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "add", "Flask-Script", "--path", str(project))
    assert result.exit_code == 0, result.stderr
    assert "Flask-Script: Flask CLI, built into Flask: nothing to install." in result.stdout
    assert "already in" not in result.stdout


def test_cli_errors_are_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "README.md").write_text("changed\n", encoding="utf-8")
    result = run_cli(capsys, "add", "flask-sqlalchemy", "--path", str(project))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the work tree has 1 uncommitted change")
    assert result.stderr.count("\n") == 1
    bare = run_cli(capsys, "add", "--path", str(project))
    assert bare.exit_code == 2
    assert "name a library to add, or pass --need" in bare.stderr
    bad = run_cli(capsys, "add", "--need", "tasks", "--path", str(project))
    assert bad.exit_code == 2
    missing = run_cli(capsys, "add", "flask-mail", "--path", str(project / "nope"))
    assert missing.exit_code == 2


def test_ctrl_c_waits_while_the_branch_moves_and_merges(project: Path) -> None:
    # A Ctrl-C in that window would leave a half-done merge and a lying "nothing was written".
    from recommender import project_git

    seen: dict[str, object] = {}
    real_run = project_git.Git.run

    def spy(self: project_git.Git, *args: str, **kwargs: Any) -> Any:
        if args[0] in ("update-ref", "merge"):
            seen[args[0]] = signal.getsignal(signal.SIGINT)
        return real_run(self, *args, **kwargs)

    before = signal.getsignal(signal.SIGINT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(project_git.Git, "run", spy)
        add_to_project(project, ["flask-caching"], {})
    assert seen == {"update-ref": signal.SIG_IGN, "merge": signal.SIG_IGN}
    assert signal.getsignal(signal.SIGINT) == before


def test_a_folder_without_git_says_how_to_make_it_addable(project: Path) -> None:
    import shutil

    from recommender.project_git import MAKE_ADDABLE

    shutil.rmtree(project / ".git")
    with pytest.raises(FlaskPickError, match=r"not a git repository \(made with --no-git\?\)") as e:
        add_to_project(project, ["flask-caching"], {})
    assert f"`{MAKE_ADDABLE}`" in str(e.value)
    subprocess.run(MAKE_ADDABLE, shell=True, cwd=project, check=True, capture_output=True)
    # The advice leaves a repository add accepts (the slow tier goes on to add to it).
    from recommender.project_git import Git, check_repository

    check_repository(Git(project), project, dry_run=False)
