"""`flask-pick add`: wire more libraries or needs into a project flask-pick generated.

The person's edits are kept by a three-way merge whose base is exactly what flask-pick
rendered last time. Each rendering is a commit on the project's own `flask-pick/template`
branch (`new` makes the first one), so the base survives upgrades of flask-pick itself; Copier's
`update` cannot find an old version of a template shipped inside a package, and `recopy`
would overwrite the edits. `add` replays the recorded answers with the new libraries and needs
through the engine, renders them, commits the tree onto the template branch and merges that
branch into the person's current branch with git.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from recommender.core.engine import recommend
from recommender.core.forcing import with_forced_needs
from recommender.core.models import Catalog, Recommendation, StackWarning
from recommender.core.names import NameIndex
from recommender.core.needs import Needs, Vocabulary, holds, resolve_needs
from recommender.errors import FlaskPickError, StackConflictError, UsageError
from recommender.project_git import (
    TEMPLATE_BRANCH,
    Git,
    check_repository,
    ctrl_c_waits,
    person_identity,
    template_identity,
    write_tree,
)

ANSWERS_FILE = ".copier-answers.yml"
# The engine's reason for a library forced with --with; `add` forces the libraries it adds.
_FORCED_REASON = "you asked for it with --with"
_SECRET_LINE = re.compile(r"^\s*SECRET_KEY\s*=\s*(\S+)\s*$")
_ENV_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=")
# Variables a git hook may have set; they would point git at another repository or index.


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a project's .copier-answers.yml says flask-pick rendered."""

    project_name: str
    package: str
    needs: dict[str, str]
    picks: tuple[str, ...]
    forced: tuple[str, ...]
    version: str
    services: tuple[str, ...] = ()
    description: str | None = None
    python_version: str | None = None


@dataclass(frozen=True, slots=True)
class Addition:
    """The new stack for the recorded answers plus what was asked, and how it differs."""

    rec: Recommendation
    added: tuple[str, ...]
    already: tuple[str, ...]
    needs_changed: tuple[tuple[str, str, str], ...]
    new_warnings: tuple[StackWarning, ...]
    new_services: tuple[str, ...] = ()
    # Dead names whose successor is built in, as "Flask-Script: Flask CLI, built into Flask".
    built_in: tuple[str, ...] = ()

    @property
    def changes(self) -> bool:
        """Whether the project's answers change at all."""
        return bool(self.added or self.needs_changed)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `add` did (or, with --dry-run, would do) to a project."""

    project: Path
    addition: Addition
    dry_run: bool = False
    branch: str = ""
    stat: str = ""
    files: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    env_keys: tuple[str, ...] = ()
    # With conflicts, the .env lines to add once the merge is committed: .env is not tracked,
    # so writing it now would outlive a `git merge --abort`.
    env_pending: tuple[str, ...] = ()


# --- answers: pure ---------------------------------------------------------------------------


def _scalar(value: object) -> str:
    # YAML 1.1 reads a bare yes/no as a boolean; the vocabulary speaks the words.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def parse_recorded(data: object, where: str = ANSWERS_FILE) -> Recorded:
    """The recorded answers, with the names that were forced (--with, or an earlier `add`).

    Forced names are not a question of the template: they are read back from what the engine
    recorded, a pick whose reason is the --with one, and every warning (with
    `wired_only`, the engine warns only about a dead library someone asked for by name).
    """
    how = "run `flask-pick add` in a project made by `flask-pick new`"
    if not isinstance(data, dict) or "flask_pick_version" not in data:
        raise FlaskPickError(
            f"{where} has no flask_pick_version, so flask-pick did not generate this project; {how}"
        )
    needs = data.get("needs")
    picks = data.get("picks")
    if not isinstance(needs, dict) or not isinstance(picks, list):
        raise FlaskPickError(f"{where} lacks its needs or picks; {how}")
    stack = data.get("stack") if isinstance(data.get("stack"), dict) else {}
    warnings = data.get("warnings") if isinstance(data.get("warnings"), list) else []
    forced: list[str] = []
    for item in warnings or []:
        if isinstance(item, dict) and isinstance(item.get("library"), str):
            forced.append(item["library"])
    for library_id, entry in sorted((stack or {}).items()):
        reasons = entry.get("reasons") if isinstance(entry, dict) else None
        if isinstance(reasons, list) and _FORCED_REASON in reasons:
            forced.append(str(library_id))

    def text(key: str) -> str | None:
        value = data.get(key)
        return None if value is None else str(value)

    return Recorded(
        project_name=str(data.get("project_name") or ""),
        package=str(data.get("package") or ""),
        needs={str(key): _scalar(value) for key, value in needs.items()},
        picks=tuple(sorted(str(pick) for pick in picks)),
        forced=tuple(dict.fromkeys(forced)),
        version=str(data["flask_pick_version"]),
        services=tuple(str(s) for s in data.get("services") or () if isinstance(s, str)),
        description=text("description"),
        python_version=text("python_version"),
    )


def recorded_needs(vocabulary: Vocabulary, recorded: Recorded) -> Needs:
    """The recorded needs, resolved against today's vocabulary (new questions take defaults)."""
    known = {k: v for k, v in recorded.needs.items() if vocabulary.need(k) is not None}
    try:
        return resolve_needs(vocabulary, known)
    except UsageError as exc:
        raise FlaskPickError(f"{ANSWERS_FILE}: {exc}") from exc


