"""The engine's time on synthetic catalogs of 1x, 10x and 100x the real one, at the same density.

Each copy k renames every capability to `cap~k`, so entries per capability stay as in the real
catalog while the number of capabilities (and the needs asking for them) grows k-fold. Also
prints the CLI's wall time for `recommend --preset full --format json` against the floor of
bench/startup.py.

Run: python bench/recommend.py
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import floor_command  # noqa: E402
from startup import flask_pick  # noqa: E402
from timing import median_seconds, report  # noqa: E402

from recommender.catalog import shipped_catalog, shipped_vocabulary  # noqa: E402
from recommender.core.engine import recommend  # noqa: E402
from recommender.core.models import Catalog, Library  # noqa: E402
from recommender.core.needs import Need, Vocabulary, resolve_needs  # noqa: E402

SCALES = (1, 10, 100)


def _rename(library: Library, k: int) -> Library:
    def caps(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f"{name}~{k}" for name in names)

    return dataclasses.replace(
        library,
        id=f"{library.id}-{k}" if k else library.id,
        pypi=f"{library.pypi}-{k}" if (k and library.pypi) else library.pypi,
        imports=(),
        aliases=(),
        successor=(f"{library.successor}-{k}" if k and library.successor else library.successor),
        capabilities=caps(library.capabilities),
        covers=caps(library.covers),
        requires=caps(library.requires),
        conflicts=tuple(f"{other}-{k}" if k else other for other in library.conflicts),
        wiring_builds_on=tuple(f"{b}-{k}" if k else b for b in library.wiring_builds_on),
    )


def synthetic(scale: int) -> tuple[Catalog, Vocabulary]:
    """The real catalog copied `scale` times with renamed capabilities, and matching needs."""
    real, vocabulary = shipped_catalog(), shipped_vocabulary()
    builtin_ids = {builtin.id for builtin in real.builtins}
    libraries = []
    for k in range(scale):
        for library in real.libraries:
            renamed = _rename(library, k)
            if library.successor in builtin_ids:
                renamed = dataclasses.replace(renamed, successor=library.successor)
            libraries.append(renamed)
    capabilities = tuple(
        (f"{name}~{k}", text) for k in range(scale) for name, text in real.capabilities
    )
    needs = []
    for need in vocabulary.needs:
        values = tuple(
            dataclasses.replace(
                value,
                capabilities=tuple(f"{c}~{k}" for k in range(scale) for c in value.capabilities),
            )
            for value in need.values
        )
        needs.append(Need(need.key, need.question, values, need.defaults, need.asked_when))
    catalog = Catalog(tuple(libraries), real.builtins, capabilities)
    return catalog, Vocabulary(tuple(needs), vocabulary.presets)


def engine_seconds(scale: int, runs: int = 5) -> float:
    """Median time of one recommend() of the `full` preset at a scale."""
    catalog, vocabulary = synthetic(scale)
    needs = resolve_needs(vocabulary, vocabulary.preset("full"))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        recommend(catalog, vocabulary, needs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    base = engine_seconds(1)
    print(
        f"{'engine, 1x catalog (' + str(len(shipped_catalog().libraries)) + ' entries)':<48} "
        f"{base * 1000:8.1f} ms"
    )
    ok = True
    for scale in SCALES[1:]:
        seconds = engine_seconds(scale, runs=3 if scale < 100 else 1)
        growth = seconds / base
        verdict = "ok" if growth <= scale * 1.5 else "OVER TARGET"
        print(
            f"{f'engine, {scale}x catalog':<48} {seconds * 1000:8.1f} ms  {growth:7.1f}x the 1x "
            f"time  (target <= {scale * 1.5:.0f}x) {verdict}"
        )
        ok &= growth <= scale * 1.5
    floor = median_seconds(floor_command(), runs=10)
    command = [*flask_pick(), "recommend", "--preset", "full", "--format", "json"]
    ok &= report(
        "flask-pick recommend --preset full --format json",
        median_seconds(command, runs=10),
        floor,
        1.5,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
