"""Shared fixtures: every test runs with flask-pick's own environment variables cleared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

# Sample projects for `audit` (old apps with their own tests): data, not flask-pick's tests.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import os

    for name in list(os.environ):
        if name.startswith("FLASK_PICK_") and not name.startswith("FLASK_PICK_TEST_"):
            monkeypatch.delenv(name)
    yield


def pytest_configure(config: pytest.Config) -> None:
    """Draw the random-stack seed once, in the controller, so xdist workers share it."""
    import os
    import random

    if not hasattr(config, "workerinput") and not os.environ.get("FLASK_PICK_SEED"):
        os.environ["FLASK_PICK_SEED"] = str(random.SystemRandom().randrange(10**6))


def pytest_report_header(config: pytest.Config) -> str:
    import os

    return f"random stacks: FLASK_PICK_SEED={os.environ.get('FLASK_PICK_SEED')}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Print the seed last too, where a failing CI log is read."""
    import os

    markexpr = config.getoption("markexpr", "") or ""
    if "slow" in markexpr and not markexpr.strip().startswith("not"):
        terminalreporter.write_line(
            f"random stacks: FLASK_PICK_SEED={os.environ.get('FLASK_PICK_SEED')}"
        )
