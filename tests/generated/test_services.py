"""Slow tests: generated projects against the real processes their libraries need.

Task queues (Celery, Flask-RQ): a real worker process runs against a real Redis server
(``FLASK_PICK_TEST_REDIS_URL``), the app enqueues through its own endpoint and reads the
result back. Realtime (Flask-SocketIO, flask-sock): gunicorn started with the project's own
``gunicorn.conf.py`` holds real WebSocket connections on 127.0.0.1.

Every process is started in its own session and killed at the end; every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socketserver
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from . import harness
from .test_projects import solo_answers

pytestmark = pytest.mark.slow

REDIS_VARIABLE = "FLASK_PICK_TEST_REDIS_URL"
# How long a worker may take to pick up and finish one tiny task, and a client to finish.
DEADLINE = 60
# The password of the account a job signs in with, when the stack has a login.
PASSWORD = "worker-pass-1234"


@contextlib.contextmanager
def _installed(ext_id: str, tmp_path: Path) -> Iterator[tuple[Path, Path, str]]:
    """Render the library's solo project and install it into its (locked) venv."""
    answers = solo_answers(ext_id)
    project = harness.render(answers, tmp_path / answers["project_name"])
    with harness.venv_for(project) as venv:
        harness._run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", "."],
            cwd=project,
            env=harness.clean_env(venv),
        )
        yield project, venv, answers["package"]


def _tail(log: IO[str]) -> str:
    log.seek(0)
    return log.read()[-4000:]


@contextlib.contextmanager
def _process(cmd: list[str], project: Path, env: dict[str, str]) -> Iterator[IO[str]]:
    """Run `cmd` in the background for the block; yield its (combined) log file."""
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            cmd, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            time.sleep(0.2)
            if proc.poll() is not None:
                raise harness.StepError(
                    f"`{' '.join(cmd)}` exited {proc.returncode}:\n{_tail(log)}"
                )
            yield log
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _client(venv: Path, project: Path, env: dict[str, str], script: str) -> dict[str, object]:
    """Run a client script with the project's venv; it prints one JSON object."""
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=DEADLINE + 30,
        check=False,
    )
    if proc.returncode != 0:
        raise harness.StepError(f"client exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


# Enqueue through the app's own endpoint, then poll its status endpoint until the worker is done.
# A stack with a login guards that endpoint: the job's `login` (the login page's path) and
# `email` name an account made beforehand (password PASSWORD); the script signs in there
# with the form's CSRF token, then sends the token of the signed-in session with its POST.
_ENQUEUE = """
import json, re, sys, time
from {package} import create_app

client = create_app("development").test_client()
headers = {{}}
if "{login}":
    def csrf_token(path):
        page = client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        return match.group(1) if match else ""
    form = {{"email": "{email}", "password": "{password}", "csrf_token": csrf_token("{login}")}}
    signed_in = client.post("{login}", data=form)
    assert signed_in.status_code == 302, (signed_in.status_code, signed_in.get_data(as_text=True))
    headers["X-CSRFToken"] = csrf_token("/welcome")
response = client.post("{start}", json={body}, headers=headers)
assert response.status_code == 202, (response.status_code, response.get_data(as_text=True))
job_id = response.get_json()["id"]
deadline = time.monotonic() + {deadline}
while True:
    status = client.get("{status}" + job_id).get_json()
    if {done} or time.monotonic() > deadline:
        break
    time.sleep(0.2)
print(json.dumps(status))
"""


def run_queued_job(
    worker: list[str],
    project: Path,
    venv: Path,
    env: dict[str, str],
    job: dict[str, str],
) -> tuple[dict[str, object], str]:
    """Start `worker`, enqueue `job` through the app's endpoint, wait; the status and the log."""
    with _process(worker, project, env) as log:
        account = {"login": "", "email": "", "password": PASSWORD}
        script = _ENQUEUE.format(deadline=DEADLINE, **{**account, **job})
        return _client(venv, project, env, script), _tail(log)


def celery_worker(package: str) -> list[str]:
    """A Celery worker for the generated `<package>.worker` app, one process, no chatter."""
    return [
        "celery", "-A", f"{package}.worker", "worker",
        "--pool", "solo", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
    ]  # fmt: skip


def celery_add(package: str, a: int, b: int) -> dict[str, str]:
    """The generated example task: POST /tasks/add, then poll /tasks/<id> until ready."""
    body = json.dumps({"a": a, "b": b})
    return {"package": package, "start": "/tasks/add", "body": body, "status": "/tasks/",
            "done": 'status["ready"]'}  # fmt: skip


def test_celery_worker_runs_a_task_enqueued_by_the_app(tmp_path: Path) -> None:
    redis_url = harness.service_url(REDIS_VARIABLE, "no Redis server to run a real worker against")
    with _installed("celery", tmp_path) as (project, venv, package):
        env = harness.clean_env(
            venv, {f"{package.upper()}_ENV": "development", "REDIS_URL": redis_url}
        )
        job = celery_add(package, 2, 3)
        status, log = run_queued_job(celery_worker(package), project, venv, env, job)
        assert status["state"] == "SUCCESS", (status, log)
        assert status["value"] == 5
        assert f"{package}.tasks.add" in log


def test_rq_worker_runs_a_job_enqueued_by_the_app(tmp_path: Path) -> None:
    redis_url = harness.service_url(REDIS_VARIABLE, "no Redis server to run a real worker against")
    with _installed("flask-rq", tmp_path) as (project, venv, package):
        env = harness.clean_env(
            venv, {f"{package.upper()}_ENV": "development", "REDIS_URL": redis_url}
        )
        worker = ["flask", "--app", package, "rq", "worker", "--name", f"{package}-{os.getpid()}"]
        job = {
            "package": package,
            "start": "/jobs/word-count",
            "body": json.dumps({"text": "jobs run in a worker"}),
            "status": "/jobs/",
            "done": 'status["status"] in ("finished", "failed")',
        }
        status, log = run_queued_job(worker, project, venv, env, job)
        assert status["status"] == "finished", (status, log)
        assert status["result"] == 5
        assert f"{package}.jobs.count_words" in log


class _SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib to deliver: each message's text goes to server.messages."""

    server: _SmtpServer

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 sink ESMTP")
        data: list[bytes] | None = None
        for line in self.rfile:
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.messages.append(b"".join(data).decode())
                    data = None
                    self._reply("250 queued")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                data = []
                self._reply("354 end with <CRLF>.<CRLF>")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:  # EHLO, MAIL FROM, RCPT TO, RSET, NOOP
                self._reply("250 OK")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpSink)
        self.messages: list[str] = []


