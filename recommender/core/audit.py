"""Audit rules: a project's declared dependencies and imports, checked against the catalog.

The shell (`recommender/audit.py`) reads the project's files into a `Project`; `audit` turns it
into one `Finding` per Flask-related library: where it was found, what the catalog (or the PyPI
index) knows about it, and what is wrong with it, each problem with its fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from recommender.core.models import Catalog, Library, Release
from recommender.core.names import fold
from recommender.pypi_index import PyPIIndex, derive_status

# "rules": known only from removed-apis.yaml (a dependency of Flask's own, such as itsdangerous).
Source = Literal["catalog", "pypi-index", "rules", "unknown"]
How = Literal["declared", "imported", "used"]
Severity = Literal["error", "warning"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning")
RuleKind = Literal["import", "attribute", "keyword", "config", "requirement"]
RULE_KINDS: tuple[RuleKind, ...] = ("import", "attribute", "keyword", "config", "requirement")
# How a name shows in code: `x.attr`, `call(keyword=...)`, a config key, or a dotted name
# reached through an import (`flask._app_ctx_stack`, `request.is_xhr` for flask.request.is_xhr).
UseKind = Literal["attribute", "keyword", "config", "qualified"]
ProblemKind = Literal[
    "dead", "flask3-pin", "flask-ext-import", "removed-api", "unmaintained", "unknown", "undeclared"
]
Verdict = Literal["dead", "breaking", "warning", "ok"]
VERDICTS: tuple[Verdict, ...] = ("dead", "breaking", "warning", "ok")

_FLASK_EXT = "flask.ext"
# A version above any real release, to test whether a specifier has an upper bound at all.
_FAR_FUTURE = Version("999999")


@dataclass(frozen=True, slots=True)
class Declaration:
    """One dependency as a project file declares it (already parsed with `packaging`)."""

    name: str
    specifier: str
    file: str
    line: int
    text: str
    # From a lock file (uv.lock, poetry.lock, Pipfile.lock): an exact version, maybe transitive.
    locked: bool = False


@dataclass(frozen=True, slots=True)
class ImportUse:
    """One absolute import statement: `import module` (no names) or `from module import names`."""

    module: str
    names: tuple[str, ...]
    file: str
    line: int

    @property
    def text(self) -> str:
        """The statement as it reads in the source (aliases kept, one line)."""
        if not self.names:
            return f"import {self.module}"
        return f"from {self.module} import {', '.join(self.names)}"


@dataclass(frozen=True, slots=True)
class AttributeUse:
    """A use in code of a name some rule asks for (never every attribute of a project).

    kind attribute: `receiver.name`; keyword: `receiver(name=...)`; config: the config key
    `name`; qualified: `name` is the full dotted name reached through an import.
    """

    name: str
    text: str
    file: str
    line: int
    receiver: str = ""
    kind: UseKind = "attribute"


@dataclass(frozen=True, slots=True)
class RemovedApi:
    """A name Flask or Werkzeug removed: code that imports (or, for attributes, uses) it fails.

    `name` is "*" when the whole module is gone. `kind` says how it is matched (see
    catalog/removed-apis.yaml); for kind requirement `name` is a distribution and
    `use_instead` the version Flask 3 needs of it.
    """

    module: str
    name: str
    removed_in: str
    use_instead: str
    source: str
    kind: RuleKind = "import"
    receivers: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    anywhere: bool = False

    @property
    def attribute(self) -> bool:
        """Whether the rule matches `x.name` rather than an import."""
        return self.kind == "attribute"

    @property
    def rule_id(self) -> str:
        """A stable id for the rule: "import:flask:safe_join", "config:flask:ENV"."""
        return f"{self.kind}:{self.module}:{self.name}"

    @property
    def package(self) -> str:
        """The distribution whose release removed it: "Flask-RQ 1.0" -> "Flask-RQ"."""
        return self.removed_in.rsplit(" ", 1)[0]

    @property
    def version(self) -> str:
        """The release that removed it: "Flask-RQ 1.0" -> "1.0"."""
        return self.removed_in.rsplit(" ", 1)[-1]


@dataclass(frozen=True, slots=True)
class Project:
    """What the shell read from a project folder, as plain data."""

    root: str
    dependency_files: tuple[str, ...]
    python_files: int
    declarations: tuple[Declaration, ...]
    imports: tuple[ImportUse, ...]
    attributes: tuple[AttributeUse, ...] = ()
    local_modules: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Location:
    """Where a library shows in the project: a dependency file line or an import."""

    file: str
    line: int
    how: How
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a library's use, with its one-line fix.

    An error breaks the app on Flask 3; a warning is worth fixing but still runs.
    """

    kind: ProblemKind
    message: str
    fix: str
    severity: Severity
    location: Location | None = None
    # The removed-apis.yaml rule it comes from ("kind:module:name"), if any.
    rule: str | None = None
    # For a pin: the version range to require instead (">=3.0.0", ">=0.3.0,<1.0").
    upgrade: str | None = None

    @property
    def fails(self) -> bool:
        """Whether it breaks the app on Flask 3 (an error)."""
        return self.severity == "error"


