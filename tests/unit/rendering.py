"""Render a project in-process, without git, for the fast tests that read generated files."""

from __future__ import annotations

from pathlib import Path

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
