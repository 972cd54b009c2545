"""A forced library brings the need that normally brings it, or says what to change."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.forcing import with_forced_needs
from recommender.errors import UsageError

from .cli_runner import run_cli

CATALOG = shipped_catalog()
VOCABULARY = shipped_vocabulary()
MINIMAL = VOCABULARY.preset("minimal")
WEBAPP = VOCABULARY.preset("webapp")


def forced(given: dict[str, str], *names: str, kept: tuple[str, ...] = ()) -> dict[str, str]:
    needs = with_forced_needs(CATALOG, VOCABULARY, given, names, kept)
    return {key: value for key, value in needs.items() if given.get(key) != value}


@pytest.mark.parametrize(
    ("name", "brought"),
    [
        ("flask-caching", {"cache": "yes"}),
        ("Flask-Mail", {"mail": "yes"}),
        ("flask_sqlalchemy", {"database": "sqlite"}),
        # What it cannot work without comes first: Flask-Migrate needs an ORM, so a database.
        ("flask-migrate", {"database": "sqlite", "migrations": "yes"}),
        ("psycopg", {"database": "postgresql"}),
        ("flask-jwt-extended", {"database": "sqlite", "auth": "token"}),
        # A hasher answers no auth value whole, a WSGI server no need at all.
        ("argon2-cffi", {}),
        ("gunicorn", {}),
        # Two API values fit Flask-RESTX equally: the need's own default for an API wins.
        ("flask-restx", {"api": "openapi"}),
        ("strawberry-graphql", {"api": "graphql"}),
        # A dead name stands for its successor.
        ("Flask-Cache", {"cache": "yes"}),
    ],
)
def test_a_forced_library_brings_its_need(name: str, brought: dict[str, str]) -> None:
    assert forced(MINIMAL, name) == brought


def test_the_biggest_auth_a_library_answers_whole_is_the_one_it_brings() -> None:
    given = {**WEBAPP, "auth": "none"}
    # It requires mail (password reset and confirmation emails), so mail comes too.
    assert forced(given, "flask-security") == {"auth": "full", "roles": "yes", "mail": "yes"}
    assert forced(given, "flask-login") == {"auth": "session"}


@pytest.mark.parametrize(
    ("given", "name", "kept", "said"),
    [
        # The person said database=none themselves.
        (
            MINIMAL,
            "flask-sqlalchemy",
            ("database",),
            "asks for database=sqlite, but database is none",
        ),
        # One auth per app: the preset's token auth is not silently swapped for session.
        (
            {**WEBAPP, "auth": "token"},
            "flask-login",
            (),
            "asks for auth=session, but auth is token",
        ),
        ({**WEBAPP}, "psycopg", (), "asks for database=postgresql, but database is sqlite"),
    ],
)
def test_an_answer_that_asks_for_something_else_is_not_overridden(
    given: dict[str, str], name: str, kept: tuple[str, ...], said: str
) -> None:
    with pytest.raises(UsageError, match="change it with --need") as raised:
        forced(given, name, kept=kept)
    assert said in str(raised.value)


def test_a_default_only_a_rival_could_answer_gives_way() -> None:
    # Flask-Migrate (migrations' wired answer) needs Flask-SQLAlchemy.
    assert forced(MINIMAL, "flask-sqlalchemy-lite") == {"database": "sqlite", "migrations": "no"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("flask-admin", "--with flask-admin brings admin=yes, but admin=yes makes no sense"),
        ("flask-login", "--with flask-login brings auth=session, but auth=session makes no"),
        ("flask-debugtoolbar", "it needs kind to be one of web, hybrid"),
    ],
)
def test_a_need_that_makes_no_sense_here_names_the_flag_and_the_fix(
    name: str, expected: str
) -> None:
    with pytest.raises(UsageError, match="change one with --need") as raised:
        forced(MINIMAL, name)
    assert expected in str(raised.value)


def test_an_api_library_in_a_pages_only_app_asks_for_kind_hybrid() -> None:
    with pytest.raises(UsageError, match="api=rest makes no sense with kind=web: it needs kind"):
        forced(WEBAPP, "flask-restx")


def test_new_refuses_a_forced_library_that_cannot_work_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dest = tmp_path / "shop"
    result = run_cli(capsys, "new", str(dest), "--preset", "minimal", "--with", "flask-admin")
    assert result.exit_code == 2
    assert "--with flask-admin brings admin=yes" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not dest.exists()


def test_recommend_shows_the_need_a_forced_library_brought(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(
        capsys, "recommend", "--preset", "minimal", "--with", "flask-caching", "-f", "json"
    )
    assert result.exit_code == 0
    document = result.json()
    assert document["needs"]["cache"] == "yes"
    assert "flask-caching" in [library["id"] for library in document["libraries"]]


def test_a_library_swapped_in_for_an_answered_need_brings_nothing_more() -> None:
    # Flask-Security in place of Flask-Login serves auth=session; roles stay as answered.
    assert forced(WEBAPP, "flask-security") == {}


@pytest.mark.parametrize(
    ("given", "name", "brought"),
    [
        # An API's api need defaults to openapi; nobody chose it, so GraphQL takes its place.
        ({"kind": "api"}, "strawberry-graphql", {"api": "graphql"}),
        ({"kind": "hybrid"}, "strawberry-graphql", {"api": "graphql"}),
        ({"kind": "web"}, "psycopg", {"database": "postgresql"}),
    ],
)
def test_a_default_gives_way_to_a_forced_library(
    given: dict[str, str], name: str, brought: dict[str, str]
) -> None:
    assert {k: v for k, v in forced(given, name).items() if k in brought} == brought


def test_a_forced_library_overrides_a_default_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "recommend", "--need", "kind=api", "--with", "strawberry-graphql")
    assert result.exit_code == 0, result.stderr
    assert "strawberry-graphql" in result.stdout.lower()
    said = run_cli(
        capsys, "recommend", "-n", "kind=api", "-n", "api=rest", "--with", "strawberry-graphql"
    )
    assert said.exit_code == 2
    assert "asks for api=graphql, but api is rest" in said.stderr
