"""Render flask-pick's Copier template and hold the generated project to its bar.

The bar, per project: in a virtualenv, `pip install -e '.[dev]'` succeeds, its own `pytest`
passes, `ruff check .` and `ruff format --check .` are clean, `flask --app PKG routes` lists
the routes, and the production server the project declares (its Dockerfile's command, with the
project's own `gunicorn.conf.py` or `uwsgi.ini`) answers `GET /health` with 200 and stops
cleanly on SIGTERM.

Virtualenvs are cached by the project's sorted requirement lines (one per distinct dependency
set, reused across tests and sessions) and guarded by a file lock, so `pytest -n 2` is safe.
uv fills them, hard-linking every file from its own cache: a hundred dependency sets cost
little more disk than one (with pip, each venv held its own copy: 9 GB for one cold run).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from uv import find_uv_bin

from recommender.catalog import shipped_catalog
from recommender.core.versions import next_breaking

from .shadowing import shadowed

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = REPO / "templates" / "flask-app"
DATA_DIR = Path(__file__).resolve().parent / "data"
FRAGMENTS_DIR = TEMPLATE_DIR / "includes" / "ext"
CACHE_DIR = Path(
    os.environ.get("FLASK_PICK_TEST_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "flask-pick-tests"
)
# The capability of the libraries that serve a project in production (gunicorn, uWSGI).
SERVER_CAPABILITY = "wsgi-server"
# Variables from the developer's shell that would change how the generated project behaves.
_LEAKY_ENV_PREFIXES = (
    "FLASK_",
    "DATABASE_URL",
    "TEST_DATABASE_URL",
    "SECRET_KEY",
    "SECURITY_",
    "VIRTUAL_ENV",
)


def service_url(variable: str, missing: str) -> str:
    """A real service's URL from the environment; without it the test skips, or fails in CI.

    `missing` says what the test cannot do without it, e.g. "no Redis server for a worker".
    """
    url = os.environ.get(variable)
    if not url:
        message = f"{variable} is not set: {missing}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


class StepError(AssertionError):
    """A step of the bar failed; carries the command and its output."""


@dataclass
class StepResult:
    name: str
    seconds: float
    output: str


@dataclass
class ProjectReport:
    project: Path
    package: str
    steps: list[StepResult] = field(default_factory=list)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    def summary(self) -> str:
        parts = [f"{s.name} {s.seconds:.1f}s" for s in self.steps]
        return f"{self.package}: " + ", ".join(parts)


def wired_ids() -> list[str]:
    """Every library the template wires: one fragment folder each."""
    return sorted(path.name for path in FRAGMENTS_DIR.iterdir() if path.is_dir())


def stack_for(picks: list[str]) -> dict[str, Any]:
    """The `stack` answer for these ids, with the catalog's facts (as `flask-pick new` gives)."""
    catalog = shipped_catalog()
    stack = {}
    for ext_id in picks:
        library = catalog.library(ext_id)
        assert library is not None, ext_id
        stack[ext_id] = {
            "pypi": library.pypi,
            "summary": library.summary,
            "works_from": library.works_from,
            "below": next_breaking(library.latest.version) if library.latest else None,
            "reasons": ["picked for this test"],
        }
    return stack


def services_for(picks: list[str]) -> list[str]:
    """The services these ids need, from the catalog."""
    catalog = shipped_catalog()
    needed = {svc for ext_id in picks for svc in catalog.library(ext_id).services}  # type: ignore[union-attr]
    return sorted(needed)


def servers_among(picks: list[str]) -> list[str]:
    """The picks that serve the app in production, by their catalog capability."""
    catalog = shipped_catalog()
    return [
        ext_id
        for ext_id in picks
        if SERVER_CAPABILITY in catalog.library(ext_id).capabilities  # type: ignore[union-attr]
    ]


def replacing(base: list[str], added: list[str]) -> list[str]:
    """`base` without the ids whose capabilities the `added` libraries all give already.

    A library proven alone takes the place of the base pick whose job it does (uWSGI that of
    gunicorn), as a library forced with `--with` does in the engine.
    """
    catalog = shipped_catalog()
    given = set()
    for ext_id in added:
        library = catalog.library(ext_id)
        assert library is not None, ext_id
        given.update(library.capabilities, library.covers)
    kept = []
    for ext_id in base:
        library = catalog.library(ext_id)
        assert library is not None, ext_id
        if ext_id in added or not set(library.capabilities) <= given:
            kept.append(ext_id)
    return kept


def declared_server(project: Path) -> list[str]:
    """The command the project runs in production: its Dockerfile's CMD (exec form)."""
    lines = (project / "Dockerfile").read_text(encoding="utf-8").splitlines()
    cmd = [line for line in lines if line.startswith("CMD ")]
    assert cmd, "the Dockerfile has no CMD"
    argv = json.loads(cmd[-1][len("CMD ") :])
    assert isinstance(argv, list) and all(isinstance(arg, str) for arg in argv), cmd[-1]
    return argv


