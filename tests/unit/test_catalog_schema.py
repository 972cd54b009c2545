"""The catalog loader rejects every kind of broken entry with one line naming file, entry, field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from recommender.catalog import load_catalog, load_vocabulary
from recommender.errors import CatalogError
from tests.unit.catalog_builder import copy_catalog, edit_entry

BROKEN: list[tuple[str, dict[str, Any], str]] = [
    ("flask-login", {"status": "alive"}, "field 'status' is 'alive', expected one of"),
    ("flask-login", {"flask3": True}, "field 'flask3' must be a quoted string"),
    ("flask-login", {"kind": ...}, "field 'kind' is missing"),
    ("flask-login", {"capabilities": ["telepathy"]}, "field 'capabilities' names unknown value"),
    ("flask-login", {"conflicts": ["flask-jwt-x"]}, "field 'conflicts' names unknown id"),
    ("flask-login", {"wiring_builds_on": ["flask-sqlalchemy-x"]}, "field 'wiring_builds_on' names"),
    ("flask-login", {"wiring_builds_on": ["flask-peewee"]}, "'flask-peewee', which is not wired"),
    ("flask-login", {"latest": {"version": "1"}}, "field 'latest' must be"),
    ("flask-login", {"popularity": "high"}, "field 'popularity' must be int"),
    ("flask-login", {"id": "Flask_Login"}, "field 'id' must be the PEP 503 form"),
    ("flask-login", {"status": "abandoned", "successor": None}, "field 'successor' is required"),
    ("flask-login", {"successor": "nothing-here", "reason": "x"}, "names unknown id"),
    ("flask-login", {"flask3": "unknown", "flask3_note": None}, "field 'flask3_note' is required"),
    ("flask-login", {"as_of": "last year"}, "field 'as_of' is 'last year'"),
    ("flask-login", {"sources": []}, "field 'sources' must name at least one"),
]


@pytest.mark.parametrize(("entry", "changes", "expected"), BROKEN)
def test_broken_entry_names_file_entry_and_field(
    tmp_path: Path, entry: str, changes: dict[str, Any], expected: str
) -> None:
    catalog_dir = copy_catalog(tmp_path)
    edit_entry(catalog_dir, entry, **changes)
    with pytest.raises(CatalogError) as raised:
        load_catalog(catalog_dir)
    message = str(raised.value)
    assert message.startswith(f"extensions/{entry}.yaml: entry ")
    assert expected in message
    assert "\n" not in message


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    catalog_dir = copy_catalog(tmp_path)
    path = catalog_dir / "extensions" / "flask-login.yaml"
    path.write_text(path.read_text() + "pros: [unclosed\n")
    with pytest.raises(CatalogError, match=r"flask-login.yaml: line \d+"):
        load_catalog(catalog_dir)


def test_file_name_must_match_id(tmp_path: Path) -> None:
    catalog_dir = copy_catalog(tmp_path)
    source = catalog_dir / "extensions" / "flask-login.yaml"
    source.rename(catalog_dir / "extensions" / "flask-logon.yaml")
    with pytest.raises(CatalogError, match="must match the file name"):
        load_catalog(catalog_dir)


def test_cli_reports_broken_catalog_in_one_line_with_exit_1(tmp_path: Path) -> None:
    catalog_dir = copy_catalog(tmp_path)
    edit_entry(catalog_dir, "flask-login", status="alive")
    result = subprocess.run(
        [sys.executable, "-m", "recommender", "catalog", "show", "flask-login"],
        capture_output=True,
        text=True,
        env={"FLASK_PICK_CATALOG": str(catalog_dir), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: extensions/flask-login.yaml: entry 'flask-login': ")
    assert "field 'status'" in lines[0]


@pytest.mark.parametrize(
    "rule", [{"when": {"deploy": ["heroku"]}}, {"message": "unwise"}, "warn me"]
)
def test_a_warning_rule_needs_a_condition_and_a_message(rule: object, tmp_path: Path) -> None:
    catalog_dir = copy_catalog(tmp_path)
    needs_file = catalog_dir / "needs.yaml"
    needs = yaml.safe_load(needs_file.read_text())
    needs["database"]["values"]["sqlite"]["warn_when"] = [rule]
    needs_file.write_text(yaml.safe_dump(needs))
    with pytest.raises(CatalogError, match="needs.yaml: .*'warn_when' has a rule"):
        load_vocabulary(load_catalog(catalog_dir), catalog_dir)
