"""Checks every catalog entry's `latest` release against PyPI's JSON API, and updates it.

Run from the repo root: `python scripts/refresh_releases.py` lists the entries whose newest
release on PyPI differs from the catalog; `--write` rewrites their `latest:` and `as_of:`
lines in place (comments and layout stay) and adds the API address to `sources`. Popularity
and status are left alone: PyPI's API has no download figures, and a status is a judgement
that needs the project's own words (its README, changelog or issues).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from recommender.core.models import Release

CATALOG = Path(__file__).resolve().parents[1] / "catalog" / "extensions"
API = "https://pypi.org/pypi/{name}/json"
_LATEST_LINE = re.compile(r"^latest: .*$", re.MULTILINE)
_AS_OF_LINE = re.compile(r"^as_of: .*$", re.MULTILINE)
_SOURCES_LINE = re.compile(r"^sources:\n", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Change:
    """One entry whose recorded release is not PyPI's newest."""

    path: Path
    name: str
    recorded: str
    current: Release


def fetch(name: str, timeout: float = 20) -> Release | None:
    """PyPI's newest release of `name`, or None when PyPI does not know it."""
    try:
        with urllib.request.urlopen(API.format(name=name), timeout=timeout) as response:
            data = json.load(response)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise
    return release_from(data)


def release_from(data: dict[str, object]) -> Release | None:
    """The newest release in a PyPI JSON document: `info.version` and its earliest upload."""
    info = data.get("info")
    releases = data.get("releases")
    if not isinstance(info, dict) or not isinstance(releases, dict):
        return None
    version = info.get("version")
    files = releases.get(version) if isinstance(version, str) else None
    if not isinstance(version, str) or not isinstance(files, list) or not files:
        return None
    uploaded = min(str(item.get("upload_time", "")) for item in files if isinstance(item, dict))
    return Release(version, uploaded[:7]) if len(uploaded) >= 7 else None


def recorded_release(text: str) -> tuple[str | None, str | None]:
    """The `pypi` name and `latest.version` an entry's YAML records."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        return None, None
    latest = data.get("latest")
    version = latest.get("version") if isinstance(latest, dict) else None
    return data.get("pypi"), version


def rewrite(text: str, release: Release, as_of: datetime.date) -> str:
    """The entry's YAML with `latest`, `as_of` and the API source brought up to date."""
    text = _LATEST_LINE.sub(
        f'latest: {{version: "{release.version}", month: "{release.month}"}}', text, count=1
    )
    text = _AS_OF_LINE.sub(f'as_of: "{as_of:%Y-%m}"', text, count=1)
    name = yaml.safe_load(text)["pypi"]
    source = API.format(name=name)
    if source not in text:
        text = _SOURCES_LINE.sub(f"sources:\n  - {source}\n", text, count=1)
    return text


def find_changes(
    paths: list[Path], lookup: Callable[[str], Release | None]
) -> tuple[list[Change], list[str]]:
    """Entries whose recorded release differs from PyPI's newest, and the names PyPI lacks."""
    changes: list[Change] = []
    unknown: list[str] = []
    for path in paths:
        name, recorded = recorded_release(path.read_text(encoding="utf-8"))
        if not name:
            continue
        current = lookup(name)
        if current is None:
            unknown.append(name)
        elif current.version != recorded:
            changes.append(Change(path, name, recorded or "-", current))
    return changes, unknown


def main(argv: list[str] | None = None) -> int:
    """Lists (and with --write, applies) the releases PyPI has that the catalog lacks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="update the YAML files in place")
    parser.add_argument("--catalog", type=Path, default=CATALOG, help="folder of entry files")
    args = parser.parse_args(argv)
    try:
        changes, unknown = find_changes(sorted(args.catalog.glob("*.yaml")), fetch)
    except (urllib.error.URLError, TimeoutError) as exc:
        print(f"error: cannot reach PyPI: {exc}", file=sys.stderr)
        return 1
    today = datetime.date.today()
    for change in changes:
        print(
            f"{change.name}: {change.recorded} -> {change.current.version} ({change.current.month})"
        )
        if args.write:
            text = change.path.read_text(encoding="utf-8")
            change.path.write_text(rewrite(text, change.current, today), encoding="utf-8")
    for name in unknown:
        print(f"{name}: not on PyPI's JSON API", file=sys.stderr)
    print(f"{len(changes)} of the catalog's releases differ from PyPI ({today:%Y-%m-%d})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
