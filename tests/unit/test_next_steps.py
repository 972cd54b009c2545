"""`flask-pick new` prints the README's own setup steps, and the README lists them all.

Projects are rendered the way `flask-pick new` renders them (engine, then Copier); only the
README, docker-compose.yml and what `print_next_steps` prints are read.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from recommender import console
from tests.unit.rendering import RenderStack


@pytest.fixture(scope="module")
def projects(rendered: RenderStack) -> dict[str, Path]:
    return {
        # PostgreSQL and Redis from docker compose, tables from Flask-Migrate.
        "api": rendered("api", "api"),
        # SQLite: no services to start.
        "webapp": rendered("webapp", "webapp"),
        # No migrations: the tables come from `create-tables`.
        "lite": rendered(
            "lite",
            "minimal",
            "flask-sqlalchemy-lite",
            database="sqlite",
            migrations="no",
        ),
        "plain": rendered("plain", "minimal", database="sqlite", migrations="no"),
        # No database at all.
        "minimal": rendered("minimal", "minimal"),
        # Celery, PostgreSQL, Redis and a mail catcher (renderings shared with the deploy tests).
        "full": rendered("full", "full"),
        # Flask-RQ's worker, on Heroku.
        "jobs": rendered("jobs", "minimal", "flask-rq", deploy="heroku"),
    }


def _printed_steps(project: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    console.print_next_steps(project, project.name, made_repo=False)
    out = capsys.readouterr().out
    assert f"Created {project} (no git repository). Next:" in out
    lines = out.split("Next:\n", 1)[1].splitlines()
    # The indented commands; the worker and no-Docker advice follow under lines of their own.
    steps = itertools.takewhile(lambda line: line.startswith("  "), lines)
    return [line.removeprefix("  ") for line in steps]


def _printed(project: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    console.print_next_steps(project, project.name, made_repo=False)
    return capsys.readouterr().out


def _readme_block(project: Path) -> list[str]:
    readme = (project / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Run it\n", 1)[1].split("```sh\n", 1)[1].split("\n```", 1)[0]
    return block.splitlines()


def _commands(steps: list[str]) -> list[str]:
    return [step.split("  # ", 1)[0].rstrip() for step in steps]


@pytest.mark.parametrize("name", ["api", "webapp", "lite", "plain", "minimal"])
def test_new_prints_the_readme_steps_after_cd(
    projects: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = projects[name]
    assert _printed_steps(project, capsys) == [f"cd {project}", *_readme_block(project)]


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("api", "db upgrade"),
        ("webapp", "db upgrade"),
        ("lite", "create-tables"),
        ("plain", "create-tables"),
        ("minimal", None),
    ],
)
def test_the_tables_are_created_before_the_app_runs(
    projects: dict[str, Path], name: str, schema: str | None
) -> None:
    project = projects[name]
    commands = _commands(_readme_block(project))
    run = commands.index(f"flask --app {name} run --debug")
    if schema is None:
        assert not [c for c in commands if c.startswith("flask") and "run" not in c]
    else:
        assert commands.index(f"flask --app {name} {schema}") < run
        # The command exists: the README's own command list names it too.
        assert f"`flask --app {name} {schema}`" in (project / "README.md").read_text()


def test_services_start_before_the_first_command_that_needs_them(
    projects: dict[str, Path],
) -> None:
    project = projects["api"]
    commands = _commands(_readme_block(project))
    compose = yaml.safe_load((project / "docker-compose.yml").read_text(encoding="utf-8"))
    # The backing services are the ones that run an image rather than build the app.
    backing = [name for name, service in compose["services"].items() if "image" in service]
    assert backing == ["postgresql", "redis"]
    up = commands.index("docker compose up -d --wait " + " ".join(backing))
    assert up < commands.index("flask --app api db upgrade")


@pytest.mark.parametrize("name", ["webapp", "lite", "minimal"])
def test_no_services_no_docker_step(projects: dict[str, Path], name: str) -> None:
    assert not [c for c in _readme_block(projects[name]) if c.startswith("docker")]


def test_comments_line_up_in_one_column(projects: dict[str, Path]) -> None:
    for project in projects.values():
        columns = {line.index("  # ") for line in _readme_block(project) if "  # " in line}
        assert len(columns) == 1, project.name


def test_a_readme_without_the_block_still_gets_the_basic_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("# mine\n", encoding="utf-8")
    steps = _printed_steps(tmp_path, capsys)
    assert steps[0] == f"cd {tmp_path}"
    assert steps[-1] == f"flask --app {tmp_path.name} run --debug"


@pytest.mark.parametrize(
    ("name", "worker"),
    [
        ("full", "celery -A full.worker worker --loglevel INFO"),
        ("jobs", "flask --app jobs rq worker"),
        ("api", None),
    ],
)
def test_the_worker_command_is_named_when_the_stack_has_one(
    projects: dict[str, Path], name: str, worker: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _printed(projects[name], capsys)
    if worker is None:
        assert "worker" not in out.split("Next:", 1)[1]
        return
    assert f"second terminal:\n  {worker}\n" in out
    # The same command the README lists, so the two cannot drift apart.
    assert f"`{worker}`" in (projects[name] / "README.md").read_text()


def test_a_stack_on_compose_services_says_how_to_do_without_docker(
    projects: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = " ".join(_printed(projects["full"], capsys).split())
    assert "No Docker? Skip `docker compose up`: set" in out
    env = (projects["full"] / ".env.example").read_text()
    for setting in ("DATABASE_URL", "REDIS_URL", "MAIL_SERVER"):
        assert setting in out and f"{setting}=" in env
    assert "--need database=sqlite" in out
    redis_only = " ".join(_printed(projects["jobs"], capsys).split())
    assert "--need database=sqlite" not in redis_only


@pytest.mark.parametrize("name", ["webapp", "minimal"])
def test_no_services_no_docker_advice(
    projects: dict[str, Path], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "No Docker" not in _printed(projects[name], capsys)
