"""The builder's routes: the page (whole, or one fragment for the page's script) and the API.

Every error a client can cause answers 400 with the one-line message the CLI prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from recommender.catalog import shipped_catalog, shipped_vocabulary
from recommender.console import (
    audit_record,
    comparison_record,
    library_comparison_record,
    recommendation_record,
)
from recommender.core.compare import compare_stacks, library_facts
from recommender.core.names import NameIndex
from recommender.errors import CatalogError, FlaskPickError, UsageError
from recommender.web.builder import (
    Builder,
    build,
    check_query_size,
    command_line,
    dropped,
    query_string,
    read_choices,
    recommend_for,
    swapped,
    swaps,
)
from recommender.web.metadata import metadata_record
from recommender.web.starter import PreviewCache, zip_project

page = Blueprint("page", __name__)
api = Blueprint("api", __name__)

# The names an uploaded dependency file may have; the audit reads each by its name.
AUDIT_FILE_NAMES = (
    "requirements.txt",
    "requirements.in",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Pipfile",
)
# Routes whose errors a program reads: JSON bodies. Others answer in plain text.
JSON_ROUTES = ("/metadata", "/recommend", "/compare", "/audit")


def _previews() -> PreviewCache:
    cache: PreviewCache = current_app.extensions["flask_pick_previews"]
    return cache


def _args() -> dict[str, list[str]]:
    return {key: request.args.getlist(key) for key in request.args}


# -- the page ----------------------------------------------------------------------------------


def _tree(paths: list[str]) -> dict[str, Any]:
    """Nested folders for the file-tree preview: {name: subtree, ...}, files map to their path."""
    root: dict[str, Any] = {}
    for path in paths:
        node = root
        *folders, name = path.split("/")
        for folder in folders:
            node = node.setdefault(folder + "/", {})
        node[name] = path
    return root


def _page_context(state: Builder) -> dict[str, Any]:
    catalog = shipped_catalog()
    choices = state.choices
    context: dict[str, Any] = {
        "state": state,
        "choices": choices,
        "query": query_string(choices),
        "command": command_line(choices),
        "presets": shipped_vocabulary().presets,
        "swaps": {pick.library.id: swaps(catalog, pick) for pick in state.recommendation.picks},
        "compare": None,
        "files": None,
    }
    # One shortest query for every link on the page; each link only adds its own parameters.
    context["link"] = lambda **extra: (
        "?" + "&".join(part for part in (context["query"], urlencode(extra)) if part)
    )
    context["swap_link"] = lambda old, new: "?" + query_string(swapped(choices, old, new))
    context["drop_link"] = lambda name: "?" + query_string(dropped(choices, name))
    context["library_ids"] = [lib.id for lib in catalog.libraries]
    compared = request.args.get("compare", "")
    pick = next((p for p in state.recommendation.picks if p.library.id == compared), None)
    if pick is not None:
        libraries = [pick.library, *(swap.library for swap in context["swaps"][pick.library.id])]
        facts = [dict(library_facts(library)) for library in libraries]
        labels = list(dict.fromkeys(label for column in facts for label in column))
        context["compare"] = {
            "pick": pick,
            "libraries": libraries,
            "rows": [(label, [column.get(label, "-") for column in facts]) for label in labels],
        }
    if request.args.get("explore"):
        files = _previews().files(choices.name, state.recommendation)
        chosen = request.args.get("file", "")
        context["files"] = {
            "tree": _tree([file.path for file in files]),
            "count": len(files),
            "open": next((file for file in files if file.path == chosen), None),
        }
    return context


@page.get("/")
def index() -> tuple[str, int] | str:
    """The builder page; with `X-Fragment: builder`, only the part the script replaces."""
    fragment = request.headers.get("X-Fragment") == "builder"
    try:
        state = build(read_choices(_args()))
        context = _page_context(state)
    except UsageError as exc:
        return render_template("error.html", message=str(exc), fragment=fragment), 400
    except FlaskPickError as exc:
        if isinstance(exc, CatalogError):
            raise
        return render_template("error.html", message=str(exc), fragment=fragment), 400
    return render_template("builder.html" if fragment else "index.html", **context)


@page.get("/health")
def health() -> dict[str, str]:
    """For a load balancer or a container's health check."""
    return {"status": "ok"}


