"""Each preset and a few realistic apps, judged by hand: what a Flask developer expects today."""

from __future__ import annotations

import pytest

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.models import Recommendation
from recommender.core.needs import resolve_needs

NEVER = {
    "flask-script",
    "flask-restplus",
    "flask-cache",
    "flask-jwt",
    "flask-jwt-simple",
    "flask-oauthlib",
    "flask-kvsession",
    "flask-uploads",
    "flask-graphql",
    "flask-testing",
    "bleach",
    "passlib",
    "flask-celery",
    "flask-peewee",
    "flask-mongoengine",
    "channels",
    "django-ratelimit",
    "flask-restful",
    "flask-api",
    "flask-user",
    # The same release as flask-security, under the name upstream asks people to move from.
    "flask-security-too",
}


def stack(preset: str | None = None, **needs: str) -> Recommendation:
    vocabulary = shipped_vocabulary()
    given = {**(vocabulary.preset(preset) if preset else {}), **needs}
    return recommend(shipped_catalog(), vocabulary, resolve_needs(vocabulary, given))


@pytest.mark.parametrize(
    ("preset", "must", "one_of"),
    [
        ("minimal", {"gunicorn"}, []),
        (
            "webapp",
            {"flask-sqlalchemy", "flask-migrate", "flask-wtf", "gunicorn"},
            [{"flask-login", "flask-security"}],
        ),
        (
            "api",
            {"flask-sqlalchemy", "flask-migrate", "flask-jwt-extended", "psycopg"},
            [{"flask-smorest", "apiflask", "flask-openapi3"}],
        ),
        (
            "full",
            {"flask-security", "flask-sqlalchemy", "flask-migrate", "psycopg"},
            [{"flask-smorest", "apiflask", "flask-openapi3"}],
        ),
    ],
)
def test_preset_has_what_a_flask_developer_expects(
    preset: str, must: set[str], one_of: list[set[str]]
) -> None:
    ids = set(stack(preset).ids)
    assert must <= ids, f"{preset} misses {must - ids}"
    for group in one_of:
        assert ids & group, f"{preset} has none of {group}"
    assert not ids & NEVER


def test_minimal_has_no_database_or_auth() -> None:
    ids = set(stack("minimal").ids)
    assert not ids & {"flask-sqlalchemy", "flask-migrate", "flask-login", "flask-wtf"}


def test_token_api_brings_no_form_login_or_csrf() -> None:
    ids = set(stack(kind="api", auth="token").ids)
    assert "flask-jwt-extended" in ids
    assert not ids & {"flask-login", "flask-wtf", "flask-security"}


def test_full_auth_uses_one_library_not_three() -> None:
    ids = set(stack(kind="web", auth="full", roles="yes").ids)
    assert "flask-security" in ids
    assert not ids & {"flask-login", "flask-bcrypt", "flask-principal"}


def test_password_reset_brings_mail() -> None:
    rec = stack(kind="web", auth="full")
    assert {"flask-mail", "flask-mailman"} & set(rec.ids)


def test_database_drivers_follow_the_database() -> None:
    assert "psycopg" in stack(database="postgresql").ids
    assert "pymysql" in stack(database="mysql").ids
    assert "postgresql" in stack(database="postgresql").services
    assert "mysql" in stack(database="mysql").services


def test_heroku_gets_postgresql_and_its_driver_unless_a_database_is_chosen() -> None:
    heroku = stack(deploy="heroku")
    assert dict(heroku.needs)["database"] == "postgresql"
    assert {"psycopg", "flask-migrate"} <= set(heroku.ids)
    assert "postgresql" in heroku.services
    assert not heroku.warnings
    # Elsewhere the default stays the file that needs no server.
    assert dict(stack(deploy="docker").needs)["database"] == "sqlite"
    assert dict(stack(deploy="heroku", database="mysql").needs)["database"] == "mysql"


def test_sqlite_on_heroku_is_allowed_with_a_warning_about_its_lost_data() -> None:
    chosen = stack(deploy="heroku", database="sqlite")
    assert "sqlite" not in " ".join(chosen.ids)
    [warning] = chosen.warnings
    assert warning.library == "database=sqlite"
    assert "Heroku" in warning.message and "database=postgresql" in warning.message
    assert not stack(deploy="docker", database="sqlite").warnings
    assert not stack(deploy="none", database="sqlite").warnings