@dataclass(frozen=True, slots=True)
class Finding:
    """One Flask-related library found in the project, what is known of it, what is wrong."""

    id: str
    name: str
    source: Source
    kind: str | None
    status: str | None
    why: str | None
    flask3: str
    works_from: str | None
    latest: Release | None
    locations: tuple[Location, ...]
    # "changelog": works_from is the first release that works on Flask 3, by its changelog;
    # None: it is only the oldest release known (tested) to work.
    works_from_basis: str | None = None
    successor: str | None = None
    successor_name: str | None = None
    migration: str | None = None
    upgrade_to: str | None = None
    problems: tuple[Problem, ...] = ()
    also: tuple[str, ...] = ()

    @property
    def verdict(self) -> Verdict:
        """dead (replace it), breaking (fix a pin or an import), warning, or ok."""
        if any(problem.kind == "dead" and problem.fails for problem in self.problems):
            return "dead"
        if any(problem.fails for problem in self.problems):
            return "breaking"
        return "warning" if self.problems else "ok"


@dataclass(frozen=True, slots=True)
class Audit:
    """Every finding for a project; `fails` is what makes `audit` exit 1."""

    project: Project
    findings: tuple[Finding, ...]
    as_of: str = ""
    # Problems a baseline file accepted, left out of the findings.
    ignored: int = 0

    @property
    def fails(self) -> bool:
        """Whether a dead library, a Flask-3-breaking pin or removed API was found."""
        return self.fails_on("error")

    def fails_on(self, threshold: Severity) -> bool:
        """Whether any problem is at least as severe as `threshold` (exit 1)."""
        allowed = SEVERITIES[: SEVERITIES.index(threshold) + 1]
        return any(p.severity in allowed for finding in self.findings for p in finding.problems)

    def problems(self) -> list[tuple[Finding, Problem]]:
        """Every problem with the finding it belongs to, worst finding first."""
        return [(finding, p) for finding in self.findings for p in finding.problems]

    def count(self, verdict: Verdict) -> int:
        """How many libraries got this verdict."""
        return sum(1 for finding in self.findings if finding.verdict == verdict)


@dataclass(slots=True)
class _Seen:
    """Everything gathered about one library before it becomes a Finding."""

    declarations: list[Declaration] = field(default_factory=list)
    imports: list[tuple[ImportUse, str]] = field(default_factory=list)
    ext_imports: list[ImportUse] = field(default_factory=list)
    removed: list[tuple[Location, RemovedApi]] = field(default_factory=list)
    also: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Rules:
    """The removed-API rules, indexed the way each kind of use looks them up."""

    by_module: dict[str, dict[str, RemovedApi]] = field(default_factory=dict)
    attributes: dict[str, list[RemovedApi]] = field(default_factory=dict)
    keywords: dict[tuple[str, str], RemovedApi] = field(default_factory=dict)
    config: dict[str, RemovedApi] = field(default_factory=dict)
    requirements: dict[str, RemovedApi] = field(default_factory=dict)

    @classmethod
    def index(cls, removed: Iterable[RemovedApi]) -> _Rules:
        rules = cls()
        for api in removed:
            if api.kind == "attribute":
                rules.attributes.setdefault(api.name, []).append(api)
            elif api.kind == "keyword":
                for call in api.calls:
                    rules.keywords[(call, api.name)] = api
            elif api.kind == "config":
                rules.config[api.name] = api
            elif api.kind == "requirement":
                rules.requirements[fold(api.name)] = api
            else:
                rules.by_module.setdefault(api.module, {})[api.name] = api
        return rules

    def qualified(self, dotted: str) -> RemovedApi | None:
        """The rule a dotted name reached through an import breaks: flask.json.JSONEncoder."""
        parts = dotted.split(".")
        for end in range(1, len(parts)):
            module = ".".join(parts[:end])
            table = self.by_module.get(module, {})
            api = table.get(parts[end]) or table.get("*")
            if api is not None:
                return api
        return None


