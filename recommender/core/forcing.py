"""The needs a forced library brings: `--with flask-admin` asks for admin=yes.

A library forced into a stack is generated with the code of the need that normally brings
it, so that need is set too; when it makes no sense with the other answers (an admin with no
login), the person hears which --with asked for it and what to change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from recommender.core.models import Catalog, Library
from recommender.core.names import NameIndex
from recommender.core.needs import Need, NeedValue, Vocabulary, holds, resolve_needs
from recommender.errors import UsageError


def _brought_by(
    need: Need, wanted: Collection[str], whole: Collection[str], answers: Mapping[str, str]
) -> NeedValue | None:
    """The one value of `need` that stands for a library offering `wanted`, if any.

    One value wanting what it provides is that value (admin=yes for Flask-Admin). Among
    several, the value it answers whole, counting what it requires, and the biggest such
    (Flask-Login is auth=session; Flask-Security is auth=full), and among equals the
    need's own default (Flask-RESTX answers api=rest and api=openapi: an API's default is
    openapi), else the first. A hasher answers no auth value whole, so it sets none.
    """
    matches = [value for value in need.values if set(wanted) & set(value.capabilities)]
    if len(matches) == 1:
        return matches[0]
    answered = [value for value in matches if set(value.capabilities) <= set(whole)]
    if not answered:
        return None
    biggest = max(len(value.capabilities) for value in answered)
    top = [value for value in answered if len(value.capabilities) == biggest]
    if len(top) == 1:
        return top[0]
    default = next((name for cond, name in need.defaults if holds(cond, answers)), None)
    return next((value for value in top if value.name == default), top[0])


def implied_by(
    vocabulary: Vocabulary,
    answers: Mapping[str, str],
    offered: Collection[str],
    whole: Collection[str] = (),
) -> dict[str, str]:
    """Need values that ask for the capabilities `offered`, where the answer asks for none.

    `whole` is everything the library brings (its capabilities, covers and requirements). A
    need whose answer already asks for some of it is left out.
    """
    implied: dict[str, str] = {}
    for need in vocabulary.needs:
        current = need.value(answers.get(need.key, ""))
        if current is None or set(current.capabilities) & set(offered):
            continue
        value = _brought_by(need, offered, {*offered, *whole}, answers)
        if value is not None:
            implied[need.key] = value.name
    return implied


def _serves_an_answer(vocabulary: Vocabulary, answers: Mapping[str, str], library: Library) -> bool:
    """Whether the library answers a need as already answered: an alternative, not an addition.

    Flask-Security swapped in for Flask-Login on auth=session serves that answer; it does
    not bring roles=yes with it (the engine still pulls in what it requires, such as mail).
    """
    for need in vocabulary.needs:
        chosen = need.value(answers.get(need.key, ""))
        if chosen is not None and set(chosen.capabilities) & set(library.capabilities):
            return True
    return False


def _needed_by(catalog: Catalog, library: Library) -> set[str]:
    """What a library cannot be generated without: its requirements and its wiring's base."""
    needed = set(library.requires)
    for base_id in library.wiring_builds_on:
        base = catalog.library(base_id)
        if base is not None:
            needed.update(base.capabilities)
    return needed


def _defaults_it_rules_out(
    catalog: Catalog, vocabulary: Vocabulary, given: Mapping[str, str], library: Library
) -> dict[str, str]:
    """Needs left at a default that only libraries conflicting with `library` could answer.

    Flask-SQLAlchemy-Lite forced onto a database: migrations default to yes, and Flask-Migrate
    (the wired answer) needs Flask-SQLAlchemy, so migrations become no. A need the person
    gave is never changed here.
    """
    answers = dict(resolve_needs(vocabulary, given))
    changed: dict[str, str] = {}
    for need in vocabulary.needs:
        if need.key in given:
            continue
        chosen = need.value(answers[need.key])
        if chosen is None or not chosen.capabilities:
            continue
        for cap in chosen.capabilities:
            wired = [lib for lib in catalog.libraries if lib.wired and cap in lib.capabilities]
            if wired and all(
                library.id in lib.conflicts or lib.id in library.conflicts for lib in wired
            ):
                nothing = next((v.name for v in need.values if not v.capabilities), None)
                if nothing is not None:
                    changed[need.key] = nothing
                break
    return changed


def with_forced_needs(
    catalog: Catalog,
    vocabulary: Vocabulary,
    given: Mapping[str, str],
    with_names: Iterable[str],
    kept: Collection[str] = (),
    asked_as: str = "--with",
) -> dict[str, str]:
    """`given` plus the needs the forced libraries bring.

    A need left to its default, or answered with nothing (none, no), takes the value the
    library brings, even from a preset (`--preset minimal --with flask-sqlalchemy` gets a
    SQLite database); one answered otherwise, or named in `kept` (the person's own --need
    flags), is a usage error that says which need to change.
    """
    result = dict(given)
    names = tuple(with_names)
    if not names:
        return result
    index = NameIndex.build(catalog)
    for name in names:
        library = index.require(name)
        if library.is_dead:
            successor = catalog.library(library.successor or "")
            if successor is None:
                continue
            library = successor
        provides = {*library.capabilities, *library.covers}
        needed = _needed_by(catalog, library)
        answers = dict(resolve_needs(vocabulary, result))
        implied: dict[str, str] = {}
        if not _serves_an_answer(vocabulary, answers, library):
            # First what it cannot work without (a database for Flask-Migrate), then its need.
            implied = implied_by(vocabulary, answers, needed)
            implied.update(
                implied_by(
                    vocabulary, {**answers, **implied}, library.capabilities, {*provides, *needed}
                )
            )
        for key, value in implied.items():
            current = result.get(key) or answers[key]
            need = vocabulary.need(key)
            chosen = need.value(current) if need is not None else None
            if key in kept or (key in result and chosen is not None and chosen.capabilities):
                # The person chose something else (auth=token, or --need cache=no): one answer
                # per need, so say which to change rather than pick for them. A default
                # (api=openapi for an API nobody asked about) is nobody's choice: it gives way.
                raise UsageError(
                    f"{asked_as} {name} asks for {key}={value}, but {key} is {current}; "
                    f"change it with --need {key}={value}, or drop {name}"
                )
            result[key] = value
            try:
                resolve_needs(vocabulary, result)
            except UsageError as exc:
                raise UsageError(f"{asked_as} {name} brings {key}={value}, but {exc}") from exc
        result.update(_defaults_it_rules_out(catalog, vocabulary, result, library))
    return result
