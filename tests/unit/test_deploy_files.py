"""The files that run a generated project: docker-compose.yml, Procfile, gunicorn.conf.py.

Each project is rendered the way `flask-pick new` renders it (engine, then Copier); then only
those files (and the README lines about them) are read. Running them is the slow tier's job.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from recommender.catalog import shipped_catalog
from tests.generated import harness
from tests.unit.rendering import RenderStack


@pytest.fixture(scope="module")
def projects(rendered: RenderStack) -> dict[str, Path]:
    return {
        "api": rendered("api", "api"),
        "webapp": rendered("webapp", "webapp"),
        "minimal": rendered("minimal", "minimal"),
        "full": rendered("full", "full"),
        "realtime": rendered("realtime", "realtime", deploy="heroku"),
        "sockets": rendered("sockets", "minimal", kind="web", realtime="websocket"),
        "lite": rendered(
            "lite",
            "minimal",
            "flask-sqlalchemy-lite",
            database="sqlite",
            migrations="no",
            deploy="heroku",
        ),
        # Both task queues at once (each brings a worker), on MySQL.
        "queues": rendered("queues", "webapp", "celery", "flask-rq", database="mysql", tasks="yes"),
        "jobs": rendered("jobs", "minimal", "flask-rq", deploy="heroku"),
        # A worker with no SQL tables to wait for.
        "documents": rendered("documents", "minimal", database="mongodb", tasks="yes"),
    }


def _read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def _docs(project: Path) -> str:
    """README.md and the docs/ pages: where a project explains itself."""
    pages = [project / "README.md", *sorted((project / "docs").glob("*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a repeated key, as docker compose does (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = {key for key in keys if keys.count(key) > 1}
        assert not repeated, f"repeated keys {sorted(repeated)} at {node.start_mark}"
        return super().construct_mapping(node, deep=deep)


def _compose(project: Path) -> dict[str, Any]:
    data = yaml.load(_read(project, "docker-compose.yml"), Loader=_UniqueKeyLoader)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(
    ("name", "schema"),
    [("api", ["db", "upgrade"]), ("webapp", ["db", "upgrade"]), ("full", ["db", "upgrade"])],
)
def test_compose_migrates_once_before_the_app_starts(
    projects: dict[str, Path], name: str, schema: list[str]
) -> None:
    services = _compose(projects[name])["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["flask", "--app", name, *schema]
    # The same image and settings as the app, and a one-off: no port, no healthcheck.
    assert migrate["build"] == services["web"]["build"]
    assert migrate["environment"] == services["web"]["environment"]
    assert "ports" not in migrate and "healthcheck" not in migrate
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    backing = [svc for svc, spec in services.items() if "image" in spec]
    assert migrate.get("depends_on", {}) == {
        svc: {"condition": "service_healthy"} for svc in backing
    }


def test_sqlite_is_one_file_for_the_migration_and_the_app(projects: dict[str, Path]) -> None:
    compose = _compose(projects["webapp"])
    for service in ("web", "migrate"):
        assert compose["services"][service]["volumes"] == ["instance:/app/instance"]
    assert "instance" in compose["volumes"]


@pytest.mark.parametrize(
    ("name", "workers"),
    [
        ("realtime", {"celery-worker"}),
        ("full", {"celery-worker"}),
        ("queues", {"celery-worker", "rq-worker"}),
        ("documents", {"celery-worker"}),
    ],
)
def test_workers_start_after_the_migration_and_share_the_database(
    projects: dict[str, Path], name: str, workers: set[str]
) -> None:
    compose = _compose(projects[name])
    services = compose["services"]
    built = {svc for svc, spec in services.items() if "build" in spec}
    assert built - {"web", "migrate"} == workers
    backing = {
        svc: {"condition": "service_healthy"} for svc, spec in services.items() if "image" in spec
    }
    migrated = (
        {"migrate": {"condition": "service_completed_successfully"}} if "migrate" in built else {}
    )
    for worker in workers:
        spec = services[worker]
        # The app's image and settings, started once the backing services are healthy and
        # the one-off migration (when the app has tables) has succeeded, like web.
        assert spec["build"] == services["web"]["build"]
        assert spec["environment"] == services["web"]["environment"]
        assert spec["depends_on"] == services["web"]["depends_on"] == {**migrated, **backing}
        # One SQLite file for all of them: the same volume at the same path.
        assert spec.get("volumes") == services["web"].get("volumes")
    if "migrate" in built:
        assert services["migrate"]["depends_on"] == backing


def test_a_sqlite_worker_reads_the_migrated_file(projects: dict[str, Path]) -> None:
    compose = _compose(projects["realtime"])
    assert compose["services"]["celery-worker"]["volumes"] == ["instance:/app/instance"]
    readme = _docs(projects["queues"])
    for worker in ("celery-worker", "rq-worker"):
        assert f"starts it as the `{worker}` service" in readme


def test_repeated_compose_keys_are_caught() -> None:
    with pytest.raises(AssertionError, match="repeated keys"):
        yaml.load("services:\n  worker: {}\n  worker: {}\n", Loader=_UniqueKeyLoader)


def test_no_tables_no_migrate_service(projects: dict[str, Path]) -> None:
    services = _compose(projects["minimal"])["services"]
    assert set(services) == {"web"}
    assert "depends_on" not in services["web"]


def test_services_are_reachable_from_flask_run_on_localhost_only(
    projects: dict[str, Path],
) -> None:
    services = _compose(projects["full"])["services"]
    expected = {
        "postgresql": ["127.0.0.1:5432:5432"],
        "redis": ["127.0.0.1:6379:6379"],
        "smtp": ["127.0.0.1:1025:1025", "127.0.0.1:8025:8025"],
    }
    assert {svc: services[svc]["ports"] for svc in expected} == expected
    env = harness.dotenv(projects["full"])
    assert env["DATABASE_URL"].endswith("@localhost:5432/full")
    assert env["REDIS_URL"] == "redis://localhost:6379/0"
    assert env["MAIL_PORT"] == "1025"


@pytest.mark.parametrize(
    ("name", "schema"), [("realtime", "db upgrade"), ("lite", "create-tables")]
)
def test_heroku_release_phase_creates_the_schema(
    projects: dict[str, Path], name: str, schema: str
) -> None:
    assert f"\nrelease: flask --app {name} {schema}\n" in _read(projects[name], "Procfile")


def test_heroku_runs_each_worker_compose_runs(projects: dict[str, Path]) -> None:
    for name, worker in (("realtime", "celery-worker"), ("jobs", "rq-worker")):
        procfile = _read(projects[name], "Procfile").splitlines()
        line = next(line for line in procfile if line.startswith(f"{worker}: "))
        assert (
            line.split(": ", 1)[1].split()
            == _compose(projects[name])["services"][worker]["command"]
        )
        assert f"`heroku ps:scale {worker}=1`" in _docs(projects[name])
    # A stack without a task queue has no worker process to scale.
    assert "worker" not in _read(projects["lite"], "Procfile")


def test_proxy_headers_are_documented_where_settings_are(projects: dict[str, Path]) -> None:
    for project in projects.values():
        assert "# TRUSTED_PROXY_HOPS=1\n" in _read(project, ".env.example")
        assert "`TRUSTED_PROXY_HOPS`" in _docs(project)
    heroku = projects["realtime"]
    assert "on Heroku (where `DYNO` is set) it is 1" in _docs(heroku)
    assert "\n# On Heroku (where DYNO is set) unset means 1" in _read(heroku, ".env.example")
    assert "return 1 if on_heroku else 0" in _read(heroku, "realtime/config.py")
    assert 'env_int("TRUSTED_PROXY_HOPS", 0)\n' in _read(projects["api"], "api/config.py")


def test_env_files_hold_only_comments_and_settings(projects: dict[str, Path]) -> None:
    for project in projects.values():
        for name in (".env", ".env.example"):
            for line in _read(project, name).splitlines():
                assert line.startswith("#") or re.match(r"[A-Z][A-Z0-9_]*=", line), (name, line)
                assert "#" not in line[1:] or line.startswith("#"), (name, line)


def _assignments(conf: str, name: str) -> list[str]:
    return re.findall(rf"^{name} = (.+)$", conf, re.MULTILINE)


@pytest.mark.parametrize(
    ("name", "workers", "threads"),
    [
        ("api", 'int(os.environ.get("WEB_CONCURRENCY"', '"1"'),
        ("sockets", 'int(os.environ.get("WEB_CONCURRENCY"', '"100"'),
        ("realtime", "1", '"100"'),
    ],
)
def test_gunicorn_sets_workers_and_threads_once(
    projects: dict[str, Path], name: str, workers: str, threads: str
) -> None:
    conf = _read(projects[name], "gunicorn.conf.py")
    [worker_line] = _assignments(conf, "workers")
    [thread_line] = _assignments(conf, "threads")
    assert worker_line.startswith(workers)
    assert thread_line == f'int(os.environ.get("GUNICORN_THREADS", {threads}))'
    readme = _docs(projects[name])
    if worker_line == "1":
        assert "one worker process (`WEB_CONCURRENCY` does not apply" in readme
    else:
        assert "`$WEB_CONCURRENCY` worker processes" in readme


def test_the_readme_command_list_is_one_sentence(projects: dict[str, Path]) -> None:
    for project in projects.values():
        [line] = [ln for ln in _read(project, "README.md").splitlines() if "Commands:" in ln]
        assert re.fullmatch(r"Commands: `[^`]+`(, `[^`]+`)*\.", line), line
        lines = _read(project, "README.md").splitlines()
        assert not [ln for ln in lines if ln in {".", ","} or ln.startswith(", `")]


def test_socketio_readme_asks_for_redis_only_when_it_is_missing(
    projects: dict[str, Path],
) -> None:
    # The realtime preset's tasks and cache bring Redis (and its client) already.
    readme = _docs(projects["realtime"])
    assert "add\n`redis` to the dependencies" not in readme
    assert '"redis>=' in _read(projects["realtime"], "pyproject.toml")


def test_a_template_floor_raises_the_catalog_bound_everywhere(projects: dict[str, Path]) -> None:
    project = projects["full"]
    pyproject = _read(project, "pyproject.toml")
    assert '"flask-admin[sqlalchemy]>=2.1,<3",' in pyproject
    assert '"flask-session>=0.7.0,<0.9",' in pyproject
    assert ",>=" not in pyproject
    readme = _read(project, "README.md")
    assert "[Flask-Admin](https://pypi.org/project/Flask-Admin/) >=2.1,<3 |" in readme
    assert "[Flask-Session](https://pypi.org/project/Flask-Session/) >=0.7.0,<0.9 |" in readme


def _requirements(project: Path) -> list[str]:
    meta = tomllib.loads(_read(project, "pyproject.toml"))
    lines = list(meta["project"]["dependencies"])
    for extra in meta["project"]["optional-dependencies"].values():
        lines.extend(extra)
    return [*lines, *meta["build-system"]["requires"]]


def test_every_dependency_is_bounded_above_and_declared_once(projects: dict[str, Path]) -> None:
    for name, project in projects.items():
        lines = _requirements(project)
        # A new major (or a 0.x minor) may break the project: none is let in unasked.
        assert all(re.search(r",<[0-9]", line) for line in lines), (name, lines)
        packages = [re.split(r"[\[<>=]", line)[0] for line in lines]
        assert len(packages) == len(set(packages)), (name, packages)
    # Two libraries needing redis (the cache and the server-side sessions) ask for it once.
    assert _requirements(projects["full"]).count("redis>=5.0.3,<9") == 1


def test_the_dev_extra_has_the_checks_ci_runs(projects: dict[str, Path]) -> None:
    for name, project in projects.items():
        dev = " ".join(
            tomllib.loads(_read(project, "pyproject.toml"))["project"]["optional-dependencies"][
                "dev"
            ]
        )
        workflow = yaml.safe_load(_read(project, ".github/workflows/ci.yml"))
        assert workflow["permissions"] == {"contents": "read"}, name
        steps = workflow["jobs"]["test"]["steps"]
        runs = [step.get("run", "") for step in steps]
        for tool in ("ruff", "mypy", "bandit", "pytest"):
            assert tool in dev, (name, tool)
            assert any(run.startswith(tool) for run in runs), (name, tool)
        setup = next(
            step for step in steps if step.get("uses", "").startswith("actions/setup-python")
        )
        assert setup["with"]["cache"] == "pip", name


def test_the_image_installs_dependencies_before_the_code_and_checks_its_health(
    projects: dict[str, Path],
) -> None:
    for name, project in projects.items():
        dockerfile = _read(project, "Dockerfile")
        package = project.name
        # The dependency layer comes from pyproject.toml alone: code edits keep its cache.
        assert dockerfile.index("pip install .") < dockerfile.index(f"COPY {package} ./{package}")
        assert "RUN pip install --no-deps ." in dockerfile, name
        assert "\nHEALTHCHECK " in dockerfile and "/health" in dockerfile, name


def test_compose_images_are_pinned(projects: dict[str, Path]) -> None:
    for name, project in projects.items():
        for service in _compose(project)["services"].values():
            image = service.get("image")
            if image:
                assert ":" in image, (name, image)
                tag = image.rpartition(":")[2]
                # A version (17, v1.31), never the moving `latest`.
                assert tag.removeprefix("v")[0].isdigit(), (name, image)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_every_template_floor_is_above_the_catalog_bound() -> None:
    catalog = shipped_catalog()
    floors = sorted(harness.FRAGMENTS_DIR.glob("*/min_version.jinja"))
    assert floors
    for path in floors:
        library = catalog.library(path.parent.name)
        assert library is not None, path
        floor = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S).strip()
        assert library.works_from is None or _version(floor) > _version(library.works_from), path
