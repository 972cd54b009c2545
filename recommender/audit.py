"""`flask-pick audit`: walk an existing project and judge what it declares and imports.

Each file goes to its reader in `recommender.scan` (nothing is executed); the rules that
judge what was found live in `recommender.core.audit`.
"""

from __future__ import annotations

import configparser
import json
import os
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from recommender.core.audit import (
    RULE_KINDS,
    Audit,
    Project,
    RemovedApi,
    audit,
)
from recommender.errors import CatalogError, UsageError
from recommender.scan.dependencies import (
    read_pipfile,
    read_pipfile_lock,
    read_pyproject,
    read_requirements,
    read_setup_cfg,
    read_setup_py,
    read_toml_lock,
)
from recommender.scan.reader import Reader, Wanted
from recommender.scan.sources import read_python

# Folders that hold someone else's code or generated files, never the project's own.
SKIPPED_DIRS = frozenset(
    {
        "node_modules",
        "site-packages",
        "dist-packages",
        "__pycache__",
        "build",
        "dist",
        "venv",
        "env",
        "virtualenv",
        "htmlcov",
        "bower_components",
    }
)
DEPENDENCY_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile"})


def scan_project(path: Path, removed: Iterable[RemovedApi] = ()) -> Project:
    """Read every dependency file and Python source under `path` (or that one file)."""
    if not path.exists():
        raise UsageError(f"{path} does not exist; give the folder of a Python project")
    target = path.resolve()
    root = target if target.is_dir() else target.parent
    reader = Reader(root, wanted_names(removed))
    local: set[str] = set()
    files = [target] if target.is_file() else list(_walk(root))
    for file in files:
        if file.suffix == ".py":
            local.add(file.stem)
            if (file.parent / "__init__.py").exists():
                local.add(file.parent.name)
    for file in files:
        _read_file(reader, file, explicit=target.is_file())
    if not reader.dependency_files and not reader.python_files:
        what = "a dependency file or Python source" if target.is_file() else "no Python project"
        if target.is_file():
            raise UsageError(
                f"{path} is not {what}; give a project folder, a requirements file, "
                "pyproject.toml, setup.py, setup.cfg, Pipfile, a lock file or a .py file"
            )
        raise UsageError(
            f"{path} holds {what} (no requirements*.txt, pyproject.toml, setup.py, setup.cfg, "
            "Pipfile, uv.lock, poetry.lock, Pipfile.lock or .py file); give the folder of a "
            "Python project"
        )
    return Project(
        root=str(root),
        dependency_files=tuple(reader.dependency_files),
        python_files=reader.python_files,
        declarations=tuple(reader.declarations),
        imports=tuple(reader.imports),
        attributes=tuple(reader.attributes),
        local_modules=frozenset(local),
        notes=tuple(reader.notes),
    )


def run_audit(path: Path) -> Audit:
    """Scan a project and judge what it uses against the shipped catalog and PyPI index."""
    from recommender.catalog import shipped_catalog, shipped_pypi_index

    removed = shipped_removed_apis()
    project = scan_project(path, removed)
    return audit(shipped_catalog(), shipped_pypi_index(), project, removed)


def _walk(root: Path) -> Iterator[Path]:
    """Every file under root, skipping hidden folders, virtualenvs and build output."""
    for current, dirs, files in os.walk(root):
        here = Path(current)
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not d.endswith(".egg-info")
            and not _is_virtualenv(here / d)
        )
        for name in sorted(files):
            yield here / name


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").exists() or (path / "bin" / "activate").exists()


def _is_requirements(path: Path) -> bool:
    if path.suffix not in (".txt", ".in"):
        return False
    return "requirements" in path.name.lower() or "requirements" in path.parent.name.lower()


