"""Finding a library by any name people type: PyPI or import name, alias, any case or separator."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from recommender.core.models import Catalog, Library
from recommender.errors import UnknownLibraryError

_SEPARATORS = re.compile(r"[-_.\s]+")
# `from flask.ext.sqlalchemy import ...` was Flask's old redirect to flask_sqlalchemy.
_FLASK_EXT = re.compile(r"^flask[-_.\s]+ext[-_.\s]+")

# How strongly a name points at a library: an explicit alias says "people typing this mean
# this one", so it outranks another package's PyPI name (PyJWT owns `jwt`, not the `jwt` package).
_ALIAS, _NAME, _IMPORT = 0, 1, 2


def fold(name: str) -> str:
    """The PEP 503 form of a name, with `flask.ext.x` read as `flask-x`."""
    lowered = name.strip().lower()
    lowered = _FLASK_EXT.sub("flask-", lowered)
    return _SEPARATORS.sub("-", lowered).strip("-")


def close_to(word: str, choices: Iterable[str], limit: int = 3) -> tuple[str, ...]:
    """The choices closest to a mistyped word (`datbase` -> database), best first."""
    folded = {fold(choice): choice for choice in choices}
    near = difflib.get_close_matches(fold(word), folded, n=limit, cutoff=0.6)
    return tuple(folded[name] for name in near)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean X or Y? ` for a mistyped word, or an empty string when nothing is close."""
    near = close_to(word, choices)
    return f"did you mean {' or '.join(near)}? " if near else ""


@dataclass(frozen=True, slots=True)
class Match:
    """The library people most likely mean by a name, and the others that answer to it."""

    library: Library
    also: tuple[Library, ...]


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Every folded name mapped to the libraries it may mean, best first."""

    by_name: dict[str, tuple[Library, ...]]

    @classmethod
    def build(cls, catalog: Catalog) -> NameIndex:
        """Index every id, PyPI name, import name and alias of the catalog."""
        ranked: dict[str, dict[str, tuple[int, int, str]]] = {}
        for library in catalog.libraries:
            names = [(library.id, _NAME)]
            if library.pypi:
                names.append((library.pypi, _NAME))
            names += [(name, _IMPORT) for name in library.imports]
            names += [(name, _ALIAS) for name in library.aliases]
            for name, strength in names:
                slot = ranked.setdefault(fold(name), {})
                # Ties between equally strong names go to the more downloaded library.
                key = (strength, library.popularity or 10**9, library.id)
                if library.id not in slot or key < slot[library.id]:
                    slot[library.id] = key
        by_id = {library.id: library for library in catalog.libraries}
        return cls(
            {
                name: tuple(by_id[lib_id] for lib_id in sorted(slot, key=slot.__getitem__))
                for name, slot in ranked.items()
            }
        )

    def find(self, name: str) -> Match | None:
        """The library a name means, or None when the catalog does not know it."""
        found = self.by_name.get(fold(name))
        if not found:
            return None
        return Match(found[0], found[1:])

    def require(self, name: str) -> Library:
        """The library a name means; an unknown name raises with "did you mean ...?"."""
        match = self.find(name)
        if match is None:
            near = self.suggest(name)
            hint = f"; did you mean {' or '.join(near)}?" if near else ""
            raise UnknownLibraryError(f"no library named {name!r} in the catalog{hint}")
        return match.library

    def suggest(self, name: str, limit: int = 3) -> tuple[str, ...]:
        """Known names close to an unknown one, for "did you mean ...?"."""
        return tuple(difflib.get_close_matches(fold(name), self.by_name, n=limit, cutoff=0.6))
