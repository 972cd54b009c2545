"""From resolved needs to a stack: pick a library per capability, explain every choice."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from recommender.core.explain import brief, why_lost, why_picked
from recommender.core.models import (
    Alternative,
    BuiltinUse,
    Catalog,
    Library,
    Pick,
    Recommendation,
    StackWarning,
)
from recommender.core.names import NameIndex
from recommender.core.needs import Needs, Vocabulary, holds
from recommender.core.scoring import score
from recommender.errors import FlaskPickError, StackConflictError, UsageError

UNRANKED = 10**9  # sorts after every download rank


def dead_because(library: Library) -> str:
    """Why a library is never picked, in a few words with its last release month."""
    last = f", last release {library.latest.month}" if library.latest else ""
    if library.kind == "stdlib":
        return "part of Python's standard library, not a Flask extension"
    if library.kind == "django-only":
        return f"made for Django, not Flask{last}"
    if library.kind == "not-on-pypi":
        return "not a package on PyPI"
    if library.flask3 == "no":
        return f"broken on Flask 3{last}"
    return f"{library.status}{last}"


class _Open:
    """Membership view of the wanted capabilities that nothing answers yet."""

    def __init__(self, stack: _Stack) -> None:
        self.stack = stack

    def __contains__(self, cap: object) -> bool:
        return cap in self.stack.wanted and cap not in self.stack.answered


@dataclass
class _Stack:
    """The stack being built: mutable only inside `recommend`."""

    catalog: Catalog
    wanted: dict[str, str]
    order: dict[str, int]
    excluded: set[str]
    wired_only: bool
    picks: dict[str, Pick] = field(default_factory=dict)
    answered: dict[str, str] = field(default_factory=dict)
    providers: dict[str, list[Library]] = field(default_factory=dict)
    conflicted_by: dict[str, set[str]] = field(default_factory=dict)
    queue: list[tuple[int, str]] = field(default_factory=list)
    by_id: dict[str, Library] = field(default_factory=dict)
    built_on: dict[str, list[Library]] = field(default_factory=dict)
    # capability -> (pick, base) for each pick whose generated code builds on a base giving it.
    picked_bases: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Indexes built once, so each step looks only at the libraries that matter to it.
        for library in self.catalog.libraries:
            self.by_id[library.id] = library
            for base in library.wiring_builds_on:
                self.built_on.setdefault(base, []).append(library)
            for cap in dict.fromkeys((*library.capabilities, *library.covers)):
                self.providers.setdefault(cap, []).append(library)
            for other in library.conflicts:
                self.conflicted_by.setdefault(other, set()).add(library.id)
                self.conflicted_by.setdefault(library.id, set()).add(other)
        for cap in self.wanted:
            self._enqueue(cap)

    def _enqueue(self, cap: str) -> None:
        heapq.heappush(self.queue, (self.order.get(cap, len(self.order)), cap))

    def next_open(self) -> str | None:
        """The first wanted capability, in vocabulary order, that nothing answers yet."""
        while self.queue:
            _, cap = self.queue[0]
            if cap not in self.answered:
                return cap
            heapq.heappop(self.queue)
        return None

    def conflict(self, library: Library, extra: Iterable[Library] = ()) -> str | None:
        rivals = self.conflicted_by.get(library.id, set())
        for other_id in sorted(rivals):
            if other_id in self.picks:
                return other_id
        for other in extra:
            if other.id in rivals:
                return other.id
        return None

    def add(self, pick: Pick) -> None:
        library = pick.library
        clash = self.conflict(library)
        if clash is not None:
            raise StackConflictError(library.id, f"conflicts with {clash}")
        wiring = self.wiring_clash(library)
        if wiring is not None:
            raise StackConflictError(library.id, f"cannot be generated in this stack: {wiring}")
        self.picks[library.id] = pick
        for cap in (*library.capabilities, *library.covers):
            self.answered.setdefault(cap, library.id)
        for cap in library.requires:
            if cap not in self.wanted:
                self.wanted[cap] = f"{library.id} (requires {cap})"
                self._enqueue(cap)
        for base in library.wiring_builds_on:
            for cap in self.by_id[base].capabilities:
                self.picked_bases.setdefault(cap, []).append((library.id, base))
                if cap not in self.wanted:
                    self.wanted[cap] = f"{library.id} (its generated code builds on {base})"
                    self._enqueue(cap)

    def wiring_clash(self, library: Library, extra: Iterable[Library] = ()) -> str | None:
        """Why generated code rules `library` out: it, or a pick, is written against a rival."""
        extra = tuple(extra)

        def holder(cap: str) -> str | None:
            if cap in self.answered:
                return self.answered[cap]
            return next((o.id for o in extra if cap in (*o.capabilities, *o.covers)), None)

        for base in library.wiring_builds_on:
            if base in self.excluded:
                return f"its generated code builds on {base}, excluded with --without"
            for cap in self.by_id[base].capabilities:
                other = holder(cap)
                if other is not None and other != base:
                    return f"its generated code builds on {base}, and {other} answers {cap}"
        written_against = [
            (other.id, base, cap)
            for other in extra
            for base in other.wiring_builds_on
            for cap in self.by_id[base].capabilities
        ]
        for cap in library.capabilities:
            for other_id, base in self.picked_bases.get(cap, ()):
                if base != library.id:
                    return f"{other_id}'s generated code builds on {base} for {cap}"
            for other_id, base, base_cap in written_against:
                if base_cap == cap and base != library.id:
                    return f"{other_id}'s generated code builds on {base} for {cap}"
        return None

    def rejection(self, library: Library, extra: Iterable[Library] = ()) -> str | None:
        """Why a library cannot join the stack now, or None when it can."""
        if library.is_dead:
            successor = f"; use {library.successor}" if library.successor else ""
            return f"{dead_because(library)}{successor}"
        if not library.wired and self.wired_only:
            return f"not wired into generated projects: {library.not_wired_reason or 'none'}"
        if library.id in self.excluded:
            return "excluded with --without"
        clash = self.conflict(library, extra)
        if clash is not None:
            return f"conflicts with {clash}"
        return self.wiring_clash(library, extra)

    def strands(self, library: Library) -> str | None:
        """A wanted capability that picking `library` would leave with no possible library."""
        gives = set(library.capabilities) | set(library.covers)
        # Only capabilities of its rivals, or that it requires, can be stranded by picking it.
        touched = set(library.requires)
        for rival_id in self.conflicted_by.get(library.id, set()):
            rival = self.by_id.get(rival_id)
            if rival is not None:
                touched.update(rival.capabilities, rival.covers)
        # ...and those of libraries whose generated code builds on one of its alternatives.
        for cap in library.capabilities:
            for provider in self.providers.get(cap, []):
                if provider.id != library.id:
                    for dependent in self.built_on.get(provider.id, []):
                        touched.update(dependent.capabilities)
        for cap in sorted(touched):
            if cap in self.answered or cap in gives:
                continue
            if cap not in self.wanted and cap not in library.requires:
                continue
            if not any(
                other.id != library.id and self.rejection(other, [library]) is None
                for other in self.providers.get(cap, [])
            ):
                return cap
        return None


def recommend(
    catalog: Catalog,
    vocabulary: Vocabulary,
    needs: Needs,
    with_names: Iterable[str] = (),
    without_names: Iterable[str] = (),
    *,
    wired_only: bool = False,
) -> Recommendation:
    """The stack for resolved needs, with forced (`--with`) and excluded (`--without`) names.

    It is the stack `flask-pick new` generates (`wired_only`): only libraries the template
    wires. Without `wired_only`, when no such stack exists (a forced unwired library, or a need
    only an unwired one answers), the stack may name unwired libraries, each with a warning
    that it must be added by hand.
    """
    with_names, without_names = tuple(with_names), tuple(without_names)
    try:
        return _build(catalog, vocabulary, needs, with_names, without_names, wired_only=True)
    except UsageError:
        raise
    except FlaskPickError:
        if wired_only:
            raise
    return _build(catalog, vocabulary, needs, with_names, without_names, wired_only=False)


def _build(
    catalog: Catalog,
    vocabulary: Vocabulary,
    needs: Needs,
    with_names: tuple[str, ...],
    without_names: tuple[str, ...],
    *,
    wired_only: bool,
) -> Recommendation:
    # Names are only looked up for --with/--without; most calls need no index at all.
    index = NameIndex.build(catalog) if with_names or without_names else None
    answers = dict(needs)
    wanted: dict[str, str] = {}
    builtins: list[BuiltinUse] = []
    services: set[str] = set()
    for need in vocabulary.needs:
        value = need.value(answers[need.key])
        if value is None:
            raise UsageError(f"{need.key}={answers[need.key]} is not valid")
        for cap in value.capabilities:
            wanted.setdefault(cap, f"{need.key}={value.name}")
        for builtin_id in value.builtins:
            builtin = catalog.builtin(builtin_id)
            if builtin is not None:
                builtins.append(BuiltinUse(builtin, f"{need.key}={value.name}"))
        services.update(value.services)

    excluded = {index.require(name).id for name in without_names} if index else set()
    order = {cap: position for position, (cap, _) in enumerate(catalog.capabilities)}
    stack = _Stack(catalog, wanted, order, excluded, wired_only)
    warnings = _need_warnings(vocabulary, answers)
    for name in with_names:
        assert index is not None
        _force(stack, index.require(name), warnings, builtins)

    profile = answers.get("profile", "balanced")
    api_first = answers.get("kind") == "api"
    while (open_cap := stack.next_open()) is not None:
        _pick_for(stack, open_cap, profile, api_first)

    _prune(stack)
    picks = tuple(sorted(stack.picks.values(), key=lambda pick: pick.library.id))
    for pick in picks:
        if not pick.library.wired:
            warnings.append(
                StackWarning(
                    library=pick.library.id,
                    message=f"{pick.library.pypi} is not wired into generated projects yet "
                    f"({pick.library.not_wired_reason or 'no template fragment'}); "
                    "`flask-pick new` cannot generate this stack, add it by hand",
                    successor=None,
                )
            )
    for pick in picks:
        services.update(pick.library.services)
    return Recommendation(
        needs=tuple(needs),
        picks=picks,
        builtins=tuple(builtins),
        warnings=tuple(warnings),
        services=tuple(sorted(services)),
    )


def _need_warnings(vocabulary: Vocabulary, answers: Mapping[str, str]) -> list[StackWarning]:
    """Warnings for answers that work but are unwise together (SQLite on Heroku).

    Such a warning is about a need, not a library: it names the answer (`database=sqlite`).
    """
    warnings = []
    for need in vocabulary.needs:
        value = need.value(answers[need.key])
        assert value is not None
        for condition, message in value.warn_when:
            if holds(condition, answers):
                subject = f"{need.key}={value.name}"
                warnings.append(StackWarning(library=subject, message=message, successor=None))
    return warnings


def _force(
    stack: _Stack, library: Library, warnings: list[StackWarning], builtins: list[BuiltinUse]
) -> None:
    asked = library
    if library.is_dead:
        successor = library.successor
        warnings.append(
            StackWarning(
                library=library.id,
                message=f"{library.pypi or library.id} is {dead_because(library)}: "
                f"{library.reason or ''}".rstrip(": "),
                successor=successor,
            )
        )
        replacement = stack.by_id.get(successor) if successor else None
        if replacement is None:
            builtin = stack.catalog.builtin(successor) if successor else None
            if builtin is not None:
                builtins.append(BuiltinUse(builtin, f"--with {library.id}"))
            return
        library = replacement
    if library.id in stack.picks:
        return
    if library.id in stack.excluded:
        raise UsageError(f"{library.id} is both forced with --with and excluded with --without")
    if not library.wired and stack.wired_only:
        raise FlaskPickError(
            f"{library.id} is not wired into generated projects "
            f"({library.not_wired_reason or 'no reason recorded'}); add it by hand after `new`"
        )
    because = (
        "you asked for it with --with"
        if asked is library
        else (f"replaces {asked.id}, which you asked for with --with")
    )
    answers = tuple(cap for cap in library.capabilities if cap in stack.wanted)
    why = because[0].upper() + because[1:] + "."
    stack.add(Pick(library, answers or library.capabilities, (because,), forced=True, why=why))


def _pick_for(stack: _Stack, cap: str, profile: str, api_first: bool) -> None:
    asked_by = stack.wanted[cap]
    candidates = stack.providers.get(cap, [])
    losers: list[Alternative] = []
    viable = []
    unanswered = _Open(stack)
    for library in candidates:
        why_not = stack.rejection(library)
        if why_not is None and (stranded := stack.strands(library)) is not None:
            why_not = f"would leave {stranded} with no usable library"
        if why_not is not None:
            losers.append(Alternative(library.id, why_not, brief(why_not)))
            continue
        result = score(
            library,
            unanswered=unanswered,
            known=stack.wanted,
            profile=profile,
            api_first=api_first,
        )
        viable.append((result, library))
    if not viable:
        tried = "; ".join(f"{alt.id}: {alt.why_not}" for alt in losers) or "no candidates"
        # Asked by a need (migrations=yes), not by a library's requirement: say how to change it.
        key, is_need, _ = asked_by.partition("=")
        hint = f"; change {key} with --need {key}=..." if is_need and " " not in key else ""
        raise FlaskPickError(f"no library can answer {cap} (asked by {asked_by}): {tried}{hint}")
    # A library the template wires beats any that it does not: the stack must be generatable.
    # An unwired library with a not_wired_reason was left out on purpose; one without is
    # simply not wired yet, and ranks before it.
    # Equal scores go to the more downloaded library: the one more people can help with.
    viable.sort(
        key=lambda item: (
            not item[1].wired,
            bool(item[1].not_wired_reason),
            -item[0].total,
            item[1].popularity or UNRANKED,
            item[1].id,
        )
    )
    best_score, best = viable[0]
    rejected = tuple(losers)
    for result, library in viable[1:]:
        lost = (
            "not wired into generated projects"
            if best.wired and not library.wired
            else (f"scored {result.total} to {best.id}'s {best_score.total}")
        )
        detail = f"{lost}: " + ", ".join(result.reasons)
        brief_why = why_lost((library, result), (best, best_score))
        losers.append(Alternative(library.id, detail, brief_why))
    # Flask-Security offers login as a capability and covers it too: name it once.
    offered = dict.fromkeys((*best.capabilities, *best.covers))
    answered = tuple(c for c in offered if c in stack.wanted or c == cap)
    reasons = (
        f"answers {', '.join(answered)} (asked by {asked_by})",
        f"scored {best_score.total}: " + ", ".join(best_score.reasons),
    )
    # The runner-up the sentence names: the best other library the template also wires.
    others = [(lib, result) for result, lib in viable[1:]]
    rival = next(((lib, r) for lib, r in others if lib.wired), others[0] if others else None)
    why = why_picked(cap, asked_by, (best, best_score), rival, rejected)
    alternatives = tuple(sorted(losers, key=lambda alt: alt.id))
    stack.add(Pick(best, answered, reasons, alternatives, why=why))


def _prune(stack: _Stack) -> None:
    """Drop picks whose every answer another pick also gives (a later pick covered them)."""
    givers: dict[str, int] = {}
    for pick in stack.picks.values():
        for cap in set(pick.library.capabilities) | set(pick.library.covers):
            givers[cap] = givers.get(cap, 0) + 1
    for library_id in sorted(stack.picks):
        pick = stack.picks[library_id]
        if pick.forced:
            continue
        mine = {cap for cap in pick.library.capabilities if cap in stack.wanted}
        if mine and all(givers[cap] > 1 for cap in mine):
            del stack.picks[library_id]
            for cap in set(pick.library.capabilities) | set(pick.library.covers):
                givers[cap] -= 1