def audit(
    catalog: Catalog,
    pypi: PyPIIndex | None,
    project: Project,
    removed: Iterable[RemovedApi] = (),
) -> Audit:
    """Findings for every Flask-related library a project declares or imports, worst first."""
    by_id = {library.id: library for library in catalog.libraries if library.kind != "stdlib"}
    by_import: dict[str, list[Library]] = {}
    for library in by_id.values():
        for module in library.imports:
            by_import.setdefault(module, []).append(library)
    rules = _Rules.index(removed)
    seen: dict[str, _Seen] = {}
    names: dict[str, str] = {}

    for decl in project.declarations:
        key = fold(decl.name)
        if key in by_id or key.startswith("flask-"):
            seen.setdefault(key, _Seen()).declarations.append(decl)
            names.setdefault(key, decl.name)
        elif (need := rules.requirements.get(key)) is not None and _pinned_before(
            decl.specifier, need.use_instead, None
        ):
            seen.setdefault(key, _Seen()).declarations.append(decl)
            names.setdefault(key, decl.name)
    declared = set(seen)

    def slot_for(module: str) -> _Seen:
        """The library a removed name belongs to: by its import, else by its package."""
        candidates = by_import.get(module.split(".")[0], [])
        if candidates:
            return seen.setdefault(_choose(candidates, declared).id, _Seen())
        key = fold(module.split(".")[0])
        names.setdefault(key, module.split(".")[0])
        return seen.setdefault(key, _Seen())

    tops_by_file: dict[str, set[str]] = {}
    flagged: set[tuple[str, RemovedApi]] = set()
    for use in project.imports:
        gone = _removed_names(use, rules.by_module)
        tops_by_file.setdefault(use.file, set()).add(use.module.split(".")[0])
        where = Location(use.file, use.line, "imported", use.text)
        flagged.update((use.file, api) for api in gone)
        for module, ext in _imported_modules(use):
            top = module.split(".")[0]
            candidates = by_import.get(top, [])
            if candidates:
                chosen = _choose(candidates, declared)
                slot = seen.setdefault(chosen.id, _Seen())
                slot.also.update(c.id for c in candidates if c.id != chosen.id)
            elif top.startswith("flask_") and (ext or top not in project.local_modules):
                key = fold(top)
                slot = seen.setdefault(key, _Seen())
                names.setdefault(key, top)
            elif gone:
                slot = slot_for(module)
            else:
                continue
            slot.imports.append((use, module))
            if ext:
                slot.ext_imports.append(use)
            slot.removed += [(where, api) for api in gone]
            gone = []

    for attr in project.attributes:
        for api in _matching_rules(attr, rules, tops_by_file.get(attr.file, set())):
            if (attr.file, api) in flagged:
                continue  # `from flask import _app_ctx_stack` already said it
            flagged.add((attr.file, api))
            where = Location(attr.file, attr.line, "used", attr.text)
            slot_for(api.module).removed.append((where, api))

    findings = []
    for key, slot in seen.items():
        found = by_id.get(key)
        if found is not None:
            finding = _catalog_finding(found, slot, catalog, rules)
            if project.dependency_files and found.kind == "flask-extension":
                finding = _undeclared(finding, slot)
            findings.append(finding)
        elif key in rules.requirements or (
            slot.removed and not key.startswith("flask-") and not slot.ext_imports
        ):
            findings.append(_rules_finding(names.get(key, key), slot, rules))
        else:
            finding = _index_finding(key, names.get(key, key), slot, pypi)
            if project.dependency_files and finding.source == "pypi-index":
                finding = _undeclared(finding, slot)
            findings.append(finding)
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    findings.sort(key=lambda f: (order[f.verdict], f.name.lower()))
    return Audit(project, tuple(findings), pypi.as_of if pypi is not None else "")


