"""Where a forced library can start from: the first base that generates it."""

from __future__ import annotations

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.forcing import with_forced_needs
from recommender.core.needs import resolve_needs
from recommender.errors import FlaskPickError

CATALOG = shipped_catalog()
VOCABULARY = shipped_vocabulary()
# Smallest first: an API, pages on SQLite with nothing else chosen, then the richer presets.
BASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("minimal", ("--preset", "minimal")),
    ("pages", ("--need", "kind=web", "--need", "database=sqlite")),
    ("webapp", ("--preset", "webapp")),
    ("full", ("--preset", "full")),
)


def base_needs(args: tuple[str, ...]) -> dict[str, str]:
    """The needs a base's command-line arguments give."""
    if args[0] == "--preset":
        return VOCABULARY.preset(args[1])
    return dict(arg.split("=", 1) for arg in args[1::2])


def forced_base(name: str) -> tuple[str, ...] | None:
    """The arguments of the first base that `new ... --with NAME` generates, or None."""
    for _, args in BASES:
        given = base_needs(args)
        kept = given if args[0] == "--need" else {}  # flags are the person's own answers
        try:
            given = with_forced_needs(CATALOG, VOCABULARY, given, [name], kept)
            needs = resolve_needs(VOCABULARY, given)
            recommend(CATALOG, VOCABULARY, needs, [name], wired_only=True)
        except FlaskPickError:
            continue
        return args
    return None
