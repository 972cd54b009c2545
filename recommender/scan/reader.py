"""What one scan of a project collects, shared by the readers of its files."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement

from recommender.core.audit import AttributeUse, Declaration, ImportUse


@dataclass(frozen=True)
class Wanted:
    """The names in code the rules ask about: only these uses are collected."""

    attributes: frozenset[str] = frozenset()
    # call name -> the keyword arguments of it that were removed
    keywords: dict[str, frozenset[str]] = field(default_factory=dict)
    config_keys: frozenset[str] = frozenset()
    # Modules whose removed names may be reached as attributes (`flask._app_ctx_stack`).
    modules: frozenset[str] = frozenset()


@dataclass
class Reader:
    """Collects what the files of one project declare and import."""

    root: Path
    wanted: Wanted = field(default_factory=Wanted)
    dependency_files: list[str] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    imports: list[ImportUse] = field(default_factory=list)
    attributes: list[AttributeUse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    python_files: int = 0
    read: set[Path] = field(default_factory=set)

    def rel(self, path: Path) -> str:
        try:
            return PurePosixPath(path.resolve().relative_to(self.root)).as_posix()
        except ValueError:
            return str(path)

    def declare(
        self,
        path: Path,
        line: int,
        text: str,
        spec_text: str | None = None,
        *,
        locked: bool = False,
    ) -> None:
        """Record one requirement; `spec_text` replaces its version part (Poetry, Pipfile)."""
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            self.notes.append(
                f"{self.rel(path)}:{line}: skipped {text!r}: {str(exc).splitlines()[0]}"
            )
            return
        specifier = str(requirement.specifier) if spec_text is None else spec_text
        shown = text if spec_text is None else f"{requirement.name}{spec_text}"
        self.declarations.append(
            Declaration(requirement.name, specifier, self.rel(path), line, shown.strip(), locked)
        )


def read_source(path: Path) -> str:
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding, errors="replace")
