"""The questionnaire described as data, built from catalog/needs.yaml; it never prompts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from recommender.core.needs import Need, Vocabulary, holds, holds_any

EXTRAS_KEY = "extras"

Generatable = Callable[[tuple[str, ...]], bool]
"""Whether generated projects can answer these capabilities (some wired library does)."""


def _always(capabilities: tuple[str, ...]) -> bool:
    del capabilities
    return True


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer a person can pick, with its one-line explanation."""

    value: str
    title: str
    checked: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """One question to ask: a single choice, or the checkbox list of yes/no extras."""

    key: str
    kind: Literal["select", "checkbox"]
    message: str
    choices: tuple[Choice, ...]
    default: str | None = None


def default_for(need: Need, answers: Mapping[str, str]) -> str:
    """The need's default given the answers so far."""
    return next(value for condition, value in need.defaults if holds(condition, answers))


def applies(need: Need, answers: Mapping[str, str]) -> bool:
    """Whether the question makes sense after these answers (no roles question without auth)."""
    return holds(need.asked_when, answers)


def offered(
    need: Need, answers: Mapping[str, str], generatable: Generatable = _always
) -> tuple[str, ...]:
    """The values that make sense after these answers and that a project can be made for.

    Senseless values are not offered, and neither are values no wired library can answer:
    the questionnaire leads to no dead end.
    """
    return tuple(
        value.name
        for value in need.values
        if holds_any(value.only_when, answers) and generatable(value.capabilities)
    )


def question_for(
    need: Need,
    answers: Mapping[str, str],
    current: str | None = None,
    generatable: Generatable = _always,
) -> Question:
    """A single-choice question for a need; `current` pre-selects an answer."""
    values = offered(need, answers, generatable)
    default = current if current in values else default_for(need, answers)
    if default not in values:
        default = values[0]
    choices = tuple(
        Choice(value.name, f"{value.name}: {value.help}" if value.help else value.name)
        for value in need.values
        if value.name in values
    )
    return Question(need.key, "select", need.question, choices, default)


def extras_question(
    vocabulary: Vocabulary,
    answers: Mapping[str, str],
    current: Mapping[str, str],
    generatable: Generatable = _always,
) -> Question | None:
    """One checkbox list for every yes/no extra that makes sense after these answers."""
    choices = []
    for need in vocabulary.needs:
        if not need.extra or not applies(need, answers):
            continue
        if "yes" not in offered(need, answers, generatable):
            continue
        yes = need.value("yes")
        title = f"{need.key}: {yes.help}" if yes and yes.help else need.key
        checked = current.get(need.key, default_for(need, answers)) == "yes"
        choices.append(Choice(need.key, title, checked))
    if not choices:
        return None
    return Question(EXTRAS_KEY, "checkbox", "Anything else? (space to select)", tuple(choices))


def extras_answers(vocabulary: Vocabulary, selected: list[str]) -> dict[str, str]:
    """The yes/no value of every extra need from the checked boxes."""
    return {
        need.key: "yes" if need.key in selected else "no" for need in vocabulary.needs if need.extra
    }
