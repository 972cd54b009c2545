"""Side-by-side views: libraries against each other, and whole stacks against each other."""

from __future__ import annotations

from dataclasses import dataclass

from recommender.core.models import Library, Recommendation


@dataclass(frozen=True, slots=True)
class StackColumn:
    """One stack's summary: its label, its picks by capability, its weight and services."""

    label: str
    needs: tuple[tuple[str, str], ...]
    by_capability: tuple[tuple[str, str], ...]
    libraries: tuple[str, ...]
    dependencies: int
    services: tuple[str, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CapabilityRow:
    """Which library each stack uses for one capability, and whether they differ."""

    capability: str
    picks: tuple[str, ...]
    differs: bool


@dataclass(frozen=True, slots=True)
class StackComparison:
    """Several stacks side by side."""

    columns: tuple[StackColumn, ...]
    rows: tuple[CapabilityRow, ...]


def _column(label: str, rec: Recommendation) -> StackColumn:
    by_capability: dict[str, str] = {}
    for pick in rec.picks:
        for cap in (*pick.library.capabilities, *pick.library.covers):
            if cap in pick.capabilities or cap in pick.library.capabilities:
                by_capability.setdefault(cap, pick.library.id)
    for use in rec.builtins:
        for cap in use.builtin.capabilities:
            by_capability.setdefault(cap, f"built-in: {use.builtin.id}")
    return StackColumn(
        label=label,
        needs=rec.needs,
        by_capability=tuple(sorted(by_capability.items())),
        libraries=rec.ids,
        dependencies=sum(pick.library.dependencies or 0 for pick in rec.picks),
        services=rec.services,
        warnings=tuple(warning.message for warning in rec.warnings),
    )


def compare_stacks(stacks: list[tuple[str, Recommendation]]) -> StackComparison:
    """Line stacks up capability by capability; `-` where a stack has nothing for one."""
    columns = tuple(_column(label, rec) for label, rec in stacks)
    capabilities = sorted({cap for column in columns for cap, _ in column.by_capability})
    rows = []
    for cap in capabilities:
        picks = tuple(dict(column.by_capability).get(cap, "-") for column in columns)
        rows.append(CapabilityRow(cap, picks, len(set(picks)) > 1))
    return StackComparison(columns, tuple(rows))


def library_facts(library: Library) -> tuple[tuple[str, str], ...]:
    """The facts a person compares libraries on, as (label, value) pairs in a fixed order."""
    latest = f"{library.latest.version} ({library.latest.month})" if library.latest else "-"
    popularity = f"#{library.popularity}" if library.popularity else "not ranked"
    deps = "-" if library.dependencies is None else str(library.dependencies)
    return (
        ("kind", library.kind),
        ("status", library.status),
        ("Flask 3", library.flask3),
        ("latest", latest),
        ("popularity", popularity),
        ("dependencies", deps),
        ("app built on", library.app_class or "flask.Flask"),
        ("capabilities", ", ".join(library.capabilities) or "-"),
        ("covers", ", ".join(library.covers) or "-"),
        ("services", ", ".join(library.services) or "-"),
        ("successor", library.successor or "-"),
        ("pros", "; ".join(library.pros) or "-"),
        ("cons", "; ".join(library.cons) or "-"),
    )
