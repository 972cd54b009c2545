"""All output styling: rich tables for people, JSON for programs, Markdown for docs."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from recommender.core.compare import StackComparison, library_facts
from recommender.core.models import Builtin, Library, Recommendation
from recommender.pypi_index import DerivedStatus, IndexEntry, normalize

if TYPE_CHECKING:
    from recommender.core.audit import Audit, Finding, Location, Severity
    from recommender.evolve import Outcome
    from recommender.fix import FixReport

Format = Literal["table", "json", "markdown"]
FORMATS: tuple[Format, ...] = ("table", "json", "markdown")

_STATUS_STYLE = {
    "active": "green",
    "maintenance": "yellow",
    "deprecated": "red",
    "abandoned": "red",
}


def stdout() -> Console:
    """A console on standard output (plain when it is not a terminal)."""
    return Console(highlight=False, soft_wrap=False)


def print_table(out: Console, table: Table) -> None:
    """Print a table; piped (80 columns), it widens rather than break a word in two.

    A terminal keeps rich's own fitting: lines wider than it would wrap and read worse than
    a split word. A pipe or a file has no width to respect, so every word stays whole
    (`check_needs_rehash`, a URL): each column gets at least its longest word.
    """
    if not out.is_terminal:
        width = _fit_columns(out, table)
        if width > out.width:
            out = Console(file=out.file, highlight=False, soft_wrap=False, width=width)
    out.print(table)


def _fit_columns(out: Console, table: Table) -> int:
    """Fix each column's width: its longest word at least, its longest line at most, sharing
    what the console's width leaves in proportion to what each would still like. Returns
    the width the table needs."""
    from rich.measure import Measurement

    unlimited = out.options.update_width(10_000)
    spans = []
    for column in table.columns:
        sizes = [Measurement.get(out, unlimited, cell) for cell in (column.header, *column.cells)]
        widest = max(size.maximum for size in sizes)
        spans.append((widest if column.no_wrap else max(s.minimum for s in sizes), widest))
    overhead = Measurement.get(out, unlimited, table).maximum - sum(hi for _, hi in spans)
    least = overhead + sum(lo for lo, _ in spans)
    # Past the usual width anyway (a long word): a third more, so the other columns breathe.
    target = out.width if least <= out.width else least + out.width // 3
    spare = max(target - least, 0)
    wanted = sum(hi - lo for lo, hi in spans)
    widths = [lo for lo, _ in spans]
    if wanted:
        shares = [min(hi - lo, spare * (hi - lo) // wanted) for lo, hi in spans]
        widths = [lo + share for lo, share in zip(widths, shares, strict=True)]
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width
    return overhead + sum(widths)


def error(message: str) -> None:
    """Write a one-line error to standard error."""
    sys.stderr.write(f"error: {message}\n")


def print_json(data: object) -> None:
    """Print exactly one JSON document."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def library_record(library: Library, also: Sequence[Library] = ()) -> dict[str, Any]:
    """A library as plain JSON-ready data."""
    record = asdict(library)
    record.pop("source_file")
    record["source"] = "catalog"
    record["also"] = [other.id for other in also]
    for key, value in record.items():
        if isinstance(value, tuple):
            record[key] = list(value)
    return record


def index_record(entry: IndexEntry, derived: DerivedStatus, as_of: str) -> dict[str, Any]:
    """A PyPI index row, with the status derived from its release date."""
    return {
        "source": "pypi-index",
        "id": normalize(entry.name),
        "pypi": entry.name,
        "latest": {"version": entry.version, "month": entry.month},
        "popularity": entry.rank,
        "status": derived.status,
        "reason": derived.reason,
        "as_of": as_of,
        "also": [],
    }


def _latest(library: Library) -> str:
    if library.latest is None:
        return "-"
    return f"{library.latest.version} ({library.latest.month})"


def _status(library: Library) -> str:
    style = _STATUS_STYLE[library.status]
    label = library.kind if library.kind in ("stdlib", "django-only", "not-on-pypi") else ""
    text = f"[{style}]{library.status}[/]"
    return f"{text} [red]{label}[/]" if label else text


