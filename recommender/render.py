"""Recommendation -> Copier answers -> a rendered project, written in full or not at all.

This is the only module that calls Copier.
"""

from __future__ import annotations

import ast
import keyword
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from recommender import __version__
from recommender.core.models import Recommendation
from recommender.core.versions import next_breaking
from recommender.errors import FlaskPickError, UsageError
from recommender.lock import write_lock
from recommender.project_git import TEMPLATE_BRANCH, template_identity
from recommender.resources import template_dir

PYTHON_VERSION = "3.11"
_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")
# copier.yml's project_name validator: the folder name is the project's name.
_PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# The template's own list of package names that would shadow a module every generated project
# imports or one of its folders; copier.yml's validator applies it to bare `copier copy` too.
_RESERVED_LIST = re.compile(r"\{%\s*set shadowed\s*=\s*(\[.*?\])\s*%\}", re.DOTALL)


@cache
def template_reserved_names() -> frozenset[str]:
    """The names copier.yml's `package` validator refuses as shadowing."""
    config = yaml.safe_load((template_dir() / "copier.yml").read_text(encoding="utf-8"))
    match = _RESERVED_LIST.search(str(config["package"]["validator"]))
    if match is None:
        raise FlaskPickError("the template's copier.yml has no `shadowed` list for package")
    return frozenset(ast.literal_eval(match.group(1)))


@dataclass(frozen=True, slots=True)
class Project:
    """Where a project goes and what it is called."""

    dest: Path
    name: str
    package: str


def package_name(name: str) -> str:
    """The Python package name derived from a project name (`My-App` -> `my_app`)."""
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_")


def check_destination(dest: Path) -> Path:
    """The absolute destination, refused when it holds anything or a parent is not a folder.

    Missing parent folders are fine: rendering creates them (and removes them if it fails).
    """
    dest = dest.expanduser().absolute()
    if dest.exists() and not dest.is_dir():
        raise FlaskPickError(
            f"{dest.name or dest} is a file, not a folder; "
            "choose a new folder name for the project (nothing was changed)"
        )
    if dest.exists() and any(dest.iterdir()):
        raise FlaskPickError(
            f"{dest.name or dest} already exists and is not empty; "
            "choose a new folder name (nothing was changed)"
        )
    nearest = _nearest_existing(dest.parent)
    if not nearest.is_dir():
        raise UsageError(f"{nearest} is a file, not a folder; choose another path for the project")
    return dest


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_project_name(name: str) -> str:
    """The name, refused unless it can name a project (and so is one plain folder name)."""
    if not _PROJECT_NAME.match(name):
        raise UsageError(
            f"the folder name {name!r} cannot name a project: use letters, digits, '.', '_' "
            "or '-', starting with a letter or digit"
        )
    return name


def plan_project(dest: Path, package: str | None, rec: Recommendation | None) -> Project:
    """Check the destination and the package name before anything is written.

    Without a recommendation yet (before the questionnaire), only the names every project
    imports are checked; with one, the stack's own imports too.
    """
    dest = check_destination(dest)
    name = check_project_name(dest.resolve().name if dest.exists() else dest.name)
    chosen = package or package_name(name)
    if not _PACKAGE.match(chosen) or keyword.iskeyword(chosen):
        if package is not None:
            suggested = package_name(package)
            example = f" such as {suggested!r}" if _PACKAGE.match(suggested) else ""
            raise UsageError(
                f"--name {package!r} is not a valid Python package name; "
                f"use lower-case letters, digits and _{example}"
            )
        raise UsageError(
            f"{chosen!r} (from the folder name) is not a valid Python package name; "
            "pass --name with lower-case letters, digits and _"
        )
    # The standard library too: a package named `site` or `email` would shadow it.
    imported = set(template_reserved_names()) | set(sys.stdlib_module_names)
    for pick in rec.picks if rec is not None else ():
        imported.update(pick.library.imports)
    if chosen in imported:
        raise UsageError(
            f"package name {chosen!r} would shadow Python's or the stack's {chosen} module; "
            "pass --name with another name"
        )
    return Project(dest, name, chosen)


