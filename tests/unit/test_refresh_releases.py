"""scripts/refresh_releases.py: PyPI's newest release into an entry, comments kept."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import yaml

from recommender.core.models import Release

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "refresh_releases.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("refresh_releases", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


refresh = _script()

ENTRY = """id: rq
pypi: rq
# Independent of Flask.
works_from: "2.0.0"
latest: {version: "2.12.0", month: "2026-08"}
popularity: 1608
as_of: "2026-09"
sources:
  - https://pypi.org/project/rq/
capabilities: [tasks]
"""


def test_the_newest_release_is_info_version_with_its_first_upload_month() -> None:
    data = {
        "info": {"version": "3.0.0"},
        "releases": {
            "2.12.0": [{"upload_time": "2026-08-02T10:00:00"}],
            "3.0.0": [
                {"upload_time": "2026-11-01T09:00:00"},
                {"upload_time": "2026-10-31T23:00:00"},
            ],
        },
    }
    assert refresh.release_from(data) == Release("3.0.0", "2026-10")
    assert refresh.release_from({"info": {"version": "1.0"}, "releases": {"1.0": []}}) is None


def test_rewrite_changes_latest_as_of_and_sources_only() -> None:
    new = refresh.rewrite(ENTRY, Release("3.0.0", "2026-10"), datetime.date(2026, 11, 24))
    data = yaml.safe_load(new)
    assert data["latest"] == {"version": "3.0.0", "month": "2026-10"}
    assert data["as_of"] == "2026-11"
    assert data["sources"] == ["https://pypi.org/pypi/rq/json", "https://pypi.org/project/rq/"]
    assert "# Independent of Flask." in new
    again = refresh.rewrite(new, Release("3.0.0", "2026-10"), datetime.date(2026, 11, 24))
    assert again == new


def test_find_changes_lists_differences_and_unknown_names(tmp_path: Path) -> None:
    (tmp_path / "rq.yaml").write_text(ENTRY, encoding="utf-8")
    (tmp_path / "gone.yaml").write_text(ENTRY.replace("pypi: rq", "pypi: gone"), encoding="utf-8")
    (tmp_path / "stdlib.yaml").write_text("id: pdb\npypi: null\n", encoding="utf-8")
    releases = {"rq": Release("3.0.0", "2026-10")}
    changes, unknown = refresh.find_changes(sorted(tmp_path.glob("*.yaml")), releases.get)
    assert [(c.name, c.recorded, c.current.version) for c in changes] == [("rq", "2.12.0", "3.0.0")]
    assert unknown == ["gone"]
