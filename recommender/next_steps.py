"""What to run after `new`, read from the generated project itself (its README and
.env.example), so what `new` prints and what the project documents cannot drift apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# A backticked command in the README's "Commands:" line that starts a worker process.
_COMMAND = re.compile(r"`([^`]+)`")
_COMPOSE_UP = re.compile(r"^docker compose up\b[^#]*?--wait\s+([^#]+)")
# .env.example settings that point at a compose service, by the URL scheme they use.
_SERVICE_SCHEMES = {
    "postgresql": ("postgresql",),
    "mysql": ("mysql",),
    "mongodb": ("mongodb",),
    "redis": ("redis", "rediss"),
    "rabbitmq": ("amqp",),
}
_SQL_SERVERS = ("postgresql", "mysql")


@dataclass(frozen=True, slots=True)
class NextSteps:
    """The README's setup commands, the worker to start, and how to do without Docker."""

    steps: tuple[str, ...]
    worker: str | None
    services: tuple[str, ...]
    settings: tuple[str, ...]

    @property
    def sql_server(self) -> bool:
        """Whether the database is a server (PostgreSQL, MySQL) SQLite could stand in for."""
        return any(service in _SQL_SERVERS for service in self.services)


def read_next_steps(project: Path, package: str) -> NextSteps:
    """Everything `new` tells the person to run next, from the project's own files."""
    try:
        readme = (project / "README.md").read_text(encoding="utf-8").splitlines()
    except OSError:
        readme = []
    steps = _run_it_steps(readme, package)
    services = _compose_services(steps)
    return NextSteps(steps, _worker(readme), services, _settings(project, services))


def _run_it_steps(lines: list[str], package: str) -> tuple[str, ...]:
    """The first ```sh block under the README's "## Run it" heading, one command a line."""
    try:
        start = lines.index("```sh", lines.index("## Run it"))
        end = lines.index("```", start + 1)
    except ValueError:
        # A README without the block (a template of one's own): the steps every project has.
        return (
            "python -m venv .venv && . .venv/bin/activate",
            "pip install -e '.[dev]'",
            f"flask --app {package} run --debug",
        )
    return tuple(line for line in lines[start + 1 : end] if line.strip())


def _worker(lines: list[str]) -> str | None:
    """The task worker's command (Celery's, Flask-RQ's), as the README's command list names it."""
    for line in lines:
        if line.startswith("Commands:"):
            for match in _COMMAND.finditer(line):
                if re.search(r"\bworker\b", match.group(1)):
                    return match.group(1)
    return None


def _compose_services(steps: tuple[str, ...]) -> tuple[str, ...]:
    for step in steps:
        match = _COMPOSE_UP.match(step)
        if match:
            return tuple(match.group(1).split())
    return ()


def _settings(project: Path, services: tuple[str, ...]) -> tuple[str, ...]:
    """The .env settings naming the services' addresses (DATABASE_URL, REDIS_URL, ...)."""
    try:
        lines = (project / ".env.example").read_text(encoding="utf-8").splitlines()
    except OSError:
        return ()
    schemes = tuple(s for service in services for s in _SERVICE_SCHEMES.get(service, ()))
    found = []
    for line in lines:
        key, sep, value = line.partition("=")
        if not sep or key.startswith("#"):
            continue
        scheme = re.split(r"[+:]", value, maxsplit=1)[0]
        if scheme in schemes or (key == "MAIL_SERVER" and "smtp" in services):
            found.append(key)
    return tuple(dict.fromkeys(found))
