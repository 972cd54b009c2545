"""`flask-pick recommend` and `compare` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.cli_runner import run_cli
from tests.unit.forcing_bases import forced_base
from tests.unit.json_schemas import validate

SEED_DEAD = [
    ("flask_restplus", "flask-restx"),
    ("Flask-Script", None),
    ("flask_cache", "flask-caching"),
    ("flask_jwt", "flask-jwt-extended"),
    ("flask_oauthlib", "authlib"),
    ("flask_kvsession", "flask-session"),
    ("flask_uploads", "flask-reuploaded"),
    ("flask_graphql", "graphql-server"),
    ("flask_jwt_simple", "flask-jwt-extended"),
]


def recommend_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    result = run_cli(capsys, "recommend", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    validate(document, "recommend")
    return document


def ids(document: dict[str, object]) -> set[str]:
    return {lib["id"] for lib in document["libraries"]}  # type: ignore[attr-defined,index]


def test_recommend_json_follows_its_schema(capsys: pytest.CaptureFixture[str]) -> None:
    document = recommend_json(capsys, "--preset", "webapp")
    assert document["needs"]["auth"] == "session"  # type: ignore[index]
    assert any(use["id"] == "flask-cookie-session" for use in document["builtin"])  # type: ignore[attr-defined,index]


def test_need_flags_override_the_answers_file_which_overrides_the_preset(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("needs:\n  database: postgresql\n  auth: token\nwith: []\n")
    document = recommend_json(
        capsys, "--preset", "webapp", "--answers", str(answers), "--need", "auth=session"
    )
    needs = document["needs"]
    assert needs["database"] == "postgresql"  # type: ignore[index]
    assert needs["auth"] == "session"  # type: ignore[index]
    assert "psycopg" in ids(document)


def test_a_need_flag_reads_true_and_false_as_an_answers_file_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("needs:\n  cache: true\n  mail: false\n")
    from_file = recommend_json(capsys, "--answers", str(answers))
    from_flags = recommend_json(capsys, "-n", "cache=true", "-n", "mail=False")
    assert from_flags["needs"] == from_file["needs"]
    assert from_flags["needs"]["cache"] == "yes"  # type: ignore[index]
    assert from_flags["needs"]["mail"] == "no"  # type: ignore[index]


@pytest.mark.parametrize(("dead", "successor"), SEED_DEAD)
def test_forcing_a_dead_seed_library_warns_with_its_successor(
    capsys: pytest.CaptureFixture[str], dead: str, successor: str | None
) -> None:
    base = forced_base(dead)
    assert base is not None
    result = run_cli(capsys, "recommend", *base, "--with", dead, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    dead_id = warning_for = None
    for warning_for in document["warnings"]:
        if warning_for["successor"] is not None or "not wired" not in warning_for["message"]:
            dead_id = warning_for["library"]
            break
    assert dead_id is not None, document["warnings"]
    warning = warning_for
    assert warning["message"]
    if successor is not None:
        assert warning["successor"] == successor
    assert warning["library"] not in ids(document)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--need", "colour=blue"], 2, "unknown need 'colour'"),
        (["--need", "auth=magic"], 2, "auth=magic is not valid; auth takes one of"),
        (["--need", "auth"], 2, "must look like KEY=VALUE"),
        (["--need", "roles=yes"], 2, "roles=yes makes no sense with auth=none"),
        (["--need", "admin=yes"], 2, "admin=yes makes no sense"),
        (["--need", "database=mongodb", "--need", "migrations=yes"], 2, "migrations=yes makes no"),
        (["--preset", "nope"], 2, "unknown preset 'nope'"),
        (["--need", "auth=session", "--need", "forms=no"], 2, "forms=no makes no sense"),
        (["--with", "flask-nonexistent-thing"], 2, "no library named"),
        (["--answers", "missing.yml"], 2, "cannot read answers file"),
    ],
)
def test_bad_input_is_one_line_with_the_right_exit_code(
    capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    result = run_cli(capsys, "recommend", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_malformed_answers_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text("{not json")
    result = run_cli(capsys, "recommend", "--answers", str(answers))
    assert result.exit_code == 2
    assert "is not valid JSON: line 1, column 2" in result.stderr


def test_same_input_same_output_byte_for_byte(capsys: pytest.CaptureFixture[str]) -> None:
    first = run_cli(capsys, "recommend", "--preset", "full", "--format", "json").stdout
    second = run_cli(capsys, "recommend", "--preset", "full", "--format", "json").stdout
    assert first == second


def test_markdown_and_table_show_the_same_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    document = recommend_json(capsys, "--preset", "api")
    markdown = run_cli(capsys, "recommend", "--preset", "api", "--format", "markdown").stdout
    table = run_cli(capsys, "recommend", "--preset", "api").stdout
    for lib in document["libraries"]:  # type: ignore[attr-defined]
        assert lib["pypi"] in markdown
        assert lib["pypi"] in table


def test_compare_libraries(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(
        capsys, "compare", "flask-login", "flask-security", "authlib", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    document = result.json()
    validate(document, "compare")
    assert [lib["id"] for lib in document["libraries"]] == [
        "flask-login",
        "flask-security",
        "authlib",
    ]


def test_compare_presets_marks_differences(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "compare", "--preset", "webapp", "--preset", "api", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    validate(document, "compare")
    rows = {row["capability"]: row for row in document["capabilities"]}
    assert rows["login"]["differs"]
    assert rows["orm"]["picks"] == ["flask-sqlalchemy", "flask-sqlalchemy"]
    assert not rows["orm"]["differs"]


def test_compare_profiles_uses_the_same_needs(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(
        capsys,
        "compare",
        "--preset",
        "webapp",
        "--profile",
        "lightweight",
        "--profile",
        "batteries",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    document = result.json()
    validate(document, "compare")
    labels = [stack["label"] for stack in document["stacks"]]
    assert labels == ["webapp/lightweight", "webapp/batteries"]
    assert [stack["needs"]["profile"] for stack in document["stacks"]] == [
        "lightweight",
        "batteries",
    ]


def test_compare_needs_two_things(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "compare", "--preset", "webapp")
    assert result.exit_code == 2
    assert "give two or more" in result.stderr


def test_catalog_show_json_follows_its_schema(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("flask-login", "Flask_FlatPages", "jwt"):
        result = run_cli(capsys, "catalog", "show", name, "--format", "json")
        assert result.exit_code == 0, result.stderr
        validate(json.loads(result.stdout), "catalog-show")
