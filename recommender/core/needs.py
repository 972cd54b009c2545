"""The needs vocabulary and turning a person's partial answers into complete, sensible needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from recommender.core.names import did_you_mean
from recommender.errors import UsageError

Condition = tuple[tuple[str, tuple[str, ...]], ...]
"""Other needs and the values they must have, e.g. (("auth", ("session", "full")),)."""


@dataclass(frozen=True, slots=True)
class NeedValue:
    """One answer to a need, and what it asks the catalog for."""

    name: str
    help: str
    capabilities: tuple[str, ...] = ()
    builtins: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    only_when: tuple[Condition, ...] = ()
    """Alternatives: the value makes sense when any one of them holds (none: always)."""
    warn_when: tuple[tuple[Condition, str], ...] = ()
    """Allowed but unwise combinations: when the condition holds, the message is a warning."""


@dataclass(frozen=True, slots=True)
class Need:
    """One question of the vocabulary."""

    key: str
    question: str
    values: tuple[NeedValue, ...]
    defaults: tuple[tuple[Condition, str], ...]
    asked_when: Condition = ()
    extra: bool = False

    def value(self, name: str) -> NeedValue | None:
        """The value with this name, or None."""
        return next((value for value in self.values if value.name == name), None)

    @property
    def value_names(self) -> tuple[str, ...]:
        """The valid answers, in order."""
        return tuple(value.name for value in self.values)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every need, in the order they are asked, and the named presets."""

    needs: tuple[Need, ...]
    presets: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()

    def need(self, key: str) -> Need | None:
        """The need with this key, or None."""
        return next((need for need in self.needs if need.key == key), None)

    def preset(self, name: str) -> dict[str, str]:
        """The needs of a named preset."""
        for preset_name, _, needs in self.presets:
            if preset_name == name:
                return dict(needs)
        known = [name for name, _, _ in self.presets]
        hint = did_you_mean(name, known)
        raise UsageError(f"unknown preset {name!r}; {hint}choose one of: {', '.join(known)}")


Needs = tuple[tuple[str, str], ...]
"""Resolved needs: every key of the vocabulary with its value, in vocabulary order."""


def holds(condition: Condition, answers: Mapping[str, str]) -> bool:
    """Whether every need named in the condition has one of the listed values."""
    return all(answers.get(key) in values for key, values in condition)


def holds_any(alternatives: tuple[Condition, ...], answers: Mapping[str, str]) -> bool:
    """Whether any of the alternative conditions holds (no alternatives: always)."""
    return not alternatives or any(holds(condition, answers) for condition in alternatives)


def _describe(condition: Condition) -> str:
    return " and ".join(f"{key} to be one of {', '.join(values)}" for key, values in condition)


def check_given(vocabulary: Vocabulary, given: Mapping[str, str]) -> None:
    """Refuse unknown needs and values with a message listing the valid ones."""
    for key, value in given.items():
        need = vocabulary.need(key)
        if need is None:
            keys = [need.key for need in vocabulary.needs]
            hint = did_you_mean(key, keys)
            raise UsageError(f"unknown need {key!r}; {hint}valid needs: {', '.join(keys)}")
        if need.value(value) is None:
            hint = did_you_mean(value, need.value_names)
            choices = ", ".join(need.value_names)
            raise UsageError(f"{key}={value} is not valid; {hint}{key} takes one of: {choices}")


def resolve_needs(vocabulary: Vocabulary, given: Mapping[str, str]) -> Needs:
    """Every need answered: given values checked, the rest from their (conditional) defaults."""
    check_given(vocabulary, given)
    answers: dict[str, str] = {}
    for need in vocabulary.needs:
        if need.key in given:
            answers[need.key] = given[need.key]
            continue
        # Defaults may depend on earlier answers, so they are computed in vocabulary order
        # over what is known so far plus everything given.
        known = {**answers, **given}
        answers[need.key] = next(value for cond, value in need.defaults if holds(cond, known))
    for need in vocabulary.needs:
        chosen = need.value(answers[need.key])
        assert chosen is not None
        if not holds_any(chosen.only_when, answers):
            keys = dict.fromkeys(key for condition in chosen.only_when for key, _ in condition)
            got = ", ".join(f"{key}={answers[key]}" for key in keys)
            needed = " or ".join(_describe(condition) for condition in chosen.only_when)
            raise UsageError(
                f"{need.key}={chosen.name} makes no sense with {got}: it needs "
                f"{needed}; change one with --need"
            )
    return tuple((need.key, answers[need.key]) for need in vocabulary.needs)
