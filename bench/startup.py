"""Startup time of `flask-pick --help` and `catalog show` as ratios to a minimal typer CLI.

Run: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import floor_command  # noqa: E402
from timing import median_seconds, report  # noqa: E402

TARGET = 1.5


def flask_pick() -> list[str]:
    """The installed flask-pick command (falls back to `python -m recommender`)."""
    found = shutil.which("flask-pick")
    return [found] if found else [sys.executable, "-m", "recommender"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    empty = Path(tempfile.mkdtemp(prefix="flask-pick-bench-"))
    floor = median_seconds(floor_command(), runs=args.runs, cwd=empty)
    print(f"{'floor: typer app, small YAML, 3-row rich table':<48} {floor * 1000:8.1f} ms")
    ok = report(
        "flask-pick --help",
        median_seconds([*flask_pick(), "--help"], args.runs, empty),
        floor,
        TARGET,
    )
    show = [*flask_pick(), "catalog", "show", "flask-login"]
    ok &= report(
        "flask-pick catalog show flask-login", median_seconds(show, args.runs, empty), floor, TARGET
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
