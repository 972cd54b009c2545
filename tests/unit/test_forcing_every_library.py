"""Every wired library can be forced with --with from some small base, and then it is picked."""

from __future__ import annotations

import pytest

from recommender.core.engine import recommend
from recommender.core.forcing import with_forced_needs
from recommender.core.needs import resolve_needs

from .forcing_bases import CATALOG, VOCABULARY, base_needs, forced_base

WIRED = sorted(library.id for library in CATALOG.libraries if library.wired)


@pytest.mark.parametrize("library_id", WIRED)
def test_every_wired_library_can_be_forced_from_a_small_base(library_id: str) -> None:
    args = forced_base(library_id)
    assert args is not None
    given = base_needs(args)
    kept = given if args[0] == "--need" else {}
    needs = resolve_needs(
        VOCABULARY, with_forced_needs(CATALOG, VOCABULARY, given, [library_id], kept)
    )
    assert library_id in recommend(CATALOG, VOCABULARY, needs, [library_id], wired_only=True).ids
