"""Properties of the engine over random valid needs on the shipped catalog."""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.needs import resolve_needs
from recommender.errors import FlaskPickError, UsageError

VOCABULARY = shipped_vocabulary()
CATALOG = shipped_catalog()
NEEDS = st.fixed_dictionaries(
    {need.key: st.sampled_from(need.value_names) for need in VOCABULARY.needs}
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(NEEDS)
def test_random_needs_give_a_sound_stack(given_needs: dict[str, str]) -> None:
    try:
        needs = resolve_needs(VOCABULARY, given_needs)
    except UsageError:
        assume(False)
        return
    try:
        rec = recommend(CATALOG, VOCABULARY, needs)
    except FlaskPickError as exc:
        # The only acceptable failure: a need no wired library answers yet, said plainly.
        assert "no library can answer" in str(exc)
        return
    libraries = [pick.library for pick in rec.picks]
    ids = [library.id for library in libraries]
    assert not any(library.is_dead for library in libraries)
    flagged = {warning.library for warning in rec.warnings}
    assert all(library.wired or library.id in flagged for library in libraries)
    for library in libraries:
        assert not set(library.conflicts) & set(ids), library.id
    provided = {cap for lib in libraries for cap in (*lib.capabilities, *lib.covers)}
    for library in libraries:
        # Generated code written against a library (its models, its server) gets that library.
        assert set(library.wiring_builds_on) <= set(ids), library.id
    for library in libraries:
        assert set(library.requires) <= provided, library.id
    answers = dict(needs)
    for need in VOCABULARY.needs:
        value = need.value(answers[need.key])
        assert value is not None
        assert set(value.capabilities) <= provided, f"{need.key}={value.name} unanswered"
    owners: dict[str, str] = {}
    for pick in rec.picks:
        for cap in pick.library.capabilities:
            if cap in dict.fromkeys(pick.capabilities):
                assert cap not in owners, f"{cap}: {owners.get(cap)} and {pick.library.id}"
                owners[cap] = pick.library.id
    assert recommend(CATALOG, VOCABULARY, needs) == rec
