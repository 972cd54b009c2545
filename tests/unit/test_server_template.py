"""The production server is a template hook: the Dockerfile, Procfile and README run the pick.

Each project here is rendered the way `flask-pick new` renders it (engine, then Copier), with
`--with uwsgi` standing in for the default gunicorn; then only a few files are read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.generated import harness
from tests.unit.rendering import render_stack


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("servers")
    return {
        "uwsgi": render_stack(root / "served", "api", "uwsgi", deploy="heroku"),
        "gunicorn": render_stack(root / "plain", "api", deploy="heroku"),
    }


def _cmd(project: Path) -> list[str]:
    return harness.declared_server(project)


def _read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def test_forced_uwsgi_replaces_gunicorn_everywhere(projects: dict[str, Path]) -> None:
    project = projects["uwsgi"]
    picks = re.findall(r"^- (\S+)$", _read(project, ".copier-answers.yml"), re.MULTILINE)
    assert "uwsgi" in picks and "gunicorn" not in picks
    assert (project / "uwsgi.ini").is_file()
    assert not (project / "gunicorn.conf.py").exists()
    assert _cmd(project) == ["uwsgi", "--ini", "uwsgi.ini"]
    assert "COPY uwsgi.ini ./" in _read(project, "Dockerfile")
    assert "web: uwsgi --ini uwsgi.ini\n" in _read(project, "Procfile")
    assert "Production: `uwsgi --ini uwsgi.ini` serves the app" in _read(project, "README.md")
    for name in ("Dockerfile", "Procfile", "README.md", "docs/libraries.md"):
        assert "gunicorn" not in _read(project, name).lower(), name


def test_uwsgi_image_compiles_it_and_keeps_no_compiler(projects: dict[str, Path]) -> None:
    dockerfile = _read(projects["uwsgi"], "Dockerfile")
    # One RUN: the compiler comes, pip builds uWSGI, the compiler goes (no layer keeps it).
    run = dockerfile[dockerfile.index("RUN apt-get update") :].split("\n\n")[0]
    steps = [step.strip(" \\\n") for step in run.removeprefix("RUN ").split("&&")]
    install = steps.index("apt-get install -y --no-install-recommends gcc libc6-dev")
    assert steps[install + 3] == "pip install ."
    assert steps[install + 4] == "apt-get purge -y --auto-remove gcc libc6-dev"
    assert steps[-1].startswith("rm -rf /var/lib/apt/lists/*")
    # The app's own install, later, builds nothing: its dependencies are in already.
    assert dockerfile.count("apt-get install") == 1
    assert "RUN pip install --no-deps . \\\n" in dockerfile


def test_gunicorn_projects_keep_their_server_and_plain_install(
    projects: dict[str, Path],
) -> None:
    project = projects["gunicorn"]
    assert _cmd(project) == ["gunicorn", "--config", "gunicorn.conf.py"]
    dockerfile = _read(project, "Dockerfile")
    assert "COPY gunicorn.conf.py ./" in dockerfile
    assert "RUN pip install --no-deps . \\\n    && useradd" in dockerfile
    assert "apt-get" not in dockerfile
    assert "web: gunicorn --config gunicorn.conf.py\n" in _read(project, "Procfile")
    assert not (project / "uwsgi.ini").exists()
    for name in ("Dockerfile", "Procfile", "docs/libraries.md"):
        assert "uwsgi" not in _read(project, name).lower(), name
    # The README's stack table may name uWSGI as the rival gunicorn beat, nothing more.
    assert "uwsgi.ini" not in _read(project, "README.md").lower()


def test_uwsgi_ini_builds_the_app_with_the_factory(projects: dict[str, Path]) -> None:
    project = projects["uwsgi"]
    ini = _read(project, "uwsgi.ini")
    package = project.name
    assert f"\nmodule = {package}:create_app()\n" in ini
    assert "\ndef create_app(" in _read(project, f"{package}/__init__.py")
    # The settings the deployment docs rely on, each on its own line.
    for line in (
        "strict = true",
        "master = true",
        "lazy-apps = true",
        "need-app = true",
        "die-on-term = true",
        "enable-threads = true",
        "single-interpreter = true",
        "vacuum = true",
        "http-socket = 0.0.0.0:%(_)",
        "http-socket = 0.0.0.0:8000",
        # Bodies read before the app runs: uWSGI warns at every start when harakiri is on
        # without it.
        "post-buffering = 65536",
        # Refused settings stop the master process in one line (the generated test_uwsgi.py
        # runs it); by path, so that an error importing the package is caught too.
        f"shared-import = %d{package}/preflight.py",
    ):
        assert f"\n{line}\n" in ini, line
    assert "\nharakiri = 30\n" in ini
    assert (project / package / "preflight.py").is_file()
    assert (project / "tests" / "test_uwsgi.py").is_file()
    assert not (projects["gunicorn"] / "plain" / "preflight.py").exists()


@pytest.mark.parametrize(
    ("picks", "servers"),
    [
        (["gunicorn", "python-dotenv"], ["gunicorn"]),
        (["python-dotenv", "uwsgi"], ["uwsgi"]),
        (["flask-sqlalchemy", "python-dotenv"], []),
    ],
)
def test_the_serving_picks_are_found_by_capability(picks: list[str], servers: list[str]) -> None:
    assert harness.servers_among(picks) == servers


@pytest.mark.parametrize(
    ("added", "kept"),
    [
        (["uwsgi"], ["python-dotenv"]),
        (["gunicorn"], ["gunicorn", "python-dotenv"]),
        (["flask-sqlalchemy", "flask-login"], ["gunicorn", "python-dotenv"]),
        (["python-dotenv"], ["gunicorn", "python-dotenv"]),
    ],
)
def test_a_solo_library_takes_the_place_of_the_pick_doing_its_job(
    added: list[str], kept: list[str]
) -> None:
    assert harness.replacing(["gunicorn", "python-dotenv"], added) == kept


def test_the_declared_server_is_the_last_cmd(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        'FROM python:3.11-slim\nCMD ["python"]\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n'
    )
    assert harness.declared_server(tmp_path) == ["uwsgi", "--ini", "uwsgi.ini"]
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\nCMD uwsgi --ini uwsgi.ini\n")
    with pytest.raises(json.JSONDecodeError):
        harness.declared_server(tmp_path)
