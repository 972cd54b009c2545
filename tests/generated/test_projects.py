"""Slow tests: render real projects from the template and hold each to the bar (harness.py)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml

from . import harness

pytestmark = pytest.mark.slow

# Fixtures that need no server; postgresql and mysql run against real servers below.
LOCAL_FIXTURES = ["minimal", "webapp", "api", "full-auth"]
SERVER_FIXTURES = {
    "postgresql": "FLASK_PICK_TEST_POSTGRES_URL",
    "mysql": "FLASK_PICK_TEST_MYSQL_URL",
}


def solo_answers(ext_id: str) -> dict[str, Any]:
    """The minimal fixture plus one library and what it cannot work without.

    What that is lives beside the library's fragments, in includes/ext/<id>/solo.yml, so
    adding a library touches only its catalog entry and its own folder. A library that does
    the job of one of the fixture's picks takes its place (uWSGI serves instead of gunicorn).
    """
    base = harness.load_answers("minimal")
    solo = yaml.safe_load((harness.FRAGMENTS_DIR / ext_id / "solo.yml").read_text())
    added = [ext_id, *solo.get("with", [])]
    picks = sorted({*harness.replacing(base["picks"], added), *added})
    package = "solo_" + ext_id.replace("-", "_")
    return {
        **base,
        "project_name": package.replace("_", "-"),
        "package": package,
        "needs": {**base["needs"], "kind": solo["kind"], **solo.get("needs", {})},
        "picks": picks,
        "stack": harness.stack_for(picks),
        "services": harness.services_for(picks),
    }


SOLO = harness.wired_ids()


def _render(name: str, tmp_path: Path, **kwargs: Any) -> tuple[dict[str, Any], Path]:
    answers = harness.load_answers(name)
    project = harness.render(answers, tmp_path / answers["project_name"], **kwargs)
    return answers, project


def _record(request: pytest.FixtureRequest, report: harness.ProjectReport) -> None:
    summary = harness.summarize(report)
    request.node.user_properties.append(("bar", summary))
    print(json.dumps(summary))


@pytest.mark.parametrize("name", LOCAL_FIXTURES)
def test_generated_project_meets_the_bar(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    _, project = _render(name, tmp_path)
    _record(request, harness.check_project(project))


@pytest.mark.parametrize("name", sorted(SERVER_FIXTURES))
def test_database_stack_runs_against_a_real_server(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = harness.service_url(SERVER_FIXTURES[name], "no database server to run this stack against")
    _, project = _render(name, tmp_path)
    report = harness.check_project(
        project, test_env={"TEST_DATABASE_URL": url}, run_env={"DATABASE_URL": url}
    )
    _record(request, report)


@pytest.mark.parametrize("ext_id", SOLO)
def test_each_library_alone_meets_the_bar(
    ext_id: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    answers = solo_answers(ext_id)
    project = harness.render(answers, tmp_path / answers["project_name"])
    _record(request, harness.check_project(project))


# Every wired library whose wiring is bound in create_app: with that binding left out,
# the project's own tests must notice.
MUTATIONS = [
    ext_id for ext_id in SOLO if (harness.FRAGMENTS_DIR / ext_id / "init_app.jinja").exists()
]


@pytest.mark.parametrize("ext_id", MUTATIONS)
def test_project_tests_fail_without_the_wiring(ext_id: str, tmp_path: Path) -> None:
    answers = solo_answers(ext_id)
    project = harness.render(
        answers, tmp_path / answers["project_name"], mutate=harness.empty_fragment(ext_id)
    )
    assert ext_id in answers["picks"]
    output = harness.project_tests_fail(project)
    assert "failed" in output or "error" in output


@pytest.mark.parametrize("name", [*LOCAL_FIXTURES, *SERVER_FIXTURES])
def test_static_files_match_the_stack(name: str, tmp_path: Path) -> None:
    answers, project = _render(name, tmp_path)
    package = answers["package"]

    dockerfile = (project / "Dockerfile").read_text()
    assert f"FROM python:{answers['python_version']}-slim" in dockerfile
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    cmd = [line for line in dockerfile.splitlines() if line.startswith("CMD ")][-1]
    assert json.loads(cmd[4:]) == ["gunicorn", "--config", "gunicorn.conf.py"]
    assert "gunicorn" in answers["picks"]

    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    # The app, its services, and a one-off migration when it has SQL tables to create.
    sql = {"flask-sqlalchemy", "flask-sqlalchemy-lite"} & set(answers["picks"])
    one_off = {"migrate"} if sql else set()
    assert set(compose["services"]) == {"web", *answers["services"], *one_off}
    for name, service in compose["services"].items():
        assert ("healthcheck" in service) == (name not in one_off), name

    pyproject = (project / "pyproject.toml").read_text()
    assert f'requires-python = ">={answers["python_version"]}"' in pyproject
    for ext_id in answers["picks"]:
        assert f">={_bound(ext_id, answers['stack'][ext_id]['works_from'])}" in pyproject, ext_id

    assert (project / "Procfile").exists() == (answers["needs"]["deploy"] == "heroku")
    for ext_id in answers["picks"]:
        assert answers["stack"][ext_id]["pypi"] in (project / "README.md").read_text()

    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert "secret_key" not in recorded
    assert "_src_path" not in recorded
    assert str(tmp_path) not in (project / ".copier-answers.yml").read_text()
    assert recorded["picks"] == answers["picks"]
    secret = harness.dotenv(project)["SECRET_KEY"]
    assert len(secret) == 64 and len(set(secret)) > 4
    for path in project.rglob("*"):
        if path.is_file() and path.name != ".env":
            assert secret not in path.read_text(errors="ignore"), path
    assert ".env" in (project / ".gitignore").read_text().splitlines()
    # extensions.py exists exactly when some module imports an extension object from it.
    importer = f"from {package}.extensions import"
    imported = any(importer in path.read_text() for path in project.rglob("*.py"))
    assert (project / package / "extensions.py").exists() == imported

    # The instance folder is made only where the default database is a SQLite file in it.
    sql = {"flask-sqlalchemy", "flask-sqlalchemy-lite"} & set(answers["picks"])
    sqlite_default = bool(sql) and answers["needs"]["database"] not in {"postgresql", "mysql"}
    factory = (project / package / "__init__.py").read_text()
    assert ("os.makedirs(app.instance_path" in factory) == sqlite_default


@pytest.mark.parametrize(
    "argv",
    [["flask", "--app", "{package}", "check-config"], ["gunicorn", "--config", "gunicorn.conf.py"]],
)
def test_a_refused_config_stops_the_real_commands_in_one_line(
    argv: list[str], tmp_path: Path
) -> None:
    answers, project = _render("webapp", tmp_path)
    package = answers["package"]
    with harness.venv_for(project) as venv:
        env = harness.clean_env(venv)
        harness._run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-e", "."],
            cwd=project,
            env=env,
        )
        # What the reviewer ran: production with the .env.example placeholder for a key.
        bad = {**env, f"{package.upper()}_ENV": "production", "SECRET_KEY": "change-me"}
        proc = subprocess.run(
            [arg.format(package=package) for arg in argv],
            cwd=project,
            env=bad,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout == ""
    [line] = proc.stderr.splitlines()
    assert "SECRET_KEY is missing or a well-known default" in line
    assert line.startswith(("Error: ", "error: "))


def _bound(ext_id: str, works_from: str) -> str:
    """The catalog's works_from, or the template's higher floor (min_version.jinja)."""
    floor = harness.FRAGMENTS_DIR / ext_id / "min_version.jinja"
    if not floor.exists():
        return works_from
    return floor.read_text(encoding="utf-8").split("#}")[-1].strip()


def test_two_renders_get_different_secret_keys(tmp_path: Path) -> None:
    answers = harness.load_answers("minimal")
    first = harness.render(answers, tmp_path / "a")
    second = harness.render(answers, tmp_path / "b")
    assert harness.dotenv(first)["SECRET_KEY"] != harness.dotenv(second)["SECRET_KEY"]


@pytest.mark.parametrize("package", ["flask", "class", "tests", "celery", "My-App", "1app"])
def test_template_refuses_bad_package_names(package: str, tmp_path: Path) -> None:
    answers = {**harness.load_answers("minimal"), "package": package}
    with pytest.raises((copier.errors.CopierError, ValueError), match="package"):
        harness.render(answers, tmp_path / "out")
    assert not (tmp_path / "out").exists()
