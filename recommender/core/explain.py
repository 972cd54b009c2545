"""Why a pick won and an alternative lost, as one sentence of the two or three reasons that
decided it (the full score detail stays in `Score.reasons`).

The decisive reasons are the criteria where the winner out-scored the loser, largest gap
first: what both libraries share (both work on Flask 3) decided nothing and is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from recommender.core.models import Alternative, Library
from recommender.core.scoring import Point, Score

DECISIVE = 3


def _name(library: Library) -> str:
    return library.pypi or library.id


def _listed(items: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _rank(library: Library) -> str:
    return f"#{library.popularity}" if library.popularity else "unranked"


def _point(score: Score, criterion: str) -> Point | None:
    return next((point for point in score.points if point.criterion == criterion), None)


def _after(point: Point | None, prefix: str) -> str:
    """The capabilities a point names after its prefix (`brings unasked roles` -> roles)."""
    if point is None or not point.text.startswith(prefix):
        return ""
    return point.text[len(prefix) :]


def _phrase(criterion: str, win: tuple[Library, Score], lose: tuple[Library, Score]) -> str:
    """What the winner has over the loser on one criterion, as a verb phrase."""
    winner, won = win
    loser, lost = lose
    if criterion == "status":
        return f"is {winner.status} (vs {loser.status})"
    if criterion == "flask3":
        return "is confirmed on Flask 3"
    if criterion == "recency" and winner.latest is not None:
        older = loser.latest.month if loser.latest else "no release"
        return f"was released more recently ({winner.latest.month} vs {older})"
    if criterion == "popularity":
        return f"is more downloaded ({_rank(winner)} vs {_rank(loser)})"
    if criterion == "weight":
        theirs = "?" if loser.dependencies is None else str(loser.dependencies)
        return f"has fewer dependencies ({winner.dependencies} vs {theirs})"
    if criterion == "app-class":
        return f"plugs into a plain Flask app ({_name(loser)} replaces it with {loser.app_class})"
    if criterion == "profile":
        profile = _after(_point(won, "profile"), "fits the ").removesuffix(" profile")
        return f"fits the {profile} profile"
    if criterion == "api-first":
        return "is made for JSON APIs"
    if criterion == "answers-more":
        caps = _after(_point(won, "answers-more"), "one library answers ").split(", ")
        return f"answers {_listed(caps)} in one library"
    if criterion == "unused":
        caps = _after(_point(lost, "unused"), "brings unasked ").split(", ")
        return f"brings no unasked {_listed(caps)}"
    if criterion == "pulled":
        caps = _after(_point(lost, "pulled"), "needs ").removesuffix(" too").split(", ")
        return f"does not need {_listed(caps)} too"
    return criterion


def decisive(win: tuple[Library, Score], lose: tuple[Library, Score]) -> tuple[str, ...]:
    """The winner's advantages over the loser, largest first, at most three."""
    mine, theirs = win[1].by_criterion(), lose[1].by_criterion()
    gaps = [
        (mine.get(criterion, 0) - theirs.get(criterion, 0), order, criterion)
        for order, criterion in enumerate(dict.fromkeys((*mine, *theirs)))
    ]
    ahead = sorted((gap for gap in gaps if gap[0] > 0), key=lambda gap: (-gap[0], gap[1]))
    return tuple(_phrase(criterion, win, lose) for _, _, criterion in ahead[:DECISIVE])


def _because(win: tuple[Library, Score], lose: tuple[Library, Score]) -> str:
    if win[1].total == lose[1].total:
        # Equal scores: the engine takes the more downloaded library.
        return f"scores the same and is more downloaded ({_rank(win[0])} vs {_rank(lose[0])})"
    return _listed(decisive(win, lose))


def why_picked(
    capability: str,
    asked_by: str,
    win: tuple[Library, Score],
    rival: tuple[Library, Score] | None,
    rejected: Sequence[Alternative],
) -> str:
    """One sentence: what asked for the pick, and what made it beat the runner-up."""
    head = f"For {asked_by}"
    if rival is not None:
        if win[0].wired and not rival[0].wired:
            return f"{head}; chosen over {_name(rival[0])}, which generated projects do not wire."
        return f"{head}; chosen over {_name(rival[0])}: it {_because(win, rival)}."
    if not rejected:
        return f"{head}; the only library in the catalog for {capability}."
    if len(rejected) == 1:
        return f"{head}; the only usable one ({rejected[0].id}: {brief(rejected[0].why_not)})."
    return f"{head}; the only usable one of {len(rejected) + 1} for {capability}."


def why_lost(lose: tuple[Library, Score], win: tuple[Library, Score]) -> str:
    """One sentence: the scores and what the winner had over this alternative."""
    winner = _name(win[0])
    if win[0].wired and not lose[0].wired:
        return f"not wired into generated projects; {winner} is"
    head = f"scored {lose[1].total} to {winner}'s {win[1].total}"
    return f"{head}: {winner} {_because(win, lose)}"


def brief(why_not: str) -> str:
    """A rejection in a few words: the catalog's long not-wired explanation stays in detail."""
    if why_not.startswith("not wired into generated projects"):
        return "not wired into generated projects"
    return why_not
