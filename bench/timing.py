"""Median wall time of a command, measured the same way for the floor and for flask-pick."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def median_seconds(
    command: Sequence[str], runs: int = 15, cwd: Path | None = None, warmup: int = 2
) -> float:
    """Run a command `runs` times after `warmup` runs and return the median wall time."""
    env = {**os.environ, "COLUMNS": "100"}
    for _ in range(warmup):
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, floor: float, target: float) -> bool:
    """Print one figure as a ratio to the floor; return whether it meets the target."""
    ratio = seconds / floor
    verdict = "ok" if ratio <= target else "OVER TARGET"
    print(f"{label:<48} {seconds * 1000:8.1f} ms  {ratio:5.2f}x floor  (<= {target}x) {verdict}")
    return ratio <= target
