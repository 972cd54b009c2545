"""The real questionnaire, driven through a pseudo-terminal with the keys a person would type.

Slow: each test starts flask-pick in a pseudo-terminal. test_questions.py covers the same logic
in-process for the everyday run.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

pytestmark = pytest.mark.slow

ENTER, DOWN, ESC, CTRL_C = "\r", "\x1b[B", "\x1b", "\x03"


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_PICK")}
    env["TERM"] = "xterm"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "recommender", "new", *args],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(60, 140),
    )
    return child


def answer(child: pexpect.spawn, prompt: str, keys: str = ENTER) -> None:
    child.expect(prompt)
    child.send(keys)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -child.signalstatus)


def test_web_app_with_login_and_one_swap_then_replayed(tmp_path: Path) -> None:
    child = spawn(tmp_path, "site1", "--no-git", "--save-answers", "answers.yml")
    answer(child, "What will the app serve")
    answer(child, "Which database")
    answer(child, "Manage schema changes")
    answer(child, "How do users sign in", "session" + ENTER)
    answer(child, "Do users need roles")
    answer(child, "HTML forms")
    answer(child, "Realtime messages")
    answer(child, "Where is session data kept")
    answer(child, "Anything else", ENTER)
    answer(child, "How will you deploy")
    answer(child, "What matters most")
    child.expect("Flask-Login")
    answer(child, "Generate this stack", "Swap" + ENTER)
    answer(child, "Swap which library", "Flask-Login" + ENTER)
    child.expect("Libraries side by side")
    answer(child, "Use which instead of Flask-Login", "Security" + ENTER)
    child.expect("Flask-Security")
    answer(child, "Generate this stack", ENTER)
    assert finish(child) == 0

    project = tmp_path / "site1"
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["needs"]["auth"] == "session"
    assert "flask-security" in recorded["picks"]
    assert "flask-login" not in recorded["picks"]
    saved = yaml.safe_load((tmp_path / "answers.yml").read_text())
    assert saved["with"] == ["flask-security"]
    assert saved["without"] == ["flask-login"]

    (tmp_path / "again").mkdir()
    replay = subprocess.run(
        [
            sys.executable,
            "-m",
            "recommender",
            "new",
            "site1",
            "--no-git",
            "--answers",
            str(tmp_path / "answers.yml"),
        ],
        cwd=tmp_path / "again",
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert replay.returncode == 0, replay.stderr
    again = tmp_path / "again" / "site1"
    comparison = filecmp.dircmp(project, again)
    assert _differences(comparison) == [".env"]


def _differences(comparison: filecmp.dircmp[str], prefix: str = "") -> list[str]:
    found = [prefix + name for name in comparison.diff_files]
    found += [prefix + name for name in comparison.left_only + comparison.right_only]
    for name, sub in comparison.subdirs.items():
        found += _differences(sub, f"{prefix}{name}/")
    return sorted(found)


def test_questions_that_do_not_apply_are_not_asked(tmp_path: Path) -> None:
    child = spawn(tmp_path, "api1", "--no-git")
    answer(child, "What will the app serve", "api" + ENTER)
    answer(child, "Which database", "none" + ENTER)
    # No SQL database: no migrations question, and no sign-in choice that needs users.
    child.expect("How do users sign in")
    assert "Manage schema changes" not in child.before
    child.send(ENTER)  # none is the only choice left
    # No auth: no roles question; a pure API: no forms question.
    child.expect("What kind of API")
    assert "Do users need roles" not in child.before
    child.send(ENTER)
    child.expect("Realtime messages")
    assert "HTML forms" not in child.before
    child.sendcontrol("c")
    assert finish(child) == 130
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key", [CTRL_C, ESC])
@pytest.mark.parametrize("at", ["What will the app serve", "How do users sign in"])
def test_ctrl_c_and_esc_cancel_and_write_nothing(tmp_path: Path, key: str, at: str) -> None:
    child = spawn(tmp_path, "gone", "--save-answers", "answers.yml")
    if at != "What will the app serve":
        answer(child, "What will the app serve")
        answer(child, "Which database")
        answer(child, "Manage schema changes")
    child.expect(at)
    child.send(key)
    child.expect("Cancelled, nothing was written.")
    assert finish(child) == 130
    assert list(tmp_path.iterdir()) == []


def test_given_needs_are_answers_and_ask_all_makes_them_defaults(tmp_path: Path) -> None:
    child = spawn(tmp_path, "pre", "--no-git", "--need", "kind=api", "--need", "database=none")
    child.expect("How do users sign in")
    assert "What will the app serve" not in child.before
    assert "Which database" not in child.before
    child.sendcontrol("c")
    assert finish(child) == 130

    child = spawn(tmp_path, "pre", "--no-git", "--ask-all", "--need", "kind=api")
    child.expect("What will the app serve")
    child.expect(r"» (\x1b\[[0-9;]*m)*api:")  # the given value is pre-selected
    child.sendcontrol("c")
    assert finish(child) == 130
    assert list(tmp_path.iterdir()) == []


def test_no_terminal_and_no_needs_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "recommender", "new", "x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: standard input is not a terminal and no needs were given; "
        "pass --preset, --need KEY=VALUE, --answers FILE or --yes"
    )
    assert list(tmp_path.iterdir()) == []
