"""A newcomer's mistakes get a message that names the culprit and the likely fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.cli_runner import run_cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["recommend", "-n", "datbase=sqlite"], "unknown need 'datbase'; did you mean database?"),
        (["recommend", "-n", "rate-limit=yes"], "did you mean rate_limit?"),
        (["recommend", "-n", "database=postgres"], "database=postgres is not valid; did you mean"),
        (["recommend", "--preset", "web"], "unknown preset 'web'; did you mean webapp?"),
        (["recommend", "--profile", "light"], "did you mean lightweight?"),
        (["catalog", "--capability", "ormm"], "--capability 'ormm' is not valid; did you mean orm"),
        (["catalog", "--status", "activ"], "did you mean active? choose one of: active"),
    ],
)
def test_a_near_miss_suggests_the_right_word(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    result = run_cli(capsys, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_long_choice_list_is_not_printed_when_a_near_match_exists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "catalog", "--capability", "ormm")
    assert "choose one of" not in result.stderr
    far = run_cli(capsys, "catalog", "--capability", "zzzz")
    assert "choose one of: orm," in far.stderr


def test_a_bad_package_name_from_name_names_the_flag(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run_cli(capsys, "new", str(tmp_path / "shop"), "--yes", "--name", "my-pkg")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --name 'my-pkg' is not a valid Python package name")
    assert "'my_pkg'" in result.stderr
    assert not (tmp_path / "shop").exists()


def test_new_on_a_plain_file_says_it_is_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine\n")
    result = run_cli(capsys, "new", str(afile), "--yes")
    assert result.exit_code == 1
    assert "afile is a file, not a folder" in result.stderr
    assert afile.read_text() == "mine\n"


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        ("a.yml", "needs:\n  auth: [session\n  x: 1\n", "not valid YAML: line 3, column 4:"),
        ("b.yml", "needs:\n\tauth: session\n", "not valid YAML: line 2, column 1:"),
        ("c.json", '{"needs": {\n', "not valid JSON: line 2, column 1:"),
    ],
)
def test_invalid_answers_give_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str, where: str
) -> None:
    answers = tmp_path / name
    answers.write_text(text)
    result = run_cli(capsys, "recommend", "--answers", str(answers))
    assert result.exit_code == 2
    assert where in result.stderr
    assert result.stderr.count("\n") == 1


def test_profile_works_on_recommend(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(
        capsys, "recommend", "--preset", "api", "--profile", "lightweight", "-f", "json"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["needs"]["profile"] == "lightweight"


def test_profile_works_on_new(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    answers = tmp_path / "saved.yml"
    dest = tmp_path / "light"
    result = run_cli(
        capsys,
        "new", str(dest), "--preset", "minimal", "--profile", "lightweight", "--no-git",
        "--save-answers", str(answers),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # Without --verbose, new prints the stack in short.
    assert "Stack (" in result.stdout and "Recommended stack" not in result.stdout
    assert "profile: lightweight" in answers.read_text()
    assert "profile: lightweight" in (dest / ".copier-answers.yml").read_text()
