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
# its problems again; `flask-pick audit --write-baseline` rewrites this file from scratch.
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


def baseline_text(result: Audit) -> str:
    """A baseline that accepts every problem of this audit."""
    blocks = [_HEADER]
    for entry in baseline_entries(result):
        lines = ["[[ignore]]"]
        for key in _KEYS:
            value = getattr(entry, key)
            if value is not None:
                lines.append(f"{key} = {json.dumps(value)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def write_baseline(path: Path, result: Audit) -> int:
    """Write the baseline for this audit (whole, atomically); the number of entries."""
    from recommender.fix import atomic_write

    text = baseline_text(result)
    if path.exists():
        atomic_write(path, text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")
    return len(baseline_entries(result))
