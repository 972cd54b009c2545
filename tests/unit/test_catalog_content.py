"""The shipped catalog: every seed name found, facts agree with the PyPI index, fragments match."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import shipped_catalog, shipped_pypi_index
from recommender.core.names import NameIndex, fold

REPO = Path(__file__).resolve().parents[2]
SEED_NAMES = [
    line.strip()
    for line in (REPO / "tests" / "data" / "seed_names.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]
FRAGMENTS = REPO / "templates" / "flask-app" / "includes" / "ext"


def spellings(name: str) -> list[str]:
    """As written, lower case with '-', upper case with '_'."""
    return [name, fold(name), fold(name).upper().replace("-", "_")]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_seed_name_is_found_in_three_spellings(name: str) -> None:
    index = NameIndex.build(shipped_catalog())
    found = {spelling: index.find(spelling) for spelling in spellings(name)}
    assert all(found.values()), f"not found: {[s for s, m in found.items() if m is None]}"
    assert len({match.library.id for match in found.values() if match}) == 1


def test_names_shared_by_several_packages_show_the_meant_one_first() -> None:
    index = NameIndex.build(shipped_catalog())
    jwt = index.find("jwt")
    assert jwt is not None
    assert jwt.library.id == "pyjwt"
    assert "jwt" in {other.id for other in jwt.also}
    uploads = index.find("flask_uploads")
    assert uploads is not None
    assert uploads.library.id == "flask-uploads"
    assert "flask-reuploaded" in {other.id for other in uploads.also}


def test_every_dead_entry_names_a_live_successor() -> None:
    catalog = shipped_catalog()
    builtin_ids = {builtin.id for builtin in catalog.builtins}
    for library in catalog.libraries:
        if not library.is_dead:
            continue
        assert library.successor, library.id
        if library.successor in builtin_ids:
            continue
        successor = catalog.library(library.successor)
        assert successor is not None, f"{library.id} -> {library.successor}"
        assert not successor.is_dead, f"{library.id} -> {library.successor}"


def test_curated_facts_agree_with_the_pypi_index() -> None:
    index = shipped_pypi_index()
    checked = 0
    for library in shipped_catalog().libraries:
        entry = index.find(library.id) if library.id.startswith("flask-") else None
        if entry is None or library.latest is None:
            continue
        checked += 1
        assert (entry.version, entry.month) == (library.latest.version, library.latest.month), (
            library.id
        )
        assert entry.rank == library.popularity, library.id
    assert checked > 40


def test_no_release_is_newer_than_the_date_its_facts_were_taken() -> None:
    for library in shipped_catalog().libraries:
        if library.latest is not None:
            assert library.latest.month <= library.as_of, library.id


def test_wired_entries_and_fragment_folders_match() -> None:
    wired = {library.id for library in shipped_catalog().libraries if library.wired}
    folders = {path.name for path in FRAGMENTS.iterdir() if path.is_dir()}
    assert wired == folders
    for folder in folders:
        # How the slow tier proves the library alone (tests/generated/test_projects.py).
        assert (FRAGMENTS / folder / "solo.yml").is_file(), folder


# Live entries that answer a need and have no fragment yet. `recommend` may name them (with a
# warning); `new` never picks them. Keep this short: each one is a gap in what `new` generates.
NOT_WIRED_YET: set[str] = set()


def test_live_entries_answering_a_need_are_wired_or_say_why_not() -> None:
    unexplained = {
        library.id
        for library in shipped_catalog().libraries
        if library.capabilities
        and not library.is_dead
        and not library.wired
        and not library.not_wired_reason
    }
    assert unexplained == NOT_WIRED_YET
