"""The engine's rules on tiny catalogs built in code."""

from __future__ import annotations

import pytest

from recommender.core.engine import recommend
from recommender.core.models import Catalog, Recommendation, Release
from recommender.core.needs import Need, NeedValue, Vocabulary, resolve_needs
from recommender.errors import FlaskPickError, UnknownLibraryError, UsageError
from tests.unit.catalog_builder import builtin, library, make_catalog

VOCABULARY = Vocabulary(
    (
        Need(
            "auth",
            "?",
            (
                NeedValue("none", ""),
                NeedValue("session", "", capabilities=("login", "password-hashing")),
                NeedValue("full", "", capabilities=("login", "password-hashing", "roles")),
            ),
            (((), "none"),),
        ),
        Need(
            "database",
            "?",
            (
                NeedValue("none", ""),
                NeedValue("sqlite", "", capabilities=("orm",), builtins=("sqlite3",)),
                NeedValue("postgresql", "", capabilities=("orm", "pg"), services=("postgresql",)),
            ),
            (((), "none"),),
        ),
        Need(
            "migrations",
            "?",
            (NeedValue("yes", "", capabilities=("migrations",)), NeedValue("no", "")),
            (((), "no"),),
        ),
        Need(
            "profile",
            "?",
            (NeedValue("lightweight", ""), NeedValue("balanced", ""), NeedValue("batteries", "")),
            (((), "balanced"),),
        ),
    )
)

LOGIN = library(
    "flask-login",
    capabilities=("login",),
    requires=("password-hashing",),
    popularity=800,
    dependencies=2,
    traits=("lightweight",),
)
HASHER = library("argon2-cffi", capabilities=("password-hashing",), kind="library", popularity=400)
SECURITY = library(
    "flask-security",
    capabilities=("login", "roles"),
    covers=("password-hashing",),
    popularity=9000,
    dependencies=9,
    traits=("batteries",),
    conflicts=("flask-login",),
)
ORM = library(
    "flask-sqlalchemy", capabilities=("orm",), popularity=700, latest=Release("3.1.1", "2023-09")
)
LITE = library("flask-sqlalchemy-lite", capabilities=("orm",), traits=("lightweight",))
MIGRATE = library(
    "flask-migrate",
    capabilities=("migrations",),
    requires=("orm",),
    conflicts=("flask-sqlalchemy-lite",),
    popularity=1800,
)
PG = library("psycopg", capabilities=("pg",), services=("postgresql",), kind="library")
DEAD = library(
    "flask-jwt",
    capabilities=("login",),
    status="abandoned",
    successor="flask-login",
    reason="No release since 2015-11.",
)
SCRIPT = library(
    "flask-script",
    capabilities=(),
    status="abandoned",
    successor="flask-command-line",
    reason="Flask has its own CLI.",
)
UNWIRED = library("flask-peewee", capabilities=("orm",), wired=False, not_wired_reason="rare")

CATALOG = make_catalog(
    LOGIN,
    HASHER,
    SECURITY,
    ORM,
    LITE,
    MIGRATE,
    PG,
    DEAD,
    SCRIPT,
    UNWIRED,
    builtins=(builtin("sqlite3", "sqlite-driver"), builtin("flask-command-line", "cli")),
)


def run(
    catalog: Catalog = CATALOG,
    *,
    with_: tuple[str, ...] = (),
    without: tuple[str, ...] = (),
    wired_only: bool = True,
    **given: str,
) -> Recommendation:
    needs = resolve_needs(VOCABULARY, given)
    return recommend(catalog, VOCABULARY, needs, with_, without, wired_only=wired_only)


def test_session_auth_picks_the_small_pieces() -> None:
    rec = run(auth="session", database="sqlite")
    assert rec.ids == ("argon2-cffi", "flask-login", "flask-sqlalchemy")


def test_full_auth_prefers_one_library_that_covers_three() -> None:
    rec = run(auth="full", database="sqlite")
    assert "flask-security" in rec.ids
    assert "flask-login" not in rec.ids
    assert "argon2-cffi" not in rec.ids  # covered: no separate hasher


