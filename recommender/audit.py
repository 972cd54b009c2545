"""Read an existing project's declared dependencies and imports, for `flask-pick audit`.

Nothing here is executed: dependency files are parsed with `packaging`, `tomllib` and
`configparser`, `setup.py` and the sources with `ast` (Python 2 files, which `ast` refuses,
token by token). The rules that judge what was found live in `recommender.core.audit`.
"""

from __future__ import annotations

import ast
import configparser
import io
import os
import tokenize
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from recommender.core.audit import (
    AttributeUse,
    Audit,
    Declaration,
    ImportUse,
    Project,
    RemovedApi,
    audit,
)
from recommender.errors import CatalogError, UsageError

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
# Larger Python files are generated or vendored; reading them would only slow the audit down.
MAX_PYTHON_BYTES = 2_000_000


@dataclass
class _Reader:
    """Collects what the files of one project declare and import."""

    root: Path
    removed_attributes: frozenset[str] = frozenset()
    dependency_files: list[str] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    imports: list[ImportUse] = field(default_factory=list)
    attributes: list[AttributeUse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    python_files: int = 0
    read: set[Path] = field(default_factory=set)

    def rel(self, path: Path) -> str:
        try:
            return PurePosixPath(path.resolve().relative_to(self.root)).as_posix()
        except ValueError:
            return str(path)

    def declare(self, path: Path, line: int, text: str, spec_text: str | None = None) -> None:
        """Record one requirement; `spec_text` replaces its version part (Poetry, Pipfile)."""
        try:
            requirement = Requirement(text)
        except InvalidRequirement as exc:
            self.notes.append(
                f"{self.rel(path)}:{line}: skipped {text!r}: {str(exc).splitlines()[0]}"
            )
            return
        specifier = str(requirement.specifier) if spec_text is None else spec_text
        shown = text if spec_text is None else f"{requirement.name}{spec_text}"
        self.declarations.append(
            Declaration(requirement.name, specifier, self.rel(path), line, shown.strip())
        )


def scan_project(path: Path, removed: Iterable[RemovedApi] = ()) -> Project:
    """Read every dependency file and Python source under `path` (or that one file)."""
    if not path.exists():
        raise UsageError(f"{path} does not exist; give the folder of a Python project")
    target = path.resolve()
    root = target if target.is_dir() else target.parent
    attrs = frozenset(api.name for api in removed if api.attribute)
    reader = _Reader(root, attrs)
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
                "pyproject.toml, setup.py, setup.cfg, Pipfile or a .py file"
            )
        raise UsageError(
            f"{path} holds {what} (no requirements*.txt, pyproject.toml, setup.py, setup.cfg, "
            "Pipfile or .py file); give the folder of a Python project"
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


def _read_file(reader: _Reader, path: Path, *, explicit: bool) -> None:
    name = path.name
    try:
        if path.suffix == ".py" and name != "setup.py":
            _read_python(reader, path)
        elif name == "setup.py":
            _read_python(reader, path)
            _read_setup_py(reader, path)
        elif name == "pyproject.toml":
            _read_pyproject(reader, path)
        elif name == "setup.cfg":
            _read_setup_cfg(reader, path)
        elif name == "Pipfile":
            _read_pipfile(reader, path)
        elif _is_requirements(path) or (explicit and path.suffix in (".txt", ".in")):
            _read_requirements(reader, path)
    except (OSError, UnicodeDecodeError, LookupError, SyntaxError) as exc:
        # SyntaxError and LookupError: a bad or unknown `# coding:` cookie.
        reader.notes.append(f"{reader.rel(path)}: cannot read: {exc}")
    except (tomllib.TOMLDecodeError, configparser.Error) as exc:
        reader.notes.append(f"{reader.rel(path)}: cannot parse: {str(exc).splitlines()[0]}")


# -- requirements files ------------------------------------------------------------------------


def _read_requirements(reader: _Reader, path: Path) -> None:
    resolved = path.resolve()
    if resolved in reader.read:
        return
    reader.read.add(resolved)
    reader.dependency_files.append(reader.rel(path))
    # A stray undecodable byte spoils one line (reported when it does not parse), not the file.
    text = path.read_text(encoding="utf-8", errors="replace")
    for line_no, line in _logical_lines(text):
        if line.startswith(("-r", "--requirement", "-c", "--constraint")):
            include = _option_value(line)
            if include:
                nested = path.parent / include
                if nested.is_file():
                    _read_requirements(reader, nested)
                else:
                    reader.notes.append(f"{reader.rel(path)}:{line_no}: {include} not found")
            continue
        if line.startswith(("-e", "--editable")):
            egg = _egg_name(_option_value(line))
            if egg:
                reader.declare(path, line_no, egg)
            continue
        if line.startswith("-"):
            continue  # --index-url, --hash on a line of its own, --pre ...
        # Per-requirement options (--hash=..., --config-settings) follow the requirement.
        requirement = line.split(" --")[0].split("\t--")[0].strip()
        if "://" in requirement and "@" not in requirement.split("://")[0]:
            egg = _egg_name(requirement)
            if egg:
                reader.declare(path, line_no, egg)
            continue
        if requirement.startswith((".", "/")) or requirement.endswith((".whl", ".tar.gz", ".zip")):
            continue  # a local path or archive: no name to look up
        reader.declare(path, line_no, requirement)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Requirement lines with comments stripped and `\\` continuations joined, with line numbers."""
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw
        if line.lstrip().startswith("#"):
            line = ""
        elif " #" in line or "\t#" in line:
            line = line[: min(i for i in (line.find(" #"), line.find("\t#")) if i >= 0)]
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        whole = (pending + line).strip()
        pending = ""
        if whole:
            yield start, whole
    if pending.strip():
        yield start, pending.strip()


def _option_value(line: str) -> str:
    """The value of `-r file`, `-rfile`, `--requirement=file` and the like."""
    for prefix in ("--requirement", "--constraint", "--editable", "-r", "-c", "-e"):
        if line.startswith(prefix):
            return line[len(prefix) :].lstrip(" =\t").strip()
    return ""


def _egg_name(url: str) -> str | None:
    """The project name in a `...#egg=Name` URL fragment, if any."""
    _, _, fragment = url.partition("#")
    for part in fragment.split("&"):
        key, _, value = part.partition("=")
        if key == "egg" and value:
            return value.split("[")[0]
    return None


# -- pyproject.toml, Pipfile, setup.cfg --------------------------------------------------------


class _Lines:
    """Line numbers for values found by a parser that does not report them (tomllib)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.used: set[tuple[int, str]] = set()

    def find(self, needle: str, *, key: bool = False) -> int:
        """The first line not yet claimed for this needle: a quoted string, or a `key =`."""
        quoted = (f'"{needle}"', f"'{needle}'")
        for index, line in enumerate(self.lines):
            if (index, needle) in self.used:
                continue
            if key:
                stripped = line.strip().lstrip("\"'")
                hit = stripped.startswith(needle) and (
                    stripped[len(needle) :].lstrip("\"' ")[:1] in ("=", ".")
                )
            else:
                value = line.partition("=")[2].strip() if " = " in line else ""
                hit = any(q in line for q in quoted) or needle in (line.strip(), value)
            if hit:
                self.used.add((index, needle))
                return index + 1
        return 1


def _read_pyproject(reader: _Reader, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = _Lines(text)
    reader.dependency_files.append(reader.rel(path))
    project = _table(data, "project")
    strings: list[object] = list(_list(project.get("dependencies")))
    for group in _table(project, "optional-dependencies").values():
        strings += _list(group)
    for group in _table(data, "dependency-groups").values():
        # PEP 735: a group lists requirement strings and {include-group = "..."} tables.
        strings += [item for item in _list(group) if isinstance(item, str)]
    tool = _table(data, "tool")
    for group in _table(_table(tool, "pdm"), "dev-dependencies").values():
        strings += _list(group)
    strings += _list(_table(tool, "uv").get("dev-dependencies"))
    for item in strings:
        if isinstance(item, str):
            reader.declare(path, lines.find(item), item)
    poetry = _table(tool, "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies")]
    tables += [_table(group, "dependencies") for group in _table(poetry, "group").values()]
    for table in tables:
        for name, value in table.items():
            if name.lower() != "python":
                _declare_keyed(reader, path, lines.find(name, key=True), name, value, poetry=True)


def _read_pipfile(reader: _Reader, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = _Lines(text)
    reader.dependency_files.append(reader.rel(path))
    for section, table in data.items():
        if section in ("source", "requires", "pipenv", "scripts") or not isinstance(table, dict):
            continue
        for name, value in table.items():
            _declare_keyed(reader, path, lines.find(name, key=True), name, value, poetry=False)


def _declare_keyed(
    reader: _Reader, path: Path, line: int, name: str, value: object, *, poetry: bool
) -> None:
    """A `name = "spec"` or `name = {version = "spec", ...}` entry (Poetry or Pipfile)."""
    values = value if isinstance(value, list) else [value]
    for item in values:
        version = item.get("version", "") if isinstance(item, dict) else item
        if not isinstance(version, str):
            continue
        spec = _poetry_specifier(version) if poetry else _pipfile_specifier(version)
        if spec is None:
            reader.notes.append(
                f"{reader.rel(path)}:{line}: {name} = {version!r}: version not understood, "
                "read as unpinned"
            )
            spec = ""
        reader.declare(path, line, name, spec)


def _pipfile_specifier(version: str) -> str | None:
    version = version.strip()
    if version in ("", "*"):
        return ""
    if version[:1].isdigit():
        return f"=={version}"
    return version.replace(" ", "")


def _poetry_specifier(version: str) -> str | None:
    """Poetry's `^1.2`, `~1.2.3`, `1.2.*` and bare versions as a PEP 440 specifier."""
    version = version.strip()
    if version in ("", "*"):
        return ""
    if "||" in version:
        return None  # an either-or constraint has no single PEP 440 form
    parts = []
    for raw in version.split(","):
        item = raw.strip().replace(" ", "")
        if item.startswith("^"):
            parts.append(_caret(item[1:]))
        elif item.startswith("~") and not item.startswith("~="):
            parts.append(_tilde(item[1:]))
        elif item[:1].isdigit():
            parts.append(f"=={item}")
        else:
            parts.append(item)
    if any(part is None for part in parts):
        return None
    return ",".join(part for part in parts if part)


def _release(text: str) -> list[int] | None:
    try:
        return list(Version(text).release)
    except InvalidVersion:
        return None


def _caret(text: str) -> str | None:
    release = _release(text)
    if release is None:
        return None
    # ^1.2.3 allows up to the next major; ^0.4.1 up to the next minor; ^0.0.3 the next patch.
    index = next((i for i, part in enumerate(release) if part), len(release) - 1)
    upper = release[:index] + [release[index] + 1]
    return f">={text},<{'.'.join(map(str, upper))}"


def _tilde(text: str) -> str | None:
    release = _release(text)
    if release is None:
        return None
    index = 1 if len(release) > 1 else 0
    upper = release[:index] + [release[index] + 1]
    return f">={text},<{'.'.join(map(str, upper))}"


def _read_setup_cfg(reader: _Reader, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    lines = _Lines(text)
    values: list[str] = []
    if parser.has_section("options"):
        for key in ("install_requires", "tests_require"):
            values.append(parser.get("options", key, fallback=""))
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    if not any(value.strip() for value in values):
        return
    reader.dependency_files.append(reader.rel(path))
    for value in values:
        for item in value.splitlines():
            item = item.split("#")[0].strip()
            if item and not item.startswith("file:"):
                reader.declare(path, lines.find(item), item)


def _table(data: object, key: str) -> dict[str, object]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


# -- Python sources ----------------------------------------------------------------------------


def _source(path: Path) -> str:
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding, errors="replace")


def _read_python(reader: _Reader, path: Path) -> None:
    if path.stat().st_size > MAX_PYTHON_BYTES:
        reader.notes.append(f"{reader.rel(path)}: skipped, larger than {MAX_PYTHON_BYTES} bytes")
        return
    reader.python_files += 1
    text = _source(path)
    rel = reader.rel(path)
    try:
        tree = ast.parse(text, filename=rel)
    except (SyntaxError, ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        reader.notes.append(
            f"{rel}:{line or 1}: not valid Python 3 ({getattr(exc, 'msg', exc)}); "
            "its imports were read token by token"
        )
        reader.imports += _token_imports(text, rel)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                reader.imports.append(ImportUse(alias.name, (), rel, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = tuple(f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names)
            reader.imports.append(ImportUse(node.module, names, rel, node.lineno))
        elif isinstance(node, ast.Attribute) and node.attr in reader.removed_attributes:
            text_of = ast.get_source_segment(text, node) or f"….{node.attr}"
            reader.attributes.append(AttributeUse(node.attr, text_of, rel, node.lineno))


def _token_imports(text: str, rel: str) -> list[ImportUse]:
    """Imports of a file `ast` cannot parse (Python 2), read from its tokens."""
    found: list[ImportUse] = []
    statement: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or token.string == ";":
                found += _statement_imports(statement, rel)
                statement = []
            elif token.type not in (
                tokenize.INDENT,
                tokenize.DEDENT,
                tokenize.NL,
                tokenize.COMMENT,
            ):
                statement.append(token)
    except (tokenize.TokenError, SyntaxError, ValueError):
        found += _statement_imports(statement, rel)
    return found


def _statement_imports(tokens: list[tokenize.TokenInfo], rel: str) -> list[ImportUse]:
    words = [
        t.string
        for t in tokens
        if t.type in (tokenize.NAME, tokenize.OP) and t.string not in ("(", ")")
    ]
    if not words or words[0] not in ("import", "from"):
        return []
    line = tokens[0].start[0]
    if words[0] == "import":
        modules = _split_names(words[1:])
        return [ImportUse(name.split(" as ")[0], (), rel, line) for name in modules]
    if "import" not in words:
        return []
    cut = words.index("import")
    module = "".join(words[1:cut])
    if not module or module.startswith("."):
        return []
    return [ImportUse(module, tuple(_split_names(words[cut + 1 :])), rel, line)]


def _split_names(words: list[str]) -> list[str]:
    """`a.b as c , d` (as tokens) -> ["a.b as c", "d"]."""
    names, current = [], ""
    for word in words:
        if word == ",":
            names.append(current.strip())
            current = ""
        elif word == "as":
            current += " as "
        else:
            current += word
    if current.strip():
        names.append(current.strip())
    return [name for name in names if name]


# -- setup.py ----------------------------------------------------------------------------------

_SETUP_KEYWORDS = ("install_requires", "extras_require", "tests_require")


def _read_setup_py(reader: _Reader, path: Path) -> None:
    text = _source(path)
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        reader.notes.append(
            f"{reader.rel(path)}: not valid Python 3; its requirements were not read"
        )
        return
    assigned = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found = False
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_setup(node.func)):
            continue
        for keyword in node.keywords:
            if keyword.arg not in _SETUP_KEYWORDS:
                continue
            found = True
            strings = _literal_strings(keyword.value, assigned, depth=0)
            if strings is None:
                reader.notes.append(
                    f"{reader.rel(path)}:{keyword.value.lineno}: {keyword.arg} is computed; "
                    "only literal lists are read (setup.py is never run)"
                )
                continue
            for line, item in strings:
                for offset, part in enumerate(item.splitlines()):
                    part = part.split("#")[0].strip()
                    if part:
                        reader.declare(path, line + offset, part)
    if found:
        reader.dependency_files.append(reader.rel(path))


def _is_setup(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "setup"
    return isinstance(func, ast.Attribute) and func.attr == "setup"


def _literal_strings(
    node: ast.expr, assigned: dict[str, ast.expr], depth: int
) -> list[tuple[int, str]] | None:
    """The strings of a literal list, tuple, dict of lists, `a + b`, or a module-level name."""
    if depth > 5:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.lineno, node.value)]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        items: list[ast.expr] = list(node.elts)
    elif isinstance(node, ast.Dict):
        items = list(node.values)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        items = [node.left, node.right]
    elif isinstance(node, ast.Name) and node.id in assigned:
        items = [assigned[node.id]]
    else:
        return None
    result: list[tuple[int, str]] = []
    for item in items:
        strings = _literal_strings(item, assigned, depth + 1)
        if strings is None:
            return None
        result += strings
    return result


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
        names = group.get("names")
        if not isinstance(names, dict) or not names:
            raise CatalogError(f"{here}: field 'names' must map each removed name to its fix")
        attribute = group.get("attribute", False)
        if not isinstance(attribute, bool):
            raise CatalogError(f"{here}: field 'attribute' must be true or false")
        for name, fix in names.items():
            if not isinstance(name, str) or not isinstance(fix, str) or not fix:
                raise CatalogError(f"{here}: names: {name!r} must map to a one-line fix")
            result.append(
                RemovedApi(
                    fields["module"], name, fields["removed_in"], fix, fields["source"], attribute
                )
            )
    return tuple(result)