def _undeclared(finding: Finding, slot: _Seen) -> Finding:
    """An extension the code imports that no dependency file names: a fresh install lacks it."""
    if slot.declarations or not slot.imports:
        return finding
    use = min((use for use, _ in slot.imports), key=lambda u: (u.file, u.line))
    problem = Problem(
        "undeclared",
        f"{finding.name} is imported but no dependency file declares it",
        f"add {finding.name} to the project's requirements",
        "warning",
        location=Location(use.file, use.line, "imported", use.text),
    )
    return replace(finding, problems=(*finding.problems, problem))


def _matching_rules(use: AttributeUse, rules: _Rules, tops: set[str]) -> list[RemovedApi]:
    """The rules one code use breaks; attributes need their receiver or package imported."""
    if use.kind == "qualified":
        api = rules.qualified(use.name)
        return [api] if api is not None else []
    if use.kind == "keyword":
        api = rules.keywords.get((use.receiver, use.name))
        return [api] if api is not None else []
    if use.kind == "config":
        api = rules.config.get(use.name)
        return [api] if api is not None else []
    found = []
    for api in rules.attributes.get(use.name, []):
        if api.receivers:
            if use.receiver in api.receivers:
                found.append(api)
        elif api.anywhere or api.module.split(".")[0] in tops:
            found.append(api)
    return found


def _imported_modules(use: ImportUse) -> list[tuple[str, bool]]:
    """The modules an import brings in, `flask.ext.x` read as `flask_x` (and marked so)."""
    module = use.module
    if module == _FLASK_EXT:
        # `from flask.ext import sqlalchemy` names the extensions themselves.
        return [(f"flask_{_bare(name)}", True) for name in use.names if _bare(name) != "*"]
    if module.startswith(_FLASK_EXT + "."):
        return [("flask_" + module[len(_FLASK_EXT) + 1 :], True)]
    return [(module, False)]


def _bare(name: str) -> str:
    return name.split(" as ")[0].strip()


def _removed_names(
    use: ImportUse, removed: Mapping[str, Mapping[str, RemovedApi]]
) -> list[RemovedApi]:
    """Removed names an import asks for: `from werkzeug import secure_filename`."""
    module = use.module
    if module.startswith(_FLASK_EXT + "."):
        module = "flask_" + module[len(_FLASK_EXT) + 1 :]
    table = removed.get(module, {})
    hits = [table[_bare(name)] for name in use.names if _bare(name) in table]
    if hits:
        return hits
    # A whole module that is gone (`werkzeug.contrib`), imported itself or below it.
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        whole = removed.get(".".join(parts[:end]), {}).get("*")
        if whole is not None:
            return [whole]
    return []


def _choose(candidates: list[Library], declared: set[str]) -> Library:
    """The library an import means: the declared one, else a live one, else the most popular."""

    def rank(library: Library) -> tuple[bool, bool, int, str]:
        return (
            library.id not in declared,
            library.is_dead,
            library.popularity or 10**9,
            library.id,
        )

    return min(candidates, key=rank)


def _locations(slot: _Seen) -> tuple[Location, ...]:
    declared = [Location(d.file, d.line, "declared", d.text) for d in slot.declarations]
    imported = {Location(u.file, u.line, "imported", u.text) for u, _ in slot.imports}
    return (*sorted(declared, key=_loc_key), *sorted(imported, key=_loc_key))


def _loc_key(location: Location) -> tuple[str, int]:
    return (location.file, location.line)


# Flask's own runtime dependencies (its Requires-Dist): an old pin of these breaks Flask 3.
_FLASK_STACK = frozenset(
    {"flask", "werkzeug", "jinja2", "itsdangerous", "click", "markupsafe", "blinker"}
)


