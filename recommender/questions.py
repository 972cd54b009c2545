"""The questionnaire described as data, built from catalog/needs.yaml; it never prompts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from recommender.core.needs import Need, Vocabulary, holds

EXTRAS_KEY = "extras"


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


def offered(need: Need, answers: Mapping[str, str]) -> tuple[str, ...]:
    """The values that make sense with the answers so far (senseless ones are not offered)."""
    return tuple(value.name for value in need.values if holds(value.only_when, answers))


def question_for(need: Need, answers: Mapping[str, str], current: str | None = None) -> Question:
    """A single-choice question for a need; `current` pre-selects an answer."""
    values = offered(need, answers)
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
    vocabulary: Vocabulary, answers: Mapping[str, str], current: Mapping[str, str]
) -> Question | None:
    """One checkbox list for every yes/no extra that makes sense after these answers."""
    choices = []
    for need in vocabulary.needs:
        if not need.extra or not applies(need, answers) or "yes" not in offered(need, answers):
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