def print_library_list(libraries: Sequence[Library], fmt: Format) -> None:
    """Print the catalog listing."""
    if fmt == "json":
        print_json([library_record(library) for library in libraries])
        return
    headers = ("id", "status", "flask 3", "latest", "capabilities")
    rows = [
        (
            lib.id,
            lib.status if fmt == "markdown" else _status(lib),
            lib.flask3,
            _latest(lib),
            ", ".join(lib.capabilities) or "-",
        )
        for lib in libraries
    ]
    if fmt == "markdown":
        print_markdown_table(headers, rows)
        return
    table = Table(title=f"{len(rows)} libraries", title_justify="left")
    # Ids whole on one line, whatever the width (80 columns when piped); the rest wraps.
    table.add_column(headers[0], no_wrap=True)
    for header in headers[1:]:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    print_table(stdout(), table)


def _library_facts(library: Library, built_in: str | None = None) -> list[tuple[str, str]]:
    facts = [
        ("PyPI", library.pypi or "-"),
        ("what for", library.summary),
        ("kind", library.kind),
        ("status", library.status),
        ("Flask 3", library.flask3 + (f" ({library.flask3_note})" if library.flask3_note else "")),
        ("works from", library.works_from or "-"),
        ("latest", _latest(library)),
        ("popularity", f"#{library.popularity}" if library.popularity else "not ranked"),
        ("imports", ", ".join(library.imports) or "-"),
        ("capabilities", ", ".join(library.capabilities) or "-"),
    ]
    optional = [
        ("covers", ", ".join(library.covers)),
        ("requires", ", ".join(library.requires)),
        ("conflicts", ", ".join(library.conflicts)),
        ("services", ", ".join(library.services)),
        ("successor", f"{library.successor} ({built_in})" if built_in else library.successor or ""),
        ("why", library.reason or ""),
        ("migration", library.migration or ""),
        ("not wired", library.not_wired_reason or ""),
        ("pros", "; ".join(library.pros)),
        ("cons", "; ".join(library.cons)),
    ]
    facts += [(key, value) for key, value in optional if value]
    facts.append(("facts as of", f"{library.as_of}: " + ", ".join(library.sources)))
    return facts


def print_library(
    library: Library, also: Sequence[Library], fmt: Format, built_in: str | None = None
) -> None:
    """Print everything known about one library; `built_in` names a built-in successor."""
    if fmt == "json":
        print_json(library_record(library, also))
        return
    facts = _library_facts(library, built_in)
    if also:
        facts.append(("also named so", ", ".join(f"{o.id} ({o.status})" for o in also)))
    _print_facts(library.pypi or library.id, facts, fmt)


def builtin_record(builtin: Builtin, as_of: str) -> dict[str, Any]:
    """Something Flask or Python already does, in the shape of a catalog record."""
    return {
        "source": "builtin",
        "id": builtin.id,
        "pypi": None,
        "name": builtin.name,
        "summary": builtin.summary,
        "provided_by": builtin.provided_by,
        "how": builtin.how,
        "docs": builtin.docs,
        "capabilities": list(builtin.capabilities),
        "latest": None,
        "popularity": None,
        "status": "built-in",
        "as_of": as_of,
        "also": [],
    }


def print_builtin(builtin: Builtin, as_of: str, fmt: Format) -> None:
    """Print what Flask, Werkzeug, Jinja or Python already does instead of a library."""
    if fmt == "json":
        print_json(builtin_record(builtin, as_of))
        return
    facts = [
        ("what for", builtin.summary),
        ("built into", f"{builtin.provided_by}: nothing to install"),
        ("how", builtin.how),
        ("capabilities", ", ".join(builtin.capabilities) or "-"),
        ("docs", builtin.docs),
    ]
    _print_facts(builtin.name, facts, fmt)


def print_index_entry(record: dict[str, Any], fmt: Format) -> None:
    """Print what the PyPI index says about a library the catalog does not curate."""
    if fmt == "json":
        print_json(record)
        return
    latest = record["latest"]
    facts = [
        ("PyPI", record["pypi"]),
        ("curated", "no: facts from the PyPI index"),
        ("status", f"{record['status']} (derived: {record['reason']})"),
        ("latest", f"{latest['version']} ({latest['month']})"),
        ("popularity", f"#{record['popularity']}" if record["popularity"] else "not ranked"),
        ("facts as of", record["as_of"]),
    ]
    _print_facts(record["pypi"], facts, fmt)


