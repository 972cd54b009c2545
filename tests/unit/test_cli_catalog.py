"""`flask-pick catalog` and `catalog show` through the real entry point."""

from __future__ import annotations

import pytest

from tests.unit.cli_runner import run_cli


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("flask-pick ")


@pytest.mark.parametrize("name", ["flask_login", "Flask-Login", "FLASK_LOGIN", "flask.login"])
def test_show_finds_a_library_by_any_spelling(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    result = run_cli(capsys, "catalog", "show", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = result.json()
    assert record["id"] == "flask-login"
    assert record["source"] == "catalog"
    assert record["imports"] == ["flask_login"]


def test_show_table_names_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "show", "flask-login")
    assert result.exit_code == 0
    assert "Flask-Login" in result.stdout
    assert "login" in result.stdout


def test_show_markdown_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "show", "flask-login", "--format", "markdown")
    assert result.exit_code == 0
    assert result.stdout.startswith("## Flask-Login")
    assert "| fact | value |" in result.stdout


def test_unknown_name_suggests_close_names(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "show", "flask-logn")
    assert result.exit_code == 2  # a name the person typed: a usage error
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "did you mean" in result.stderr
    assert "flask-login" in result.stderr


def test_uncurated_extension_answers_from_the_pypi_index(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "catalog", "show", "Flask_Sitemap", "--format", "json")
    assert result.exit_code == 0, result.stderr
    record = result.json()
    assert record["source"] == "pypi-index"
    assert record["id"] == "flask-sitemap"
    assert record["status"] in ("active", "maintenance", "abandoned")
    assert record["latest"]["month"] in record["reason"]


def test_list_filters_by_capability(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "--capability", "login", "--format", "json")
    assert result.exit_code == 0
    ids = [record["id"] for record in result.json()]
    assert "flask-login" in ids
    assert all("login" in record["capabilities"] for record in result.json())


def test_list_filters_by_name_substring(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "--name", "LOGIN", "--format", "json")
    assert result.exit_code == 0
    assert all("login" in record["id"] for record in result.json())


def test_list_rejects_an_unknown_status_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "--status", "alive")
    assert result.exit_code == 2
    assert "--status 'alive' is not valid; did you mean active? choose one of: active" in (
        result.stderr
    )


def test_unknown_option_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "catalog", "--bogus")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: No such option: --bogus")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("names", "said"),
    [
        (["flask-login"], "compare needs two or more libraries"),
        (["flask-login", "Flask_Login"], "flask-login and Flask_Login are one library"),
    ],
)
def test_compare_needs_two_different_libraries(
    capsys: pytest.CaptureFixture[str], names: list[str], said: str
) -> None:
    result = run_cli(capsys, "compare", *names)
    assert result.exit_code == 2
    assert said in result.stderr
    assert "catalog show flask-login" in result.stderr


def test_bracketed_catalog_text_is_printed_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    # Rich would read `[rabbitmq]` as markup and drop it.
    result = run_cli(capsys, "catalog", "show", "dramatiq")
    assert "dramatiq[rabbitmq]" in result.stdout.replace("\n", " ").replace("│", " ")


def test_a_built_in_successor_can_be_looked_up(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.unit.json_schemas import validate

    shown = run_cli(capsys, "catalog", "show", "flask-script")
    assert "flask-command-line (Flask CLI, built into Flask)" in shown.stdout
    result = run_cli(capsys, "catalog", "show", "flask-command-line", "--format", "json")
    assert result.exit_code == 0
    document = result.json()
    validate(document, "catalog-show")
    assert (document["source"], document["status"]) == ("builtin", "built-in")
    assert document["docs"].startswith("https://flask.palletsprojects.com/")


def test_built_in_ids_never_name_a_package_on_pypi() -> None:
    # Typing a built-in's id must not be read as someone else's abandoned package.
    from recommender.catalog import shipped_catalog, shipped_pypi_index

    pypi = shipped_pypi_index()
    assert [b.id for b in shipped_catalog().builtins if pypi.find(b.id) is not None] == []
