"""The plain data the core works on: libraries, built-ins, the catalog and recommendations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["flask-extension", "library", "stdlib", "django-only", "not-on-pypi"]
Status = Literal["active", "maintenance", "deprecated", "abandoned"]
Flask3 = Literal["yes", "no", "unknown"]
Trait = Literal["lightweight", "batteries", "api-first"]

KINDS: tuple[Kind, ...] = ("flask-extension", "library", "stdlib", "django-only", "not-on-pypi")
STATUSES: tuple[Status, ...] = ("active", "maintenance", "deprecated", "abandoned")
FLASK3_VALUES: tuple[Flask3, ...] = ("yes", "no", "unknown")
TRAITS: tuple[Trait, ...] = ("lightweight", "batteries", "api-first")

# Kinds that cannot be installed into a Flask project as a dependency of their own.
UNPICKABLE_KINDS: frozenset[str] = frozenset({"stdlib", "django-only", "not-on-pypi"})
DEAD_STATUSES: frozenset[str] = frozenset({"deprecated", "abandoned"})


@dataclass(frozen=True, slots=True)
class Release:
    """A published version and the month it was released (YYYY-MM)."""

    version: str
    month: str


@dataclass(frozen=True, slots=True)
class Library:
    """One catalog entry: a library people may name, with sourced facts about it."""

    id: str
    pypi: str | None
    summary: str
    imports: tuple[str, ...]
    aliases: tuple[str, ...]
    kind: Kind
    status: Status
    successor: str | None
    reason: str | None
    flask3: Flask3
    flask3_note: str | None
    # Extensions and Flask's own stack: the first version that works on Flask 3. Other
    # libraries: the oldest version the template supports (`flask3_from` then says whether,
    # and from when, their own Flask integration ties their version to Flask's).
    works_from: str | None
    latest: Release | None
    popularity: int | None
    as_of: str
    sources: tuple[str, ...]
    capabilities: tuple[str, ...]
    covers: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    dependencies: int | None = None
    traits: tuple[Trait, ...] = ()
    flask3_from: str | None = None
    # How works_from is known: "changelog" (its changelog names the first release that works
    # on Flask 3) or "tested" (the oldest release checked; an older one may work too).
    works_from_basis: str | None = None
    # The class the app is built on instead of `flask.Flask`, for app-class frameworks.
    app_class: str | None = None
    # Libraries the template's wiring of this one is written against (its models, its server).
    wiring_builds_on: tuple[str, ...] = ()
    wired: bool = False
    not_wired_reason: str | None = None
    migration: str | None = None
    pros: tuple[str, ...] = ()
    cons: tuple[str, ...] = ()
    source_file: str = field(default="", compare=False)

    @property
    def is_dead(self) -> bool:
        """Whether the library must never be picked (dead, not installable, broken on Flask 3)."""
        return self.status in DEAD_STATUSES or self.kind in UNPICKABLE_KINDS or self.flask3 == "no"


@dataclass(frozen=True, slots=True)
class Builtin:
    """Something Flask, Werkzeug, Jinja or Python already does, named so it can be a successor."""

    id: str
    name: str
    provided_by: str
    summary: str
    capabilities: tuple[str, ...]
    how: str
    docs: str


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every known library, built-in and capability, validated and indexed."""

    libraries: tuple[Library, ...]
    builtins: tuple[Builtin, ...]
    capabilities: tuple[tuple[str, str], ...]

    def library(self, library_id: str) -> Library | None:
        """The library with this exact id, or None."""
        for library in self.libraries:
            if library.id == library_id:
                return library
        return None

    def builtin(self, builtin_id: str) -> Builtin | None:
        """The built-in with this exact id, or None."""
        for builtin in self.builtins:
            if builtin.id == builtin_id:
                return builtin
        return None


@dataclass(frozen=True, slots=True)
class Alternative:
    """A candidate that lost, and why."""

    id: str
    why_not: str
    # The same in one short sentence: the decisive reasons, not every point.
    brief: str = ""


@dataclass(frozen=True, slots=True)
class Pick:
    """A library in the stack: what it answers, why it won, and what it beat."""

    library: Library
    capabilities: tuple[str, ...]
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...] = ()
    forced: bool = False
    # The reasons as one sentence of the two or three that decided it.
    why: str = ""


@dataclass(frozen=True, slots=True)
class BuiltinUse:
    """A need answered by Flask, Jinja, Werkzeug or Python itself."""

    builtin: Builtin
    need: str


@dataclass(frozen=True, slots=True)
class StackWarning:
    """A dead or risky library the person asked for, and what replaced it."""

    library: str
    message: str
    successor: str | None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The stack for a set of needs: every pick with reasons, built-ins, warnings, services."""

    needs: tuple[tuple[str, str], ...]
    picks: tuple[Pick, ...]
    builtins: tuple[BuiltinUse, ...]
    warnings: tuple[StackWarning, ...]
    services: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """The picked library ids, sorted."""
        return tuple(sorted(pick.library.id for pick in self.picks))
