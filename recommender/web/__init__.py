"""The web stack builder and HTTP API of `flask-pick serve`, on the same core as the CLI.

`create_app()` is the application factory: `gunicorn 'recommender.web:create_app()'` hosts it.
Imported only by `flask-pick serve`, so the other commands never load Flask.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

# A requirements file or pyproject.toml is a few KB; nothing a client sends needs more.
MAX_CONTENT_LENGTH = 1024 * 1024


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The builder app: page, fragments and JSON API."""
    from recommender.catalog import shipped_catalog, shipped_vocabulary
    from recommender.web.starter import PreviewCache
    from recommender.web.views import api, page, register_error_handlers

    # Load the catalog now: a broken one stops the server at start, and the first person to
    # open the page does not wait for the YAML to be read.
    shipped_catalog()
    shipped_vocabulary()
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH, MAX_FORM_PARTS=50)
    app.config.update(config or {})
    app.extensions["flask_pick_previews"] = PreviewCache()
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(page)
    app.register_blueprint(api)
    register_error_handlers(app)
    return app
