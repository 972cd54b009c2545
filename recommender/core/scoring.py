"""How a candidate library is scored for a capability, with every point explained."""

from __future__ import annotations

from collections.abc import Collection, Container
from dataclasses import dataclass

from recommender.core.models import Library

# Points per criterion. They are deliberately few and coarse, so a person can follow the sum.
STATUS_POINTS = {"active": 3, "maintenance": 1}
FLASK3_POINTS = {"yes": 2, "unknown": 0}
RECENT_MONTHS, OLDER_MONTHS = 12, 24
POPULAR_RANKS = ((1000, 3), (3000, 2), (8000, 1))
LIGHT_DEPENDENCIES, HEAVY_DEPENDENCIES = 2, 8
PROFILE_FIT = 3
EXTRA_ANSWER = 3
UNUSED_FEATURE = -1
PULLED_IN_REQUIREMENT = -1
# Building the app on a framework's own class instead of Flask's is harder to undo than an
# extension that plugs into any Flask app with init_app.
OWN_APP_CLASS = -1
# The balanced profile promises "the well-trodden choice": downloads count twice there.
WELL_TRODDEN_PROFILE = "balanced"


@dataclass(frozen=True, slots=True)
class Point:
    """What one criterion gave a candidate: `criterion` names it so candidates compare."""

    criterion: str
    value: int
    text: str


@dataclass(frozen=True, slots=True)
class Score:
    """A candidate's total and the points behind it, best points first."""

    total: int
    points: tuple[Point, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every point as `text (+n)`, the score detail `--explain` and JSON show."""
        return tuple(f"{point.text} ({point.value:+d})" for point in self.points)

    def by_criterion(self) -> dict[str, int]:
        """Points per criterion; being well-trodden is counted with popularity."""
        totals: dict[str, int] = {}
        for point in self.points:
            key = "popularity" if point.criterion == "well-trodden" else point.criterion
            totals[key] = totals.get(key, 0) + point.value
        return totals


def months_between(earlier: str, later: str) -> int:
    """Whole months from one YYYY-MM to another."""
    (y1, m1), (y2, m2) = (map(int, earlier.split("-")[:2]), map(int, later.split("-")[:2]))
    return (y2 - y1) * 12 + (m2 - m1)


def score(
    library: Library,
    *,
    unanswered: Container[str],
    known: Collection[str],
    profile: str,
    api_first: bool,
) -> Score:
    """Score a live candidate: `unanswered` are open wanted capabilities, `known` all wanted."""
    points: list[Point] = [
        Point("status", STATUS_POINTS.get(library.status, 0), f"{library.status}"),
        Point(
            "flask3",
            FLASK3_POINTS.get(library.flask3, 0),
            "works on Flask 3" if library.flask3 == "yes" else "Flask 3 support unconfirmed",
        ),
    ]
    if library.latest is not None:
        age = months_between(library.latest.month, library.as_of)
        recency = 2 if age <= RECENT_MONTHS else 1 if age <= OLDER_MONTHS else 0
        latest = library.latest
        points.append(Point("recency", recency, f"last release {latest.version} in {latest.month}"))
    rank = library.popularity
    popularity = next((p for limit, p in POPULAR_RANKS if rank is not None and rank <= limit), 0)
    points.append(
        Point(
            "popularity",
            popularity,
            f"download rank #{rank}" if rank else "not in the top downloads",
        )
    )
    if profile == WELL_TRODDEN_PROFILE and popularity:
        points.append(
            Point("well-trodden", popularity, f"well-trodden, fits the {profile} profile")
        )
    deps = library.dependencies
    if deps is not None:
        weight = 1 if deps <= LIGHT_DEPENDENCIES else -1 if deps >= HEAVY_DEPENDENCIES else 0
        plural = "y" if deps == 1 else "ies"
        points.append(Point("weight", weight, f"{deps} runtime dependenc{plural}"))
    if library.app_class is not None:
        points.append(
            Point("app-class", OWN_APP_CLASS, f"the app is built on {library.app_class}, not Flask")
        )
    if profile in library.traits:
        points.append(Point("profile", PROFILE_FIT, f"fits the {profile} profile"))
    if api_first and "api-first" in library.traits:
        points.append(Point("api-first", 1, "made for JSON APIs"))
    offered = tuple(dict.fromkeys((*library.capabilities, *library.covers)))
    answers = [cap for cap in offered if cap in unanswered]
    if len(answers) > 1:
        extra = EXTRA_ANSWER * (len(answers) - 1)
        points.append(Point("answers-more", extra, f"one library answers {', '.join(answers)}"))
    unused = [cap for cap in offered if cap not in known]
    if unused:
        points.append(
            Point("unused", UNUSED_FEATURE * len(unused), f"brings unasked {', '.join(unused)}")
        )
    pulled = [cap for cap in library.requires if cap not in known]
    if pulled:
        points.append(
            Point(
                "pulled",
                PULLED_IN_REQUIREMENT * len(pulled),
                f"needs {', '.join(pulled)} too",
            )
        )
    total = sum(point.value for point in points)
    ordered = sorted(points, key=lambda point: -point.value)
    return Score(total, tuple(ordered))
