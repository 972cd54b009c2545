"""`flask-pick audit --fix` and `--diff`: apply what `audit` found that is mechanical.

The audit says what is wrong; this module picks the problems a rewrite can settle (flask.ext
imports, moved names, renamed packages, pins), rewrites those files with `recommender.rewrite`,
and lists everything else as left by hand. It never writes a file git shows as changed or
untracked (unless forced), and each file is replaced whole (a temporary file, then a rename).
"""

from __future__ import annotations

import difflib
import io
import os
import subprocess
import tempfile
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import libcst as cst

from recommender.audit import run_audit, shipped_removed_apis
from recommender.core.audit import (
    Audit,
    Finding,
    Ignore,
    Problem,
    RemovedApi,
    Severity,
    apply_ignores,
)
from recommender.core.names import fold
from recommender.errors import CatalogError, FlaskPickError
from recommender.project_git import ctrl_c_waits
from recommender.rewrite import (
    Change,
    PythonEdits,
    describe,
    parse_move,
    replace_on_line,
    rewrite_python,
    rewrite_requirement,
)


@dataclass(frozen=True, slots=True)
class Rename:
    """A dead package and its drop-in successor (catalog/renames.yaml)."""

    old: str
    new: str
    floor: str | None
    imports: dict[str, str]
    note: str | None


@dataclass
class FileEdit:
    """One file's new text and what changed in it."""

    path: Path
    rel: str
    before: str
    after: str
    encoding: str
    changes: list[str] = field(default_factory=list)

    def diff(self) -> str:
        """A unified diff from the old text to the new one."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.rel}",
                f"b/{self.rel}",
            )
        )


@dataclass
class FixReport:
    """What --fix changed (or --diff would change), and what is left by hand."""

    root: Path
    edits: list[FileEdit]
    fixed: int
    by_hand: list[tuple[Finding, Problem]]
    notes: list[str]
    written: bool = False
    # (file, line) of the requirements that could not be rewritten where they were found.
    missed: set[tuple[str, int]] = field(default_factory=set)
    # (file, line) of every Python statement rewritten.
    rewritten: set[tuple[str, int]] = field(default_factory=set)

    def leaves(self, threshold: Severity) -> bool:
        """Whether something at or above `threshold` is left by hand."""
        return any(problem.fails or threshold == "warning" for _, problem in self.by_hand)


@cache
def shipped_renames() -> tuple[Rename, ...]:
    """The drop-in successors in catalog/renames.yaml."""
    from recommender.catalog import read_yaml
    from recommender.resources import catalog_dir

    return load_renames(read_yaml(catalog_dir() / "renames.yaml"))


def load_renames(data: object) -> tuple[Rename, ...]:
    """Validate the parsed renames.yaml."""
    if not isinstance(data, list):
        raise CatalogError("renames.yaml: expected a list of renames")
    result = []
    for index, item in enumerate(data):
        here = f"renames.yaml[{index}]"
        if not isinstance(item, dict):
            raise CatalogError(f"{here}: expected a mapping")
        old, new, floor, imports, note = (
            item.get(k) for k in ("from", "to", "floor", "imports", "note")
        )
        if not isinstance(old, str) or not isinstance(new, str):
            raise CatalogError(f"{here}: 'from' and 'to' must be package names")
        if floor is not None and not isinstance(floor, str):
            raise CatalogError(f"{here}: 'floor' must be a quoted version or null")
        if not isinstance(imports, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in imports.items()
        ):
            raise CatalogError(f"{here}: 'imports' must map old import names to new ones")
        if note is not None and not isinstance(note, str):
            raise CatalogError(f"{here}: 'note' must be a sentence or null")
        result.append(Rename(old, new, floor, dict(imports), note))
    return tuple(result)


def python_edits() -> PythonEdits:
    """The mechanical rewrites: removed names whose fix is one import, and renamed imports."""
    moves = {}
    for api in shipped_removed_apis():
        target = parse_move(api.use_instead) if api.kind == "import" else None
        if target is not None and api.name != "*":
            moves[(api.module, api.name)] = target
    modules = {old: new for rename in shipped_renames() for old, new in rename.imports.items()}
    return PythonEdits(moves, modules)


def plan_fixes(path: Path, ignores: Iterable[Ignore] = ()) -> tuple[Audit, FixReport]:
    """Audit the project and work out every mechanical edit, writing nothing."""
    result = apply_ignores(run_audit(path), ignores)
    root = Path(result.project.root)
    edits = python_edits()
    renames = {fold(rename.old): rename for rename in shipped_renames()}
    python_files: set[str] = set()
    # file -> [(line, old requirement text, new requirement text)]
    requirement_edits: dict[str, list[tuple[int, str, str]]] = {}
    mechanical: set[int] = set()
    for finding, problem in result.problems():
        where = problem.location
        if problem.kind == "flask-ext-import" and where is not None:
            python_files.add(where.file)
            mechanical.add(id(problem))
        elif problem.kind == "removed-api" and where is not None and where.how != "declared":
            # An import of a moved name, or a qualified use of it (flask.Markup).
            api = _rule(problem.rule)
            if api is not None and (api.module, api.name) in edits.moves:
                python_files.add(where.file)
                mechanical.add(id(problem))
        elif problem.kind == "flask3-pin" and where is not None and problem.upgrade:
            new = rewrite_requirement(where.text, None, problem.upgrade)
            if new is not None:
                requirement_edits.setdefault(where.file, []).append((where.line, where.text, new))
                mechanical.add(id(problem))
        elif problem.kind == "dead" and (rename := renames.get(finding.id)) is not None:
            for place in finding.locations:
                if place.how == "imported" and rename.imports:
                    python_files.add(place.file)
                elif place.how == "declared":
                    spec = _renamed_spec(place.text, rename)
                    new = rewrite_requirement(place.text, rename.new, spec)
                    if new is not None:
                        requirement_edits.setdefault(place.file, []).append(
                            (place.line, place.text, new)
                        )
            mechanical.add(id(problem))
    report = FixReport(root, [], 0, [], [])
    for rel in sorted(python_files):
        _plan_python(report, root, rel, edits)
    for rel, items in sorted(requirement_edits.items()):
        _plan_requirements(report, root, rel, items)
    for finding, problem in result.problems():
        if id(problem) in mechanical and not _failed(report, finding, problem, renames):
            report.fixed += 1
        else:
            report.by_hand.append((finding, problem))
    for finding in result.findings:
        rename = renames.get(finding.id)
        if rename is not None and rename.note:
            report.notes.append(f"{rename.new} (was {rename.old}): {rename.note}")
    return result, report


def _rule(rule_id: str | None) -> RemovedApi | None:
    for api in shipped_removed_apis():
        if api.rule_id == rule_id:
            return api
    return None


def _renamed_spec(text: str, rename: Rename) -> str:
    """A pinned old package becomes `new>=floor`; an unpinned one stays unpinned."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        pinned = bool(str(Requirement(text).specifier))
    except InvalidRequirement:
        pinned = False
    return f">={rename.floor}" if pinned and rename.floor else ""


