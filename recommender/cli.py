"""The flask-pick command line: the only place that prompts, prints results and sets exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from recommender import __version__, console
from recommender.console import Format
from recommender.errors import FlaskPickError, Interrupted, UnknownLibraryError, UsageError
from recommender.launcher import exit_cancelled

if TYPE_CHECKING:
    from recommender.answers import Request
    from recommender.core.models import Recommendation

app = typer.Typer(
    name="flask-pick",
    help="Pick a sound Flask 3 stack, compare the alternatives, and generate a working project.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
catalog_app = typer.Typer(
    help="List the libraries flask-pick knows, or show one by any name.",
    invoke_without_command=True,
)
app.add_typer(catalog_app, name="catalog")

_debug = False

FormatOption = Annotated[
    Format,
    typer.Option(
        "--format", "-f", metavar="FORMAT", help="Output format: table, json or markdown."
    ),
]


def _version(value: bool) -> None:
    if value:
        print(f"flask-pick {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    global _debug
    _debug = debug


@catalog_app.callback()
def catalog_list(
    ctx: typer.Context,
    capability: Annotated[
        str | None,
        typer.Option(
            metavar="CAPABILITY", help="Only libraries providing this capability (e.g. orm)."
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(metavar="KIND", help="Only this kind: flask-extension, library, stdlib, ..."),
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            metavar="STATUS", help="Only this status: active, maintenance, deprecated, ..."
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Only names containing this text.")
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """List and filter the catalog."""
    if ctx.invoked_subcommand is not None:
        return
    from recommender.catalog import shipped_catalog
    from recommender.core.listing import LibraryFilter, filter_libraries
    from recommender.core.models import KINDS, STATUSES

    catalog = shipped_catalog()
    _check_choice("--kind", kind, KINDS)
    _check_choice("--status", status, STATUSES)
    _check_choice("--capability", capability, [cap for cap, _ in catalog.capabilities])
    wanted = LibraryFilter(capability=capability, kind=kind, status=status, name=name)
    console.print_library_list(filter_libraries(catalog, wanted), fmt)


@catalog_app.command("show")
def catalog_show(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Any name: Flask-Login, flask_login, flask-login.")
    ],
    fmt: FormatOption = "table",
) -> None:
    """Show everything known about one library."""
    from recommender.catalog import shipped_catalog
    from recommender.core.names import NameIndex

    catalog = shipped_catalog()
    index = NameIndex.build(catalog)
    match = index.find(name)
    if match is not None:
        successor = catalog.builtin(match.library.successor or "")
        built_in = f"{successor.name}, built into {successor.provided_by}" if successor else None
        console.print_library(match.library, match.also, fmt, built_in)
        return
    # A dead library's successor may be built in (Flask-Script -> flask-command-line).
    builtin = catalog.builtin(name.strip().lower())
    if builtin is not None:
        console.print_builtin(builtin, max(lib.as_of for lib in catalog.libraries), fmt)
        return
    from recommender.catalog import shipped_pypi_index
    from recommender.pypi_index import derive_status

    pypi_index = shipped_pypi_index()
    entry = pypi_index.find(name)
    if entry is not None:
        derived = derive_status(entry, pypi_index.as_of)
        console.print_index_entry(console.index_record(entry, derived, pypi_index.as_of), fmt)
        return
    near = list(dict.fromkeys([*index.suggest(name), *pypi_index.suggestions(name)]))[:3]
    hint = f"did you mean {' or '.join(near)}?" if near else "check the spelling"
    raise UnknownLibraryError(
        f"no library named {name!r} in the catalog or on PyPI's flask-* list; {hint}"
    )


NeedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--need",
        "-n",
        metavar="KEY=VALUE",
        help="A need as KEY=VALUE, e.g. auth=session (repeatable).",
    ),
]
PresetOption = Annotated[
    str | None,
    typer.Option(metavar="PRESET", help="Start from a named preset: minimal, webapp, api, ..."),
]
AnswersOption = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE", help="A YAML or JSON file {needs: {...}, with: [...], without: [...]}."
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        metavar="PROFILE",
        help="How to weigh libraries: lightweight, balanced or batteries (--need profile=...).",
    ),
]
WithOption = Annotated[
    list[str] | None,
    typer.Option("--with", metavar="LIB", help="Force a library into the stack (repeatable)."),
]
WithoutOption = Annotated[
    list[str] | None,
    typer.Option(
        "--without", metavar="LIB", help="Keep a library out and take the next best (repeatable)."
    ),
]


def _with_profile(need: list[str] | None, profile: str | None) -> list[str] | None:
    """`--profile X` is `--need profile=X`, a flag of its own because people reach for it."""
    return [*(need or []), f"profile={profile}"] if profile is not None else need


def _request(
    preset: str | None,
    answers: Path | None,
    need: list[str] | None,
    with_: list[str] | None,
    without: list[str] | None,
) -> Request:
    """What the command line asked for: preset, answers file and flags, merged, plus the
    needs the forced libraries bring (`--with flask-admin` is admin=yes)."""
    from dataclasses import replace

    from recommender.answers import build_request, parse_need_flags
    from recommender.catalog import shipped_catalog, shipped_vocabulary
    from recommender.core.forcing import with_forced_needs

    vocabulary = shipped_vocabulary()
    request = build_request(
        vocabulary,
        preset=preset,
        answers=answers,
        need_flags=need or [],
        with_names=with_ or [],
        without_names=without or [],
    )
    if not request.with_names:
        return request
    kept = parse_need_flags(need or [])
    needs = with_forced_needs(
        shipped_catalog(), vocabulary, request.needs, request.with_names, kept
    )
    return replace(request, needs=needs)


def _recommend_from(
    preset: str | None,
    answers: Path | None,
    need: list[str] | None,
    with_: list[str] | None,
    without: list[str] | None,
    extra: dict[str, str] | None = None,
    *,
    wired_only: bool = False,
) -> Recommendation:
    from recommender.catalog import shipped_catalog, shipped_vocabulary
    from recommender.core.engine import recommend
    from recommender.core.needs import resolve_needs

    vocabulary = shipped_vocabulary()
    request = _request(preset, answers, need, with_, without)
    needs = resolve_needs(vocabulary, {**request.needs, **(extra or {})})
    return recommend(
        shipped_catalog(),
        vocabulary,
        needs,
        request.with_names,
        request.without_names,
        wired_only=wired_only,
    )


@app.command("recommend")
def recommend_command(
    need: NeedOption = None,
    preset: PresetOption = None,
    answers: AnswersOption = None,
    with_: WithOption = None,
    without: WithoutOption = None,
    profile: ProfileOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show every point of each library's score.")
    ] = False,
    fmt: FormatOption = "table",
) -> None:
    """Recommend a stack for the app's needs, with reasons and warnings."""
    rec = _recommend_from(preset, answers, _with_profile(need, profile), with_, without)
    console.print_recommendation(rec, fmt, explain=explain, explain_hint=True)


