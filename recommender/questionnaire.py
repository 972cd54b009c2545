"""The interactive questionnaire: asks the needs, shows the stack, lets the person decide.

A thin shell over `questions` (what to ask) and the core (what to recommend); the only module
besides the CLI that talks to the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from recommender import console
from recommender.core.engine import recommend
from recommender.core.forcing import with_forced_needs
from recommender.core.models import Catalog, Pick, Recommendation
from recommender.core.needs import Vocabulary, resolve_needs
from recommender.errors import FlaskPickError, Interrupted, UsageError
from recommender.questions import (
    EXTRAS_KEY,
    Choice,
    Generatable,
    Question,
    applies,
    extras_answers,
    extras_question,
    question_for,
)

CANCELLED = "Cancelled, nothing was written."
GENERATE, SWAP, CHANGE, CANCEL = "generate", "swap", "change", "cancel"

Ask = Callable[[Question], Any]


def _anything(capabilities: tuple[str, ...]) -> bool:
    del capabilities
    return True


def _escape_bindings() -> Any:
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    # Esc cancels like Ctrl-C; questionary itself only binds Ctrl-C.
    @bindings.add("escape", eager=True)
    def _cancel(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    return bindings


def ask_in_terminal(question: Question) -> Any:
    """Ask one question with questionary; Ctrl-C or Esc raise Interrupted."""
    import questionary
    from prompt_toolkit.key_binding import merge_key_bindings

    if question.kind == "checkbox":
        prompt = questionary.checkbox(
            question.message,
            choices=[
                questionary.Choice(c.title, value=c.value, checked=c.checked)
                for c in question.choices
            ],
        )
    else:
        choices = [questionary.Choice(c.title, value=c.value) for c in question.choices]
        default = next((choice for choice in choices if choice.value == question.default), None)
        # Typing filters the choices: quicker than arrows through a long list.
        prompt = questionary.select(
            question.message,
            choices=choices,
            default=default,
            use_search_filter=True,
            use_jk_keys=False,
        )
    application = prompt.application
    application.key_bindings = merge_key_bindings(
        [application.key_bindings or _escape_bindings(), _escape_bindings()]
    )
    try:
        return prompt.unsafe_ask()
    except KeyboardInterrupt:
        raise Interrupted(CANCELLED) from None


@dataclass
class Session:
    """What the person has said so far."""

    answers: dict[str, str]
    with_names: list[str] = field(default_factory=list)
    without_names: list[str] = field(default_factory=list)


def generatable_in(catalog: Catalog) -> Generatable:
    """Whether some live, wired library of the catalog answers every one of the capabilities."""
    answered = {
        cap
        for library in catalog.libraries
        if library.wired and not library.is_dead
        for cap in (*library.capabilities, *library.covers)
    }

    def generatable(capabilities: tuple[str, ...]) -> bool:
        return all(cap in answered for cap in capabilities)

    return generatable


def ask_needs(
    vocabulary: Vocabulary,
    given: Mapping[str, str],
    ask_all: bool,
    ask: Ask,
    generatable: Generatable | None = None,
) -> dict[str, str]:
    """Ask every question that applies and was not answered on the command line."""
    can = generatable or _anything
    answers: dict[str, str] = {}
    extras_asked = False
    for need in vocabulary.needs:
        if need.extra:
            if not extras_asked:
                extras_asked = True
                _ask_extras(vocabulary, answers, given, ask_all, ask, can)
            continue
        if need.key in given and not ask_all:
            answers[need.key] = given[need.key]
            continue
        if not applies(need, answers):
            continue
        answers[need.key] = ask(question_for(need, answers, given.get(need.key), can))
    return answers


def _ask_extras(
    vocabulary: Vocabulary,
    answers: dict[str, str],
    given: Mapping[str, str],
    ask_all: bool,
    ask: Ask,
    generatable: Generatable,
) -> None:
    extras = [need.key for need in vocabulary.needs if need.extra]
    if not ask_all and all(key in given for key in extras):
        answers.update({key: given[key] for key in extras})
        return
    question = extras_question(vocabulary, answers, given, generatable)
    selected = list(ask(question)) if question is not None else []
    # Extras named on the command line stay as given unless the person was asked about them.
    chosen = extras_answers(vocabulary, selected)
    if not ask_all:
        chosen.update({key: given[key] for key in extras if key in given})
    answers.update(chosen)


def _review_question(catalog: Catalog, rec: Recommendation) -> Question:
    choices = [Choice(GENERATE, "Generate the project with this stack")]
    if any(swappable_alternatives(catalog, pick) for pick in rec.picks):
        choices.append(Choice(SWAP, "Swap a library for one of its alternatives"))
    choices += [Choice(CHANGE, "Change an answer"), Choice(CANCEL, "Cancel")]
    return Question("review", "select", "Generate this stack?", tuple(choices), GENERATE)


def swappable_alternatives(catalog: Catalog, pick: Pick) -> list[str]:
    """The alternatives a person may swap a pick for: alive and wired into the template."""
    usable = []
    for alternative in pick.alternatives:
        library = catalog.library(alternative.id)
        if library is not None and library.wired and not library.is_dead:
            usable.append(alternative.id)
    return usable


def review(
    catalog: Catalog,
    vocabulary: Vocabulary,
    session: Session,
    ask: Ask,
) -> Recommendation:
    """Show the stack until the person accepts it; swaps and changed answers re-recommend."""
    while True:
        try:
            # As `--answers FILE` replays it: forced libraries bring their needs the same way.
            given = with_forced_needs(catalog, vocabulary, session.answers, session.with_names)
            needs = resolve_needs(vocabulary, given)
            rec = recommend(
                catalog,
                vocabulary,
                needs,
                session.with_names,
                session.without_names,
                wired_only=True,
            )
        except (FlaskPickError, UsageError) as exc:
            console.error(str(exc))
            _change_answer(vocabulary, session, ask, generatable_in(catalog))
            continue
        console.print_recommendation(rec, "table")
        action = ask(_review_question(catalog, rec))
        if action == GENERATE:
            return rec
        if action == CANCEL:
            raise Interrupted(CANCELLED)
        if action == SWAP:
            _swap(catalog, rec, session, ask)
        else:
            _change_answer(vocabulary, session, ask, generatable_in(catalog))


def _swap(catalog: Catalog, rec: Recommendation, session: Session, ask: Ask) -> None:
    picks = [pick for pick in rec.picks if swappable_alternatives(catalog, pick)]
    which = ask(
        Question(
            "swap",
            "select",
            "Swap which library?",
            tuple(Choice(p.library.id, f"{p.library.pypi}: {p.library.summary}") for p in picks),
        )
    )
    pick = next(p for p in picks if p.library.id == which)
    candidates = [catalog.library(alt) for alt in swappable_alternatives(catalog, pick)]
    libraries = [pick.library, *(lib for lib in candidates if lib is not None)]
    console.print_library_comparison(libraries, "table")
    choice = ask(
        Question(
            "swap_to",
            "select",
            f"Use which instead of {pick.library.pypi}?",
            tuple(Choice(lib.id, f"{lib.pypi}: {lib.summary}") for lib in libraries),
            pick.library.id,
        )
    )
    if choice != pick.library.id:
        session.with_names.append(choice)
        session.without_names.append(pick.library.id)


def change_choices(vocabulary: Vocabulary, answers: Mapping[str, str]) -> tuple[Choice, ...]:
    """The answers a person may change, as the questions were asked, with what they said.

    Only questions that apply (no roles without a login) or that were answered; a question
    never asked shows no default of its own. The extras show what was picked.
    """
    try:
        current = dict(resolve_needs(vocabulary, answers))
    except UsageError:
        current = dict(answers)
    choices = []
    for need in vocabulary.needs:
        if need.extra or not (need.key in answers or applies(need, current)):
            continue
        choices.append(Choice(need.key, f"{need.question} ({current.get(need.key, '?')})"))
    picked = [
        need.key for need in vocabulary.needs if need.extra and current.get(need.key) == "yes"
    ]
    extras = ", ".join(picked) if picked else "none picked"
    choices.append(Choice(EXTRAS_KEY, f"Anything else? ({extras})"))
    return tuple(choices)


def _change_answer(
    vocabulary: Vocabulary, session: Session, ask: Ask, generatable: Generatable
) -> None:
    choices = change_choices(vocabulary, session.answers)
    key = ask(Question("change", "select", "Change which answer?", choices))
    if key == EXTRAS_KEY:
        _ask_extras(vocabulary, session.answers, session.answers, True, ask, generatable)
        return
    need = vocabulary.need(key)
    assert need is not None
    current = session.answers.get(key)
    session.answers[key] = ask(question_for(need, session.answers, current, generatable))