def test_requirements_are_pulled_in() -> None:
    rec = run(migrations="yes")
    assert set(rec.ids) == {"flask-migrate", "flask-sqlalchemy"}


def test_lightweight_orm_is_skipped_when_it_would_strand_migrations() -> None:
    rec = run(database="sqlite", migrations="yes", profile="lightweight")
    assert "flask-sqlalchemy" in rec.ids
    lite = next(a for p in rec.picks for a in p.alternatives if a.id == "flask-sqlalchemy-lite")
    assert "conflicts with flask-migrate" in lite.why_not or "would leave" in lite.why_not


def test_lightweight_orm_wins_without_migrations() -> None:
    rec = run(database="sqlite", profile="lightweight")
    assert rec.ids == ("flask-sqlalchemy-lite",)


@pytest.mark.parametrize("dead", ["flask-jwt", "Flask_JWT", "FLASK-JWT"])
def test_forcing_a_dead_library_warns_and_uses_its_successor(dead: str) -> None:
    rec = run(auth="session", database="sqlite", with_=(dead,))
    assert "flask-jwt" not in rec.ids
    assert "flask-login" in rec.ids
    (warning,) = rec.warnings
    assert warning.library == "flask-jwt"
    assert warning.successor == "flask-login"
    assert "2015-11" in warning.message


def test_forcing_a_dead_library_replaced_by_a_builtin_lists_the_builtin() -> None:
    rec = run(with_=("flask_script",))
    assert rec.ids == ()
    assert rec.warnings[0].successor == "flask-command-line"
    assert [use.builtin.id for use in rec.builtins] == ["flask-command-line"]


def test_dead_and_unwired_candidates_lose_with_a_reason() -> None:
    rec = run(auth="session", database="sqlite")
    login = next(p for p in rec.picks if p.library.id == "flask-login")
    why = {alt.id: alt.why_not for alt in login.alternatives}
    assert why["flask-jwt"].startswith("abandoned")
    assert "use flask-login" in why["flask-jwt"]
    orm = next(p for p in rec.picks if p.library.id == "flask-sqlalchemy")
    assert "not wired" in {a.id: a.why_not for a in orm.alternatives}["flask-peewee"]


def test_without_picks_the_next_candidate() -> None:
    rec = run(database="sqlite", without=("flask-sqlalchemy",))
    assert rec.ids == ("flask-sqlalchemy-lite",)


def test_without_every_candidate_names_the_unanswered_need() -> None:
    with pytest.raises(
        FlaskPickError, match=r"no library can answer orm \(asked by database=sqlite\)"
    ):
        run(database="sqlite", without=("flask-sqlalchemy", "flask-sqlalchemy-lite"))


def test_conflicting_forced_libraries_are_refused() -> None:
    with pytest.raises(FlaskPickError, match="conflicts with"):
        run(with_=("flask-login", "flask-security"))


def test_unknown_library_suggests_names() -> None:
    with pytest.raises(UnknownLibraryError, match="did you mean flask-login"):
        run(with_=("flask-logn",))


def test_forcing_an_unwired_library_is_refused() -> None:
    with pytest.raises(FlaskPickError, match="not wired"):
        run(with_=("flask-peewee",))


def test_builtins_and_services_are_reported() -> None:
    rec = run(database="postgresql")
    assert rec.services == ("postgresql",)
    assert "psycopg" in rec.ids
    rec = run(database="sqlite")
    assert [use.builtin.id for use in rec.builtins] == ["sqlite3"]


def test_every_pick_has_reasons_and_every_loser_a_why_not() -> None:
    rec = run(auth="full", database="postgresql", migrations="yes")
    for pick in rec.picks:
        assert pick.reasons
        assert all(alt.why_not for alt in pick.alternatives)


def test_unknown_need_and_value_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="unknown need 'colour'"):
        run(colour="blue")
    with pytest.raises(UsageError, match="auth=magic is not valid; auth takes one of: none"):
        run(auth="magic")


def test_same_input_same_output() -> None:
    first = run(auth="full", database="postgresql", migrations="yes")
    assert all(run(auth="full", database="postgresql", migrations="yes") == first for _ in range(3))