def flask3_floor(library: Library) -> str | None:
    """The first version that works on Flask 3, where an older one fails on it.

    Extensions and Flask's own stack record it as `works_from`; a framework-agnostic library
    records there the oldest version the template supports (an older pin of gunicorn or
    psycopg still runs a Flask 3 app), and `flask3_from` only when its own Flask integration
    broke on Flask 3 (Authlib's, before 1.2.0).
    """
    if library.flask3_from is not None:
        return library.flask3_from
    if library.kind == "flask-extension" or library.id in _FLASK_STACK:
        return library.works_from
    return None


def _catalog_finding(library: Library, slot: _Seen, catalog: Catalog, rules: _Rules) -> Finding:
    successor_name = None
    if library.successor is not None:
        target = catalog.library(library.successor)
        builtin = catalog.builtin(library.successor)
        successor_name = (
            (target.pypi or target.id) if target else builtin.name if builtin else library.successor
        )
    problems: list[Problem] = []
    upgrade_to = None
    name = library.pypi or library.id
    basis = library.works_from_basis
    floor = flask3_floor(library)
    rule = None
    if (need := rules.requirements.get(library.id)) is not None:
        # Flask's own requirement is the floor that matters, and its changelog says so.
        floor, basis, rule = need.use_instead, "changelog", need.rule_id
    if library.is_dead:
        problems.append(_dead_problem(library, name, successor_name))
    elif floor is not None:
        for decl in slot.declarations:
            if _pinned_before(decl.specifier, floor, library.latest):
                upgrade_to = floor
                problems.append(_pin_problem(name, decl, floor, basis, library.latest, slot, rule))
    # A dead library's flask.ext import goes with the library: its fix is the successor.
    instead = f"replace it along with {name} (above)" if library.is_dead else None
    problems += [_ext_problem(use, instead) for use in slot.ext_imports]
    problems += [_removed_problem(where, api) for where, api in slot.removed]
    return Finding(
        id=library.id,
        name=name,
        source="catalog",
        kind=library.kind,
        status=library.status,
        why=library.reason,
        flask3=library.flask3,
        works_from=library.works_from,
        latest=library.latest,
        locations=_locations(slot),
        works_from_basis=basis,
        successor=library.successor,
        successor_name=successor_name,
        migration=library.migration,
        upgrade_to=upgrade_to,
        problems=tuple(problems),
        also=tuple(sorted(slot.also)),
    )


def _rules_finding(written: str, slot: _Seen, rules: _Rules) -> Finding:
    """A library the catalog does not hold, known from the rules: Flask's own dependencies."""
    need = rules.requirements.get(fold(written))
    problems: list[Problem] = []
    upgrade_to = None
    if need is not None:
        for decl in slot.declarations:
            if _pinned_before(decl.specifier, need.use_instead, None):
                upgrade_to = need.use_instead
                problems.append(
                    _pin_problem(
                        need.name, decl, need.use_instead, "changelog", None, slot, need.rule_id
                    )
                )
    problems += [_removed_problem(where, api) for where, api in slot.removed]
    return Finding(
        id=fold(need.name if need else written),
        name=need.name if need else written,
        source="rules",
        kind="library",
        status=None,
        why=f"{need.removed_in} requires {need.name}>={need.use_instead}" if need else None,
        flask3="yes" if need else "unknown",
        works_from=need.use_instead if need else None,
        latest=None,
        locations=_locations(slot),
        works_from_basis="changelog" if need else None,
        upgrade_to=upgrade_to,
        problems=tuple(problems),
    )


def _index_finding(key: str, written: str, slot: _Seen, pypi: PyPIIndex | None) -> Finding:
    entry = pypi.find(key) if pypi is not None else None
    problems = [_ext_problem(use) for use in slot.ext_imports]
    problems += [_removed_problem(where, api) for where, api in slot.removed]
    if entry is None or pypi is None:
        problems.append(
            Problem(
                "unknown",
                f"{written} is neither in the catalog nor on PyPI's flask-* list",
                "check the name: it may be private, misspelt or removed from PyPI",
                "warning",
            )
        )
        return Finding(
            id=key,
            name=written,
            source="unknown",
            kind=None,
            status=None,
            why=None,
            flask3="unknown",
            works_from=None,
            latest=None,
            locations=_locations(slot),
            problems=tuple(problems),
        )
    derived = derive_status(entry, pypi.as_of[:7])
    if derived.status == "abandoned":
        problems.append(
            Problem(
                "unmaintained",
                f"{entry.name}: {derived.reason} (not curated: status guessed from PyPI)",
                "look for a maintained fork or successor before relying on it with Flask 3",
                "warning",
            )
        )
    return Finding(
        id=key,
        name=entry.name,
        source="pypi-index",
        kind="flask-extension",
        status=derived.status,
        why=derived.reason,
        flask3="unknown",
        works_from=None,
        latest=Release(entry.version, entry.month),
        locations=_locations(slot),
        problems=tuple(problems),
    )