def _print_facts(title: str, facts: Sequence[tuple[str, str]], fmt: Format) -> None:
    """One library's facts: a two-column table, or a Markdown heading and table."""
    if fmt == "markdown":
        print(f"## {title}\n")
        print_markdown_table(("fact", "value"), facts)
        return
    table = Table(show_header=False, title=title, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in facts:
        table.add_row(key, Text(value))
    print_table(stdout(), table)


def _plain(cells: Sequence[str]) -> list[Text]:
    """Cells shown as written: catalog text such as `pip install flask-security[common]`
    would otherwise be read as rich markup and lose its brackets."""
    return [Text(str(cell)) for cell in cells]


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def print_markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print a GitHub-flavoured Markdown table."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(_cell(str(cell)) for cell in row) + " |")


def recommendation_record(rec: Recommendation) -> dict[str, Any]:
    """A recommendation as the JSON document `recommend --format json` prints."""
    return {
        "needs": dict(rec.needs),
        "libraries": [
            {
                "id": pick.library.id,
                "pypi": pick.library.pypi,
                "summary": pick.library.summary,
                "capabilities": list(pick.capabilities),
                "reasons": list(pick.reasons),
                "why": pick.why,
                "alternatives": [
                    {"id": alt.id, "why_not": alt.why_not, "why_not_brief": alt.brief}
                    for alt in pick.alternatives
                ],
            }
            for pick in rec.picks
        ],
        "builtin": [
            {
                "id": use.builtin.id,
                "name": use.builtin.name,
                "need": use.need,
                "how": use.builtin.how,
            }
            for use in rec.builtins
        ],
        "warnings": [
            {"library": w.library, "message": w.message, "successor": w.successor}
            for w in rec.warnings
        ],
        "services": list(rec.services),
    }


def print_recommendation(
    rec: Recommendation, fmt: Format, *, explain: bool = False, explain_hint: bool = False
) -> None:
    """Print a stack: each pick with what it is for and why, the alternatives it beat and
    why they lost, built-ins, warnings, services. `explain` shows every scored point;
    `explain_hint` mentions --explain (a flag of `recommend` only)."""
    if fmt == "json":
        print_json(recommendation_record(rec))
        return
    rows = [
        (
            pick.library.pypi or pick.library.id,
            pick.library.summary,
            "; ".join(pick.reasons) if explain or not pick.why else pick.why,
        )
        for pick in rec.picks
    ]
    passed_over = [
        (alt.id, pick.library.pypi or pick.library.id, alt.why_not if explain else alt.brief)
        for pick in rec.picks
        for alt in pick.alternatives
    ]
    builtin_rows = [(use.builtin.name, use.need, use.builtin.how) for use in rec.builtins]
    if fmt == "markdown":
        print("## Stack\n")
        print_markdown_table(("library", "what it is for", "why"), rows)
        if passed_over:
            print("\n## Alternatives passed over\n")
            print_markdown_table(("alternative", "instead of", "why not"), passed_over)
        if builtin_rows:
            print("\n## Built in\n")
            print_markdown_table(("built-in", "need", "how"), builtin_rows)
        for warning in rec.warnings:
            print(f"\n> **Warning:** {warning.message}")
        if rec.services:
            print(f"\nServices: {', '.join(rec.services)}")
        return
    out = stdout()
    _print_rows(out, "Recommended stack", ("library", "what it is for", "why"), rows)
    if passed_over:
        headers = ("alternative", "instead of", "why not")
        _print_rows(out, "Alternatives passed over", headers, passed_over)
    if builtin_rows:
        _print_rows(out, "Already in Flask", ("built-in", "need", "how"), builtin_rows)
    _print_warnings_and_services(out, rec)
    if explain_hint and not explain:
        out.print("(--explain shows every point of each score)", style="dim")


def _print_rows(
    out: Console, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    table = Table(*headers, title=title, title_justify="left")
    for row in rows:
        table.add_row(*_plain(row))
    print_table(out, table)


def _print_warnings_and_services(out: Console, rec: Recommendation) -> None:
    for warning in rec.warnings:
        out.print(f"[bold red]warning:[/] {escape(warning.message)}", markup=True)
    if rec.services:
        out.print(f"services: {', '.join(rec.services)}")


def print_stack_summary(rec: Recommendation) -> None:
    """The stack `new` is about to generate, one line a library (`--verbose`: the full table)."""
    out = stdout()
    out.print(f"[bold]Stack[/] ({len(rec.picks)} libraries):", markup=True)
    width = max((len(pick.library.pypi or pick.library.id) for pick in rec.picks), default=0)
    for pick in rec.picks:
        name = pick.library.pypi or pick.library.id
        out.print(f"  {name:<{width}}  {', '.join(pick.capabilities)}", markup=False)
    if rec.builtins:
        names = ", ".join(use.builtin.name for use in rec.builtins)
        out.print(f"Already in Flask: {names}", markup=False)
    _print_warnings_and_services(out, rec)
    out.print("(--verbose shows why each was chosen and what it beat)", style="dim")


def comparison_record(comparison: StackComparison) -> dict[str, Any]:
    """A stack comparison as JSON-ready data."""
    return {
        "mode": "stacks",
        "stacks": [
            {
                "label": column.label,
                "needs": dict(column.needs),
                "libraries": list(column.libraries),
                "dependencies": column.dependencies,
                "services": list(column.services),
                "warnings": list(column.warnings),
            }
            for column in comparison.columns
        ],
        "capabilities": [
            {"capability": row.capability, "picks": list(row.picks), "differs": row.differs}
            for row in comparison.rows
        ],
    }


def print_stack_comparison(comparison: StackComparison, fmt: Format) -> None:
    """Print stacks side by side, differences marked."""
    if fmt == "json":
        print_json(comparison_record(comparison))
        return
    labels = [column.label for column in comparison.columns]
    rows = [(("* " if row.differs else "") + row.capability, *row.picks) for row in comparison.rows]
    rows.append(("dependencies", *(str(c.dependencies) for c in comparison.columns)))
    rows.append(("services", *(", ".join(c.services) or "-" for c in comparison.columns)))
    if fmt == "markdown":
        print_markdown_table(("capability", *labels), rows)
        print("\n`*` marks a capability the stacks answer differently.")
        return
    table = Table("capability", *labels, title="Stacks side by side", title_justify="left")
    for row, source in zip(rows, [*comparison.rows, None, None], strict=True):
        style = "bold yellow" if source is not None and source.differs else None
        table.add_row(*_plain(row), style=style)
    out = stdout()
    print_table(out, table)
    out.print("* marks a capability the stacks answer differently.")


def library_comparison_record(libraries: Sequence[Library]) -> dict[str, Any]:
    """Libraries compared, as JSON-ready data."""
    return {
        "mode": "libraries",
        "libraries": [library_record(library) for library in libraries],
    }


def print_library_comparison(libraries: Sequence[Library], fmt: Format) -> None:
    """Print libraries side by side, one column each."""
    if fmt == "json":
        print_json(library_comparison_record(libraries))
        return
    facts = [library_facts(library) for library in libraries]
    labels = [label for label, _ in facts[0]]
    rows = [(label, *(dict(column)[label] for column in facts)) for label in labels]
    names = [library.pypi or library.id for library in libraries]
    if fmt == "markdown":
        print_markdown_table(("", *names), rows)
        return
    table = Table("", *names, title="Libraries side by side", title_justify="left")
    for row in rows:
        table.add_row(*_plain(row))
    print_table(stdout(), table)


def print_next_steps(path: Path, package: str, made_repo: bool) -> None:
    """Tell the person what to run next: the project README's own "Run it" commands, its
    task worker, and how to run it without Docker when its services come from compose."""
    from recommender.next_steps import read_next_steps

    out = stdout()
    where = "a git repository with one commit" if made_repo else "no git repository"
    nxt = read_next_steps(path, package)
    # soft_wrap: a long path or command stays on one line, ready to copy.
    out.print(f"\n[bold green]Created[/] {path} ({where}). Next:", markup=True, soft_wrap=True)
    for step in (f"cd {path}", *nxt.steps):
        out.print(f"  {step}", markup=False, soft_wrap=True)
    if nxt.worker:
        out.print("Background tasks run in a worker; start it in a second terminal:")
        out.print(f"  {nxt.worker}", markup=False, soft_wrap=True)
    if nxt.services:
        servers = "servers" if len(nxt.services) > 1 else "a server"
        instead = (
            f"set {', '.join(nxt.settings)} in .env to {servers} of your own"
            if nxt.settings
            else "run those services yourself"
        )
        sqlite = (
            "; for no database server at all, create the project with --need database=sqlite"
            if nxt.sql_server
            else ""
        )
        out.print(
            f"No Docker? Skip `docker compose up`: {instead} ({', '.join(nxt.services)}, "
            f"see .env.example){sqlite}.",
            markup=False,
        )


def print_no_git_note() -> None:
    """A project without git cannot take `flask-pick add`: say so, and how to allow it."""
    from recommender.project_git import MAKE_ADDABLE

    out = stdout()
    out.print(
        "note: `flask-pick add` merges with git, so it cannot add to this project as it is; "
        "to allow it, run this in the project before editing anything:",
        markup=False,
    )
    out.print(f"  {MAKE_ADDABLE}", markup=False, soft_wrap=True)


def print_addition(outcome: Outcome) -> None:
    """Say what `flask-pick add` added (or would add), what it merged, and what to run next."""
    out = stdout()
    addition = outcome.addition
    for warning in addition.new_warnings:
        out.print(f"[bold red]warning:[/] {escape(warning.message)}", markup=True)
    name = outcome.project.name
    if not addition.changes:
        for replaced in addition.built_in:
            out.print(f"{replaced}: nothing to install.", markup=False)
        if addition.already or not addition.built_in:
            what = ", ".join(addition.already) or "everything asked for"
            out.print(f"{what} already in {name}.", markup=False)
        out.print("Nothing changed.")
        return
    verb = "Would add" if outcome.dry_run else "Adding" if outcome.conflicts else "Added"
    picks = {pick.library.id: pick for pick in addition.rec.picks}
    out.print(f"[bold green]{verb}[/] to {name}:", markup=True)
    for library_id in addition.added:
        pick = picks[library_id]
        why = pick.library.summary if pick.forced else pick.reasons[0]
        out.print(f"  {library_id}: {why}", markup=False, soft_wrap=True)
    for key, old, new in addition.needs_changed:
        out.print(f"  need {key}: {old} -> {new}", markup=False)
    if outcome.stat:
        out.print(outcome.stat, markup=False, highlight=False)
    if outcome.dry_run:
        out.print(f"Nothing was changed (--dry-run); without it, this merges into {outcome.branch}")
        return
    if outcome.env_keys:
        out.print(f".env: added {', '.join(outcome.env_keys)}", markup=False)
    if outcome.env_pending:
        out.print(
            ".env is not tracked, so the merge cannot carry these settings; "
            "once you commit the merge, add them to .env:",
            markup=False,
            soft_wrap=True,
        )
        for line in outcome.env_pending:
            out.print(f"  {line}", markup=False, soft_wrap=True)
    if outcome.conflicts:
        return
    out.print(
        f"Merged into {outcome.branch}. Next: pip install -e '.[dev]' && pytest", markup=False
    )
    if addition.new_services:
        out.print(f"new services: {', '.join(addition.new_services)} (see docker-compose.yml)")


_VERDICT_STYLE = {"dead": "bold red", "breaking": "red", "warning": "yellow", "ok": "green"}


def audit_record(result: Audit, fail_on: Severity = "error") -> dict[str, Any]:
    """An audit as the JSON document `audit --format json` prints."""
    project = result.project

    def location(where: Location | None) -> dict[str, Any] | None:
        if where is None:
            return None
        return {"file": where.file, "line": where.line, "how": where.how, "text": where.text}

    return {
        "path": project.root,
        "fails": result.fails_on(fail_on),
        "fail_on": fail_on,
        "ignored": result.ignored,
        "summary": {
            verdict: result.count(verdict) for verdict in ("dead", "breaking", "warning", "ok")
        },
        "dependency_files": list(project.dependency_files),
        "python_files": project.python_files,
        "index_as_of": result.as_of,
        "libraries": [
            {
                "id": f.id,
                "name": f.name,
                "source": f.source,
                "kind": f.kind,
                "status": f.status,
                "why": f.why,
                "flask3": f.flask3,
                "works_from": f.works_from,
                "works_from_basis": f.works_from_basis,
                "latest": None if f.latest is None else asdict(f.latest),
                "verdict": f.verdict,
                "locations": [location(where) for where in f.locations],
                "successor": f.successor,
                "successor_name": f.successor_name,
                "migration": f.migration,
                "upgrade_to": f.upgrade_to,
                "also": list(f.also),
                "problems": [
                    {
                        "kind": p.kind,
                        "message": p.message,
                        "fix": p.fix,
                        "fails": p.fails,
                        "severity": p.severity,
                        "rule": p.rule,
                        "location": location(p.location),
                    }
                    for p in f.problems
                ],
            }
            for f in result.findings
        ],
        "notes": list(project.notes),
    }


def _found_at(finding: Finding, limit: int = 3) -> str:
    places = [str(where) for where in finding.locations]
    more = f" +{len(places) - limit} more" if len(places) > limit else ""
    return ", ".join(places[:limit]) + more


def _audit_status(finding: Finding) -> str:
    if finding.source == "unknown":
        return "unknown"
    if finding.kind == "django-only":
        return "django-only"
    if finding.kind == "not-on-pypi":
        return "not on PyPI"
    # `*`: guessed from the last release date, explained under the table.
    return (finding.status or "-") + ("*" if finding.source == "pypi-index" else "")


def _audit_verdict(finding: Finding) -> str:
    if finding.verdict == "dead":
        return f"use {finding.successor_name}" if finding.successor_name else "replace it"
    if finding.upgrade_to:
        return f"pin >={finding.upgrade_to}"
    if finding.verdict == "warning" and finding.successor_name:
        return f"plan a move to {finding.successor_name}"
    return {"breaking": "fix code", "warning": "check it"}.get(finding.verdict, "ok")


def _audit_reason(finding: Finding) -> str:
    """Why a library got its verdict: its worst problem, and how many more there are."""
    if not finding.problems:
        return "-"
    worst = sorted(finding.problems, key=lambda p: not p.fails)
    first = worst[0]
    message = first.message
    if first.location is not None and message.startswith("`"):
        # "`from x import y`: x.y was removed in ..." reads shorter as "x.y was removed in ...".
        message = message.split("`: ", 1)[-1]
    more = len(worst) - 1
    return message + (f" (+{more} more)" if more else "")


def _audit_summary(result: Audit, fail_on: Severity) -> str:
    counts = [(result.count(v), v) for v in ("dead", "breaking", "warning", "ok")]
    parts = ", ".join(f"{n} {label}" for n, label in counts if n)
    found = len(result.findings)
    head = f"{found} Flask-related {'library' if found == 1 else 'libraries'}"
    if result.fails_on(fail_on):
        tail = (
            "fix the dead and breaking ones (exit 1)"
            if result.fails
            else "warnings fail this run, as --fail-on warning asks (exit 1)"
        )
    else:
        tail = "nothing blocks Flask 3 (exit 0)"
    if result.ignored:
        tail += f"; {result.ignored} accepted by the baseline, not shown"
    return f"{head}: {parts or 'none found'}; {tail}."


def _audit_fixes(result: Audit) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per library with problems: its title and (what is wrong, what to do) pairs."""
    fixes = []
    for finding in result.findings:
        if not finding.problems:
            continue
        items = []
        for problem in finding.problems:
            where = f"{problem.location}: " if problem.location else ""
            items.append((where + problem.message, problem.fix))
        fixes.append((f"{finding.name} ({_found_at(finding)})", items))
    return fixes


def _print_problems(out: Console, finding: Finding) -> None:
    from rich.padding import Padding
    from rich.text import Text

    for problem in finding.problems:
        where = f"{problem.location}: " if problem.location else ""
        out.print(Padding(Text(where + problem.message), (0, 0, 0, 2), expand=False))
        out.print(Padding(Text(f"-> {problem.fix}"), (0, 0, 0, 4), expand=False))


def print_audit(result: Audit, fmt: Format, fail_on: Severity = "error") -> None:
    """Print an audit: each Flask-related library, then what to change, then notes."""
    if fmt == "json":
        print_json(audit_record(result, fail_on))
        return
    project = result.project
    scanned = (
        f"{len(project.dependency_files)} dependency file(s), {project.python_files} Python file(s)"
    )
    headers = ("library", "status", "flask 3", "last release", "found at", "why", "to do")
    rows = [
        (
            f.name,
            _audit_status(f),
            f.flask3,
            f"{f.latest.version} {f.latest.month}" if f.latest else "-",
            _found_at(f),
            _audit_reason(f),
            _audit_verdict(f),
        )
        for f in result.findings
    ]
    fixes = _audit_fixes(result)
    guessed = any(f.source == "pypi-index" for f in result.findings)
    footnote = (
        f"* not curated: status guessed from its last release (PyPI index of {result.as_of})"
        if guessed
        else ""
    )
    if fmt == "markdown":
        print(f"## Audit of {project.root}\n\n{scanned}\n")
        if rows:
            print_markdown_table(headers, rows)
        if footnote:
            print(f"\n\\{footnote}")
        if fixes:
            print("\n## To fix\n")
            for title, items in fixes:
                print(f"- **{_cell(title)}**")
                for what, fix in items:
                    print(f"  - {what}. Fix: {fix}")
        if project.notes:
            print("\n## Notes\n")
            for note in project.notes:
                print(f"- {note}")
        print(f"\n{_audit_summary(result, fail_on)}")
        return
    from rich import box

    out = stdout()
    title = escape(f"Audit of {project.root} ({scanned})")
    if out.width < 110 and rows:
        # A narrow terminal gets one short block per library instead of a cramped table.
        out.print(title, highlight=False)
        # Each problem is printed under its library, so the why column is not repeated here.
        for finding, (name, status, flask3, latest, found, _why, todo) in zip(
            result.findings, rows, strict=True
        ):
            style = _VERDICT_STYLE[finding.verdict]
            out.print(
                f"\n[{style}]{escape(name)}[/]: {escape(todo)}\n"
                f"  {escape(status)}, flask 3: {flask3}, last release {latest}\n"
                f"  [dim]found at {escape(found)}[/]",
                highlight=False,
            )
            _print_problems(out, finding)
    elif rows:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
        for header in headers:
            # Names, statuses and releases stay whole; locations and what to do wrap instead.
            table.add_column(header, no_wrap=header not in ("found at", "why", "to do"))
        for finding, row in zip(result.findings, rows, strict=True):
            cells = [escape(cell) for cell in row[:-1]]
            table.add_row(*cells, f"[{_VERDICT_STYLE[finding.verdict]}]{escape(row[-1])}[/]")
        out.print(table)
    else:
        out.print(f"Audit of {project.root} ({scanned})", markup=False)
    if footnote:
        out.print(footnote, markup=False)
    if rows and out.width >= 110:
        for finding in result.findings:
            if finding.problems:
                heading = f"{finding.name} ({_found_at(finding)})"
                out.print(f"\n[bold]{escape(heading)}[/]", highlight=False)
                _print_problems(out, finding)
    for note in project.notes:
        out.print(f"note: {note}", markup=False, soft_wrap=True)
    out.print(
        f"\n{_audit_summary(result, fail_on)}",
        style="bold red" if result.fails_on(fail_on) else "bold green",
        markup=False,
    )


def print_fix(report: FixReport, *, show_diff: bool) -> None:
    """Print what --fix changed (or, with --diff, the diff it would apply) and what is left."""
    out = stdout()
    if show_diff:
        for edit in report.edits:
            sys.stdout.write(edit.diff())
        sys.stdout.flush()
    verb = "changed" if report.written else "would change"
    for edit in report.edits:
        out.print(f"{verb} {edit.rel}:", markup=False, highlight=False)
        for change in edit.changes:
            out.print(f"  {change}", markup=False, highlight=False, soft_wrap=True)
    if report.by_hand:
        out.print("\nleft by hand:", markup=False)
        for finding, problem in report.by_hand:
            where = f"{problem.location}: " if problem.location else ""
            mark = "error" if problem.fails else "warning"
            out.print(
                f"  {mark}: {finding.name}: {where}{problem.message}\n    -> {problem.fix}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
    for note in report.notes:
        out.print(f"note: {note}", markup=False, soft_wrap=True)
    files = len(report.edits)
    out.print(
        f"\n{files} file{'s' if files != 1 else ''} {verb}, {report.fixed} problem(s) fixed "
        f"mechanically, {len(report.by_hand)} left by hand.",
        markup=False,
    )


def print_baseline_written(path: Path, count: int) -> None:
    """Say where the baseline went."""
    entries = f"{count} entr{'y' if count == 1 else 'ies'}"
    message = f"added {entries} to {path}" if count else f"{path} already accepts every problem"
    stdout().print(message, markup=False, highlight=False, soft_wrap=True)