@contextlib.contextmanager
def _smtp_sink() -> Iterator[_SmtpServer]:
    """A local SMTP server on a free port, for the block."""
    with _SmtpServer() as server, harness.in_thread(server):
        yield server


# Sign up through the app's own /register form, with the form's CSRF token.
_REGISTER = """
import json, re
from {package} import create_app

client = create_app("development").test_client()
page = client.get("/register").get_data(as_text=True)
token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
form = {{"email": "{email}", "password": "{password}", "password_confirm": "{password}",
         "csrf_token": token}}
response = client.post("/register", data=form)
print(json.dumps({{"status": response.status_code}}))
"""


def test_rq_worker_sends_flask_security_mail(tmp_path: Path) -> None:
    """Flask-Security + Flask-Mail + Flask-RQ: registration queues its mail, the worker sends it."""
    redis_url = harness.service_url(REDIS_VARIABLE, "no Redis server to run a real worker against")
    # A Redis database of its own: another test's RQ worker on the default queue would take
    # this project's jobs and fail to import them.
    redis_url = redis_url.rsplit("/", 1)[0] + "/7"
    base = harness.load_answers("full-auth")
    picks = sorted([*base["picks"], "flask-rq"])
    answers = {
        **base,
        "project_name": "rqmail",
        "package": "rqmail",
        "needs": {**base["needs"], "tasks": "yes"},
        "picks": picks,
        "stack": harness.stack_for(picks),
        "services": harness.services_for(picks),
    }
    project = harness.render(answers, tmp_path / "rqmail")
    # The project's own suite shows the mail job at work with FakeRedis; here, the real thing.
    harness.check_project(project)
    with harness.venv_for(project) as venv, _smtp_sink() as smtp:
        env = harness.clean_env(
            venv,
            {
                "RQMAIL_ENV": "development",
                "REDIS_URL": redis_url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": str(smtp.server_address[1]),
                "PYTHONPATH": str(project),
                **harness.production_secrets(project),
            },
        )
        harness._run(["flask", "--app", "rqmail", "db", "upgrade"], cwd=project, env=env)
        worker = ["flask", "--app", "rqmail", "rq", "worker", "--name", f"rqmail-{os.getpid()}"]
        with _process(worker, project, env) as log:
            email = "new-member@example.com"
            script = _REGISTER.format(package="rqmail", email=email, password=PASSWORD)
            assert _client(venv, project, env, script) == {"status": 302}
            deadline = time.monotonic() + DEADLINE
            while not smtp.messages and time.monotonic() < deadline:
                time.sleep(0.2)
            worker_log = _tail(log)
    [message] = smtp.messages
    assert f"To: {email}" in message, message
    assert "rqmail.security_mail.send_security_mail" in worker_log, worker_log