def _dead_problem(library: Library, name: str, successor_name: str | None) -> Problem:
    # Only a library that cannot run a Flask 3 app is an error; a deprecated one that still
    # works (Flask-RESTful, bleach, Flask-Bcrypt) is a warning to plan a move.
    breaks = library.flask3 == "no" or library.kind in ("django-only", "not-on-pypi")
    if library.kind == "django-only":
        what = f"{name} is a Django-only package"
    elif library.kind == "not-on-pypi":
        what = f"{name} is not a package on PyPI"
    elif library.status in ("deprecated", "abandoned"):
        what = f"{name} is {library.status}"
        if library.flask3 == "no":
            what += " and does not work on Flask 3"
        elif library.flask3 == "yes":
            what += " but still works on Flask 3"
        else:
            what += "; whether it works on Flask 3 is not known"
    else:
        what = f"{name} does not work on Flask 3"
    move = f"move to {successor_name}" if successor_name else "replace it"
    fix = f"{move}: {library.migration}" if library.migration else move
    return Problem("dead", what, fix, "error" if breaks else "warning")


def _pin_problem(
    name: str,
    decl: Declaration,
    floor: str,
    basis: str | None,
    latest: Release | None,
    slot: _Seen,
    rule: str | None = None,
) -> Problem:
    what = (
        "the first that works on Flask 3"
        if basis == "changelog"
        else "the oldest release tested on Flask 3 (an older one may work too)"
    )
    fix = f"require {name}>={floor}"
    upgrade = f">={floor}"
    # The upgrade itself may remove names this app calls (Flask-RQ 1.0 and get_queue).
    blocked = sorted(
        {
            (api.version, api.name, str(where))
            for where, api in slot.removed
            if fold(api.package) == fold(name) and _later(api.version, floor)
        }
    )
    if blocked:
        version = blocked[0][0]
        upgrade += f",<{version}"
        calls = ", ".join(f"{n} ({at})" for _, n, at in blocked)
        fix += (
            f",<{version} for now: {name} {version} removed {calls}, which this app calls; "
            f"rewrite those before moving past {version}"
        )
    elif latest is not None:
        fix += f" (latest {latest.version})"
    if decl.locked:
        # A lock is regenerated, not edited: move the requirement that pins it, then re-lock.
        fix = f"{fix}, then re-lock ({_RELOCK.get(decl.file.rsplit('/', 1)[-1], 'relock')})"
    return Problem(
        "flask3-pin",
        f"{decl.text} allows no version from {floor}, {what}",
        fix,
        "error",
        location=Location(decl.file, decl.line, "declared", decl.text),
        rule=rule,
        upgrade=None if decl.locked else upgrade,
    )


_RELOCK = {
    "uv.lock": "uv lock --upgrade",
    "poetry.lock": "poetry lock",
    "Pipfile.lock": "pipenv lock",
}


def _later(version: str, floor: str) -> bool:
    """Whether a removal comes after the floor (so moving to the floor alone is still safe)."""
    removed, first = _version(version), _version(floor)
    return removed is not None and first is not None and removed > first


def _ext_problem(use: ImportUse, instead: str | None = None) -> Problem:
    return Problem(
        "flask-ext-import",
        f"`{use.text}` uses flask.ext, which Flask 1.0 removed",
        instead or f"write `{flask_ext_rewrite(use)}`",
        "error",
        location=Location(use.file, use.line, "imported", use.text),
    )