def replay(
    catalog: Catalog, vocabulary: Vocabulary, recorded: Recorded
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The --with and --without names that reproduce the recorded picks from the recorded needs.

    Starts from the recorded forced names; a recorded pick the engine would no longer choose is
    forced too, and a library it would now add is excluded, so an upgraded catalog changes
    nothing the person already has.
    """
    needs = recorded_needs(vocabulary, recorded)
    first = recommend(catalog, vocabulary, needs, recorded.forced, (), wired_only=True)
    missing = tuple(pick for pick in recorded.picks if pick not in first.ids)
    extra = tuple(pick for pick in first.ids if pick not in recorded.picks)
    return (*recorded.forced, *missing), extra


def _default(vocabulary: Vocabulary, key: str, answers: Mapping[str, str]) -> str | None:
    need = vocabulary.need(key)
    if need is None:
        return None
    return next((value for cond, value in need.defaults if holds(cond, answers)), None)


def plan_addition(
    catalog: Catalog,
    vocabulary: Vocabulary,
    recorded: Recorded,
    names: Sequence[str],
    need_flags: Mapping[str, str],
) -> Addition:
    """The stack after adding libraries and needs, as if they had been chosen at the start.

    A recorded need whose value is only its default is worked out again (a database brings
    migrations, as with `new`); the others, the forced libraries and every recorded pick stay.
    `add` never removes a library: a change of needs that would is refused.
    """
    index = NameIndex.build(catalog)
    libraries = [index.require(name) for name in names]
    for library in libraries:
        if not library.is_dead and not library.wired:
            raise FlaskPickError(
                f"{library.id} is not wired into generated projects "
                f"({library.not_wired_reason or 'no template fragment yet'}); "
                "flask-pick cannot add it, add it by hand (nothing was changed)"
            )
    old = dict(recorded_needs(vocabulary, recorded))
    with_names, without_names = replay(catalog, vocabulary, recorded)
    given = {key: value for key, value in old.items() if value != _default(vocabulary, key, old)}
    given.update(need_flags)
    given = with_forced_needs(
        catalog, vocabulary, given, [lib.id for lib in libraries], need_flags, "adding"
    )
    needs = resolve_needs(vocabulary, given)
    asked = tuple(library.id for library in libraries)
    forced = tuple(dict.fromkeys((*with_names, *asked)))
    excluded = tuple(name for name in without_names if name not in asked)
    try:
        rec = _recommend_keeping(catalog, vocabulary, needs, forced, excluded)
    except StackConflictError as exc:
        # `new` would say "--without"; add has no such option, because it never removes.
        raise FlaskPickError(
            f"cannot add {', '.join(asked)}: {exc.library} {exc.why}; `flask-pick add` only "
            "adds, so what the project has stays (nothing was changed)"
        ) from exc
    lost = [pick for pick in recorded.picks if pick not in rec.ids]
    if lost:
        raise FlaskPickError(
            f"this would remove {', '.join(lost)} from the project; `flask-pick add` only adds, "
            "so keep the needs that brought them (nothing was changed)"
        )
    old_warned = set(recorded.forced)
    already: list[str] = []
    built_in: list[str] = []
    for library in libraries:
        # A dead name stands for its successor, which the project may have already.
        target = catalog.library(library.successor or "") if library.is_dead else library
        builtin = catalog.builtin(library.successor or "") if library.is_dead else None
        if target is not None and target.id in recorded.picks:
            already.append(target.id)
        elif builtin is not None:
            name = library.pypi or library.id
            built_in.append(f"{name}: {builtin.name}, built into {builtin.provided_by}")
        elif library.is_dead and library.id in old_warned:
            already.append(library.id)
    return Addition(
        rec=rec,
        added=tuple(pick for pick in rec.ids if pick not in recorded.picks),
        already=tuple(dict.fromkeys(already)),
        needs_changed=tuple(
            (key, old.get(key, ""), value) for key, value in needs if old.get(key) != value
        ),
        new_warnings=tuple(w for w in rec.warnings if w.library not in old_warned),
        new_services=tuple(svc for svc in rec.services if svc not in recorded.services),
        built_in=tuple(built_in),
    )


def _recommend_keeping(
    catalog: Catalog,
    vocabulary: Vocabulary,
    needs: Needs,
    forced: tuple[str, ...],
    excluded: tuple[str, ...],
) -> Recommendation:
    try:
        return recommend(catalog, vocabulary, needs, forced, excluded, wired_only=True)
    except FlaskPickError:
        if not excluded:
            raise
        # What the person already has was kept out only to match the recorded picks; the new
        # needs may need it after all.
        return recommend(catalog, vocabulary, needs, forced, (), wired_only=True)


def copier_answers(recorded: Recorded, rec: Recommendation, secret_key: str) -> dict[str, Any]:
    """The Copier answers for the new stack, keeping the project's name, package and Python."""
    from recommender.render import Project, copier_data

    data = copier_data(Project(Path(), recorded.project_name, recorded.package), rec, secret_key)
    if recorded.description is not None:
        data["description"] = recorded.description
    if recorded.python_version is not None:
        data["python_version"] = recorded.python_version
    return data


def new_env_lines(current: str, rendered: str) -> list[str]:
    """Lines of the freshly rendered .env the person's .env lacks: new keys and their comments.

    A key the person already set is never touched; the header comment is not repeated.
    """
    have_lines = {line.strip() for line in current.splitlines()}
    have_keys = {m.group(1) for line in current.splitlines() if (m := _ENV_KEY.match(line))}
    lines: list[str] = []
    for line in rendered.splitlines():
        match = _ENV_KEY.match(line)
        if match is not None and match.group(1) in have_keys:
            continue
        if not line.strip() or line.strip() in have_lines:
            continue
        lines.append(line)
    return lines


# --- the project and its repository: shell -------------------------------------------------


def find_project(path: Path) -> Path:
    """The folder holding .copier-answers.yml: `path` or the closest parent."""
    start = path.expanduser().absolute()
    if not start.is_dir():
        raise UsageError(f"{path} is not a folder; pass --path with the project's folder")
    for folder in (start, *start.parents):
        if (folder / ANSWERS_FILE).is_file():
            return folder
    raise FlaskPickError(
        f"{start} is not inside a project generated by flask-pick (no {ANSWERS_FILE}); "
        "run `flask-pick add` in the project's folder or pass --path DIR"
    )


def read_recorded(project: Path) -> Recorded:
    """Read and check a project's .copier-answers.yml."""
    path = project / ANSWERS_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FlaskPickError(f"cannot read {path}: {first}") from exc
    return parse_recorded(data, str(path))


def _secret_key(project: Path) -> str:
    """The SECRET_KEY of the project's .env, so the rendered .env matches it."""
    env_file = project / ".env"
    if env_file.is_file():
        for line in env_file.read_text(encoding="utf-8").splitlines():
            match = _SECRET_LINE.match(line)
            if match is not None:
                return match.group(1)
    return secrets.token_hex(32)


def _render(recorded: Recorded, rec: Recommendation, secret_key: str, dest: Path) -> None:
    from recommender.render import render_answers

    try:
        render_answers(copier_answers(recorded, rec, secret_key), dest)
    except Exception as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FlaskPickError(f"rendering the project failed: {message}") from exc


def _summary(addition: Addition) -> str:
    parts = [*addition.added, *(f"{key}={new}" for key, _, new in addition.needs_changed)]
    return ", ".join(parts) or "nothing"


def _env_additions(project: Path, rendered: Path) -> list[str]:
    """The new libraries' .env lines the person's .env (never committed, never merged) lacks."""
    mine, theirs = project / ".env", rendered / ".env"
    if not mine.is_file() or not theirs.is_file():
        return []
    current = mine.read_text(encoding="utf-8")
    return new_env_lines(current, theirs.read_text(encoding="utf-8"))


def _append_env(project: Path, lines: list[str], addition: Addition) -> tuple[str, ...]:
    """Append the lines to the person's .env under a comment; the keys added."""
    if not lines:
        return ()
    mine = project / ".env"
    current = mine.read_text(encoding="utf-8")
    block = "\n".join([f"# Added by flask-pick add ({_summary(addition)})", *lines])
    mine.write_text(current.rstrip("\n") + "\n\n" + block + "\n", encoding="utf-8")
    return tuple(m.group(1) for line in lines if (m := _ENV_KEY.match(line)))


def add_to_project(
    path: Path,
    names: Iterable[str],
    need_flags: Mapping[str, str],
    *,
    dry_run: bool = False,
) -> Outcome:
    """Add libraries and needs to the project at `path`, keeping the person's edits.

    Renders the new answers, commits them onto the template branch and merges that branch
    into the current one. Conflicts are left for the person, listed in the outcome.
    """
    from recommender.catalog import shipped_catalog, shipped_vocabulary

    names = tuple(names)
    if not names and not need_flags:
        raise UsageError("name a library to add, or pass --need KEY=VALUE (e.g. --need tasks=yes)")
    project = find_project(path)
    recorded = read_recorded(project)
    addition = plan_addition(shipped_catalog(), shipped_vocabulary(), recorded, names, need_flags)
    if not addition.changes:
        return Outcome(project, addition, dry_run)
    git = Git(project)
    check_repository(git, project, dry_run)
    with tempfile.TemporaryDirectory(prefix="flask-pick-add-") as tmp:
        scratch = Path(tmp)
        rendered = scratch / (recorded.project_name or "project")
        _render(recorded, addition.rec, _secret_key(project), rendered)
        objects: dict[str, str] = {}
        if dry_run:
            # New objects go to a scratch store; the repository's are read through it.
            objects = {
                "GIT_OBJECT_DIRECTORY": str(scratch / "objects"),
                "GIT_ALTERNATE_OBJECT_DIRECTORIES": git.out("rev-parse", "--git-path", "objects"),
            }
            (scratch / "objects").mkdir()
        tree = write_tree(git, rendered, scratch, objects)
        tip = git.out("rev-parse", f"refs/heads/{TEMPLATE_BRANCH}")
        base = git.run("merge-base", "HEAD", TEMPLATE_BRANCH, check=False).stdout.strip()
        if not base:
            raise FlaskPickError(
                f"the current branch shares no history with {TEMPLATE_BRANCH}; "
                "run flask-pick add on a branch that grew from the generated project"
            )
        stat = git.run("diff", "--stat", base, tree, env=objects).stdout.rstrip()
        files = tuple(
            git.run("diff", "--name-only", base, tree, env=objects).stdout.split("\n")[:-1]
        )
        branch = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
        outcome = Outcome(project, addition, dry_run, branch or "HEAD", stat, files)
        if dry_run:
            return outcome
        with ctrl_c_waits():
            commit = tip
            if git.out("rev-parse", f"{tip}^{{tree}}") != tree:
                message = f"flask-pick {_version()}: add {_summary(addition)}"
                commit = git.out(
                    "commit-tree",
                    "--no-gpg-sign",
                    tree,
                    "-p",
                    tip,
                    "-m",
                    message,
                    env=template_identity(),
                )
                git.run("update-ref", f"refs/heads/{TEMPLATE_BRANCH}", commit, tip)
            merged = git.run(
                "merge",
                "--no-ff",
                "--no-edit",
                "-m",
                f"Add {_summary(addition)} with flask-pick",
                TEMPLATE_BRANCH,
                env=person_identity(git),
                check=False,
            )
            conflicts: tuple[str, ...] = ()
            if merged.returncode != 0:
                conflicts = tuple(git.out("diff", "--name-only", "--diff-filter=U").splitlines())
                if not conflicts:
                    _merge_failed(git, merged, commit, tip)
            env_lines = _env_additions(project, rendered)
            # A merge left with conflicts may be aborted: .env waits until it is committed.
            pending = tuple(env_lines) if conflicts else ()
            env_keys = () if conflicts else _append_env(project, env_lines, addition)
    return Outcome(
        project, addition, False, branch or "HEAD", stat, files, conflicts, env_keys, pending
    )


def _merge_failed(
    git: Git, merged: subprocess.CompletedProcess[str], commit: str, tip: str
) -> None:
    said = (merged.stderr.strip() or merged.stdout.strip()).splitlines()
    reason = said[-1] if said else f"exit {merged.returncode}"
    if git.ok("rev-parse", "--verify", "-q", "MERGE_HEAD"):
        raise FlaskPickError(
            f"the merge stopped before its commit ({reason}); "
            "finish it with `git commit` or undo it with `git merge --abort`"
        )
    if commit != tip:
        # Nothing was merged: the template branch goes back to where it was.
        git.run("update-ref", f"refs/heads/{TEMPLATE_BRANCH}", tip, commit, check=False)
    raise FlaskPickError(f"git merge failed: {reason} (nothing was changed)")


def conflict_message(outcome: Outcome) -> str:
    """The one-line error for a merge left with conflicts."""
    files = ", ".join(outcome.conflicts)
    return (
        f"adding {_summary(outcome.addition)} conflicts with your edits in {files}; "
        "resolve the <<<<<<< markers, `git add` those files, then `git commit` "
        "(or `git merge --abort` to back out)"
    )


def _version() -> str:
    from recommender import __version__

    return __version__
