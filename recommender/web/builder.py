"""What the web builder computes from a request's choices: the form, the stack, the command.

The choices travel in the query string (`need=KEY=VALUE`, `with=LIB`, `without=LIB`,
`preset=NAME`, `name=PROJECT`, `git=no`), so every page state is a link that reproduces it.
The questions come from the questionnaire's own logic, asked with every answer "given": what
the terminal would not offer is not offered here either.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from recommender.answers import build_request, parse_need_flags
from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.forcing import with_forced_needs
from recommender.core.models import Catalog, Library, Pick, Recommendation
from recommender.core.needs import Vocabulary, check_given, resolve_needs
from recommender.errors import UsageError
from recommender.questionnaire import ask_needs, generatable_in, swappable_alternatives
from recommender.questions import Question
from recommender.render import check_project_name

DEFAULT_NAME = "myapp"
# More values than any real set of choices needs (about thirty needs, a few libraries).
MAX_VALUES = 200
MAX_VALUE_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Choices:
    """Everything a person chose: the request part of a query string."""

    needs: dict[str, str]
    with_names: tuple[str, ...] = ()
    without_names: tuple[str, ...] = ()
    name: str = DEFAULT_NAME
    git: bool = True
    flagged: tuple[str, ...] = ()
    """The needs named by `need=` (not from the preset): a forced library may not change them."""


def check_query_size(args: Mapping[str, Sequence[str]]) -> None:
    """Refuse a query with more values, or longer ones, than any real set of choices."""
    values = [value for key in args for value in args[key]]
    if len(values) > MAX_VALUES or any(len(value) > MAX_VALUE_LENGTH for value in values):
        raise UsageError(
            f"the query holds more than {MAX_VALUES} values or a value longer than "
            f"{MAX_VALUE_LENGTH} characters; send only needs, libraries, a preset and a name"
        )


def read_choices(args: Mapping[str, Sequence[str]]) -> Choices:
    """Parse query values (`need`, `with`, `without`, `preset`, `name`, `git`) into choices.

    Unknown needs and values are refused with the message the command line gives.
    """
    check_query_size(args)
    presets = list(args.get("preset", []))
    if len(presets) > 1:
        raise UsageError("give one preset at most; add needs with need=KEY=VALUE")
    vocabulary = shipped_vocabulary()
    flags = [flag for flag in args.get("need", []) if flag]
    request = build_request(
        vocabulary,
        preset=presets[0] if presets and presets[0] else None,
        answers=None,
        need_flags=flags,
        with_names=[name for name in args.get("with", []) if name.strip()],
        without_names=[name for name in args.get("without", []) if name.strip()],
    )
    check_given(vocabulary, request.needs)
    names = [check_project_name(name.strip()) for name in args.get("name", []) if name.strip()]
    git = list(args.get("git", ["yes"]))[-1].lower()
    if git not in ("yes", "no", "1", "0", "true", "false", "on", "off"):
        raise UsageError(f"git={git} is not valid; use git=yes or git=no")
    return Choices(
        request.needs,
        request.with_names,
        request.without_names,
        names[-1] if names else DEFAULT_NAME,
        git in ("yes", "1", "true", "on"),
        tuple(parse_need_flags(flags)),
    )


@dataclass(frozen=True, slots=True)
class Builder:
    """One state of the page: the questions as asked, the answers, and the stack they give."""

    choices: Choices
    questions: tuple[Question, ...]
    answers: dict[str, str]
    recommendation: Recommendation


def _answer_questions(
    catalog: Catalog, vocabulary: Vocabulary, given: Mapping[str, str]
) -> tuple[tuple[Question, ...], dict[str, str]]:
    """Every question that applies, as the terminal would ask it with these answers given."""
    asked: list[Question] = []

    def ask(question: Question) -> Any:
        asked.append(question)
        if question.kind == "checkbox":
            return [choice.value for choice in question.choices if choice.checked]
        return question.default

    answers = ask_needs(vocabulary, given, True, ask, generatable_in(catalog))
    return tuple(asked), answers


def build(choices: Choices) -> Builder:
    """The page for these choices: answers that no longer apply dropped, forced needs folded in.

    The stack is the one `flask-pick new` generates (only wired libraries).
    """
    catalog, vocabulary = shipped_catalog(), shipped_vocabulary()
    _, answers = _answer_questions(catalog, vocabulary, choices.needs)
    # A swapped-in library may bring a need (Flask-Security-Too: roles); the form shows it.
    forced = with_forced_needs(catalog, vocabulary, answers, choices.with_names)
    questions, answers = _answer_questions(catalog, vocabulary, forced)
    rec = recommend(
        catalog,
        vocabulary,
        resolve_needs(vocabulary, answers),
        choices.with_names,
        choices.without_names,
        wired_only=True,
    )
    return Builder(replace(choices, needs=answers), questions, answers, rec)


def recommend_for(choices: Choices, *, wired_only: bool) -> Recommendation:
    """The stack for choices taken literally, as `recommend` or `new` on the command line."""
    catalog, vocabulary = shipped_catalog(), shipped_vocabulary()
    needs = choices.needs
    if choices.with_names:
        needs = with_forced_needs(catalog, vocabulary, needs, choices.with_names, choices.flagged)
    return recommend(
        catalog,
        vocabulary,
        resolve_needs(vocabulary, needs),
        choices.with_names,
        choices.without_names,
        wired_only=wired_only,
    )


def essential_needs(vocabulary: Vocabulary, answers: Mapping[str, str]) -> dict[str, str]:
    """The fewest answers that resolve to the same needs: those that differ from the defaults.

    Defaults depend on earlier answers, so each answer is compared with the default the
    answers kept so far would give.
    """
    full = dict(resolve_needs(vocabulary, answers))
    kept: dict[str, str] = {}
    try:
        for need in vocabulary.needs:
            if (
                need.key in answers
                and dict(resolve_needs(vocabulary, kept))[need.key] != full[need.key]
            ):
                kept[need.key] = full[need.key]
        if dict(resolve_needs(vocabulary, kept)) == full:
            return kept
    except UsageError:
        pass
    return {key: full[key] for key in answers}


def _short(choices: Choices) -> Choices:
    return replace(choices, needs=essential_needs(shipped_vocabulary(), choices.needs))


def query_string(choices: Choices, **extra: str) -> str:
    """The query that reproduces these choices (shortest form), plus page-only parameters."""
    short = _short(choices)
    pairs = [("need", f"{key}={value}") for key, value in short.needs.items()]
    pairs += [("with", name) for name in short.with_names]
    pairs += [("without", name) for name in short.without_names]
    if short.name != DEFAULT_NAME:
        pairs.append(("name", short.name))
    if not short.git:
        pairs.append(("git", "no"))
    pairs += [(key, value) for key, value in extra.items() if value]
    return urlencode(pairs, safe="=")


def command_line(choices: Choices) -> str:
    """The `flask-pick new` command that generates the same project without asking."""
    short = _short(choices)
    words = ["flask-pick", "new", short.name, "--yes"]
    for key, value in short.needs.items():
        words += ["--need", f"{key}={value}"]
    for name in short.with_names:
        words += ["--with", name]
    for name in short.without_names:
        words += ["--without", name]
    if not short.git:
        words.append("--no-git")
    return shlex.join(words)


@dataclass(frozen=True, slots=True)
class Swap:
    """An alternative a pick can be swapped for, and why the engine ranked it lower."""

    library: Library
    why_not: str


def swaps(catalog: Catalog, pick: Pick) -> tuple[Swap, ...]:
    """The alternatives a person may swap a pick for: alive and wired, as in the terminal."""
    why = {alternative.id: alternative.why_not for alternative in pick.alternatives}
    found = []
    for library_id in swappable_alternatives(catalog, pick):
        library = catalog.library(library_id)
        if library is not None:
            found.append(Swap(library, why[library_id]))
    return tuple(found)


def swapped(choices: Choices, old: str, new: str) -> Choices:
    """The choices with one pick replaced by an alternative, as the terminal's swap does."""
    return replace(
        choices,
        with_names=(*(n for n in choices.with_names if n != old), new),
        without_names=(*(n for n in choices.without_names if n != new), old),
    )


def dropped(choices: Choices, name: str) -> Choices:
    """The choices without one forced or excluded library."""
    return replace(
        choices,
        with_names=tuple(n for n in choices.with_names if n != name),
        without_names=tuple(n for n in choices.without_names if n != name),
    )
