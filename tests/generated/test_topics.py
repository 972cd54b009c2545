"""Slow: every Flask topic of catalog/topics.yaml shows in a generated project, in code and test.

For each row, flask-pick generates a project with the needs that bring the topic and checks
that the named code line exists (not a comment) and that the named generated test exercises
it. The projects' own test suites run in the other slow tests.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TOPICS = yaml.safe_load((REPO / "catalog" / "topics.yaml").read_text())
WORK: list[Path] = []


@cache
def project_for(when: tuple[tuple[str, str], ...]) -> Path:
    """A project generated with these needs (each need's first listed value)."""
    if not WORK:
        import tempfile

        WORK.append(Path(tempfile.mkdtemp(prefix="flask-pick-topics-")))
    name = "topics-" + "-".join(f"{key}-{value}" for key, value in when) if when else "topics"
    name = name.replace("_", "-")[:80]
    flags = [arg for key, value in when for arg in ("--need", f"{key}={value}")]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "recommender",
            "new",
            name,
            *flags,
            "--yes",
            "--no-git",
            "--name",
            "topics_app",
        ],
        cwd=WORK[0],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return WORK[0] / name


def _code_lines(path: Path) -> list[str]:
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    lines = []
    for file in files:
        for line in file.read_text(errors="ignore").splitlines():
            if not line.strip().startswith(("#", "//")):
                lines.append(line)
    return lines


@pytest.mark.parametrize(
    "row", TOPICS, ids=[f"{row['category']}: {row['topic']}" for row in TOPICS]
)
def test_topic_shows_in_code_a_generated_test_exercises(row: dict[str, object]) -> None:
    when = tuple(sorted((key, values[0]) for key, values in row["when"].items()))  # type: ignore[attr-defined]
    project = project_for(when)
    code_file, code_text = row["code"]  # type: ignore[misc]
    test_file, test_text = row["test"]  # type: ignore[misc]
    code_path = project / str(code_file).replace("{package}", "topics_app")
    assert code_path.exists(), f"{code_path.relative_to(project)} missing"
    assert any(code_text in line for line in _code_lines(code_path)), (
        f"{code_text!r} not in the code of {code_file}"
    )
    test_path = project / str(test_file)
    assert test_path.exists(), f"{test_file} missing"
    assert test_text in test_path.read_text(), f"{test_text!r} not in {test_file}"
