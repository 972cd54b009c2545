"""Load the catalog's YAML files and validate them into a typed `Catalog`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml

from recommender.core.models import (
    FLASK3_VALUES,
    KINDS,
    STATUSES,
    TRAITS,
    UNPICKABLE_KINDS,
    Builtin,
    Catalog,
    Library,
    Release,
)
from recommender.core.names import fold
from recommender.core.needs import Condition, Need, NeedValue, Vocabulary, check_given
from recommender.errors import CatalogError, UsageError
from recommender.pypi_index import PyPIIndex, read_index
from recommender.resources import catalog_dir

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_SERVICES = ("postgresql", "mysql", "redis", "mongodb", "smtp", "rabbitmq")
T = TypeVar("T")


def read_yaml(path: Path, where: str | None = None) -> object:
    """Parse one YAML file, turning I/O and syntax problems into a one-line CatalogError."""
    where = where or path.name
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_Loader)  # noqa: S506 - a safe loader
    except OSError as exc:
        raise CatalogError(f"{where}: cannot read: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CatalogError(f"{where}:{line}: {problem}") from exc


class _Entry:
    """Typed reads of one YAML mapping; every error names the file, the entry and the field."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise CatalogError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.where = where
        self.entry = str(data.get("id", "?"))

    def fail(self, field: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.where}: entry '{self.entry}': field '{field}' {problem}")

    def get(self, field: str, kind: type[T], *, required: bool = True) -> T | None:
        if field not in self.data:
            if required:
                raise self.fail(field, "is missing")
            return None
        value = self.data[field]
        if value is None and not required:
            return None
        if kind is str and isinstance(value, bool):
            # A bare yes/no in YAML 1.1 arrives as a bool; the schema wants the word.
            raise self.fail(field, f'must be a quoted string, got {value!r} (write "yes")')
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(field, f"must be {kind.__name__}, got {type(value).__name__}")
        return value

    def text(self, field: str) -> str:
        return cast(str, self.get(field, str))

    def optional_text(self, field: str) -> str | None:
        return self.get(field, str, required=False)

    def choice(self, field: str, choices: Iterable[str]) -> Any:
        allowed = tuple(choices)
        value = self.text(field)
        if value not in allowed:
            raise self.fail(field, f"is {value!r}, expected one of: {', '.join(allowed)}")
        return value

    def strings(self, field: str, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
        values = self.get(field, list, required=False) or []
        known = None if allowed is None else set(allowed)
        for value in values:
            if not isinstance(value, str):
                raise self.fail(field, f"must list strings, got {value!r}")
            if known is not None and value not in known:
                raise self.fail(field, f"names unknown value {value!r}")
        return tuple(values)


def _release(entry: _Entry) -> Release | None:
    latest = entry.get("latest", dict, required=False)
    if latest is None:
        return None
    version, month = latest.get("version"), latest.get("month")
    if not isinstance(version, str) or not isinstance(month, str) or not _MONTH.match(month):
        raise entry.fail("latest", 'must be {version: "X.Y", month: "YYYY-MM"}')
    return Release(version, month)


def _works_from_basis(entry: _Entry) -> str | None:
    basis = entry.optional_text("works_from_basis")
    if basis is not None and basis not in ("changelog", "tested"):
        raise entry.fail("works_from_basis", f"is {basis!r}, expected changelog or tested")
    return basis


def _library(data: object, where: str, capabilities: set[str]) -> Library:
    entry = _Entry(data, where)
    library_id = entry.text("id")
    pypi = entry.optional_text("pypi")
    if library_id != fold(library_id):
        raise entry.fail("id", f"must be the PEP 503 form {fold(library_id)!r}")
    if pypi is not None and fold(pypi) != library_id:
        raise entry.fail("id", f"must be {fold(pypi)!r}, the PEP 503 form of pypi {pypi!r}")
    as_of = entry.text("as_of")
    if not _MONTH.match(as_of):
        raise entry.fail("as_of", f"is {as_of!r}, expected YYYY-MM")
    popularity = entry.get("popularity", int, required=False)
    library = Library(
        id=library_id,
        pypi=pypi,
        summary=entry.text("summary"),
        imports=entry.strings("imports"),
        aliases=entry.strings("aliases"),
        kind=entry.choice("kind", KINDS),
        status=entry.choice("status", STATUSES),
        successor=entry.optional_text("successor"),
        reason=entry.optional_text("reason"),
        flask3=entry.choice("flask3", FLASK3_VALUES),
        flask3_note=entry.optional_text("flask3_note"),
        works_from=entry.optional_text("works_from"),
        flask3_from=entry.optional_text("flask3_from"),
        works_from_basis=_works_from_basis(entry),
        latest=_release(entry),
        popularity=popularity,
        as_of=as_of,
        sources=entry.strings("sources"),
        capabilities=entry.strings("capabilities", capabilities),
        covers=entry.strings("covers", capabilities),
        requires=entry.strings("requires", capabilities),
        conflicts=entry.strings("conflicts"),
        services=entry.strings("services", _SERVICES),
        dependencies=entry.get("dependencies", int, required=False),
        traits=cast(tuple[Any, ...], entry.strings("traits", TRAITS)),
        app_class=entry.optional_text("app_class"),
        wiring_builds_on=entry.strings("wiring_builds_on"),
        wired=bool(entry.get("wired", bool)),
        not_wired_reason=entry.optional_text("not_wired_reason"),
        migration=entry.optional_text("migration"),
        pros=entry.strings("pros"),
        cons=entry.strings("cons"),
        source_file=where,
    )
    _check_rules(entry, library)
    return library


def _check_rules(entry: _Entry, library: Library) -> None:
    """Rules that tie fields together, checked once the fields themselves are sound."""
    needs_successor = library.status in ("deprecated", "abandoned") or (
        library.kind in UNPICKABLE_KINDS
    )
    if needs_successor and not library.successor:
        raise entry.fail("successor", f"is required for a {library.kind} {library.status} entry")
    if library.successor and not library.reason:
        raise entry.fail("reason", "is required when a successor is named")
    if library.flask3 != "yes" and not library.flask3_note:
        raise entry.fail("flask3_note", f"is required when flask3 is {library.flask3!r}")
    installable = library.kind not in ("stdlib", "not-on-pypi")
    if installable and (library.pypi is None or library.latest is None):
        raise entry.fail("latest", "and pypi are required for a package on PyPI")
    if not installable and library.pypi is not None:
        raise entry.fail("pypi", f"must be null for a {library.kind} entry")
    if not library.sources:
        raise entry.fail("sources", "must name at least one source")


def _builtin(data: object, where: str, capabilities: set[str]) -> Builtin:
    entry = _Entry(data, where)
    return Builtin(
        id=entry.text("id"),
        name=entry.text("name"),
        provided_by=entry.text("provided_by"),
        summary=entry.text("summary"),
        capabilities=entry.strings("capabilities", capabilities),
        how=entry.text("how"),
        docs=entry.text("docs"),
    )


def _cross_check(libraries: tuple[Library, ...], builtins: tuple[Builtin, ...]) -> None:
    """References between entries: successors and conflicts must name something real."""
    by_id = {library.id: library for library in libraries}
    builtin_ids = {builtin.id for builtin in builtins}

    def fail(library: Library, field: str, problem: str) -> CatalogError:
        return CatalogError(
            f"{library.source_file}: entry '{library.id}': field '{field}' {problem}"
        )

    for library in libraries:
        successor = library.successor
        if successor is not None:
            target = by_id.get(successor)
            if target is None and successor not in builtin_ids:
                near = ", ".join(_near(successor, [*by_id, *builtin_ids]))
                raise fail(library, "successor", f"names unknown id {successor!r} (known: {near})")
            if target is not None and target.is_dead:
                raise fail(library, "successor", f"names {successor!r}, which is itself dead")
        for field_name, others in (
            ("conflicts", library.conflicts),
            ("wiring_builds_on", library.wiring_builds_on),
        ):
            for other in others:
                if other not in by_id:
                    near = ", ".join(_near(other, by_id))
                    raise fail(library, field_name, f"names unknown id {other!r} (known: {near})")
        for base in library.wiring_builds_on:
            if library.wired and not by_id[base].wired:
                raise fail(library, "wiring_builds_on", f"names {base!r}, which is not wired")


def _near(name: str, known: Iterable[str]) -> list[str]:
    return difflib.get_close_matches(name, list(known), n=3, cutoff=0.5) or sorted(known)[:3]


def _load_many(path: Path, parse: Callable[[object, str, set[str]], T], caps: set[str]) -> list[T]:
    data = read_yaml(path)
    if not isinstance(data, list):
        raise CatalogError(f"{path.name}: expected a list of entries")
    return [parse(item, f"{path.name}[{index}]", caps) for index, item in enumerate(data)]


def load_catalog(root: Path | None = None) -> Catalog:
    """Read and validate every catalog file under `root` (the shipped catalog by default)."""
    root = root or catalog_dir()
    raw_capabilities = read_yaml(root / "capabilities.yaml")
    if not isinstance(raw_capabilities, dict):
        raise CatalogError("capabilities.yaml: expected a mapping of name: description")
    capabilities = {str(name): str(text) for name, text in raw_capabilities.items()}
    known = set(capabilities)
    libraries = []
    seen: dict[str, str] = {}
    for path in sorted((root / "extensions").glob("*.yaml")):
        where = f"extensions/{path.name}"
        library = _library(read_yaml(path, where), where, known)
        if library.id != path.stem:
            raise CatalogError(
                f"{where}: entry '{library.id}': field 'id' must match the file name"
            )
        if library.id in seen:
            raise CatalogError(f"{where}: entry '{library.id}': duplicate of {seen[library.id]}")
        seen[library.id] = where
        libraries.append(library)
    builtins = tuple(_load_many(root / "builtins.yaml", _builtin, known))
    catalog = Catalog(tuple(libraries), builtins, tuple(capabilities.items()))
    _cross_check(catalog.libraries, catalog.builtins)
    return catalog


@cache
def shipped_catalog() -> Catalog:
    """The catalog shipped with flask-pick, loaded once per process."""
    return load_catalog()


@cache
def shipped_pypi_index() -> PyPIIndex:
    """The PyPI index of flask-* packages shipped with flask-pick, read on first use."""
    return read_index(catalog_dir() / "pypi-index.tsv")


def _condition(entry: _Entry, field: str, raw: object) -> Condition:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise entry.fail(field, "must map need names to lists of values")
    result = []
    for key, values in raw.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise entry.fail(field, f"must list the values of {key!r} as strings")
        result.append((str(key), tuple(values)))
    return tuple(result)


def _alternatives(entry: _Entry, field: str, raw: object) -> tuple[Condition, ...]:
    """A mapping is one condition; a list of mappings holds when any one of them does."""
    if raw is None:
        return ()
    if isinstance(raw, list):
        return tuple(_condition(entry, field, item) for item in raw)
    return (_condition(entry, field, raw),)


def _warnings(entry: _Entry) -> tuple[tuple[Condition, str], ...]:
    """A value's `warn_when` rules: each a condition on other needs and the warning it gives."""
    rules = entry.get("warn_when", list, required=False) or []
    result = []
    for rule in rules:
        if not isinstance(rule, dict) or not rule.get("when") or not rule.get("message"):
            raise entry.fail("warn_when", f"has a rule {rule!r} without both when and message")
        result.append((_condition(entry, "warn_when", rule["when"]), str(rule["message"])))
    return tuple(result)


def _need(key: str, data: object, capabilities: set[str], builtin_ids: set[str]) -> Need:
    entry = _Entry(data, "needs.yaml")
    entry.entry = key
    raw_values = entry.get("values", dict) or {}
    values = []
    for name, raw in raw_values.items():
        sub = _Entry(raw, "needs.yaml")
        sub.entry = f"{key}={name}"
        values.append(
            NeedValue(
                name=str(name),
                help=sub.text("help"),
                capabilities=sub.strings("capabilities", capabilities),
                builtins=sub.strings("builtin", builtin_ids),
                services=sub.strings("services", _SERVICES),
                only_when=_alternatives(sub, "only_when", sub.data.get("only_when")),
                warn_when=_warnings(sub),
            )
        )
    raw_defaults = entry.get("default", list) or []
    defaults = []
    for rule in raw_defaults:
        if not isinstance(rule, dict) or str(rule.get("value")) not in raw_values:
            raise entry.fail("default", f"has a rule {rule!r} whose value is not one of the values")
        defaults.append((_condition(entry, "default", rule.get("when")), str(rule["value"])))
    if not defaults or defaults[-1][0]:
        raise entry.fail("default", "must end with an unconditional {value: ...}")
    return Need(
        key=key,
        question=entry.text("question"),
        values=tuple(values),
        defaults=tuple(defaults),
        asked_when=_condition(entry, "asked_when", entry.data.get("asked_when")),
        extra=bool(entry.data.get("extra", False)),
    )


def load_vocabulary(catalog: Catalog, root: Path | None = None) -> Vocabulary:
    """Read needs.yaml and presets.yaml, checked against the catalog's capabilities, built-ins."""
    root = root or catalog_dir()
    capabilities = {name for name, _ in catalog.capabilities}
    builtin_ids = {builtin.id for builtin in catalog.builtins}
    raw_needs = read_yaml(root / "needs.yaml")
    if not isinstance(raw_needs, dict):
        raise CatalogError("needs.yaml: expected a mapping of need: {question, values, default}")
    needs = tuple(
        _need(str(key), data, capabilities, builtin_ids) for key, data in raw_needs.items()
    )
    vocabulary = Vocabulary(needs)
    raw_presets = read_yaml(root / "presets.yaml")
    if not isinstance(raw_presets, dict):
        raise CatalogError("presets.yaml: expected a mapping of name: {description, needs}")
    presets = []
    for name, data in raw_presets.items():
        entry = _Entry(data, "presets.yaml")
        entry.entry = str(name)
        given = {str(k): str(v) for k, v in (entry.get("needs", dict) or {}).items()}
        try:
            check_given(vocabulary, given)
        except UsageError as exc:
            raise entry.fail("needs", str(exc)) from exc
        presets.append((str(name), entry.text("description"), tuple(given.items())))
    return Vocabulary(needs, tuple(presets))


@cache
def shipped_vocabulary() -> Vocabulary:
    """The needs vocabulary and presets shipped with flask-pick."""
    return load_vocabulary(shipped_catalog())