@contextlib.contextmanager
def _gunicorn(project: Path, venv: Path, package: str) -> Iterator[tuple[int, IO[str]]]:
    """gunicorn with the project's own config (asked for 2 workers), answering /health."""
    port = harness.free_port()
    env = harness.clean_env(
        venv,
        {
            f"{package.upper()}_ENV": "production",
            **harness.production_secrets(project),
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_CONCURRENCY": "2",
        },
    )
    with _process(["gunicorn", "--config", "gunicorn.conf.py"], project, env) as log:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{port}/health"
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise harness.StepError(f"gunicorn never answered:\n{_tail(log)}") from None
                time.sleep(0.2)
        yield port, log


def _client_path(venv: Path, *packages: str) -> str:
    """A folder holding client-only packages (not the project's), installed once."""
    target = harness.CACHE_DIR / "clients" / "-".join(packages)
    with harness._locked(harness.CACHE_DIR / "locks" / f"clients-{'-'.join(packages)}.lock"):
        if not (target / ".complete").exists():
            python = str(venv / "bin" / "python")
            harness._run(
                [python, "-m", "pip", "install", "-q", "--target", str(target), *packages],
                cwd=harness.CACHE_DIR,
                timeout=300,
            )
            (target / ".complete").write_text("\n".join(packages) + "\n", encoding="utf-8")
    return str(target)


_SOCKETIO_CLIENT = """
import json, threading, urllib.request
import socketio

url = "http://127.0.0.1:{port}"
clients, announced = [], []
for n in range(3):
    got = threading.Event()
    sio = socketio.Client(reconnection=False)
    sio.on("announcement", lambda data, got=got: (announced.append(data), got.set()))
    sio.connect(url, transports=["websocket"], wait_timeout=10)
    clients.append((sio, got))
acks = [sio.call("echo", {{"n": n}}, timeout=10) for n, (sio, _) in enumerate(clients)]
request = urllib.request.Request(
    url + "/realtime/announce",
    data=json.dumps({{"message": "over gunicorn"}}).encode(),
    headers={{"Content-Type": "application/json"}},
)
with urllib.request.urlopen(request, timeout=10) as response:
    status = response.status
delivered = all(got.wait(10) for _, got in clients)
transports = [sio.transport() for sio, _ in clients]
for sio, _ in clients:
    sio.disconnect()
print(json.dumps({{"acks": acks, "status": status, "delivered": delivered,
                   "announced": announced, "transports": transports}}))
"""


def test_socketio_round_trip_over_gunicorn(tmp_path: Path) -> None:
    with _installed("flask-socketio", tmp_path) as (project, venv, package):
        # python-socketio (the project's dependency) needs websocket-client for its client side.
        path = _client_path(venv, "websocket-client")
        with _gunicorn(project, venv, package) as (port, log):
            env = harness.clean_env(venv, {"PYTHONPATH": path})
            result = _client(venv, project, env, _SOCKETIO_CLIENT.format(port=port))
            server_log = _tail(log)
    assert result["transports"] == ["websocket"] * 3, server_log
    assert result["acks"] == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert result["status"] == 202
    assert result["delivered"] is True, server_log
    assert result["announced"] == [{"message": "over gunicorn"}] * 3
    # The config overrides WEB_CONCURRENCY=2: one process holds every Socket.IO session.
    assert server_log.count("Booting worker") == 1, server_log
    assert "Using worker: gthread" in server_log, server_log


_WEBSOCKET_CLIENT = """
import json
import simple_websocket

url = "ws://127.0.0.1:{port}/ws/echo"
sockets = [simple_websocket.Client.connect(url) for _ in range(3)]
replies = []
for n, ws in enumerate(sockets):
    ws.send(f"hello {{n}}")
for ws in sockets:
    replies.append(ws.receive(timeout=10))
for ws in sockets:
    ws.close()
print(json.dumps({{"replies": replies}}))
"""


def test_websocket_echo_over_gunicorn(tmp_path: Path) -> None:
    with _installed("flask-sock", tmp_path) as (project, venv, package):
        with _gunicorn(project, venv, package) as (port, log):
            env = harness.clean_env(venv)
            # Three sockets open at once: the threaded worker must hold them side by side.
            result = _client(venv, project, env, _WEBSOCKET_CLIENT.format(port=port))
            server_log = _tail(log)
    assert result["replies"] == ["hello 0", "hello 1", "hello 2"], server_log
    assert "Using worker: gthread" in server_log, server_log
