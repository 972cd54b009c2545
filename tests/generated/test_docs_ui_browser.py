"""Slow: each API library's Swagger UI page draws its operations in a real headless browser.

The page is served by the generated project itself (with and without flask-talisman's CSP),
so the browser applies the page's real Content-Security-Policy and its Subresource Integrity
attributes. The CDN (jsDelivr) is out of reach here and in CI: a local HTTPS server stands in
for it, serving the real files of the pinned swagger-ui-dist release from the npm registry's
tarball (fetched once into the slow tier's cache and checked against the registry's own
sha512). Chromium reaches it through --host-resolver-rules; its self-signed certificate is
accepted with --ignore-certificate-errors. A wrong hash in the project, an unpinned file or a
policy that blocks the page leaves the operations list empty, and the test fails.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import ssl
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

from . import harness
from .test_projects import solo_answers
from .test_services import _process, _tail
from .test_web_browser import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS, WAIT

pytestmark = pytest.mark.slow

CDN_HOST = "cdn.jsdelivr.net"
NPM_REGISTRY = "https://registry.npmjs.org"
# Each API library and where it serves Swagger UI.
DOCS_PAGES = {
    "flask-smorest": "/api/docs/swagger",
    "apiflask": "/api/docs/swagger",
    "flask-openapi3": "/api/docs/swagger",
    "flask-restx": "/api/docs",
}
# Whose page loads Swagger UI from the CDN (the others serve it from their own package).
FROM_CDN = {"flask-smorest", "apiflask"}
# An operation every generated API documents (Flask-RESTX's Swagger 2.0 spec shows its path
# without the /api base path).
OPERATION = "/greetings"


def _unavailable(message: str) -> NoReturn:
    """Skip, or fail when CI=true (where every tool and the npm registry must be there)."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        return bytes(response.read())


def _dist_folder(version: str) -> Path:
    return harness.CACHE_DIR / "npm" / f"swagger-ui-dist-{version}"


def swagger_ui_dist(version: str) -> Path:
    """The files of swagger-ui-dist `version`, from the npm registry (cached once)."""
    folder = _dist_folder(version)
    with harness._locked(harness.CACHE_DIR / "locks" / f"swagger-ui-dist-{version}.lock"):
        if not (folder / ".complete").exists():
            try:
                meta = json.loads(_get(f"{NPM_REGISTRY}/swagger-ui-dist/{version}"))
                tarball = _get(meta["dist"]["tarball"])
            except (urllib.error.URLError, TimeoutError, OSError) as error:
                _unavailable(f"the npm registry is out of reach ({error}): no Swagger UI files")
            # The registry's own hash of the tarball: these are the files it publishes.
            algorithm, _, expected = meta["dist"]["integrity"].partition("-")
            actual = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
            assert (algorithm, actual) == ("sha512", expected), "the tarball is not npm's"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
                for member in archive.getmembers():
                    name = member.name.removeprefix("package/")
                    if member.isfile() and "/" not in name:
                        extracted = archive.extractfile(member)
                        assert extracted is not None
                        (folder / name).write_bytes(extracted.read())
            (folder / ".complete").write_text(version + "\n", encoding="utf-8")
    return folder


class _CdnHandler(BaseHTTPRequestHandler):
    """Serves /npm/swagger-ui-dist@<version>/<file> as jsDelivr does (CORS open)."""

    server: _Cdn
    _TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png"}

    def do_GET(self) -> None:
        self.server.requested.append(self.path)
        match = re.fullmatch(r"/npm/swagger-ui-dist@([\d.]+)/([\w.-]+)", self.path)
        # Only a release the test fetched already (swagger_ui_dist): never a network call here.
        path = _dist_folder(match.group(1)) / match.group(2) if match else None
        if path is None or not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self._TYPES.get(path.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(body)))
        # crossorigin="anonymous" (which SRI needs for another origin's file) is a CORS request.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Cdn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CdnHandler)
        self.requested: list[str] = []


