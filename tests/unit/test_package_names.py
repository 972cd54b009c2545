"""Package names a generated project must not take, checked before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.needs import resolve_needs
from recommender.errors import UsageError
from recommender.render import plan_project, template_reserved_names


def test_the_reserved_list_is_read_from_the_template() -> None:
    # copier.yml's validator holds the list, so bare `copier copy` refuses the same names.
    assert {"flask", "tests", "migrations", "instance", "config"} <= template_reserved_names()


@pytest.mark.parametrize("name", ["flask", "instance", "email", "site", "tests"])
def test_a_name_that_shadows_a_module_or_folder_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(UsageError, match=f"package name '{name}' would shadow"):
        plan_project(tmp_path / "shop", name, None)
    assert not (tmp_path / "shop").exists()


def test_a_name_that_shadows_one_of_the_picks_is_refused(tmp_path: Path) -> None:
    needs = resolve_needs(shipped_vocabulary(), {"kind": "api", "cache": "yes"})
    rec = recommend(shipped_catalog(), shipped_vocabulary(), needs, wired_only=True)
    assert "flask_caching" not in template_reserved_names()
    with pytest.raises(UsageError, match="'flask_caching' would shadow"):
        plan_project(tmp_path / "shop", "flask_caching", rec)
    assert plan_project(tmp_path / "shop", "shop", rec).package == "shop"


@pytest.mark.parametrize("folder", ["my app", ".hidden", "-dash", "café"])
def test_a_folder_name_copier_would_refuse_is_refused_first(tmp_path: Path, folder: str) -> None:
    with pytest.raises(UsageError, match="cannot name a project"):
        plan_project(tmp_path / folder, None, None)
    assert not (tmp_path / folder).exists()
