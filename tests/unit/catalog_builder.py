"""Tiny catalogs built in code, for tests that must not depend on the shipped data."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from recommender.core.models import Builtin, Catalog, Library, Release

CATALOG = Path(__file__).resolve().parents[2] / "catalog"


def library(library_id: str, **fields: Any) -> Library:
    """A live, wired flask-extension entry with the given fields overridden."""
    values: dict[str, Any] = {
        "id": library_id,
        "pypi": library_id,
        "summary": f"{library_id} for tests",
        "imports": (library_id.replace("-", "_"),),
        "aliases": (),
        "kind": "flask-extension",
        "status": "active",
        "successor": None,
        "reason": None,
        "flask3": "yes",
        "flask3_note": None,
        "works_from": "1.0",
        "latest": Release("1.0", "2026-01"),
        "popularity": None,
        "as_of": "2026-11",
        "sources": ("https://example.org",),
        "capabilities": (),
        "wired": True,
    }
    values.update(fields)
    return Library(**values)


def builtin(builtin_id: str, *capabilities: str) -> Builtin:
    """A built-in answering the given capabilities."""
    return Builtin(builtin_id, builtin_id, "Flask", "", tuple(capabilities), "how", "https://x")


def make_catalog(*libraries: Library, builtins: tuple[Builtin, ...] = ()) -> Catalog:
    """A catalog of exactly these entries, every capability they name declared."""
    names = set()
    for lib in libraries:
        names.update(lib.capabilities, lib.covers, lib.requires)
    for item in builtins:
        names.update(item.capabilities)
    return Catalog(tuple(libraries), builtins, tuple((name, name) for name in sorted(names)))


def copy_catalog(tmp_path: Path) -> Path:
    """A writable copy of the shipped catalog."""
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target)
    return target


def edit_entry(catalog_dir: Path, library_id: str, **changes: Any) -> Path:
    """Change fields of one entry file in a catalog copy; a value of ... deletes the field."""
    path = catalog_dir / "extensions" / f"{library_id}.yaml"
    data = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