def test_the_full_preset_answers_every_need() -> None:
    rec = stack("full")
    assert not set(rec.ids) & NEVER
    assert "redis" in rec.services


@pytest.mark.parametrize(
    ("needs", "must", "one_of", "never"),
    [
        (
            {
                "kind": "api",
                "auth": "token",
                "database": "postgresql",
                "tasks": "yes",
                "cache": "yes",
            },
            {"flask-jwt-extended", "psycopg", "flask-caching"},
            [{"celery", "flask-rq"}],
            {"flask-login", "flask-wtf", "flask-security", "flask-cache"},
        ),
        (
            {"kind": "web", "auth": "oauth"},
            {"flask-login"},
            [{"authlib", "flask-dance"}],
            {"flask-oauthlib"},
        ),
        (
            {"kind": "web", "auth": "full", "admin": "yes", "i18n": "yes"},
            {"flask-security", "flask-admin", "flask-babel"},
            [{"flask-mail", "flask-mailman"}],
            {"flask-login", "flask-user", "flask-bcrypt"},
        ),
        (
            {"kind": "api", "api": "graphql"},
            set(),
            [{"strawberry-graphql", "graphql-server"}],
            {"flask-graphql", "flask-smorest", "graphene"},
        ),
        ({"kind": "web", "realtime": "websocket"}, {"flask-sock"}, [], {"flask-socketio"}),
        ({"kind": "web", "realtime": "socketio"}, {"flask-socketio"}, [], {"flask-sock"}),
        (
            {"kind": "api", "database": "mongodb"},
            set(),
            [{"pymongo", "flask-pymongo"}],
            {"flask-sqlalchemy", "flask-migrate", "flask-mongoengine", "psycopg"},
        ),
        (
            {"kind": "web", "uploads": "yes", "sanitize": "yes"},
            {"flask-reuploaded", "nh3"},
            [],
            {"flask-uploads", "bleach"},
        ),
        (
            {"kind": "api", "rate_limit": "yes", "cors": "yes", "security_headers": "yes"},
            {"flask-limiter", "flask-cors", "flask-talisman"},
            [],
            {"django-ratelimit"},
        ),
        ({"kind": "web", "sessions": "server"}, {"flask-session"}, [], {"flask-kvsession"}),
    ],
)
def test_realistic_apps_get_what_an_experienced_developer_picks(
    needs: dict[str, str], must: set[str], one_of: list[set[str]], never: set[str]
) -> None:
    ids = set(stack(**needs).ids)
    assert must <= ids, f"missing {must - ids}"
    for group in one_of:
        assert ids & group, f"none of {group}"
    assert not ids & (never | NEVER), f"never pick {ids & (never | NEVER)}"


def test_profiles_change_the_auth_pick_the_way_a_developer_would() -> None:
    assert "flask-login" in stack("webapp", profile="lightweight").ids
    assert "flask-login" in stack("webapp").ids


def test_openapi_is_the_well_trodden_extension_unless_lightweight_is_asked() -> None:
    # Balanced: flask-smorest plugs into any Flask app; flask-openapi3 replaces the app class.
    assert "flask-smorest" in stack(kind="api", api="openapi").ids
    assert "flask-openapi3" in stack(kind="api", api="openapi", profile="lightweight").ids


def test_flask_sqlalchemy_lite_only_where_nothing_generated_needs_flask_sqlalchemy() -> None:
    lite = {"kind": "api", "database": "postgresql", "migrations": "no", "profile": "lightweight"}
    assert {"flask-sqlalchemy-lite", "psycopg"} <= set(stack(**lite).ids)
    assert "flask-sqlalchemy" in stack(**{**lite, "migrations": "yes"}).ids
    assert "flask-sqlalchemy" in stack(**{**lite, "kind": "web", "auth": "session"}).ids
    assert "flask-sqlalchemy" in stack(kind="api", database="postgresql", migrations="no").ids