@app.command("compare")
def compare_command(
    libraries: Annotated[
        list[str] | None,
        typer.Argument(metavar="LIB", help="Libraries to compare side by side."),
    ] = None,
    preset: Annotated[
        list[str] | None,
        typer.Option("--preset", metavar="PRESET", help="A preset to compare (repeatable)."),
    ] = None,
    profile: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            metavar="PROFILE",
            help="The same needs under several profiles (repeatable).",
        ),
    ] = None,
    need: NeedOption = None,
    answers: AnswersOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Compare libraries, or whole stacks (--preset A --preset B, --profile A --profile B)."""
    from recommender.core.compare import compare_stacks

    presets, profiles = preset or [], profile or []
    if libraries and (presets or profiles):
        raise UsageError("compare either libraries or stacks (--preset/--profile), not both")
    if libraries:
        from recommender.catalog import shipped_catalog
        from recommender.core.names import NameIndex

        index = NameIndex.build(shipped_catalog())
        # Flask_Login and flask-login are one library: one column.
        found = list({lib.id: lib for lib in (index.require(n) for n in libraries)}.values())
        if len(found) < 2:
            same = "" if len(libraries) == 1 else f"{' and '.join(libraries)} are one library; "
            raise UsageError(
                f"{same}compare needs two or more libraries; "
                f"see one with `flask-pick catalog show {libraries[0]}`"
            )
        console.print_library_comparison(found, fmt)
        return
    if len(presets) + len(profiles) < 2 and not (presets and profiles):
        raise UsageError(
            "give two or more libraries, --preset A --preset B, or --profile A --profile B"
        )
    stacks: list[tuple[str, Recommendation]] = []
    if profiles:
        for name in profiles:
            bases: list[str | None] = [*presets] or [None]
            for base in bases:
                label = f"{base}/{name}" if base else name
                rec = _recommend_from(base, answers, need, None, None, {"profile": name})
                stacks.append((label, rec))
    else:
        stacks = [(name, _recommend_from(name, answers, need, None, None)) for name in presets]
    console.print_stack_comparison(compare_stacks(stacks), fmt)


@app.command("new")
def new_command(
    path: Annotated[
        Path,
        typer.Argument(metavar="PATH", help="The project folder to create (its name names it)."),
    ],
    need: NeedOption = None,
    preset: PresetOption = None,
    answers: AnswersOption = None,
    with_: WithOption = None,
    without: WithoutOption = None,
    profile: ProfileOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask; use defaults.")] = False,
    name: Annotated[
        str | None, typer.Option(metavar="PACKAGE", help="The Python package name.")
    ] = None,
    no_git: Annotated[
        bool, typer.Option("--no-git", help="Do not create a git repository.")
    ] = False,
    ask_all: Annotated[
        bool,
        typer.Option("--ask-all", help="Ask every question; given needs become the defaults."),
    ] = False,
    save_answers: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Write the answers to FILE, for `--answers FILE` to replay."
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Show the full stack table: why each pick, what it beat."
        ),
    ] = False,
    lock: Annotated[
        bool,
        typer.Option("--lock", help="Pin every dependency in a uv.lock (needs uv)."),
    ] = False,
) -> None:
    """Create a new Flask project with the recommended stack wired in."""
    from recommender.answers import write_answers
    from recommender.catalog import shipped_catalog, shipped_vocabulary
    from recommender.render import plan_project, render_project

    need = _with_profile(need, profile)
    given = bool(need or preset or answers or with_ or without)
    # In a terminal, whatever the command line did not answer is asked (--yes: defaults).
    interactive = sys.stdin.isatty() and not yes
    if not given and not yes and not sys.stdin.isatty():
        raise UsageError(
            "standard input is not a terminal and no needs were given; "
            "pass --preset, --need KEY=VALUE, --answers FILE or --yes"
        )
    # Refuse a taken folder, a bad name or a missing uv before asking anything: answers are
    # worth keeping.
    plan_project(path, name, None)
    if lock:
        from recommender.lock import uv_binary

        uv_binary()
    catalog, vocabulary = shipped_catalog(), shipped_vocabulary()
    request = _request(preset, answers, need, with_, without)
    if interactive:
        from recommender.questionnaire import (
            Session,
            ask_in_terminal,
            ask_needs,
            generatable_in,
            review,
        )

        asked = ask_needs(
            vocabulary, request.needs, ask_all, ask_in_terminal, generatable_in(catalog)
        )
        session = Session(asked, [*request.with_names], [*request.without_names])
        rec = review(catalog, vocabulary, session, ask_in_terminal)
        with_names, without_names = session.with_names, session.without_names
    else:
        from recommender.core.engine import recommend
        from recommender.core.needs import resolve_needs

        needs = resolve_needs(vocabulary, request.needs)
        with_names, without_names = [*request.with_names], [*request.without_names]
        rec = recommend(catalog, vocabulary, needs, with_names, without_names, wired_only=True)
        if verbose:
            console.print_recommendation(rec, "table")
        else:
            console.print_stack_summary(rec)
    project = plan_project(path, name, rec)
    if save_answers is not None:
        write_answers(save_answers, dict(rec.needs), with_names, without_names)
    made_repo = render_project(project, rec, git=not no_git, lock=lock)
    console.print_next_steps(path, project.package, made_repo)
    if not made_repo:
        console.print_no_git_note()


@app.command("add")
def add_command(
    libraries: Annotated[
        list[str] | None,
        typer.Argument(metavar="LIB", help="Libraries to wire in, by any name."),
    ] = None,
    need: NeedOption = None,
    path: Annotated[
        Path,
        typer.Option(
            "--path",
            metavar="DIR",
            show_default=False,
            help="The project's folder (default: this one).",
        ),
    ] = Path(),
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the files that would change; change nothing.")
    ] = False,
) -> None:
    """Wire more libraries or needs into a project flask-pick generated, keeping your edits."""
    from recommender.answers import parse_need_flags
    from recommender.evolve import add_to_project, conflict_message

    outcome = add_to_project(path, libraries or [], parse_need_flags(need or []), dry_run=dry_run)
    console.print_addition(outcome)
    if outcome.conflicts:
        raise FlaskPickError(conflict_message(outcome))


@app.command("audit")
def audit_command(
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            show_default=False,
            help="The project folder (default: this one), or one dependency file.",
        ),
    ] = Path(),
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output format: table, json, markdown or sarif (for code scanning in CI).",
        ),
    ] = "table",
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help="Exit 1 on: error (breaks on Flask 3, the default) or warning (anything found).",
        ),
    ] = "error",
    fix: Annotated[
        bool,
        typer.Option("--fix", help="Rewrite what is mechanical (imports, renamed packages, pins)."),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Show what --fix would change; change nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Let --fix rewrite files with uncommitted changes, or outside git."
        ),
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            metavar="FILE",
            help="Problems to accept for now (default: the project's .flask-pick-audit.toml).",
        ),
    ] = None,
    write_baseline: Annotated[
        bool,
        typer.Option(
            "--write-baseline", help="Write every problem found today into the baseline file."
        ),
    ] = False,
) -> None:
    """Check a project's Flask libraries: dead ones, Flask-3-breaking pins, removed APIs."""
    from typing import cast

    from recommender.audit import run_audit
    from recommender.console import FORMATS
    from recommender.core.audit import SEVERITIES, Severity

    _check_choice("--format", fmt, (*FORMATS, "sarif"))
    _check_choice("--fail-on", fail_on, SEVERITIES)
    threshold = cast(Severity, fail_on)
    from recommender.baseline import baseline_path, load_baseline
    from recommender.baseline import write_baseline as write_accepted
    from recommender.core.audit import apply_ignores

    accepted = baseline_path(path, baseline)
    if write_baseline:
        count = write_accepted(accepted, run_audit(path))
        console.print_baseline_written(accepted, count)
        return
    ignores = load_baseline(accepted, required=baseline is not None)
    if fix or diff:
        if fmt != "table":
            raise UsageError(f"--fix and --diff print their own report; drop --format {fmt}")
        from recommender.fix import check_writable, plan_fixes, write_fixes

        _, report = plan_fixes(path, ignores)
        if not diff:
            check_writable(report, force=force)
            write_fixes(report)
        console.print_fix(report, show_diff=diff)
        if report.leaves(threshold):
            raise typer.Exit(1)
        return
    result = apply_ignores(run_audit(path), ignores)
    if fmt == "sarif":
        from recommender.sarif import print_sarif

        print_sarif(result, threshold)
    else:
        console.print_audit(result, cast(Format, fmt), threshold)
    if result.fails_on(threshold):
        # The report is the message; exit 1 lets the audit guard CI.
        raise typer.Exit(1)


