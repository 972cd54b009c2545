"""The generated project as the web builder serves it: a preview of its files, or a zip.

Both are the render `flask-pick new` makes (recommender.render). Each request renders into a
scratch folder of its own, which is always removed; nothing from a request names a path on
disk except the project name, which `plan_project` has checked first.
"""

from __future__ import annotations

import io
import secrets
import shutil
import signal
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from recommender.core.models import Recommendation
from recommender.errors import UsageError
from recommender.render import (
    Project,
    check_project_name,
    copier_data,
    plan_project,
    render_answers,
    render_project,
)

# Enough for a few people exploring different stacks at once; each entry is ~300 KB.
PREVIEW_CACHE_SIZE = 16
# A file the preview shows whole; anything larger is summarised by its size.
PREVIEW_MAX_BYTES = 200_000
# Copier may switch the process's working folder while it renders (plumbum's `local.cwd`),
# which threads share: one render at a time per process. Gunicorn's workers still render
# side by side, each in its own process.
_RENDER_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class ProjectFile:
    """One file of a rendered project: its path inside the project and its text."""

    path: str
    text: str | None
    """None for a binary or very large file."""
    size: int


@contextmanager
def _scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="flask-pick-web-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _project(scratch: Path, name: str, rec: Recommendation) -> Project:
    # The name is checked before it meets a path: letters, digits, '.', '_' and '-' starting
    # with a letter or digit, so no separator, `..` or absolute path gets through.
    project = plan_project(scratch / check_project_name(name), None, rec)
    if project.dest.parent != scratch:
        raise UsageError(f"the name {name!r} must be a single folder name")
    return project


def _read_files(root: Path) -> tuple[ProjectFile, ...]:
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".git" in path.relative_to(root).parts:
            continue
        data = path.read_bytes()
        text: str | None = None
        if len(data) <= PREVIEW_MAX_BYTES:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        files.append(ProjectFile(path.relative_to(root).as_posix(), text, len(data)))
    return tuple(files)


class PreviewCache:
    """Rendered projects by stack, most recently used kept: exploring re-renders nothing."""

    def __init__(self, size: int = PREVIEW_CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[object, ...], tuple[ProjectFile, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def files(self, name: str, rec: Recommendation) -> tuple[ProjectFile, ...]:
        """The files `flask-pick new NAME` would write for this stack (without .git)."""
        key = (name, rec.needs, rec.ids)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        with _scratch() as scratch:
            project = _project(scratch, name, rec)
            # Only the download carries a real secret: the preview's is thrown away.
            with _RENDER_LOCK:
                render_answers(copier_data(project, rec, secrets.token_hex(32)), project.dest)
            files = _read_files(project.dest)
        with self._lock:
            self._entries[key] = files
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return files


def zip_project(name: str, rec: Recommendation, *, git: bool) -> bytes:
    """The project `flask-pick new NAME` makes for this stack, as a zip of folder NAME/."""
    with _scratch() as scratch:
        project = _project(scratch, name, rec)
        with _RENDER_LOCK, _sigint_kept():
            render_project(project, rec, git=git)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(project.dest.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    archive.write(path, f"{name}/{path.relative_to(project.dest).as_posix()}")
        return buffer.getvalue()


@contextmanager
def _sigint_kept() -> Iterator[None]:
    """Restore Ctrl-C afterwards: render_project ignores it once the project is whole, which
    only suits a one-shot command (it matters when a request runs on the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)
