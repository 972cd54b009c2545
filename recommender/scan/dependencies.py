"""Requirements the project declares: requirements files, pyproject.toml, Pipfile, setup.cfg
and setup.py, parsed with `packaging`, `tomllib`, `configparser` and `ast`, never executed."""

from __future__ import annotations

import ast
import configparser
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

from packaging.version import InvalidVersion, Version

from recommender.scan.reader import Reader, read_source

# -- requirements files ------------------------------------------------------------------------


def read_requirements(reader: Reader, path: Path) -> None:
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
                    read_requirements(reader, nested)
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


def read_pyproject(reader: Reader, path: Path) -> None:
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


def read_pipfile(reader: Reader, path: Path) -> None:
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
    reader: Reader, path: Path, line: int, name: str, value: object, *, poetry: bool
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


def read_setup_cfg(reader: Reader, path: Path) -> None:
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


# -- setup.py ----------------------------------------------------------------------------------

_SETUP_KEYWORDS = ("install_requires", "extras_require", "tests_require")


def read_setup_py(reader: Reader, path: Path) -> None:
    text = read_source(path)
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


# -- lock files --------------------------------------------------------------------------------


def read_toml_lock(reader: Reader, path: Path) -> None:
    """uv.lock and poetry.lock: every `[[package]]` with its exact version."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    # Each package's own `name = "x"` line, not the lines of packages that depend on it.
    starts = {
        line.split('"')[1]: number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.startswith('name = "') and line.count('"') == 2
    }
    reader.dependency_files.append(reader.rel(path))
    for package in _list(data.get("package") if isinstance(data, dict) else None):
        if not isinstance(package, dict):
            continue
        name, version = package.get("name"), package.get("version")
        source = package.get("source")
        if isinstance(source, dict) and ("editable" in source or "virtual" in source):
            continue  # the project itself, in a uv workspace
        if isinstance(name, str) and isinstance(version, str):
            reader.declare(path, starts.get(name, 1), f"{name}=={version}", locked=True)


def read_pipfile_lock(reader: Reader, path: Path) -> None:
    """Pipfile.lock: the `default` and `develop` packages with their `==` versions."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    lines = text.splitlines()
    reader.dependency_files.append(reader.rel(path))
    for section in ("default", "develop"):
        table = data.get(section) if isinstance(data, dict) else None
        if not isinstance(table, dict):
            continue
        for name, entry in table.items():
            version = entry.get("version") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not isinstance(version, str):
                continue
            line = next(
                (i for i, text_line in enumerate(lines, 1) if f'"{name}": {{' in text_line), 1
            )
            reader.declare(path, line, f"{name}{version}", locked=True)
