"""The upper bound a generated project declares for each library."""

from __future__ import annotations

import pytest

from recommender.core.versions import next_breaking


@pytest.mark.parametrize(
    ("latest", "bound"),
    [
        ("3.1.1", "4"),
        ("27.0.1", "28"),
        ("1.0", "2"),
        ("2", "3"),
        ("0.46.1", "0.47"),
        ("0.9.1", "0.10"),
        ("1.4.0rc1", "2"),
        ("unreleased", None),
    ],
)
def test_the_bound_is_the_next_release_that_may_break(latest: str, bound: str | None) -> None:
    assert next_breaking(latest) == bound
