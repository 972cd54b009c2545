"""Run the real `flask-pick` entry point in-process, through its error handler."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from recommender.cli import main


@dataclass(frozen=True)
class Result:
    """What one command run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """Run `flask-pick ARGS...` and capture its exit code and output."""
    capsys.readouterr()
    saved = sys.argv
    sys.argv = ["flask-pick", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = saved
    out, err = capsys.readouterr()
    return Result(code, out, err)