def _read_file(reader: Reader, path: Path, *, explicit: bool) -> None:
    name = path.name
    try:
        if path.suffix == ".py" and name != "setup.py":
            read_python(reader, path)
        elif name == "setup.py":
            read_python(reader, path)
            read_setup_py(reader, path)
        elif name == "pyproject.toml":
            read_pyproject(reader, path)
        elif name == "setup.cfg":
            read_setup_cfg(reader, path)
        elif name == "Pipfile":
            read_pipfile(reader, path)
        elif name in ("uv.lock", "poetry.lock"):
            read_toml_lock(reader, path)
        elif name == "Pipfile.lock":
            read_pipfile_lock(reader, path)
        elif _is_requirements(path) or (explicit and path.suffix in (".txt", ".in")):
            read_requirements(reader, path)
    except (OSError, UnicodeDecodeError, LookupError, SyntaxError) as exc:
        # SyntaxError and LookupError: a bad or unknown `# coding:` cookie.
        reader.notes.append(f"{reader.rel(path)}: cannot read: {exc}")
    except (tomllib.TOMLDecodeError, configparser.Error, json.JSONDecodeError) as exc:
        reader.notes.append(f"{reader.rel(path)}: cannot parse: {str(exc).splitlines()[0]}")


# -- removed APIs ------------------------------------------------------------------------------


@cache
def shipped_removed_apis() -> tuple[RemovedApi, ...]:
    """The Flask and Werkzeug names `catalog/removed-apis.yaml` lists as removed."""
    from recommender.catalog import read_yaml
    from recommender.resources import catalog_dir

    return load_removed_apis(read_yaml(catalog_dir() / "removed-apis.yaml"))


def load_removed_apis(data: object) -> tuple[RemovedApi, ...]:
    """Validate the parsed removed-apis.yaml into RemovedApi records."""
    where = "removed-apis.yaml"
    if not isinstance(data, list):
        raise CatalogError(f"{where}: expected a list of groups")
    result = []
    for index, group in enumerate(data):
        here = f"{where}[{index}]"
        if not isinstance(group, dict):
            raise CatalogError(f"{here}: expected a mapping")
        fields = {}
        for key in ("module", "removed_in", "source"):
            value = group.get(key)
            if not isinstance(value, str) or not value:
                raise CatalogError(f"{here}: field '{key}' must be a non-empty string")
            fields[key] = value
        if " " not in fields["removed_in"]:
            raise CatalogError(f"{here}: field 'removed_in' must read '<package> <version>'")
        kind = group.get("kind", "import")
        if kind not in RULE_KINDS:
            raise CatalogError(f"{here}: field 'kind' is {kind!r}; one of {', '.join(RULE_KINDS)}")
        receivers = _strings(group, "receivers", here)
        calls = _strings(group, "calls", here)
        if kind == "keyword" and not calls:
            raise CatalogError(f"{here}: a keyword group needs 'calls' (the functions)")
        anywhere = group.get("anywhere", False)
        if not isinstance(anywhere, bool):
            raise CatalogError(f"{here}: field 'anywhere' must be true or false")
        names = group.get("names")
        if not isinstance(names, dict) or not names:
            raise CatalogError(f"{here}: field 'names' must map each removed name to its fix")
        for name, fix in names.items():
            if not isinstance(name, str) or not isinstance(fix, str) or not fix:
                raise CatalogError(f"{here}: names: {name!r} must map to a one-line fix")
            result.append(
                RemovedApi(
                    fields["module"],
                    name,
                    fields["removed_in"],
                    fix,
                    fields["source"],
                    kind,
                    receivers,
                    calls,
                    anywhere,
                )
            )
    return tuple(result)


def _strings(group: dict[str, object], key: str, here: str) -> tuple[str, ...]:
    value = group.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogError(f"{here}: field '{key}' must be a list of names")
    return tuple(str(item) for item in value)


def wanted_names(removed: Iterable[RemovedApi]) -> Wanted:
    """What the source readers must collect for these rules, and nothing more."""
    removed = tuple(removed)
    keywords: dict[str, set[str]] = {}
    for api in removed:
        if api.kind == "keyword":
            for call in api.calls:
                keywords.setdefault(call, set()).add(api.name)
    return Wanted(
        attributes=frozenset(api.name for api in removed if api.kind == "attribute"),
        keywords={call: frozenset(names) for call, names in keywords.items()},
        config_keys=frozenset(api.name for api in removed if api.kind == "config"),
        modules=frozenset(api.module for api in removed if api.kind == "import"),
    )
