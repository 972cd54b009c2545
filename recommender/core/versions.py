"""Version arithmetic for the ranges a generated project declares (pure: strings in and out)."""

from __future__ import annotations

import re

_RELEASE = re.compile(r"(\d+)(?:\.(\d+))?")


def next_breaking(version: str) -> str | None:
    """The first release that may break code written for `version`, as an upper bound.

    Semantic versioning's caret range: the next major (1.4.2 gives 2), or for a 0.x release,
    whose minor releases may break, the next minor (0.46.1 gives 0.47). None when `version`
    does not start with a number.
    """
    match = _RELEASE.match(version.strip())
    if match is None:
        return None
    major, minor = int(match.group(1)), int(match.group(2) or 0)
    return f"0.{minor + 1}" if major == 0 else str(major + 1)
