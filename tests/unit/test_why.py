"""Why each pick won and each alternative lost, in a sentence of the reasons that decided it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.explain import decisive
from recommender.core.models import Recommendation
from recommender.core.needs import resolve_needs
from recommender.core.scoring import score
from tests.unit.cli_runner import run_cli

CATALOG = shipped_catalog()
VOCABULARY = shipped_vocabulary()


def stack(**given: str) -> Recommendation:
    return recommend(CATALOG, VOCABULARY, resolve_needs(VOCABULARY, given))


def test_flask_security_names_each_capability_once() -> None:
    pick = next(p for p in stack(auth="full").picks if p.library.id == "flask-security")
    answered = pick.reasons[0].removeprefix("answers ").split(" (asked by")[0].split(", ")
    assert len(answered) == len(set(answered)), answered
    assert pick.why.count("login") == 1


@pytest.mark.parametrize("preset", ["minimal", "webapp", "api", "realtime", "full"])
def test_every_sentence_is_short_and_free_of_score_detail(preset: str) -> None:
    rec = recommend(CATALOG, VOCABULARY, resolve_needs(VOCABULARY, VOCABULARY.preset(preset)))
    for pick in rec.picks:
        assert pick.why.endswith("."), pick.why
        assert not re.search(r"\([+-]\d+\)", pick.why), pick.why
        for alt in pick.alternatives:
            assert alt.brief and not re.search(r"\([+-]\d+\)", alt.brief), alt
            # A scored loss names at most three reasons: two commas and an "and" at most.
            if alt.brief.startswith("scored"):
                reasons = alt.brief.split(": ", 1)[1]
                assert reasons.count("), ") <= 2, reasons


def test_the_decisive_reasons_are_the_biggest_gaps_only() -> None:
    gunicorn, uwsgi = CATALOG.library("gunicorn"), CATALOG.library("uwsgi")
    assert gunicorn is not None and uwsgi is not None
    known = {"wsgi-server"}
    scored = [
        (lib, score(lib, unanswered=known, known=known, profile="balanced", api_first=False))
        for lib in (gunicorn, uwsgi)
    ]
    reasons = decisive(scored[0], scored[1])
    assert reasons[0].startswith("is more downloaded (#")
    # What both share (Flask 3 support, no dependencies) decided nothing.
    assert not any("Flask 3" in r or "dependencies" in r for r in reasons)
    assert len(reasons) <= 3


def test_a_forced_pick_says_it_was_asked_for() -> None:
    rec = recommend(
        CATALOG, VOCABULARY, resolve_needs(VOCABULARY, {"cache": "yes"}), ["flask-caching"]
    )
    pick = next(p for p in rec.picks if p.library.id == "flask-caching")
    assert pick.why == "You asked for it with --with."


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_recommend_shows_why_each_alternative_lost(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    document = run_cli(capsys, "recommend", "--preset", "webapp", "-f", "json").json()
    shown = run_cli(capsys, "recommend", "--preset", "webapp", "-f", fmt).stdout
    assert "Alternatives passed over" in shown
    for library in document["libraries"]:
        assert library["why"] in re.sub(r"\s*[│┃]\s*|\n", " ", shown) or fmt == "table"
        for alt in library["alternatives"]:
            assert alt["id"] in shown
    sentence = "scored 7 to gunicorn's 14: gunicorn is more downloaded"
    assert sentence in shown if fmt == "markdown" else "scored 7 to" in shown
    assert "(+3)" not in shown


def test_explain_shows_every_point(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_cli(capsys, "recommend", "--preset", "webapp", "--explain", "-f", "markdown").stdout
    assert "download rank #809 (+3)" in shown
    hinted = run_cli(capsys, "recommend", "--preset", "minimal").stdout
    assert "(--explain shows every point of each score)" in hinted
    assert "runtime dependencies (+1)" in shown


def test_new_prints_a_short_summary_and_the_table_with_verbose(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from recommender.console import print_stack_summary

    capsys.readouterr()
    print_stack_summary(stack(**VOCABULARY.preset("webapp")))
    short = capsys.readouterr().out
    assert "Stack (7 libraries):" in short
    assert "Flask-Login       login" in short
    assert "Recommended stack" not in short
    assert "--verbose" in short
    full = run_cli(capsys, "new", str(tmp_path / "b"), "--preset", "webapp", "--no-git", "-v")
    assert full.exit_code == 0, full.stderr
    assert "Recommended stack" in full.stdout
    assert "Alternatives passed over" in full.stdout
    # --explain is recommend's flag, not new's: new does not point at it.
    assert "--explain" not in full.stdout
