"""The audit baseline: `.flask-pick-audit.toml` (or `--baseline FILE`) lists problems a project
accepts for now, so CI fails only on new ones. Read with tomllib, written whole."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from recommender.core.audit import Audit, Ignore, baseline_entries
from recommender.errors import UsageError

DEFAULT_NAME = ".flask-pick-audit.toml"
_KEYS = ("library", "kind", "rule", "file", "reason")
_HEADER = """\
# Problems `flask-pick audit` accepts for now: each [[ignore]] entry leaves out the problems
# whose fields all match (library id, problem kind, rule, file glob). Delete an entry to see
# its problems again; `flask-pick audit --write-baseline` adds entries for new problems.
"""


def baseline_path(project: Path, option: Path | None) -> Path:
    """The file --baseline names, else the project's own .flask-pick-audit.toml."""
    if option is not None:
        return option
    root = project if project.is_dir() else project.parent
    return root / DEFAULT_NAME


def load_baseline(path: Path, *, required: bool) -> tuple[Ignore, ...]:
    """The entries of a baseline file; none when it is absent and was not asked for."""
    if not path.is_file():
        if required:
            raise UsageError(f"{path} does not exist; give an existing baseline file")
        return ()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UsageError(f"{path}: cannot read the baseline ({first}); fix or delete it") from exc
    entries = data.get("ignore", [])
    if not isinstance(entries, list):
        raise UsageError(f"{path}: 'ignore' must be a list of [[ignore]] tables")
    result = []
    for index, entry in enumerate(entries):
        here = f"{path}: ignore[{index}]"
        if not isinstance(entry, dict):
            raise UsageError(f"{here} must be a table")
        unknown = sorted(set(entry) - set(_KEYS))
        if unknown:
            raise UsageError(f"{here}: unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})")
        if not all(isinstance(value, str) for value in entry.values()):
            raise UsageError(f"{here}: every value must be a string")
        if not any(entry.get(key) for key in ("library", "kind", "rule")):
            raise UsageError(f"{here} must name a library, kind or rule, or it would hide all")
        result.append(Ignore(**{key: entry.get(key) for key in _KEYS}))
    return tuple(result)


def baseline_text(result: Audit, existing: str = "") -> str:
    """A baseline accepting every problem of this audit: `existing` (a baseline's text, which
    already left out what it accepts) with an entry added for each problem still shown."""
    blocks = [existing.rstrip("\n") + "\n" if existing.strip() else _HEADER]
    for entry in baseline_entries(result):
        lines = ["[[ignore]]"]
        for key in _KEYS:
            value = getattr(entry, key)
            if value is not None:
                lines.append(f"{key} = {json.dumps(value)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def write_baseline(path: Path, result: Audit) -> int:
    """Add an entry for each problem the baseline does not accept yet; the number added.

    Entries already there, and their reasons, are kept: the file is extended, never reset.
    """
    from recommender.core.audit import apply_ignores
    from recommender.fix import atomic_write

    existing = load_baseline(path, required=False)
    shown = apply_ignores(result, existing)
    old_text = path.read_text(encoding="utf-8") if path.is_file() else ""
    added = len(baseline_entries(shown))
    if added:
        atomic_write(path, baseline_text(shown, old_text).encode("utf-8"))
    return added
