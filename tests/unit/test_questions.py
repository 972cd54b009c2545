"""The questionnaire's logic in-process: a scripted person answers the questions it asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.errors import Interrupted
from recommender.questionnaire import Session, ask_needs, review
from recommender.questions import Question

VOCABULARY = shipped_vocabulary()


def person(replies: dict[str, Any], asked: list[Question]) -> Callable[[Question], Any]:
    """Answer by question key; anything not scripted takes the question's default."""

    def ask(question: Question) -> Any:
        asked.append(question)
        if question.key in replies:
            reply = replies[question.key]
            return reply.pop(0) if isinstance(reply, list) and question.kind == "select" else reply
        if question.kind == "checkbox":
            return [choice.value for choice in question.choices if choice.checked]
        return question.default

    return ask


def test_roles_and_migrations_are_not_asked_when_they_do_not_apply() -> None:
    asked: list[Question] = []
    answers = ask_needs(VOCABULARY, {}, False, person({"database": "none"}, asked))
    keys = [q.key for q in asked]
    assert "migrations" not in keys
    assert "roles" not in keys
    auth = next(q for q in asked if q.key == "auth")
    # Without a SQL database, no sign-in that needs stored users is offered.
    assert [choice.value for choice in auth.choices] == ["none"]
    assert answers["database"] == "none"


def test_a_pure_api_is_not_asked_about_forms() -> None:
    asked: list[Question] = []
    ask_needs(VOCABULARY, {}, False, person({"kind": "api"}, asked))
    assert "forms" not in [q.key for q in asked]
    assert "api" in [q.key for q in asked]


def test_given_needs_are_answers_unless_ask_all() -> None:
    asked: list[Question] = []
    answers = ask_needs(
        VOCABULARY, {"kind": "api", "database": "postgresql"}, False, person({}, asked)
    )
    assert answers["kind"] == "api"
    assert {"kind", "database"}.isdisjoint(q.key for q in asked)
    asked.clear()
    ask_needs(VOCABULARY, {"kind": "api"}, True, person({}, asked))
    kind = next(q for q in asked if q.key == "kind")
    assert kind.default == "api"


def test_extras_are_one_checkbox_list_and_admin_needs_auth() -> None:
    asked: list[Question] = []
    answers = ask_needs(VOCABULARY, {}, False, person({"extras": ["mail", "cache"]}, asked))
    (extras,) = [q for q in asked if q.key == "extras"]
    assert extras.kind == "checkbox"
    assert "admin" not in [choice.value for choice in extras.choices]  # auth is none
    assert answers["mail"] == "yes" and answers["cache"] == "yes"
    assert answers["tasks"] == "no"
    asked.clear()
    ask_needs(VOCABULARY, {}, False, person({"auth": "session"}, asked))
    (extras,) = [q for q in asked if q.key == "extras"]
    assert "admin" in [choice.value for choice in extras.choices]


def test_review_swaps_a_pick_for_an_alternative() -> None:
    asked: list[Question] = []
    answers = ask_needs(VOCABULARY, {"kind": "web", "auth": "session"}, False, person({}, asked))
    session = Session(answers)
    script = {
        "review": ["swap", "generate"],
        "swap": ["flask-login"],
        "swap_to": ["flask-security"],
    }
    rec = review(shipped_catalog(), VOCABULARY, session, person(script, asked))
    assert "flask-security" in rec.ids
    assert "flask-login" not in rec.ids
    assert session.with_names == ["flask-security"]
    assert session.without_names == ["flask-login"]


def test_review_can_change_an_answer() -> None:
    answers = ask_needs(VOCABULARY, {"kind": "web"}, False, person({}, []))
    script = {"review": ["change", "generate"], "change": ["database"], "database": ["postgresql"]}
    rec = review(shipped_catalog(), VOCABULARY, Session(answers), person(script, []))
    assert "psycopg" in rec.ids


def test_cancel_in_review_raises_interrupted() -> None:
    answers = ask_needs(VOCABULARY, {}, False, person({}, []))
    with pytest.raises(Interrupted, match="Cancelled, nothing was written."):
        review(shipped_catalog(), VOCABULARY, Session(answers), person({"review": ["cancel"]}, []))


def test_choices_no_wired_library_can_answer_are_not_offered() -> None:
    asked: list[Question] = []

    def generatable(capabilities: tuple[str, ...]) -> bool:
        return "tasks" not in capabilities and "socketio" not in capabilities

    ask_needs(VOCABULARY, {}, False, person({}, asked), generatable)
    (extras,) = [q for q in asked if q.key == "extras"]
    assert "tasks" not in [choice.value for choice in extras.choices]
    realtime = next(q for q in asked if q.key == "realtime")
    assert "socketio" not in [choice.value for choice in realtime.choices]


def test_generatable_in_knows_only_live_wired_libraries() -> None:
    from recommender.questionnaire import generatable_in
    from tests.unit.catalog_builder import library, make_catalog

    catalog = make_catalog(
        library("a", capabilities=("cache",)),
        library("b", capabilities=("tasks",), wired=False, not_wired_reason="later"),
        library("c", capabilities=("mail",), status="abandoned", successor="a", reason="x"),
    )
    generatable = generatable_in(catalog)
    assert generatable(("cache",))
    assert not generatable(("tasks",))
    assert not generatable(("mail",))
    assert generatable(())


def test_change_which_answer_shows_the_questions_as_asked() -> None:
    asked: list[Question] = []
    answers = ask_needs(
        VOCABULARY, {"kind": "api", "auth": "none"}, False, person({"extras": ["cache"]}, asked)
    )
    script = {"review": ["change", "generate"], "change": ["kind"], "kind": ["api"]}
    review(shipped_catalog(), VOCABULARY, Session(answers), person(script, asked))
    change = next(q for q in asked if q.key == "change")
    titles = {choice.value: choice.title for choice in change.choices}
    # The question's own text and the answer given, not a raw key.
    assert titles["kind"] == "What will the app serve? (api)"
    assert titles["auth"] == "How do users sign in? (none)"
    # Never asked (no roles without a login, no forms in a pure API): not offered.
    assert "roles" not in titles and "forms" not in titles
    assert not any("default" in title for title in titles.values())
    # The extras show what was picked.
    assert titles["extras"] == "Anything else? (cache)"


def test_change_which_answer_says_when_no_extra_was_picked() -> None:
    from recommender.questionnaire import change_choices

    choices = change_choices(VOCABULARY, {"kind": "web", "auth": "session"})
    assert choices[-1].title == "Anything else? (none picked)"
    assert any(c.value == "roles" for c in choices)