def test_an_unwired_library_answers_only_when_nothing_wired_can_and_is_flagged() -> None:
    rec = run(
        database="sqlite", wired_only=False, without=("flask-sqlalchemy", "flask-sqlalchemy-lite")
    )
    assert rec.ids == ("flask-peewee",)
    (warning,) = rec.warnings
    assert warning.library == "flask-peewee"
    assert "not wired" in warning.message
    rec = run(database="sqlite", wired_only=False)
    assert rec.ids == ("flask-sqlalchemy",)
    assert rec.warnings == ()


# The template's login is written against Flask-SQLAlchemy's models.
BUILT_ON_ORM = make_catalog(
    library(
        "flask-login",
        capabilities=("login",),
        covers=("password-hashing",),
        wiring_builds_on=("flask-sqlalchemy",),
    ),
    ORM,
    LITE,
    UNWIRED,
)


def test_a_lighter_orm_is_not_picked_when_generated_login_builds_on_another() -> None:
    rec = run(BUILT_ON_ORM, auth="session", database="sqlite", profile="lightweight")
    assert rec.ids == ("flask-login", "flask-sqlalchemy")
    lite = next(a for p in rec.picks for a in p.alternatives if a.id == "flask-sqlalchemy-lite")
    # Login may be picked first (its code builds on Flask-SQLAlchemy) or after (Lite strands it).
    assert lite.why_not in (
        "would leave login with no usable library",
        "flask-login's generated code builds on flask-sqlalchemy for orm",
    )
    # With nothing that builds on it, the lighter ORM wins the lightweight profile.
    assert run(BUILT_ON_ORM, database="sqlite", profile="lightweight").ids == (
        "flask-sqlalchemy-lite",
    )


def test_forcing_the_other_orm_names_the_wiring_that_needs_flask_sqlalchemy() -> None:
    with pytest.raises(FlaskPickError) as caught:
        run(BUILT_ON_ORM, with_=("flask-sqlalchemy-lite",), auth="session", database="sqlite")
    message = str(caught.value)
    assert "no library can answer login" in message
    assert "builds on flask-sqlalchemy, and flask-sqlalchemy-lite answers orm" in message


def test_a_library_built_on_another_pulls_it_in() -> None:
    rec = run(BUILT_ON_ORM, with_=("flask-login",), profile="lightweight")
    assert rec.ids == ("flask-login", "flask-sqlalchemy")
    (orm_pick,) = [pick for pick in rec.picks if pick.library.id == "flask-sqlalchemy"]
    assert "flask-login (its generated code builds on flask-sqlalchemy)" in orm_pick.reasons[0]


def test_excluding_the_base_rules_out_what_builds_on_it() -> None:
    with pytest.raises(FlaskPickError, match="builds on flask-sqlalchemy, excluded with"):
        run(BUILT_ON_ORM, without=("flask-sqlalchemy",), auth="session", database="sqlite")


def test_recommend_gives_the_generatable_stack_when_there_is_one() -> None:
    # Without wired_only, recommend still names what `new` would generate...
    assert run(BUILT_ON_ORM, wired_only=False, auth="session", database="sqlite").ids == (
        "flask-login",
        "flask-sqlalchemy",
    )
    # ...and only names an unwired library when no wired one can answer.
    rec = run(BUILT_ON_ORM, wired_only=False, database="sqlite", without=("flask-sqlalchemy",))
    assert rec.ids == ("flask-sqlalchemy-lite",)
    rec = run(
        BUILT_ON_ORM,
        wired_only=False,
        database="sqlite",
        without=("flask-sqlalchemy", "flask-sqlalchemy-lite"),
    )
    assert rec.ids == ("flask-peewee",)


def test_equal_scores_go_to_the_more_downloaded_library() -> None:
    twins = make_catalog(
        library("flask-aaa", capabilities=("orm",), popularity=5000),
        library("flask-zzz", capabilities=("orm",), popularity=4000),
    )
    assert run(twins, database="sqlite", profile="lightweight").ids == ("flask-zzz",)
