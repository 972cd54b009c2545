"""The project's git repository, as `new` and `add` use it: commits, checks, the merge window."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from recommender.errors import FlaskPickError

# Each commit on this branch is flask-pick's untouched rendering of one set of answers:
# the base `flask-pick add` merges from, whatever the person did to their own branches.
TEMPLATE_BRANCH = "flask-pick/template"
# Set by git hooks or an outer repository; they would point git at another repository.
_GIT_CONTEXT = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")


@contextlib.contextmanager
def ctrl_c_waits() -> Iterator[None]:
    """Ignore Ctrl-C (here and in the git commands started meanwhile) until the block ends.

    Around writes that must not stop halfway, such as moving a branch and merging it: a
    finished merge, or none, is better than a half-done one and an exit code that lies.
    Children inherit the ignored signal, so a git started inside is not stopped either.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_CONTEXT}
    # Plain, untranslated output: it is parsed and quoted in one-line errors.
    env["LC_ALL"] = "C"
    return env


class Git:
    """git in one repository, with one-line errors."""

    def __init__(self, root: Path) -> None:
        git = shutil.which("git")
        if git is None:
            raise FlaskPickError("git is not installed; install git, then run `flask-pick add`")
        self.exe = git
        self.root = root

    def run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.exe, *args],
            cwd=cwd or self.root,
            env={**_base_env(), **(env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            said = (result.stderr.strip() or result.stdout.strip()).splitlines()
            command = next((arg for arg in args if not arg.startswith("-")), "")
            raise FlaskPickError(f"git {command} failed: {said[-1] if said else 'no output'}")
        return result

    def out(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        return self.run(*args, env=env).stdout.strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0


def template_identity() -> dict[str, str]:
    # As for `new`: the template branch is flask-pick's, unless the environment says otherwise.
    return {
        key: os.environ.get(key, default)
        for key, default in (
            ("GIT_AUTHOR_NAME", "flask-pick"),
            ("GIT_AUTHOR_EMAIL", "flask-pick@localhost"),
            ("GIT_COMMITTER_NAME", "flask-pick"),
            ("GIT_COMMITTER_EMAIL", "flask-pick@localhost"),
        )
    }


def person_identity(git: Git) -> dict[str, str]:
    # The merge is the person's commit: their identity, or flask-pick's when git has none.
    configured = git.ok("config", "user.name") and git.ok("config", "user.email")
    return {} if configured else template_identity()


def check_repository(git: Git, project: Path, dry_run: bool) -> None:
    """Refuse, before anything is written, a project `add` cannot merge into."""
    inside = git.run("rev-parse", "--show-toplevel", check=False)
    if inside.returncode != 0:
        raise FlaskPickError(
            f"{project} is not a git repository, so there is no base to merge from; "
            "flask-pick add needs the repository `flask-pick new` made (do not pass --no-git)"
        )
    if Path(inside.stdout.strip()).resolve() != project.resolve():
        raise FlaskPickError(
            f"{project} is not the top of its git repository ({inside.stdout.strip()} is); "
            "flask-pick add needs the repository `flask-pick new` made in the project's folder"
        )
    if not git.ok("rev-parse", "--verify", "-q", f"refs/heads/{TEMPLATE_BRANCH}"):
        raise FlaskPickError(
            f"this repository has no {TEMPLATE_BRANCH} branch holding flask-pick's own rendering; "
            "if the first commit is flask-pick's untouched output, run "
            f"`git branch {TEMPLATE_BRANCH} $(git rev-list --max-parents=0 HEAD)` and try again"
        )
    if not git.ok("rev-parse", "--verify", "-q", "HEAD"):
        raise FlaskPickError("this repository has no commits yet; commit the project first")
    current = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
    if current == TEMPLATE_BRANCH:
        raise FlaskPickError(
            f"{TEMPLATE_BRANCH} is checked out; it holds flask-pick's renderings only, "
            "switch to your own branch (git switch main) and try again"
        )
    if dry_run:
        return
    if git.ok("rev-parse", "--verify", "-q", "MERGE_HEAD"):
        raise FlaskPickError(
            "a merge is in progress; finish it (git commit) or undo it (git merge --abort) first"
        )
    dirty = git.out("status", "--porcelain", "--untracked-files=normal")
    if dirty:
        count = len(dirty.splitlines())
        raise FlaskPickError(
            f"the work tree has {count} uncommitted change{'s' if count != 1 else ''}; "
            "commit or stash them first (git stash -u), nothing was changed"
        )


def write_tree(git: Git, rendered: Path, scratch: Path, objects: Mapping[str, str]) -> str:
    """Store the rendered folder as a git tree (the project's .gitignore applies) and name it."""
    git_dir = git.out("rev-parse", "--absolute-git-dir")
    env = {"GIT_INDEX_FILE": str(scratch / "index"), **objects}
    where = (f"--git-dir={git_dir}", f"--work-tree={rendered}")
    git.run(*where, "add", "-A", env=env, cwd=rendered)
    return git.run(*where, "write-tree", env=env, cwd=rendered).stdout.strip()