def load_answers(name: str) -> dict[str, Any]:
    """Read tests/generated/data/<name>.yml."""
    with (DATA_DIR / f"{name}.yml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict)
    return data


def render(
    answers: dict[str, Any],
    dest: Path,
    *,
    mutate: Callable[[Path], None] | None = None,
) -> Path:
    """Render the template with `answers` into `dest` and return it.

    The template is first copied to a scratch folder, so uncommitted edits are rendered
    (Copier would read a git repository's HEAD) and `mutate` can alter the copy.
    """
    with tempfile.TemporaryDirectory(prefix="flask-pick-tpl-") as scratch:
        template = Path(scratch) / "flask-app"
        shutil.copytree(TEMPLATE_DIR, template, ignore=shutil.ignore_patterns("__pycache__"))
        if mutate is not None:
            mutate(template)
        copier.run_copy(
            src_path=str(template),
            dst_path=dest,
            data=answers,
            defaults=True,
            unsafe=False,
            quiet=True,
            vcs_ref=None,
        )
    return dest


def empty_fragment(ext_id: str, hook: str = "init_app") -> Callable[[Path], None]:
    """A `mutate` callback that leaves out one library's fragment (its init_app by default)."""

    def _mutate(template: Path) -> None:
        fragment = template / "includes" / "ext" / ext_id / f"{hook}.jinja"
        assert fragment.is_file(), f"{ext_id} has no {hook} fragment"
        fragment.write_text("", encoding="utf-8")

    return _mutate


def requirements(project: Path) -> list[str]:
    """The project's runtime and dev requirement lines, sorted."""
    with (project / "pyproject.toml").open("rb") as handle:
        meta = tomllib.load(handle)["project"]
    lines = list(meta.get("dependencies", []))
    for extra in meta.get("optional-dependencies", {}).values():
        lines.extend(extra)
    return sorted(set(lines))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def venv_for(project: Path) -> Iterator[Path]:
    """A locked virtualenv holding the project's dependencies (created once per set)."""
    with venv_with(requirements(project), project) as venv:
        yield venv


@contextlib.contextmanager
def venv_with(lines: list[str], project: Path) -> Iterator[Path]:
    """A locked virtualenv holding these requirement lines (created once per set)."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    key = hashlib.sha256("\n".join([python, *lines]).encode()).hexdigest()[:16]
    venv = CACHE_DIR / "venvs" / key
    with _locked(CACHE_DIR / "locks" / f"{key}.lock"):
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            uv = [find_uv_bin(), "--quiet", "--cache-dir", str(CACHE_DIR / "uv")]
            # --seed puts pip in the venv: the project's own install runs `pip install -e`.
            _run([*uv, "venv", "--seed", "--python", sys.executable, str(venv)], cwd=project)
            _run(
                [*uv, "pip", "install", "--link-mode", "hardlink"]
                + ["--python", str(venv / "bin" / "python"), "hatchling", *lines],
                cwd=project,
                timeout=900,
            )
            (venv / ".complete").write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield venv


def clean_env(venv: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a generated project's commands run in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_LEAKY_ENV_PREFIXES) and not key.endswith("_ENV")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    # A generated project's Redis-backed tests read TEST_REDIS_URL (skipped without it,
    # failing when CI=true); CI gives flask-pick the server as FLASK_PICK_TEST_REDIS_URL.
    if os.environ.get("FLASK_PICK_TEST_REDIS_URL"):
        env.setdefault("TEST_REDIS_URL", os.environ["FLASK_PICK_TEST_REDIS_URL"])
    env.update(extra or {})
    return env


def dotenv(project: Path) -> dict[str, str]:
    """The project's own .env, as a developer's shell would export it."""
    values = {}
    for line in (project / ".env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


# The secrets .env holds that production refuses to start without (a deployment sets them).
SECRET_NAMES = ("SECRET_KEY", "SECURITY_PASSWORD_SALT")


def production_secrets(project: Path) -> dict[str, str]:
    """The project's generated secrets, as a deployment would give them to production."""
    values = dotenv(project)
    return {name: values[name] for name in SECRET_NAMES if name in values}


def _run(
    cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise StepError(f"`{' '.join(cmd)}` exited {proc.returncode} in {cwd}:\n{output[-6000:]}")
    return output


def _timed(report: ProjectReport, name: str, func: Callable[[], str]) -> str:
    started = time.perf_counter()
    output = func()
    report.steps.append(StepResult(name, time.perf_counter() - started, output))
    return output


@contextlib.contextmanager
def in_thread(server: socketserver.BaseServer) -> Iterator[None]:
    """Run `server` (a local stand-in: SMTP, a CDN) from a daemon thread for the block."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def boot_server(
    project: Path,
    argv: list[str],
    env: dict[str, str],
    timeout: float = 30,
    stop_within: float = 15,
) -> str:
    """Start the project's server with `argv`, GET /health, then SIGTERM it and see it exit 0.

    The server reads its port from PORT and its worker count from WEB_CONCURRENCY, as its
    own config file says; SIGTERM is what `docker stop` and Heroku send.
    """
    name = argv[0]
    port = free_port()
    env = {**env, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"}
    with tempfile.TemporaryFile("w+") as log:

        def tail() -> str:
            log.seek(0)
            return log.read()[-4000:]

        proc = subprocess.Popen(
            argv,
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if proc.poll() is not None:
                    raise StepError(f"{name} exited {proc.returncode}:\n{tail()}")
                try:
                    url = f"http://127.0.0.1:{port}/health"
                    with urllib.request.urlopen(url, timeout=2) as response:
                        status = response.status
                        body = response.read().decode()
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise StepError(f"{name} never answered:\n{tail()}") from None
                    time.sleep(0.2)
            if status != 200:
                raise StepError(f"GET /health answered {status}: {body}")
            # Only the main process is signalled: stopping its workers is its own job.
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=stop_within)
            except subprocess.TimeoutExpired:
                raise StepError(
                    f"{name} still ran {stop_within:.0f}s after SIGTERM:\n{tail()}"
                ) from None
            if code != 0:
                raise StepError(f"{name} exited {code} on SIGTERM:\n{tail()}")
            return body
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def check_project(
    project: Path,
    *,
    test_env: dict[str, str] | None = None,
    run_env: dict[str, str] | None = None,
    static_checks: bool = False,
) -> ProjectReport:
    """Hold one rendered project to the whole bar; raise StepError on the first failure.

    `static_checks` adds the project's own mypy and bandit runs (its CI runs both), kept to
    the presets so the slow tier pays for them a few times, not once per library.
    """
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    package = answers["package"]
    report = ProjectReport(project, package)
    clashes = shadowed(project, package)
    if clashes:
        raise StepError("; ".join(clashes))
    with venv_for(project) as venv:
        env = clean_env(venv)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
        _timed(report, "install", lambda: _run([*pip, "-e", ".[dev]"], cwd=project, env=env))
        tenv = clean_env(venv, test_env)
        _timed(
            report,
            "pytest",
            lambda: _run(["pytest", "-q", "-p", "no:cacheprovider"], cwd=project, env=tenv),
        )
        _timed(
            report, "ruff", lambda: _run(["ruff", "check", "--no-cache", "."], cwd=project, env=env)
        )
        _timed(
            report,
            "format",
            lambda: _run(["ruff", "format", "--no-cache", "--check", "."], cwd=project, env=env),
        )
        if static_checks:
            _timed(report, "mypy", lambda: _run(["mypy", "--no-incremental"], cwd=project, env=env))
            _timed(report, "bandit", lambda: _bandit(project, env))
        denv = clean_env(venv, {**dotenv(project), **(run_env or {})})
        routes = _timed(
            report,
            "routes",
            lambda: _run(["flask", "--app", package, "routes"], cwd=project, env=denv),
        )
        assert "/health" in routes, routes
        servers = servers_among(answers["picks"])
        assert len(servers) <= 1, servers
        if servers:
            penv = clean_env(
                venv,
                {
                    f"{package.upper()}_ENV": "production",
                    **production_secrets(project),
                    **(run_env or {}),
                },
            )
            argv = declared_server(project)
            _timed(report, servers[0], lambda: boot_server(project, argv, penv))
    return report


def _bandit(project: Path, env: dict[str, str]) -> str:
    """Run bandit as the project's CI does; every `# nosec` must say why on the line above."""
    output = _run(
        ["bandit", "-q", "-r", ".", "-x", "./.venv", "--severity-level", "medium"],
        cwd=project,
        env=env,
    )
    unexplained = []
    for path in sorted(project.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "# nosec" not in line:
                continue
            above = lines[number - 1].strip() if number else ""
            if not re.search(r"# nosec B\d{3}$", line) or not above.startswith("#"):
                unexplained.append(f"{path.relative_to(project)}:{number + 1}: {line.strip()}")
    if unexplained:
        raise StepError(
            "each `# nosec BXXX` needs its reason in a comment just above:\n"
            + "\n".join(unexplained)
        )
    return output


def project_tests_fail(project: Path, test_env: dict[str, str] | None = None) -> str:
    """Run the project's own tests (in its dependency venv) and return their output if they fail.

    Used by the mutation tests: the project is not installed, `PYTHONPATH` points at it.
    """
    with venv_for(project) as venv:
        env = clean_env(venv, {**(test_env or {}), "PYTHONPATH": str(project)})
        proc = subprocess.run(
            ["pytest", "-q", "-x", "-p", "no:cacheprovider"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    output = proc.stdout + proc.stderr
    if proc.returncode == 0:
        raise StepError(
            f"the project's tests still pass with the wiring removed:\n{output[-3000:]}"
        )
    return output


def summarize(report: ProjectReport) -> dict[str, Any]:
    """Figures for one project: seconds per step and the project's own test count."""
    pytest_out = report.step("pytest").output.strip().splitlines()
    return {
        "package": report.package,
        "tests": pytest_out[-1] if pytest_out else "",
        "seconds": {step.name: round(step.seconds, 1) for step in report.steps},
    }
