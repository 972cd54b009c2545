"""Shared fixtures: every test runs with flask-pick's own environment variables cleared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import os

    for name in list(os.environ):
        if name.startswith("FLASK_PICK_") and not name.startswith("FLASK_PICK_TEST_"):
            monkeypatch.delenv(name)
    yield
