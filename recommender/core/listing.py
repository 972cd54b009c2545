"""Filtering the catalog for `flask-pick catalog`."""

from __future__ import annotations

from dataclasses import dataclass

from recommender.core.models import Catalog, Library
from recommender.core.names import fold


@dataclass(frozen=True, slots=True)
class LibraryFilter:
    """What a person narrowed the list to; empty fields match everything."""

    capability: str | None = None
    kind: str | None = None
    status: str | None = None
    name: str | None = None


def filter_libraries(catalog: Catalog, wanted: LibraryFilter) -> tuple[Library, ...]:
    """The libraries matching every given criterion, sorted by id."""
    needle = fold(wanted.name) if wanted.name else None

    def matches(library: Library) -> bool:
        if wanted.capability and wanted.capability not in library.capabilities:
            return False
        if wanted.kind and library.kind != wanted.kind:
            return False
        if wanted.status and library.status != wanted.status:
            return False
        if needle is None:
            return True
        names = (library.id, library.pypi or "", *library.imports, *library.aliases)
        return any(needle in fold(name) for name in names)

    return tuple(sorted((lib for lib in catalog.libraries if matches(lib)), key=lambda x: x.id))
