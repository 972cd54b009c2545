"""From resolved needs to a stack: pick a library per capability, explain every choice."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
from recommender.core.needs import Needs, Vocabulary
from recommender.core.scoring import score
from recommender.errors import FlaskPickError, UsageError


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

    def open_capabilities(self) -> list[str]:
        open_caps = [cap for cap in self.wanted if cap not in self.answered]
        return sorted(open_caps, key=lambda cap: (self.order.get(cap, len(self.order)), cap))

    def conflict(self, library: Library, others: Iterable[Library]) -> Library | None:
        for other in others:
            if other.id in library.conflicts or library.id in other.conflicts:
                return other
        return None

    def add(self, pick: Pick, asked_by: str) -> None:
        library = pick.library
        clash = self.conflict(library, (p.library for p in self.picks.values()))
        if clash is not None:
            raise FlaskPickError(
                f"{library.id} conflicts with {clash.id}; drop one of them (--without)"
            )
        self.picks[library.id] = pick
        for cap in (*library.capabilities, *library.covers):
            self.answered.setdefault(cap, library.id)
        for cap in library.requires:
            self.wanted.setdefault(cap, f"{library.id} (requires {cap})")
        del asked_by

    def rejection(self, library: Library, extra: Iterable[Library] = ()) -> str | None:
        """Why a library cannot join the stack now, or None when it can."""
        if library.is_dead:
            successor = f"; use {library.successor}" if library.successor else ""
            return f"{dead_because(library)}{successor}"
        if not library.wired and self.wired_only:
            return f"not wired into generated projects: {library.not_wired_reason or 'none'}"
        if library.id in self.excluded:
            return "excluded with --without"
        clash = self.conflict(library, [*(p.library for p in self.picks.values()), *extra])
        if clash is not None:
            return f"conflicts with {clash.id}"
        return None

    def strands(self, library: Library) -> str | None:
        """A wanted capability that picking `library` would leave with no possible library."""
        answered = set(self.answered) | set(library.capabilities) | set(library.covers)
        still_open = [cap for cap in (*self.wanted, *library.requires) if cap not in answered]
        for cap in still_open:
            if not any(
                cap in (*other.capabilities, *other.covers)
                and self.rejection(other, [library]) is None
                for other in self.catalog.libraries
                if other.id != library.id
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

    Wired libraries (the template generates them) always rank first. With `wired_only`, as for
    `flask-pick new`, nothing else is picked; otherwise an unwired library may answer a need
    no wired one does, with a warning that it must be added by hand.
    """
    index = NameIndex.build(catalog)
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

    excluded = {index.require(name).id for name in without_names}
    order = {cap: position for position, (cap, _) in enumerate(catalog.capabilities)}
    stack = _Stack(catalog, wanted, order, excluded, wired_only)
    warnings: list[StackWarning] = []
    for name in with_names:
        _force(stack, index.require(name), warnings, builtins)

    profile = answers.get("profile", "balanced")
    api_first = answers.get("kind") == "api"
    while open_caps := stack.open_capabilities():
        cap = open_caps[0]
        _pick_for(stack, cap, profile, api_first)

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
        replacement = stack.catalog.library(successor) if successor else None
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
    because = "you asked for it with --with" if asked is library else (
        f"replaces {asked.id}, which you asked for with --with"
    )
    answers = tuple(cap for cap in library.capabilities if cap in stack.wanted)
    stack.add(Pick(library, answers or library.capabilities, (because,), forced=True), because)


def _pick_for(stack: _Stack, cap: str, profile: str, api_first: bool) -> None:
    asked_by = stack.wanted[cap]
    candidates = [
        lib for lib in stack.catalog.libraries if cap in (*lib.capabilities, *lib.covers)
    ]
    losers: list[Alternative] = []
    viable = []
    unanswered = set(stack.open_capabilities())
    for library in candidates:
        why_not = stack.rejection(library)
        if why_not is None and (stranded := stack.strands(library)) is not None:
            why_not = f"would leave {stranded} with no usable library"
        if why_not is not None:
            losers.append(Alternative(library.id, why_not))
            continue
        result = score(
            library, unanswered=unanswered, known=stack.wanted, profile=profile,
            api_first=api_first,
        )
        viable.append((result, library))
    if not viable:
        tried = "; ".join(f"{alt.id}: {alt.why_not}" for alt in losers) or "no candidates"
        raise FlaskPickError(f"no library can answer {cap} (asked by {asked_by}): {tried}")
    # A library the template wires beats any that it does not: the stack must be generatable.
    # An unwired library with a not_wired_reason was left out on purpose; one without is
    # simply not wired yet, and ranks before it.
    viable.sort(
        key=lambda item: (
            not item[1].wired, bool(item[1].not_wired_reason), -item[0].total, item[1].id
        )
    )
    best_score, best = viable[0]
    for result, library in viable[1:]:
        lost = "not wired into generated projects" if best.wired and not library.wired else (
            f"scored {result.total} to {best.id}'s {best_score.total}"
        )
        losers.append(Alternative(library.id, f"{lost}: " + ", ".join(result.reasons)))
    answered = tuple(
        c for c in (*best.capabilities, *best.covers) if c in stack.wanted or c == cap
    )
    reasons = (
        f"answers {', '.join(answered)} (asked by {asked_by})",
        f"scored {best_score.total}: " + ", ".join(best_score.reasons),
    )
    alternatives = tuple(sorted(losers, key=lambda alt: alt.id))
    stack.add(Pick(best, answered, reasons, alternatives), asked_by)


def _prune(stack: _Stack) -> None:
    """Drop picks whose every answer another pick also gives (a later pick covered them)."""
    for library_id in sorted(stack.picks):
        pick = stack.picks[library_id]
        if pick.forced:
            continue
        others = [p.library for p in stack.picks.values() if p.library.id != library_id]
        given = {cap for other in others for cap in (*other.capabilities, *other.covers)}
        required = {cap for other in others for cap in other.requires}
        mine = set(pick.library.capabilities) & set(stack.wanted)
        if mine and mine <= given and not (mine & required - given):
            del stack.picks[library_id]
