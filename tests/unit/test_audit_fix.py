"""`flask-pick audit --fix` and `--diff`: the mechanical rewrites, and what they never touch."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from recommender.errors import CatalogError
from recommender.fix import load_renames, python_edits, shipped_renames
from recommender.rewrite import PythonEdits, rewrite_python, rewrite_requirement
from tests.unit.cli_runner import run_cli
from tests.unit.test_audit import write

Capsys = pytest.CaptureFixture[str]
FLASK1_APP = Path(__file__).resolve().parents[1] / "fixtures" / "audit" / "flask1-app"


def committed_copy(tmp_path: Path, source: Path = FLASK1_APP) -> Path:
    """The fixture app copied into a fresh git repository, everything committed."""
    project = tmp_path / "app"
    shutil.copytree(source, project)
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "old app"], check=True)
    return project


def committed_project(tmp_path: Path, files: dict[str, str]) -> Path:
    """A sample project ({relative path: text}) in a fresh git repository, all committed."""
    return committed_copy(tmp_path, write(tmp_path / "src", files))


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_diff_previews_the_rewrites_and_changes_nothing(capsys: Capsys, tmp_path: Path) -> None:
    project = committed_copy(tmp_path)
    before = snapshot(project)
    result = run_cli(capsys, "audit", str(project), "--diff")
    assert snapshot(project) == before
    # Flask-Script is left by hand, and it breaks on Flask 3: exit 1.
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert "-from flask.ext.sqlalchemy import SQLAlchemy\n" in out
    assert "+from flask_sqlalchemy import SQLAlchemy\n" in out
    assert "+from flask_restx import Api, Resource, fields" in out
    assert "-flask-restplus==0.12.1\n" in out and "+flask-restx>=1.3.0\n" in out
    assert "would change notes/forms.py:" in out
    assert "left by hand:" in out and "Flask-Script" in out


def test_fix_rewrites_imports_pins_and_renamed_packages(capsys: Capsys, tmp_path: Path) -> None:
    project = committed_copy(tmp_path)
    result = run_cli(capsys, "audit", str(project), "--fix")
    assert result.exit_code == 1  # Flask-Script remains
    forms = (project / "notes" / "forms.py").read_text(encoding="utf-8")
    assert forms.splitlines()[:3] == [
        "from flask_wtf import FlaskForm",
        "from wtforms import StringField",
        "from wtforms.validators import DataRequired",
    ]
    assert 'text = StringField("Note", validators=[DataRequired()])' in forms
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    # The comment and the line of the package left by hand stay as they were.
    assert requirements.startswith(
        "# Pinned in 2018, when this app was written against Flask 1.0.\n"
    )
    assert "Flask>=3.0.0\nWerkzeug>=3.0.0\n" in requirements
    assert "Flask-Script==2.0.6\nflask-restx>=1.3.0\n" in requirements
    assert "changed requirements.txt:" in result.stdout
    assert "1 left by hand." in result.stdout
    # What is left is only Flask-Script: a second audit finds nothing else that fails.
    again = run_cli(capsys, "audit", str(project), "--format", "json")
    failing = [
        (lib["name"], p["kind"])
        for lib in again.json()["libraries"]
        for p in lib["problems"]
        if p["fails"]
    ]
    assert failing == [("Flask-Script", "dead")]


def test_fix_refuses_files_with_uncommitted_changes(capsys: Capsys, tmp_path: Path) -> None:
    project = committed_copy(tmp_path)
    forms = project / "notes" / "forms.py"
    forms.write_text(forms.read_text(encoding="utf-8") + "# my unsaved work\n", encoding="utf-8")
    before = snapshot(project)
    result = run_cli(capsys, "audit", str(project), "--fix")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --fix would rewrite files with uncommitted changes")
    assert "notes/forms.py" in result.stderr and "--force" in result.stderr
    assert snapshot(project) == before
    forced = run_cli(capsys, "audit", str(project), "--fix", "--force")
    assert "changed notes/forms.py:" in forced.stdout
    assert forms.read_text(encoding="utf-8").endswith("# my unsaved work\n")


def test_fix_outside_git_needs_force(capsys: Capsys, tmp_path: Path) -> None:
    project = tmp_path / "loose"
    shutil.copytree(FLASK1_APP, project)
    result = run_cli(capsys, "audit", str(project), "--fix")
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr
    assert (project / "requirements.txt").read_text(encoding="utf-8") == (
        FLASK1_APP / "requirements.txt"
    ).read_text(encoding="utf-8")


def test_rewrites_keep_comments_layout_and_unrelated_code() -> None:
    source = (
        "# app module\n"
        "from werkzeug import (\n"
        "    Local,  # kept\n"
        "    secure_filename,\n"
        ")\n"
        "\n"
        "\n"
        "def save(name):  # keep this comment\n"
        "    from flask.ext.login import current_user\n"
        "    return secure_filename(name), current_user, obj.secure_filename\n"
    )
    new, changes = rewrite_python(source, python_edits())
    assert new == (
        "# app module\n"
        "from werkzeug import (\n"
        "    Local,  # kept\n"
        ")\n"
        "from werkzeug.utils import secure_filename\n"
        "\n"
        "\n"
        "def save(name):  # keep this comment\n"
        "    from flask_login import current_user\n"
        "    return secure_filename(name), current_user, obj.secure_filename\n"
    )
    assert [c.line for c in changes] == [2, 9]


def test_a_renamed_name_that_is_taken_keeps_its_old_name_as_an_alias() -> None:
    source = (
        "from wtforms import TextField\n\n\nclass StringField:\n    pass\n\n\nname = TextField()\n"
    )
    new, _ = rewrite_python(source, python_edits())
    assert new.startswith("from wtforms import StringField as TextField\n")
    assert new.endswith("name = TextField()\n")


def test_a_function_that_only_resembles_the_old_one_is_left_by_hand() -> None:
    # werkzeug.urls.url_quote is not urllib.parse.quote: no rewrite.
    source = "from werkzeug.urls import url_quote\n"
    assert rewrite_python(source, python_edits()) == (source, [])


def test_import_of_a_renamed_package_is_renamed_with_its_uses() -> None:
    edits = PythonEdits(modules={"flask_restplus": "flask_restx"})
    new, _ = rewrite_python("import flask_restplus\n\napi = flask_restplus.Api()\n", edits)
    assert new == "import flask_restx\n\napi = flask_restx.Api()\n"


@pytest.mark.parametrize(
    ("text", "name", "spec", "expected"),
    [
        ("Flask==1.0.2", None, ">=3.0.0", "Flask>=3.0.0"),
        (
            "flask-restplus[dev]==0.12; python_version>'3'",
            "flask-restx",
            ">=1.3.0",
            'flask-restx[dev]>=1.3.0; python_version > "3"',
        ),
        ("passlib", "libpass", "", "libpass"),
        ("Flask>=3.0.0", None, ">=3.0.0", None),
        ("git+https://example.com/x.git#egg=x", None, ">=1", None),
    ],
)
def test_requirement_rewrites(text: str, name: str | None, spec: str, expected: str | None) -> None:
    assert rewrite_requirement(text, name, spec) == expected


def test_shipped_renames_load_and_a_broken_one_names_the_field() -> None:
    assert {r.new for r in shipped_renames()} >= {"flask-restx", "Flask-Caching", "libpass"}
    with pytest.raises(CatalogError, match=r"renames.yaml\[0\]: 'imports'"):
        load_renames([{"from": "a", "to": "b", "floor": None, "imports": [], "note": None}])


def test_pins_are_bumped_in_pyproject_and_setup_py_and_poetry_is_left_by_hand(
    capsys: Capsys, tmp_path: Path
) -> None:
    project = committed_project(
        tmp_path,
        {
            "pyproject.toml": "[project]\n"
            'name = "shop"\n'
            "dependencies = [\n"
            '    "Flask>=1.0,<2",  # the old range\n'
            '    "flask-restplus==0.13.0",\n'
            "]\n"
            "\n"
            "[tool.poetry.dependencies]\n"
            'Werkzeug = "^0.16"\n',
            "setup.py": "from setuptools import setup\n\n"
            "setup(name='shop', install_requires=['click>=7,<8', \"Flask-SQLAlchemy==2.4.4\"])\n",
        },
    )
    result = run_cli(capsys, "audit", str(project), "--fix")
    pyproject = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert '    "Flask>=3.0.0",  # the old range\n    "flask-restx>=1.3.0",\n' in pyproject
    assert 'Werkzeug = "^0.16"' in pyproject
    setup = (project / "setup.py").read_text(encoding="utf-8")
    assert "install_requires=['click>=8.1.3', \"Flask-SQLAlchemy>=3.0.5\"]" in setup
    assert "4 problem(s) fixed mechanically, 1 left by hand." in result.stdout
    assert "Werkzeug: pyproject.toml:9:" in result.stdout
    assert result.exit_code == 1


def test_a_python2_file_is_noted_and_left_by_hand(capsys: Capsys, tmp_path: Path) -> None:
    project = committed_project(
        tmp_path,
        {
            "requirements.txt": "Flask-Login>=0.6.3\n",
            "old.py": 'from flask.ext.login import LoginManager\nprint "hi"\n',
        },
    )
    result = run_cli(capsys, "audit", str(project), "--fix")
    assert result.exit_code == 1
    assert "note: old.py: not rewritten: not valid Python 3 (fix it by hand)" in result.stdout
    assert "0 files changed, 0 problem(s) fixed mechanically, 1 left by hand." in result.stdout
    assert (project / "old.py").read_text(encoding="utf-8").startswith("from flask.ext.login")


def test_fix_takes_no_other_format(capsys: Capsys, tmp_path: Path) -> None:
    project = committed_copy(tmp_path)
    before = snapshot(project)
    result = run_cli(capsys, "audit", str(project), "--fix", "--format", "json")
    assert result.exit_code == 2
    assert result.stderr == "error: --fix and --diff print their own report; drop --format json\n"
    assert snapshot(project) == before


def test_qualified_uses_of_a_moved_name_are_rewritten_and_its_module_imported() -> None:
    source = (
        '"""Views."""\n'
        "import flask\n"
        "import flask as fl\n"
        "\n"
        "\n"
        "def bold(text):\n"
        '    return flask.Markup("<b>%s</b>") % fl.escape(text)\n'
    )
    after, changes = rewrite_python(source, python_edits())
    assert after == (
        '"""Views."""\n'
        "import flask\n"
        "import flask as fl\n"
        "import markupsafe\n"
        "\n"
        "\n"
        "def bold(text):\n"
        '    return markupsafe.Markup("<b>%s</b>") % markupsafe.escape(text)\n'
    )
    assert sorted((change.line, change.after) for change in changes) == [
        (4, "import markupsafe"),
        (7, "markupsafe.Markup"),
        (7, "markupsafe.escape"),
    ]
    # A module already imported is not imported twice; other attributes are left alone.
    again, _ = rewrite_python(
        "import markupsafe\nimport flask\nflask.Markup(flask.g)\n", python_edits()
    )
    assert again == "import markupsafe\nimport flask\nmarkupsafe.Markup(flask.g)\n"


def test_fix_counts_a_qualified_use_as_fixed(capsys: Capsys, tmp_path: Path) -> None:
    project = committed_project(
        tmp_path,
        {
            "requirements.txt": "Flask>=3.1\n",
            "shop/__init__.py": "import flask\n\nTITLE = flask.Markup('<i>Shop</i>')\n",
        },
    )
    result = run_cli(capsys, "audit", str(project), "--fix")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "markupsafe.Markup" in (project / "shop" / "__init__.py").read_text(encoding="utf-8")
    assert "1 problem(s) fixed mechanically, 0 left by hand" in result.stdout, result.stdout


def test_a_fork_that_kept_the_import_name_is_fixed_by_its_requirement_alone(
    capsys: Capsys, tmp_path: Path
) -> None:
    app = (
        "from flask import Flask\n"
        "from flask_log_request_id import RequestID\n"
        "\n"
        "RequestID(Flask(__name__))\n"
    )
    project = committed_project(
        tmp_path, {"requirements.txt": "Flask>=3.1\nFlask-Log-Request-ID==0.10.1\n", "app.py": app}
    )
    result = run_cli(capsys, "audit", str(project), "--fix")
    assert result.exit_code == 0, result.stdout
    assert "1 problem(s) fixed mechanically, 0 left by hand" in result.stdout
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    assert requirements == "Flask>=3.1\nFlask-3-Log-Request-ID>=0.11.1\n"
    assert (project / "app.py").read_text(encoding="utf-8") == app
