"""Where catalog/ and templates/ live: inside the installed wheel, or in a source checkout."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding `catalog/` and `templates/`."""
    # A built wheel carries both under recommender/_data; a source checkout (editable install
    # or running from the clone) keeps them at the repository's top level.
    bundled = _PACKAGE_DIR / "_data"
    if (bundled / "catalog").is_dir():
        return bundled
    return _PACKAGE_DIR.parent


def catalog_dir() -> Path:
    """The catalog's folder; FLASK_PICK_CATALOG points at another one (a fork, or a test's)."""
    override = os.environ.get("FLASK_PICK_CATALOG")
    return Path(override) if override else data_root() / "catalog"


def template_dir() -> Path:
    """The Copier template's folder."""
    return data_root() / "templates" / "flask-app"
