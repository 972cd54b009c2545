"""Time `flask-pick new` per preset against a bare `copier copy` of the same answers.

The floor is Copier itself rendering the same template with the same data file; the ratio
shows what flask-pick adds (engine, checks, scratch folder and move). Also prints each
generated project's own test-suite time (`--no-suite` skips installing them).

Run: python bench/generate.py [--runs N] [--no-suite]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import yaml

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.needs import resolve_needs
from recommender.errors import FlaskPickError
from recommender.render import Project, copier_data
from recommender.resources import template_dir

TARGET = 1.3


def _timed(command: list[str], cwd: Path, runs: int, target: str) -> float:
    times = []
    for _ in range(runs):
        shutil.rmtree(cwd / target, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _suite_seconds(project: Path) -> float:
    env_dir = project / ".venv"
    venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "-e", ".[dev]"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    start = time.perf_counter()
    subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-suite", action="store_true")
    args = parser.parse_args()
    catalog, vocabulary = shipped_catalog(), shipped_vocabulary()
    copier_cli = shutil.which("copier") or "copier"
    work = Path(tempfile.mkdtemp(prefix="flask-pick-bench-generate-"))
    ok = True
    print(f"{'preset':<10} {'flask-pick new':>15} {'copier copy':>12} {'ratio':>7}  suite")
    for name, _, _ in vocabulary.presets:
        needs = resolve_needs(vocabulary, vocabulary.preset(name))
        try:
            rec = recommend(catalog, vocabulary, needs, wired_only=True)
        except FlaskPickError as exc:
            print(f"{name:<10} skipped, not generatable yet: {str(exc)[:70]}...")
            continue
        data_file = work / f"{name}.yml"
        project = Project(work / f"{name}-floor", f"{name}-app", f"{name}_app")
        data_file.write_text(yaml.safe_dump(copier_data(project, rec, "0" * 64)))
        ours = _timed(
            [
                sys.executable,
                "-m",
                "recommender",
                "new",
                f"{name}-app",
                "--preset",
                name,
                "--no-git",
                "--yes",
            ],
            work,
            args.runs,
            f"{name}-app",
        )
        floor = _timed(
            [
                copier_cli,
                "copy",
                "--quiet",
                "--defaults",
                "--data-file",
                str(data_file),
                str(template_dir()),
                f"{name}-floor",
            ],
            work,
            args.runs,
            f"{name}-floor",
        )
        ratio = ours / floor
        ok &= ratio <= TARGET
        suite = "-" if args.no_suite else f"{_suite_seconds(work / f'{name}-app'):.1f} s"
        verdict = "ok" if ratio <= TARGET else "OVER TARGET"
        print(
            f"{name:<10} {ours * 1000:12.0f} ms {floor * 1000:9.0f} ms {ratio:6.2f}x  {suite}"
            f"  (target <= {TARGET}x) {verdict}"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
