"""Help reads cleanly, and tables piped to a file keep every word whole."""

from __future__ import annotations

import io
import re

import pytest

from tests.unit.cli_runner import run_cli

COMMANDS = [[], ["new"], ["recommend"], ["compare"], ["add"], ["audit"], ["catalog"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "root")
def test_help_has_no_type_noise_and_no_doubled_default(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    result = run_cli(capsys, *command, "--help")
    assert result.exit_code == 0
    assert not re.search(r"<(bool|path|str|list\[str\])>", result.stdout), result.stdout
    assert "[default: .]" not in result.stdout
    assert "--help" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["recommend", "--preset", "full"],
        ["catalog"],
        ["catalog", "show", "argon2-cffi"],
        ["compare", "flask-login", "flask-security"],
    ],
)
def test_piped_tables_are_not_cut_short(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    result = run_cli(capsys, *args)
    assert result.exit_code == 0, result.stderr
    assert "…" not in result.stdout


def test_piped_recommendation_keeps_every_word_of_every_summary_whole(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = run_cli(capsys, "recommend", "--preset", "full", "-f", "json").json()
    table = run_cli(capsys, "recommend", "--preset", "full").stdout
    printed = set(re.split(r"[\s│┃]+", table))
    for library in document["libraries"]:
        for word in library["summary"].split():
            assert word in printed, (library["id"], word)


def test_a_long_word_widens_a_piped_table_instead_of_breaking() -> None:
    from rich.console import Console
    from rich.table import Table

    from recommender.console import print_table

    buffer = io.StringIO()
    table = Table("name", "what")
    word = "PasswordHasher.hash/verify/check_needs_rehash"
    table.add_row("argon2-cffi", f"hashing ({word}) " * 3)
    print_table(Console(file=buffer, width=40), table)
    assert f"({word})" in buffer.getvalue()