def _failed(
    report: FixReport, finding: Finding, problem: Problem, renames: Mapping[str, Rename]
) -> bool:
    """Whether a file the problem sits in could not be rewritten (then it is left by hand)."""
    edited = {edit.rel for edit in report.edits}
    if problem.location is not None:
        where = problem.location
        if where.how == "used" and (where.file, where.line) not in report.rewritten:
            return True
        return where.file not in edited or (where.file, where.line) in report.missed
    # A renamed package: every file that declares it must have been rewritten, and every file
    # that imports it too when the import name changed (a fork that kept it needs no edit).
    rename = renames.get(finding.id)
    keeps_imports = rename is not None and not rename.imports
    places = [p for p in finding.locations if not (keeps_imports and p.how == "imported")]
    return not {place.file for place in places} <= edited or any(
        (place.file, place.line) in report.missed for place in places
    )


def _read(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def _plan_python(report: FixReport, root: Path, rel: str, edits: PythonEdits) -> None:
    path = root / rel
    try:
        before, encoding = _read(path)
        after, changes = rewrite_python(before, edits)
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as exc:
        report.notes.append(f"{rel}: not rewritten: cannot read it ({exc})")
        return
    except cst.ParserSyntaxError:
        report.notes.append(f"{rel}: not rewritten: not valid Python 3 (fix it by hand)")
        return
    if changes:
        report.edits.append(FileEdit(path, rel, before, after, encoding, describe(changes)))
        report.rewritten |= {(rel, change.line) for change in changes}


def _plan_requirements(
    report: FixReport, root: Path, rel: str, items: list[tuple[int, str, str]]
) -> None:
    path = root / rel
    try:
        before, encoding = _read(path)
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as exc:
        report.notes.append(f"{rel}: not rewritten: cannot read it ({exc})")
        return
    text = before
    changes = []
    for line, old, new in sorted(set(items)):
        replaced = replace_on_line(text, line, old, new)
        if replaced is None:
            report.missed.add((rel, line))
            continue
        text = replaced
        changes += describe([Change(line, old, new)])
    if text != before:
        report.edits.append(FileEdit(path, rel, before, text, encoding, changes))


# -- writing -----------------------------------------------------------------------------------


def check_writable(report: FixReport, *, force: bool) -> None:
    """Refuse to touch files with changes git does not hold yet, unless forced."""
    if force or not report.edits:
        return
    files = [edit.rel for edit in report.edits]
    try:
        top = subprocess.run(
            ["git", "-C", str(report.root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        top = None
    if top is None or top.returncode != 0:
        raise FlaskPickError(
            f"{report.root} is not in a git repository, so --fix could not be undone; "
            "commit the project to git first, preview with --diff, or pass --force"
        )
    status = subprocess.run(
        ["git", "-C", str(report.root), "status", "--porcelain", "--", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = sorted({line[3:].strip() for line in status.stdout.splitlines() if line.strip()})
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise FlaskPickError(
            f"--fix would rewrite files with uncommitted changes ({shown}); "
            "commit or stash them first, or pass --force"
        )


def write_fixes(report: FixReport) -> None:
    """Replace each file whole: a temporary file beside it, then an atomic rename."""
    with ctrl_c_waits():
        for edit in report.edits:
            atomic_write(edit.path, edit.after.encode(edit.encoding))
    report.written = True


def atomic_write(path: Path, data: bytes) -> None:
    """Replace a file whole: its bytes go to a temporary file beside it, then a rename."""
    if path.exists():
        mode = path.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