def copier_data(project: Project, rec: Recommendation, secret_key: str) -> dict[str, Any]:
    """The Copier answers that describe the project completely."""
    return {
        "project_name": project.name,
        "package": project.package,
        "description": f"{project.name}: a Flask application",
        "python_version": PYTHON_VERSION,
        "needs": dict(rec.needs),
        "picks": list(rec.ids),
        "stack": {
            pick.library.id: {
                "pypi": pick.library.pypi,
                "summary": pick.library.summary,
                "works_from": pick.library.works_from,
                # The declared range stops before the next release that may break the
                # project: below the next major of the newest release the catalog knows.
                "below": next_breaking(pick.library.latest.version)
                if pick.library.latest
                else None,
                "reasons": list(pick.reasons),
                "why": pick.why,
            }
            for pick in rec.picks
        },
        "warnings": [
            {"library": w.library, "message": w.message, "successor": w.successor}
            for w in rec.warnings
        ],
        "services": list(rec.services),
        "flask_pick_version": __version__,
        "secret_key": secret_key,
    }


def _scrub_answers(project_dir: Path) -> None:
    """Keep the machine's paths out of .copier-answers.yml: record the template by name."""
    answers = project_dir / ".copier-answers.yml"
    if not answers.exists():
        return
    lines = answers.read_text(encoding="utf-8").splitlines()
    kept = [
        "_src_path: flask-pick" if line.startswith("_src_path:") else line
        for line in lines
        if not line.startswith("_commit:")
    ]
    answers.write_text("\n".join(kept) + "\n", encoding="utf-8")


def _git_commit(project_dir: Path) -> bool:
    """Make the generated tree the first commit; False when git is not installed."""
    git = shutil.which("git")
    if git is None:
        return False
    env = {**os.environ, **template_identity()}
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "--no-verify", "--no-gpg-sign", "-m", "Initial project from flask-pick"],
        ["branch", TEMPLATE_BRANCH],
    ):
        result = subprocess.run(
            [git, *args], cwd=project_dir, env=env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise FlaskPickError(f"git {args[0]} failed: {result.stderr.strip().splitlines()[-1]}")
    return True


def render_answers(data: dict[str, Any], dest: Path) -> None:
    """Render complete Copier answers into `dest`, a folder that does not exist yet."""
    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(
            str(template_dir()),
            dest,
            data=data,
            defaults=True,
            quiet=True,
            unsafe=False,
            cleanup_on_error=True,
        )
    _scrub_answers(dest)


def render_project(
    project: Project,
    rec: Recommendation,
    *,
    git: bool = True,
    secret_key: str | None = None,
    lock: bool = False,
) -> bool:
    """Render into a temporary folder beside the destination, then move it into place.

    With `lock`, uv resolves the project's dependencies into uv.lock (part of the first
    commit). Returns whether a git repository was created. An error or Ctrl-C leaves nothing
    behind.
    """
    data = copier_data(project, rec, secret_key or secrets.token_hex(32))
    parent = project.dest.parent
    created = parent if not parent.exists() else None
    if created is not None:
        # Only the topmost folder this run creates is removed on failure: that takes
        # every folder below it, and nothing that was there before.
        while not created.parent.exists():
            created = created.parent
        try:
            parent.mkdir(parents=True)
        except OSError as exc:
            raise FlaskPickError(f"cannot create the folder {parent}: {exc.strerror}") from exc
    try:
        return _render_into_place(project, data, git, lock)
    except BaseException:
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise


def _render_into_place(project: Project, data: dict[str, Any], git: bool, lock: bool) -> bool:
    scratch = Path(tempfile.mkdtemp(prefix=f".{project.name}.flask-pick-", dir=project.dest.parent))
    try:
        rendered = scratch / project.name
        render_answers(data, rendered)
        if lock:
            write_lock(rendered)
        made_repo = git and _git_commit(rendered)
        # From here on the project is whole: a Ctrl-C could only make the exit code lie
        # ("nothing was written"), so the rest of the run ignores it.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        _move_into_place(rendered, project.dest)
        return made_repo
    except Exception as exc:
        if isinstance(exc, FlaskPickError):
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FlaskPickError(f"rendering the project failed: {message}") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _move_into_place(rendered: Path, dest: Path) -> None:
    if not dest.exists():
        rendered.rename(dest)
        return
    # `flask-pick new .` in an empty folder: the folder stays, its content arrives.
    for entry in sorted(rendered.iterdir()):
        entry.rename(dest / entry.name)
