"""Popular Flask extensions answer from the curated catalog; dead ones name a successor."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import shipped_catalog, shipped_pypi_index
from recommender.core.names import NameIndex
from tests.unit.cli_runner import run_cli
from tests.unit.forcing_bases import forced_base

# Dead names people still type (as a package or an import) and what flask-pick offers instead.
DEAD_POPULAR = [
    ("Flask-RQ2", "flask-rq"),
    ("flask_rq2", "flask-rq"),
    ("Flask-BasicAuth", "flask-httpauth"),
    ("flask_apispec", "flask-smorest"),
    ("flask-swagger", "flask-smorest"),
    ("Flask-OpenID", "authlib"),
    ("flask_babelex", "flask-babel"),
    ("Flask-AWSCognito", "authlib"),
    ("Flask-OpenTracing", "opentelemetry-instrumentation-flask"),
    ("Flask-Log-Request-ID", "flask-3-log-request-id"),
    ("types-Flask", "flask"),
    ("types-Flask-SQLAlchemy", "flask-sqlalchemy"),
]
# Ranked flask-* packages that are deliberately left to the PyPI index, each with the reason.
NOT_CURATED = {
    "flask-unsign": "a command-line tool that cracks Flask session cookies, not an app dependency",
}


def show(capsys: pytest.CaptureFixture[str], name: str) -> dict[str, object]:
    result = run_cli(capsys, "catalog", "show", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record: dict[str, object] = result.json()
    return record


def test_flask_rq2_is_curated_as_dead_and_names_flask_rq(
    capsys: pytest.CaptureFixture[str],
) -> None:
    record = show(capsys, "Flask-RQ2")
    assert record["source"] == "catalog"
    assert record["status"] == "abandoned"
    assert record["successor"] == "flask-rq"
    assert "flask_rq" in str(record["migration"])
    table = run_cli(capsys, "catalog", "show", "flask-rq2")
    assert "flask-rq" in table.stdout.replace("\n", " ")


def test_forcing_flask_rq2_gives_flask_rq_with_a_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_cli(capsys, "recommend", "--with", "flask-rq2", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    picked = {library["id"] for library in document["libraries"]}
    assert "flask-rq" in picked
    assert "flask-rq2" not in picked
    [warning] = [w for w in document["warnings"] if w["library"] == "flask-rq2"]
    assert warning["successor"] == "flask-rq"
    assert "abandoned" in warning["message"]


@pytest.mark.parametrize(("name", "successor"), DEAD_POPULAR)
def test_a_dead_popular_extension_names_its_successor(
    capsys: pytest.CaptureFixture[str], name: str, successor: str
) -> None:
    record = show(capsys, name)
    assert record["source"] == "catalog"
    assert record["status"] in ("deprecated", "abandoned")
    assert record["successor"] == successor


@pytest.mark.parametrize(("name", "successor"), DEAD_POPULAR)
def test_forcing_a_dead_popular_extension_picks_its_successor_instead(
    capsys: pytest.CaptureFixture[str], name: str, successor: str
) -> None:
    base = forced_base(successor) or []
    result = run_cli(capsys, "recommend", *base, "--with", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json()
    picked = {library["id"] for library in document["libraries"]}
    assert successor in picked
    assert {w["successor"] for w in document["warnings"]} >= {successor}


def test_audit_flags_a_flask_rq2_requirement_with_its_successor(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "requirements.txt").write_text("Flask-RQ2==18.3\n", encoding="utf-8")
    result = run_cli(capsys, "audit", str(tmp_path), "--format", "json")
    # Abandoned, but whether it works on Flask 3 is unknown: a warning, not a failure...
    assert result.exit_code == 0
    [finding] = result.json()["libraries"]
    assert (finding["id"], finding["verdict"], finding["successor"]) == (
        "flask-rq2",
        "warning",
        "flask-rq",
    )
    assert finding["problems"][0]["fix"].startswith("move to Flask-RQ")
    # ...which still fails a CI that asks to fail on warnings.
    strict = run_cli(capsys, "audit", str(tmp_path), "--fail-on", "warning")
    assert strict.exit_code == 1


# Widely used Flask libraries whose names do not start with flask-.
FLASK_LIBRARIES = [
    "Frozen-Flask",
    "connexion",
    "flasgger",
    "webargs",
    "spectree",
    "rq-dashboard",
    "prometheus-flask-exporter",
    "opentelemetry-instrumentation-flask",
]


@pytest.mark.parametrize("name", FLASK_LIBRARIES)
def test_a_widely_used_flask_library_answers_from_the_catalog(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    record = show(capsys, name)
    assert record["source"] == "catalog"
    assert record["sources"]


def test_every_ranked_flask_package_is_curated_or_skipped_for_a_reason() -> None:
    names = NameIndex.build(shipped_catalog())
    ranked = {name for name, entry in shipped_pypi_index().entries.items() if entry.rank}
    uncurated = {name for name in ranked if names.find(name) is None}
    assert uncurated == set(NOT_CURATED)