def _removed_problem(where: Location, api: RemovedApi) -> Problem:
    if api.kind == "attribute":
        what = f".{api.name}"
    elif api.kind == "keyword":
        what = f"the {api.name}= argument of {'/'.join(api.calls)}"
    elif api.kind == "config":
        # An unknown config key raises nothing: the setting just stops having an effect.
        return Problem(
            "removed-api",
            f"`{where.text}`: config key {api.name} is ignored since {api.removed_in}",
            api.use_instead,
            "warning",
            location=where,
            rule=api.rule_id,
        )
    else:
        what = api.module if api.name == "*" else f"{api.module}.{api.name}"
    return Problem(
        "removed-api",
        f"`{where.text}`: {what} was removed in {api.removed_in}",
        api.use_instead,
        "error",
        location=where,
        rule=api.rule_id,
    )


def flask_ext_rewrite(use: ImportUse) -> str:
    """The same import without flask.ext: `from flask.ext.x import y` -> `from flask_x import y`."""
    if use.module == _FLASK_EXT:
        parts = []
        for name in use.names:
            bare = _bare(name)
            alias = name.split(" as ")[1].strip() if " as " in name else bare
            parts.append(f"import flask_{bare} as {alias}")
        return "; ".join(parts)
    module = "flask_" + use.module[len(_FLASK_EXT) + 1 :]
    if use.names:
        return f"from {module} import {', '.join(use.names)}"
    return f"import {module}"


def pinned_before(specifier: str, works_from: str) -> bool:
    """Whether a specifier allows no version from `works_from` on (an old pin or upper bound)."""
    return _pinned_before(specifier, works_from, None)


def _pinned_before(specifier: str, works_from: str, latest: Release | None) -> bool:
    if not specifier.strip():
        return False
    try:
        spec = SpecifierSet(specifier)
        floor = Version(works_from)
    except (InvalidSpecifier, InvalidVersion):
        return False
    # The allowed versions form one range (less `!=` holes): if it reaches works_from or later,
    # one of works_from, latest, a far-future version, or a bound of the range itself is in it.
    candidates: list[Version | None] = [floor, _FAR_FUTURE]
    if latest is not None:
        candidates.append(_version(latest.version))
    for item in spec:
        bound = item.version.removesuffix(".*")
        candidates += [_version(bound), _version(bound + ".0.1"), _version(bound + ".1")]
    return not any(
        v is not None and v >= floor and spec.contains(v, prereleases=True) for v in candidates
    )


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


@dataclass(frozen=True, slots=True)
class Ignore:
    """A baseline entry: problems it matches are accepted for now and left out.

    Every field given must match; `file` may be a glob (`legacy/*.py`).
    """

    library: str | None = None
    kind: str | None = None
    rule: str | None = None
    file: str | None = None
    reason: str | None = None

    def matches(self, finding: Finding, problem: Problem) -> bool:
        """Whether this entry accepts the problem."""
        from fnmatch import fnmatchcase

        where = problem.location.file if problem.location else None
        return (
            (self.library is None or self.library == finding.id)
            and (self.kind is None or self.kind == problem.kind)
            and (self.rule is None or self.rule == problem.rule)
            and (self.file is None or (where is not None and fnmatchcase(where, self.file)))
        )


def apply_ignores(result: Audit, ignores: Iterable[Ignore]) -> Audit:
    """The audit less the problems a baseline accepts (their count kept in `ignored`)."""
    entries = tuple(ignores)
    if not entries:
        return result
    findings = []
    dropped = 0
    for finding in result.findings:
        kept = tuple(p for p in finding.problems if not any(e.matches(finding, p) for e in entries))
        dropped += len(finding.problems) - len(kept)
        findings.append(replace(finding, problems=kept))
    order = {verdict: rank for rank, verdict in enumerate(VERDICTS)}
    findings.sort(key=lambda f: (order[f.verdict], f.name.lower()))
    return replace(result, findings=tuple(findings), ignored=result.ignored + dropped)


def baseline_entries(result: Audit) -> list[Ignore]:
    """One entry per distinct problem, to accept everything found today."""
    seen: dict[tuple[str, str, str | None, str | None], Ignore] = {}
    for finding, problem in result.problems():
        where = problem.location.file if problem.location else None
        key = (finding.id, problem.kind, problem.rule, where)
        seen.setdefault(key, Ignore(finding.id, problem.kind, problem.rule, where))
    return list(seen.values())
