"""Index of every `flask-*` package on PyPI, for names the curated catalog does not hold.

Regenerate `catalog/pypi-index.tsv` from the repo root (package installed editable, or with
`PYTHONPATH=.`): `python scripts/update_pypi_index.py PYPI.tsv --as-of 2026-11-24`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

INPUT_COLUMNS = ("name", "version", "month", "rank_among_15000_most_downloaded")
INDEX_HEADER = "name\tversion\tmonth\trank"
PREFIX = "flask-"

# A release this many months old or newer counts as active; older, up to the next
# threshold, as maintenance; older still, as abandoned.
ACTIVE_MONTHS = 18
MAINTENANCE_MONTHS = 48

_SEPARATORS = re.compile(r"[-_.]+")
_AS_OF = re.compile(r"^# as_of: (\d{4}-\d{2}-\d{2})\b")

LifeStatus = Literal["active", "maintenance", "abandoned"]


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One PyPI package: name as published, latest version, its month (YYYY-MM), rank."""

    name: str
    version: str
    month: str
    rank: int | None


@dataclass(frozen=True, slots=True)
class DerivedStatus:
    """A status guessed from the latest release month alone, with a one-line reason."""

    status: LifeStatus
    reason: str


@dataclass(frozen=True, slots=True)
class PyPIIndex:
    """The parsed index: the date it was taken and its entries keyed by normalized name."""

    as_of: str
    entries: Mapping[str, IndexEntry]

    def find(self, name: str) -> IndexEntry | None:
        """Returns the entry for a PyPI or import-style name (flask_foo, Flask.Foo), or None."""
        return self.entries.get(normalize(name))

    def suggestions(self, name: str, limit: int = 3) -> list[str]:
        """Returns up to `limit` published names close to `name`, best first."""
        # Compare without the shared prefix: with it, any flask-* query looks close to every entry.
        stems = {key.removeprefix(PREFIX): key for key in self.entries}
        query = normalize(name).removeprefix(PREFIX)
        matches = difflib.get_close_matches(query, stems.keys(), n=limit)
        return [self.entries[stems[stem]].name for stem in matches]


def normalize(name: str) -> str:
    """Returns the PEP 503 normalized form of a package name."""
    return _SEPARATORS.sub("-", name).lower()


def build_index_rows(lines: Iterable[str]) -> list[IndexEntry]:
    """Returns the flask-* packages of a PyPI list (TSV lines, header first), by normalized name."""
    it = iter(lines)
    header = next(it, "").rstrip("\r\n").split("\t")
    if tuple(header[: len(INPUT_COLUMNS)]) != INPUT_COLUMNS:
        raise ValueError(f"unexpected header: {header!r}")
    found: dict[str, IndexEntry] = {}
    for line in it:
        # Cheap prefix test first: the input has ~900k lines and only ~0.3% are flask ones.
        if line[:5].lower() != "flask":
            continue
        name, version, month, rank = line.rstrip("\r\n").split("\t")[:4]
        key = normalize(name)
        if key.startswith(PREFIX):
            # PyPI forbids two names that normalize alike; keep the first if a list has both.
            found.setdefault(key, IndexEntry(name, version, month, int(rank) if rank else None))
    return [found[key] for key in sorted(found)]


def format_index(rows: Iterable[IndexEntry], as_of: str, source: str) -> str:
    """Returns the index file text: the as_of comment line, the header, one line per row."""
    body = [f"{e.name}\t{e.version}\t{e.month}\t{'' if e.rank is None else e.rank}" for e in rows]
    comment = f"# as_of: {as_of}  source: {source}  rows: {len(body)}"
    return "\n".join([comment, INDEX_HEADER, *body]) + "\n"


def write_index(path: Path, rows: Iterable[IndexEntry], as_of: str, source: str) -> None:
    """Writes the index file, replacing it only once the new text is complete."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(format_index(rows, as_of, source), encoding="utf-8")
    tmp.replace(path)


def read_index(path: Path) -> PyPIIndex:
    """Parses an index file written by `write_index`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    match = _AS_OF.match(lines[0]) if lines else None
    if match is None or len(lines) < 2 or lines[1] != INDEX_HEADER:
        raise ValueError(f"{path}: not a PyPI index (missing as_of line or header)")
    entries: dict[str, IndexEntry] = {}
    for number, line in enumerate(lines[2:], start=3):
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(f"{path}:{number}: expected 4 tab-separated fields")
        name, version, month, rank = fields
        entries[normalize(name)] = IndexEntry(name, version, month, int(rank) if rank else None)
    return PyPIIndex(as_of=match.group(1), entries=entries)


def _month_number(month: str) -> int:
    """Returns a YYYY-MM (or YYYY-MM-DD) date as a count of months, for subtraction."""
    year, mon = month[:7].split("-")
    return int(year) * 12 + int(mon)


def derive_status(entry: IndexEntry, as_of_month: str) -> DerivedStatus:
    """Guesses a status from how long before `as_of_month` (YYYY-MM) the last release came."""
    since = entry.month
    age = _month_number(as_of_month) - _month_number(since)
    if age <= ACTIVE_MONTHS:
        return DerivedStatus("active", f"last release {since}")
    if age <= MAINTENANCE_MONTHS:
        return DerivedStatus("maintenance", f"no release since {since}: possibly unmaintained")
    return DerivedStatus("abandoned", f"no release since {since}: likely abandoned")
