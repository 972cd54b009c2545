"""A generated project holds code for what was chosen, and nothing for what was not."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.unit.rendering import RenderStack


def _read(project: Path, name: str) -> str:
    return (project / name).read_text(encoding="utf-8")


def test_database_urls_are_rewritten_only_for_the_chosen_database(rendered: RenderStack) -> None:
    postgres = _read(rendered("api", "api"), "api/config.py")
    assert "postgres://" in postgres and "mysql" not in postgres
    mysql = _read(
        rendered("queues", "webapp", "celery", "flask-rq", database="mysql"), "queues/config.py"
    )
    assert "mysql://" in mysql and "postgres" not in mysql
    sqlite = _read(rendered("webapp", "webapp"), "webapp/config.py")
    assert "postgres" not in sqlite and "mysql" not in sqlite


def test_models_serialize_themselves_only_for_the_plain_json_api(rendered: RenderStack) -> None:
    # An API framework (flask-smorest here) has schemas; pages have templates.
    for project, package in (
        (rendered("api", "api"), "api"),
        (rendered("webapp", "webapp"), "webapp"),
    ):
        models = _read(project, f"{package}/models.py")
        assert "to_dict" not in models and "from typing import Any" not in models
    plain = rendered("plain", "api", api="none")
    assert "def to_dict" in _read(plain, "plain/models.py")
    assert "to_dict()" in _read(plain, "plain/api/__init__.py")


def test_the_readme_is_short_and_each_library_is_explained_in_docs(rendered: RenderStack) -> None:
    project = rendered("full", "full")
    readme = _read(project, "README.md")
    assert len(readme.splitlines()) < 80
    assert "\n### " not in readme  # no per-library sections: they are in docs/libraries.md
    rows = [line for line in readme.splitlines() if line.startswith("| [")]
    libraries = _read(project, "docs/libraries.md")
    picks = [line.split("](")[0].removeprefix("| [") for line in rows]
    assert len(picks) == len(set(picks)) > 10
    for row in rows:
        assert row.count(" | ") == 2, row  # library and range, what it is for, why
    for name in ("Celery", "Flask-Security", "gunicorn"):
        assert f"\n### {name}\n" in libraries
    assert "TRUSTED_PROXY_HOPS" in _read(project, "docs/operations.md")


def _imports_twice(source: str) -> list[str]:
    """Modules one body (a module's or a function's) imports more than once."""
    twice = []
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        seen: set[str] = set()
        for statement in body:
            if isinstance(statement, ast.ImportFrom):
                key = f"{statement.module}:{','.join(sorted(a.name for a in statement.names))}"
                if key in seen:
                    twice.append(key)
                seen.add(key)
    return twice


def test_no_body_imports_the_same_name_twice(rendered: RenderStack) -> None:
    # The full stack has the most fragments adding to one function (blueprints, CSRF).
    for project in (rendered("full", "full"), rendered("api", "api")):
        for path in sorted(project.rglob("*.py")):
            assert not _imports_twice(path.read_text(encoding="utf-8")), path


def _names_used(project: Path) -> set[str]:
    """Every name a module of the project reads (as a name, an attribute or an import)."""
    used: set[str] = set()
    for path in project.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name)
    return used


def test_config_defines_only_helpers_and_constants_something_uses(rendered: RenderStack) -> None:
    # The env_* helpers, BASE_DIR... are written only for the settings that need them.
    stacks = {
        "minimal": rendered("minimal", "minimal"),
        "heroku": rendered("heroku", "minimal", deploy="heroku"),
        "webapp": rendered("webapp", "webapp"),
        "api": rendered("api", "api"),
        "full": rendered("full", "full"),
    }
    for package, project in stacks.items():
        used = _names_used(project)
        tree = ast.parse(_read(project, f"{package}/config.py"))
        defined = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
        for node in tree.body:
            if isinstance(node, ast.Assign):
                defined += [target.id for target in node.targets if isinstance(target, ast.Name)]
        unused = sorted(name for name in defined if name not in used)
        assert not unused, (package, unused)


def test_notebooks_have_owners_only_in_stacks_with_users(rendered: RenderStack) -> None:
    # With accounts, each notebook is its owner's: the model, the migration and the API agree.
    owned = rendered("api", "api")
    assert 'owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id")' in _read(
        owned, "api/models.py"
    )
    assert '"owner_id"' in _read(owned, "migrations/versions/0001_initial.py")
    assert "my_notebook_or_404(notebook_id)" in _read(owned, "api/api/__init__.py")
    # Without accounts, notebooks stay shared, and nothing speaks of owners.
    public = rendered("public", "api", auth="none")
    migration = "migrations/versions/0001_initial.py"
    for name in ("public/models.py", "public/api/__init__.py", migration):
        text = _read(public, name)
        assert "owner" not in text and "my_notebook" not in text, name
