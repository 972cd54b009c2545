"""The built wheel carries the catalog and the template and works from any folder."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def test_wheel_installs_and_answers_from_an_empty_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("flask_pick-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", str(wheel)], check=True, capture_output=True)
    empty = tmp_path / "empty"
    empty.mkdir()

    def flask_pick(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(env_dir / "bin" / "flask-pick"), *args]
        return subprocess.run(command, cwd=empty, capture_output=True, text=True, check=False)

    show = flask_pick("catalog", "show", "flask-login", "--format", "json")
    assert show.returncode == 0, show.stderr
    assert json.loads(show.stdout)["id"] == "flask-login"
    uncurated = flask_pick("catalog", "show", "flask-sitemap", "--format", "json")
    assert json.loads(uncurated.stdout)["source"] == "pypi-index"
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    assert (site / "recommender" / "_data" / "templates" / "flask-app" / "copier.yml").is_file()
    new = flask_pick("new", "demo", "--preset", "webapp", "--no-git")
    assert new.returncode == 0, new.stderr
    answers = (empty / "demo" / ".copier-answers.yml").read_text()
    assert str(tmp_path) not in answers
    assert "flask-login" in answers
    _serve_from(env_dir / "bin" / "flask-pick", empty)


def _serve_from(flask_pick: Path, cwd: Path) -> None:
    """`flask-pick serve` from the wheel: the page, its static files and a zip answer."""
    from .harness import free_port

    port = free_port()
    proc = subprocess.Popen(
        [str(flask_pick), "serve", "--port", str(port)],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Ctrl-C as a terminal delivers it: a run started in the background (`cmd &` in a
        # script) passes SIGINT on ignored, and the server would never see it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    assert response.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None and time.monotonic() < deadline, "serve never answered"
                time.sleep(0.2)
        for path in ("/?preset=webapp", "/static/app.js", "/starter.zip?preset=minimal&git=no"):
            with urllib.request.urlopen(base + path, timeout=60) as response:
                assert response.status == 200, path
                assert response.read(), path
        proc.send_signal(signal.SIGINT)
        # waitress stops on Ctrl-C like any server: cleanly, exit 0 (the wait is generous: on a
        # loaded machine the interpreter can take a while to get to the signal).
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
