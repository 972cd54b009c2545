"""Slow: the `full` preset against real PostgreSQL and Redis.

flask-pick generates the full stack; its own suite runs on PostgreSQL with its cache, rate
limit and session tests kept in Redis, the app boots under gunicorn on PostgreSQL, and a real
Celery worker runs a task the app enqueues.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from . import harness
from .test_new_command import flask_pick
from .test_services import PASSWORD, celery_add, celery_worker, run_queued_job

pytestmark = pytest.mark.slow


def test_full_preset_against_postgresql_and_redis(tmp_path: Path) -> None:
    postgres = harness.service_url(
        "FLASK_PICK_TEST_POSTGRES_URL", "no PostgreSQL server for the full stack"
    )
    redis = harness.service_url("FLASK_PICK_TEST_REDIS_URL", "no Redis server for the full stack")
    # A database of its own: the PostgreSQL fixture test may run at the same time on the
    # server's default database.
    subprocess.run(
        ["psql", postgres, "-q", "-c", "DROP DATABASE IF EXISTS flaskpick_full"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["psql", postgres, "-q", "-c", "CREATE DATABASE flaskpick_full"],
        check=True,
        capture_output=True,
    )
    server = postgres.rsplit("/", 1)[0]
    database = f"{server}/flaskpick_full".replace("postgresql://", "postgresql+psycopg://", 1)
    result = flask_pick("new", "fullapp", "--preset", "full", "--yes", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "fullapp"
    compose = yaml.safe_load((project / "docker-compose.yml").read_text())
    # Exactly the stack's services, plus the app, the worker its task queue needs and the
    # one-off migration that runs before the app starts.
    services = compose["services"]
    assert set(services) == {"web", "migrate", "celery-worker", "postgresql", "redis", "smtp"}
    assert services["migrate"]["command"] == ["flask", "--app", "fullapp", "db", "upgrade"]
    assert all("healthcheck" in svc for name, svc in services.items() if name != "migrate")
    services = {"TEST_DATABASE_URL": database, "TEST_REDIS_URL": redis}
    harness.check_project(
        project,
        test_env=services,
        run_env={"DATABASE_URL": database, "REDIS_URL": redis},
    )

    with harness.venv_for(project) as venv:
        env = harness.clean_env(venv, {**services, "PYTHONPATH": str(project)})
        # The Redis-backed tests (cache, rate limit, server sessions) ran, none skipped.
        redis_tests = subprocess.run(
            ["pytest", "-q", "-rs", "-p", "no:cacheprovider", "-k", "redis"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert redis_tests.returncode == 0, redis_tests.stdout + redis_tests.stderr
        assert "skipped" not in redis_tests.stdout, redis_tests.stdout
        assert " passed" in redis_tests.stdout

        run_env = harness.clean_env(
            venv,
            {
                "FULLAPP_ENV": "development",
                "DATABASE_URL": database,
                "REDIS_URL": redis,
                "PYTHONPATH": str(project),
                # `flask` reads .env but the enqueueing script does not: one key and salt
                # for both, or a password hashed by create-user would not match.
                **harness.production_secrets(project),
            },
        )
        subprocess.run(
            ["flask", "--app", "fullapp", "db", "upgrade"],
            cwd=project,
            env=run_env,
            check=True,
            capture_output=True,
        )
        # The task endpoints need a signed-in user: make one with the project's own command.
        email = "worker@example.com"
        subprocess.run(
            ["flask", "--app", "fullapp", "create-user", email],
            cwd=project,
            env=run_env,
            input=f"{PASSWORD}\n{PASSWORD}\n",
            text=True,
            check=True,
            capture_output=True,
        )
        job = {**celery_add("fullapp", 20, 22), "login": "/login", "email": email}
        status, log = run_queued_job(celery_worker("fullapp"), project, venv, run_env, job)
        assert status["state"] == "SUCCESS", (status, log)
        assert status["value"] == 42