@app.command("serve")
def serve_command(
    host: Annotated[
        str, typer.Option(metavar="HOST", help="The address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(metavar="PORT", min=1, max=65535, help="The port to listen on.")
    ] = 8000,
) -> None:
    """Serve the web stack builder and its HTTP API (waitress; Ctrl-C stops it)."""
    # Flask and waitress load only here: the other commands start without them.
    from waitress.server import create_server

    from recommender.web import create_app

    _check_address(host, port)
    server = create_server(create_app(), host=host, port=port, threads=4)
    print(f"flask-pick builder on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        # Ctrl-C is how a server is stopped: a clean exit, not a cancellation.
        pass
    finally:
        server.close()


def _check_address(host: str, port: int) -> None:
    """Refuse an address the server could not listen on, before waitress tries (and leaks)."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(
            f"--host {host!r} is not an address of this machine; use 127.0.0.1 or 0.0.0.0"
        ) from exc
    with socket.socket(family, kind, proto) as probe:
        # As waitress binds: a port left in TIME_WAIT is free, one someone listens on is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise FlaskPickError(
                f"cannot listen on {host}:{port}: {why}; choose another --port or --host"
            ) from exc


def _check_choice(option: str, value: str | None, choices: Iterable[str]) -> None:
    from recommender.core.names import did_you_mean

    allowed = list(choices)
    if value is not None and value not in allowed:
        hint = did_you_mean(value, allowed)
        # A long list (fifty capabilities) would bury a close match: name the match alone.
        listed = f"choose one of: {', '.join(allowed)}" if len(allowed) <= 12 or not hint else ""
        more = listed or "`flask-pick catalog` shows what each library offers"
        raise UsageError(f"{option} {value!r} is not valid; {hint}{more}")


def _no_type(ctx: object) -> None:
    del ctx


def _quiet_help(command: Any) -> None:
    """Drop the type column typer adds to help (`<bool>` beside a flag, `<path>` beside an
    argument whose metavar already says what it is), here and in every subcommand."""
    get_params = getattr(command, "get_params", None)
    if get_params is None:
        return

    def quiet_params(ctx: Any) -> Any:
        params = get_params(ctx)
        for param in params:
            # Options with a value keep their metavar (KEY=VALUE, FILE); flags take none.
            flag = getattr(param, "is_flag", False)
            if flag or getattr(param, "param_type_name", "") == "argument":
                param.display_type_rich = _no_type
        return params

    command.get_params = quiet_params
    for subcommand in getattr(command, "commands", {}).values():
        _quiet_help(subcommand)


def main() -> None:
    """Run the CLI, turning every error a person can cause into one line and an exit code."""
    try:
        command = typer.main.get_command(app)
        _quiet_help(command)
        code = command(standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        exit_cancelled()
    except typer.TyperException as exc:
        # typer's own usage errors (unknown option, bad value, missing argument).
        if _debug:
            raise
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            print(ctx.get_help())
            sys.exit(2)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        console.error(exc.format_message().rstrip(".") + hint)
        sys.exit(getattr(exc, "exit_code", 2))
    except Interrupted:
        exit_cancelled()
    except FlaskPickError as exc:
        if _debug:
            raise
        console.error(str(exc))
        sys.exit(exc.exit_code)
    if code == 130:
        exit_cancelled()
    sys.exit(code if isinstance(code, int) else 0)
