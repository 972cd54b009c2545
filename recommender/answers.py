"""What a person asked for: --preset, --answers FILE and --need flags merged into one request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from recommender.core.needs import Vocabulary
from recommender.errors import UsageError


@dataclass(frozen=True, slots=True)
class Request:
    """Given needs (not yet defaulted), forced and excluded library names."""

    needs: dict[str, str]
    with_names: tuple[str, ...] = ()
    without_names: tuple[str, ...] = ()


def parse_need_flags(flags: list[str]) -> dict[str, str]:
    """`--need auth=session` flags as a mapping; a flag without `=` is a usage error."""
    needs: dict[str, str] = {}
    for flag in flags:
        key, sep, value = flag.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--need {flag!r} must look like KEY=VALUE, e.g. --need auth=session")
        needs[key.strip()] = _word(value.strip())
    return needs


# PyYAML reads these bare words in an answers file as booleans (YAML 1.1); a --need flag
# accepts the same words, so `-n cache=true` means what `cache: true` in a file means.
_BOOLEAN_WORDS = {"true": "yes", "on": "yes", "false": "no", "off": "no"}


def _word(value: str) -> str:
    return _BOOLEAN_WORDS.get(value.lower(), value)


def _strings(value: object, what: str, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UsageError(f"{path}: '{what}' must be a list of library names")
    return tuple(value)


def read_answers(path: Path) -> Request:
    """Read an answers file: YAML or JSON `{needs: {...}, with: [...], without: [...]}`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read answers file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"answers file {path} is not valid JSON: line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}; fix it there"
        ) from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"answers file {path} is not valid YAML: {_yaml_problem(exc)}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("needs", {}), dict):
        raise UsageError(
            f"answers file {path} must hold a mapping like {{needs: {{auth: session}}, with: []}}"
        )
    unknown = sorted(set(data) - {"needs", "with", "without"})
    if unknown:
        raise UsageError(
            f"answers file {path} has unknown keys {unknown}; use needs, with, without"
        )
    needs = {str(key): _scalar(value) for key, value in (data.get("needs") or {}).items()}
    return Request(
        needs,
        _strings(data.get("with"), "with", path),
        _strings(data.get("without"), "without", path),
    )


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Where and what: `line 3, column 9: expected ',' or ']', but got ':'`."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "cannot be parsed"
        if mark is not None:
            # PyYAML counts from 0; editors count from 1.
            return f"line {mark.line + 1}, column {mark.column + 1}: {what}; fix it there"
        return f"{what}; fix it there"
    first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{first_line}; fix the file"


def _scalar(value: object) -> str:
    # YAML 1.1 reads a bare yes/no as a boolean; the vocabulary speaks the words.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def build_request(
    vocabulary: Vocabulary,
    *,
    preset: str | None,
    answers: Path | None,
    need_flags: list[str],
    with_names: list[str],
    without_names: list[str],
) -> Request:
    """Merge the sources: --need flags override the answers file, which overrides the preset."""
    needs = vocabulary.preset(preset) if preset else {}
    from_file = read_answers(answers) if answers else Request({})
    needs.update(from_file.needs)
    needs.update(parse_need_flags(need_flags))
    return Request(
        needs,
        (*from_file.with_names, *with_names),
        (*from_file.without_names, *without_names),
    )


def write_answers(
    path: Path, needs: dict[str, str], with_names: list[str], without_names: list[str]
) -> None:
    """Write an answers file that `--answers` replays to the same stack."""
    data = {"needs": needs, "with": with_names, "without": without_names}
    try:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write answers file {path}: {exc.strerror}") from exc
