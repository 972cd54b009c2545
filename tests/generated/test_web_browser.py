"""Slow: the web builder in a real headless browser, down to a downloaded project that works.

Debian's chromium and chromium-driver drive the page; without them the test skips (fails
when CI=true, where .ci/run installs them).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from werkzeug.serving import make_server

from recommender.catalog import shipped_catalog
from recommender.web import create_app

from . import harness

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Flags that let chromium run as root in a container, offline, with no first-run work.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1000",
)
WAIT = 30


@pytest.fixture
def server() -> Iterator[str]:
    """The builder on a free local port, served from a thread of this process."""
    http = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}/"
    finally:
        http.shutdown()
        thread.join(10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless chromium through chromedriver, downloading into tmp_path/downloads."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    if missing:
        message = f"{' and '.join(missing)} not installed: apt-get install chromium chromium-driver"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, condition: Any, what: str) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # Each update replaces the page's fragment: an element read mid-swap is stale, not wrong.
    wait = WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException,))
    return wait.until(lambda d: condition(d), message=what)


def _present(element_id: str) -> Any:
    from selenium.common.exceptions import NoSuchElementException
    from selenium.webdriver.common.by import By

    def find(driver: Any) -> Any:
        try:
            return driver.find_element(By.ID, element_id)
        except NoSuchElementException:
            return False

    return find


def _absent(element_id: str) -> Any:
    return lambda driver: not _present(element_id)(driver)


def _choose(driver: Any, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(_wait(driver, _present(select_id), select_id)).select_by_value(value)


def _picks(driver: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return sorted(
        element.get_attribute("id").removeprefix("pick-")
        for element in driver.find_elements(By.CSS_SELECTOR, "li.pick")
    )


def test_answer_swap_preview_and_download_a_working_project(
    server: str, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server)
    # Answer the form: a web app with a session login and a cache.
    _choose(browser, "need-kind", "kind=web")
    _choose(browser, "need-auth", "auth=session")
    _wait(browser, _present("need-roles"), "the roles question once there is a login")
    _wait(browser, _present("pick-flask-login"), "Flask-Login for auth=session")
    _wait(browser, _present("need-cache"), "the extras").click()
    _wait(browser, _present("pick-flask-caching"), "Flask-Caching once cache is ticked")
    # Screen readers hear the new stack, not the whole replaced page.
    assert "Flask-Caching" in browser.find_element(By.ID, "status").get_attribute("textContent")
    # A question that makes no sense is not offered, as in the terminal.
    _choose(browser, "need-auth", "auth=none")
    _wait(browser, _absent("need-roles"), "no roles question without a login")
    # By keyboard: the answer changes, the focus stays on the control.
    auth = _wait(browser, _present("need-auth"), "the auth question")
    auth.send_keys(Keys.DOWN)
    _wait(browser, _present("need-roles"), "a login chosen with the arrow key")
    assert browser.switch_to.active_element.get_attribute("id") == "need-auth"
    _choose(browser, "need-auth", "auth=session")
    _wait(browser, _present("pick-flask-login"), "Flask-Login again")

    # Swap Flask-Login for an alternative, after the side-by-side comparison.
    login = browser.find_element(By.ID, "pick-flask-login")
    login.find_element(By.LINK_TEXT, "Compare and swap").click()
    _wait(browser, _present("compare"), "the comparison")
    swap = browser.find_element(By.CSS_SELECTOR, "#compare a[id^='swap-']")
    swapped_in = swap.get_attribute("id").removeprefix("swap-")
    swap.click()
    _wait(browser, _present(f"pick-{swapped_in}"), f"{swapped_in} in the stack")
    _wait(browser, _absent("pick-flask-login"), "Flask-Login out of the stack")
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query["with"] == [swapped_in] and query["without"] == ["flask-login"]
    stack = _picks(browser)

    # A dead library asked for by name: a warning and its successor, and a way to undo it.
    field = browser.find_element(By.ID, "with-name")
    field.send_keys("Flask-Script", Keys.TAB)
    _wait(
        browser,
        lambda d: (
            "Flask-Script" in " ".join(w.text for w in d.find_elements(By.CLASS_NAME, "warning"))
        ),
        "the warning for Flask-Script",
    )
    browser.find_element(By.CSS_SELECTOR, "a[aria-label='Undo with Flask-Script']").click()
    _wait(browser, lambda d: not d.find_elements(By.CLASS_NAME, "warning"), "the warning gone")
    assert _picks(browser) == stack

    # The shareable link reproduces the page.
    share = browser.find_element(By.ID, "share").get_attribute("value")
    browser.get(share)
    _wait(browser, _present(f"pick-{swapped_in}"), "the shared link's stack")
    assert _picks(browser) == stack

    # Preview a file before downloading.
    browser.find_element(By.ID, "explore").click()
    _wait(browser, _present("files"), "the file tree")
    browser.find_element(By.CSS_SELECTOR, "#files a[href*='file=pyproject.toml']").click()
    _wait(
        browser,
        lambda d: "[project]" in d.find_element(By.ID, "file").text,
        "pyproject.toml's content",
    )
    # The preview is the project's own pyproject.toml: it names the swapped-in library.
    library = shipped_catalog().library(swapped_in)
    assert library is not None and library.pypi
    assert library.pypi.lower() in browser.find_element(By.ID, "file").text.lower()

    # Download the zip; the project in it must pass its own bar.
    browser.find_element(By.ID, "download").click()
    downloads = tmp_path / "downloads"
    archive = _wait(
        browser,
        lambda d: next(iter(downloads.glob("*.zip")), False),
        "the downloaded zip",
    )
    time.sleep(0.5)
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(tmp_path / "unzipped")
    project = tmp_path / "unzipped" / "myapp"
    assert (project / ".git").is_dir()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert sorted(answers["picks"]) == stack
    shutil.rmtree(project / ".git")
    report = harness.check_project(project)
    print(harness.summarize(report))
