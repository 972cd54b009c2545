"""Render a project in-process, without git, for the fast tests that read generated files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.core.engine import recommend
from recommender.core.needs import resolve_needs
from recommender.render import plan_project, render_project


def render_stack(dest: Path, preset: str, *with_names: str, **needs: str) -> Path:
    """Render what `flask-pick new DEST --preset PRESET [--with ...] [--need ...]` would."""
    vocabulary = shipped_vocabulary()
    resolved = resolve_needs(vocabulary, {**vocabulary.preset(preset), **needs})
    rec = recommend(shipped_catalog(), vocabulary, resolved, with_names, wired_only=True)
    render_project(plan_project(dest, None, rec), rec, git=False, secret_key="s" * 64)
    return dest


RenderStack = Callable[..., Path]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderStack:
    """`render_stack(NAME, PRESET, *with, **needs)`, rendered once per session.

    Several modules read the same stacks (the api and webapp presets, say) and only read
    them, so one rendering serves them all. NAME is the project's folder and package name.
    """
    root = tmp_path_factory.mktemp("rendered")
    done: dict[tuple[object, ...], Path] = {}

    def render(name: str, preset: str, *with_names: str, **needs: str) -> Path:
        key = (name, preset, with_names, tuple(sorted(needs.items())))
        if key not in done:
            dest = root / str(len(done)) / name
            dest.parent.mkdir()
            done[key] = render_stack(dest, preset, *with_names, **needs)
        return done[key]

    return render
