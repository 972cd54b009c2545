"""Tests for the PyPI flask-* index: building, writing, reading and deriving a status."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.pypi_index import (
    ACTIVE_MONTHS,
    MAINTENANCE_MONTHS,
    IndexEntry,
    PyPIIndex,
    build_index_rows,
    derive_status,
    normalize,
    read_index,
    write_index,
)

CATALOG = Path(__file__).resolve().parents[2] / "catalog"

SOURCE = """\
name\tversion\tmonth\trank_among_15000_most_downloaded\tsummary
flask\t3.1.2\t2026-08\t40\tA simple framework for building complex web applications.
Flask_Foo\t1.0\t2025-01\t900\tFoo for Flask
flask.bar\t0.2\t2019-03\t\tBar, unranked
flask-login\t0.6.3\t2023-10\t809\tUser session management for Flask.
flaskless\t1.0\t2024-01\t\tStarts with flask but is not flask-*
requests\t2.32.5\t2026-08\t5\tPython HTTP for Humans.
Flask-Admin\t2.2.1\t2026-09\t3244\tSimple and extensible admin interface framework for Flask
"""


@pytest.fixture
def index(tmp_path: Path) -> PyPIIndex:
    """Builds, writes and reads back the index of SOURCE."""
    source = tmp_path / "pypi.tsv"
    source.write_text(SOURCE, encoding="utf-8")
    with source.open(encoding="utf-8") as lines:
        rows = build_index_rows(lines)
    out = tmp_path / "pypi-index.tsv"
    write_index(out, rows, "2026-11-24", source.name)
    return read_index(out)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Flask_Foo", "flask-foo"), ("Flask.Foo", "flask-foo"), ("flask__-.foo", "flask-foo")],
)
def test_normalize_folds_case_and_separator_runs(name: str, expected: str) -> None:
    assert normalize(name) == expected


def test_build_keeps_only_flask_dash_packages_sorted_by_normalized_name() -> None:
    rows = build_index_rows(SOURCE.splitlines(keepends=True))
    assert [r.name for r in rows] == ["Flask-Admin", "flask.bar", "Flask_Foo", "flask-login"]
    assert rows[1] == IndexEntry("flask.bar", "0.2", "2019-03", None)
    assert rows[2].rank == 900


def test_build_rejects_an_unexpected_header() -> None:
    with pytest.raises(ValueError, match="header"):
        build_index_rows(["pkg\tver\n", "flask-x\t1\n"])


def test_written_file_has_comment_header_and_no_summary(tmp_path: Path) -> None:
    out = tmp_path / "index.tsv"
    write_index(out, build_index_rows(SOURCE.splitlines()), "2026-11-24", "pypi.tsv")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# as_of: 2026-11-24  source: pypi.tsv  rows: 4"
    assert lines[1] == "name\tversion\tmonth\trank"
    assert lines[2:4] == ["Flask-Admin\t2.2.1\t2026-09\t3244", "flask.bar\t0.2\t2019-03\t"]
    assert all(line.count("\t") == 3 for line in lines[1:])


def test_read_back_keys_entries_by_normalized_name(index: PyPIIndex) -> None:
    assert index.as_of == "2026-11-24"
    assert sorted(index.entries) == ["flask-admin", "flask-bar", "flask-foo", "flask-login"]
    assert index.entries["flask-bar"].rank is None


@pytest.mark.parametrize("name", ["flask_foo", "Flask.Foo", "FLASK-FOO", "flask-foo"])
def test_find_accepts_import_style_names(index: PyPIIndex, name: str) -> None:
    assert index.find(name) == IndexEntry("Flask_Foo", "1.0", "2025-01", 900)


def test_find_misses_excluded_and_unknown_names(index: PyPIIndex) -> None:
    assert index.find("flask") is None
    assert index.find("requests") is None
    assert index.find("flask-nope") is None


def test_suggestions_offer_close_published_names(index: PyPIIndex) -> None:
    assert index.suggestions("flask_logn") == ["flask-login"]
    assert index.suggestions("Flask-Admn", limit=1) == ["Flask-Admin"]
    assert index.suggestions("login") == ["flask-login"]  # the prefix may be left out
    assert index.suggestions("flask-zzzzzz") == []  # the shared prefix alone is no match


def test_read_rejects_a_file_without_as_of(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("name\tversion\tmonth\trank\n", encoding="utf-8")
    with pytest.raises(ValueError, match="as_of"):
        read_index(bad)


@pytest.mark.parametrize(
    ("month", "status", "reason"),
    [
        ("2027-01", "active", "last release 2027-01"),  # after as_of: still active
        ("2026-11", "active", "last release 2026-11"),
        ("2025-05", "active", "last release 2025-05"),  # exactly ACTIVE_MONTHS
        ("2025-04", "maintenance", "no release since 2025-04: possibly unmaintained"),
        ("2022-11", "maintenance", "no release since 2022-11: possibly unmaintained"),
        ("2022-10", "abandoned", "no release since 2022-10: likely abandoned"),
        ("2012-01", "abandoned", "no release since 2012-01: likely abandoned"),
    ],
)
def test_derive_status_thresholds(month: str, status: str, reason: str) -> None:
    assert (ACTIVE_MONTHS, MAINTENANCE_MONTHS) == (18, 48)  # the months above are picked for these
    derived = derive_status(IndexEntry("flask-x", "1.0", month, None), "2026-11")
    assert (derived.status, derived.reason) == (status, reason)


def test_committed_index_parses() -> None:
    index = read_index(CATALOG / "pypi-index.tsv")
    assert len(index.entries) > 2000
    assert index.as_of.count("-") == 2
    assert index.find("flask_login") is not None
    assert all(key.startswith("flask-") for key in index.entries)