# -- the API -----------------------------------------------------------------------------------


@api.get("/metadata")
def metadata() -> dict[str, Any]:
    """Needs, values, presets and libraries (recommender/schemas/metadata.schema.json)."""
    return metadata_record(shipped_catalog(), shipped_vocabulary())


@api.get("/recommend")
def recommend_json() -> dict[str, Any]:
    """The JSON `flask-pick recommend --format json` prints for the same needs."""
    return recommendation_record(recommend_for(read_choices(_args()), wired_only=False))


@api.get("/compare")
def compare_json() -> dict[str, Any]:
    """The JSON `flask-pick compare LIB LIB... --format json` prints, or with `preset=A&preset=B`
    (plus any `need=`) that of `flask-pick compare --preset A --preset B --format json`."""
    # Each preset is a whole recommendation: the query's size bounds that work too.
    check_query_size(_args())
    names = [name for name in request.args.getlist("lib") if name.strip()]
    presets = [name for name in request.args.getlist("preset") if name.strip()]
    if presets:
        if names:
            raise UsageError("compare either libraries or stacks (preset=), not both")
        if len(presets) < 2:
            raise UsageError("compare needs two or more presets; give preset=A&preset=B")
        needs = request.args.getlist("need")
        stacks = [
            (name, recommend_for(read_choices({"preset": [name], "need": needs}), wired_only=False))
            for name in presets
        ]
        return comparison_record(compare_stacks(stacks))
    index = NameIndex.build(shipped_catalog())
    found = list({lib.id: lib for lib in (index.require(name) for name in names)}.values())
    if len(found) < 2:
        raise UsageError("compare needs two or more libraries; give lib=A&lib=B")
    return library_comparison_record(found)


@api.get("/starter.zip")
def starter_zip() -> Response:
    """The project `flask-pick new NAME --yes --need ... --with ...` makes, as a zip."""
    choices = read_choices(_args())
    rec = recommend_for(choices, wired_only=True)
    data = zip_project(choices.name, rec, git=choices.git)
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{choices.name}.zip"'},
    )


@api.post("/audit")
def audit_json() -> dict[str, Any]:
    """Audit one dependency file sent as the body (or as the form field `file`)."""
    import shutil
    import tempfile

    from recommender.audit import run_audit

    name = request.args.get("name", "requirements.txt")
    if name not in AUDIT_FILE_NAMES:
        raise UsageError(f"name={name} is not valid; choose one of: {', '.join(AUDIT_FILE_NAMES)}")
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise UsageError("the form has no field 'file'; send the file as 'file' or as the body")
        data = upload.read()
    else:
        # Whatever the declared type: `curl --data-binary` says form-urlencoded, and the
        # body is still the file.
        data = request.get_data(cache=False)
    if not data.strip():
        raise UsageError("the request body is empty; send a requirements file (curl --data-binary)")
    scratch = Path(tempfile.mkdtemp(prefix="flask-pick-audit-"))
    try:
        (scratch / name).write_bytes(data)
        record = audit_record(run_audit(scratch / name))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # The scratch folder means nothing to the client: the report names the file it sent.
    record["path"] = name
    return record


# -- errors ------------------------------------------------------------------------------------


def _error(message: str, status: int) -> Response:
    if request.path in JSON_ROUTES:
        body = json.dumps({"error": message, "status": status}, ensure_ascii=False)
        return Response(body + "\n", status, mimetype="application/json")
    return Response(f"error: {message}\n", status, mimetype="text/plain")


def register_error_handlers(app: Flask) -> None:
    """A client's mistake answers 400 with the CLI's one-line message; HTTP errors one line."""

    @app.errorhandler(FlaskPickError)
    def _flask_pick_error(exc: FlaskPickError) -> Response:
        # A broken catalog is the server's fault, not the client's.
        return _error(str(exc), 500 if isinstance(exc, CatalogError) else 400)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        description = (exc.description or exc.name).rstrip(".")
        return _error(f"{exc.name.lower()}: {description}", exc.code or 500)

    @app.context_processor
    def _urls() -> dict[str, Any]:
        return {"static_url": lambda name: url_for("static", filename=name)}