@pytest.fixture(scope="module")
def cdn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Cdn]:
    """The local stand-in for jsDelivr: HTTPS on a free port, with a self-signed certificate."""
    openssl = shutil.which("openssl")
    if openssl is None:
        _unavailable("openssl is not installed: no certificate for the local CDN")
    folder = tmp_path_factory.mktemp("cdn")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [str(openssl), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={CDN_HOST}",
         "-addext", f"subjectAltName=DNS:{CDN_HOST}"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with _Cdn() as server:
        server.socket = context.wrap_socket(server.socket, server_side=True)
        with harness.in_thread(server):
            yield server


@pytest.fixture(scope="module")
def browser(cdn: _Cdn, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless chromium that reaches the local CDN for cdn.jsdelivr.net, logging its console."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    if missing:
        _unavailable(
            f"{' and '.join(missing)} not installed: apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("profile")
    flags = (
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        f"--host-resolver-rules=MAP {CDN_HOST} 127.0.0.1:{cdn.server_address[1]}",
        "--ignore-certificate-errors",
    )
    for flag in flags:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _answers(ext_id: str, talisman: bool) -> dict[str, Any]:
    """The library's solo stack (the slow tier renders it already), with flask-talisman or not."""
    answers = solo_answers(ext_id)
    if not talisman:
        return answers
    picks = sorted({*answers["picks"], "flask-talisman"})
    return {
        **answers,
        "needs": {**answers["needs"], "security_headers": "yes"},
        "picks": picks,
        "stack": harness.stack_for(picks),
        "services": harness.services_for(picks),
    }


@contextlib.contextmanager
def _serving(project: Path, package: str) -> Iterator[str]:
    """The project's app (development config, as `flask run` serves it) on a free port."""
    with harness.venv_for(project) as venv:
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "-e", "."]
        harness._run(pip, cwd=project, env=harness.clean_env(venv))
        env = harness.clean_env(
            venv, {**harness.dotenv(project), f"{package.upper()}_ENV": "development"}
        )
        port = harness.free_port()
        command = ["flask", "--app", package, "run", "--port", str(port), "--no-reload"]
        with _process(command, project, env) as log:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise harness.StepError(f"the app never answered:\n{_tail(log)}") from None
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"


# What the page drew: the operations Swagger UI lists, and the pinned files' attributes.
# A collapsed tag (Flask-RESTX's docExpansion is "none") is opened to show its operations.
_DRAWN = """
document.querySelectorAll('.opblock-tag-section:not(.is-open) .opblock-tag')
  .forEach(tag => tag.click());
return {
  paths: [...document.querySelectorAll('.opblock-summary-path')].map(e => e.textContent.trim()),
  pinned: [...document.querySelectorAll('script[src], link[rel=stylesheet]')]
    .filter(e => (e.src || e.href).startsWith('https://cdn.jsdelivr.net/'))
    .map(e => ({url: e.src || e.href, integrity: e.integrity, crossorigin: e.crossOrigin})),
};
"""


# Every library's page as it comes, and under flask-talisman's CSP the pages that load Swagger
# UI from the CDN. (Flask-RESTX's and flask-openapi3's own Swagger UI files set inline styles
# that the docs pages' policy in headers.py does not allow yet: the browser blocks them.)
CASES = [(ext_id, False) for ext_id in sorted(DOCS_PAGES)] + [
    (ext_id, True) for ext_id in sorted(FROM_CDN)
]


@pytest.mark.parametrize(
    ("ext_id", "talisman"),
    CASES,
    ids=[f"{ext_id}-{'talisman' if talisman else 'plain'}" for ext_id, talisman in CASES],
)
def test_swagger_ui_draws_the_operations(
    ext_id: str, talisman: bool, browser: Any, cdn: _Cdn, tmp_path: Path
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    answers = _answers(ext_id, talisman)
    project = harness.render(answers, tmp_path / answers["project_name"])
    with _serving(project, answers["package"]) as url:
        with urllib.request.urlopen(url + DOCS_PAGES[ext_id], timeout=10) as response:
            policy = response.headers["Content-Security-Policy"] or ""
            page = response.read().decode()
        # The files of the release the page pins, ready on the local CDN.
        for version in set(re.findall(r"/swagger-ui-dist@(\d+\.\d+\.\d+)/", page)):
            swagger_ui_dist(version)
        browser.get_log("browser")  # what earlier pages logged is not this page's
        browser.get(url + DOCS_PAGES[ext_id])
        drawn: dict[str, Any] = {}

        def operations_listed(driver: Any) -> bool:
            drawn.update(driver.execute_script(_DRAWN))
            return any(path.endswith(OPERATION) for path in drawn["paths"])

        try:
            WebDriverWait(browser, WAIT).until(operations_listed)
        except Exception as error:
            console = [entry["message"] for entry in browser.get_log("browser")]
            raise AssertionError(f"no operations drawn: {drawn}\nconsole: {console}") from error
        console = [entry["message"] for entry in browser.get_log("browser")]
    # Nothing was refused: no file failed its hash, no script or style broke the policy.
    refused = [m for m in console if re.search(r"integrity|script-src|style-src", m, re.I)]
    assert refused == [], refused
    assert ("script-src" in policy) is talisman, policy
    if ext_id in FROM_CDN:
        assert {Path(item["url"]).name for item in drawn["pinned"]} == {
            "swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"
        }  # fmt: skip
        for item in drawn["pinned"]:
            assert re.search(r"/swagger-ui-dist@\d+\.\d+\.\d+/", item["url"]), item
            assert item["integrity"].startswith("sha384-") and item["crossorigin"] == "anonymous"
            assert urlsplit(item["url"]).path in cdn.requested, item
    else:
        assert drawn["pinned"] == [], "this library serves Swagger UI itself"
