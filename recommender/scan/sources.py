"""The imports and removed attributes a project's Python sources use, read with `ast`
(Python 2 files, which `ast` refuses, token by token)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path, PurePosixPath

from recommender.core.audit import AttributeUse, ImportUse, UseKind
from recommender.scan.reader import Reader, Wanted, read_source

# Larger Python files are generated or vendored; reading them would only slow the audit down.
MAX_PYTHON_BYTES = 2_000_000


# -- Python sources ----------------------------------------------------------------------------


def read_python(reader: Reader, path: Path) -> None:
    if path.stat().st_size > MAX_PYTHON_BYTES:
        reader.notes.append(f"{reader.rel(path)}: skipped, larger than {MAX_PYTHON_BYTES} bytes")
        return
    reader.python_files += 1
    text = read_source(path)
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
    reader.imports += _imports(tree, rel)
    reader.attributes += _CodeUses(reader.wanted, text, rel).collect(tree)


def _imports(tree: ast.Module, rel: str) -> list[ImportUse]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(ImportUse(alias.name, (), rel, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = tuple(f"{a.name} as {a.asname}" if a.asname else a.name for a in node.names)
            found.append(ImportUse(node.module, names, rel, node.lineno))
    return found


# Calls that read or write config keys given as strings: app.config.get("KEY"), .update(KEY=1).
_CONFIG_METHODS = frozenset({"get", "setdefault", "pop", "update", "from_mapping"})
# Module and class names that hold settings: config.py, settings.py, class DevelopmentConfig.
_CONFIG_NAME = re.compile(r"config|settings", re.IGNORECASE)
# Settings nearly every Flask config sets, whatever its module is called.
_CORE_SETTINGS = frozenset({"SECRET_KEY", "DEBUG", "TESTING", "SQLALCHEMY_DATABASE_URI"})


class _CodeUses:
    """The uses of wanted names in one parsed file: attributes, keywords, config keys, and
    dotted names reached through the file's imports."""

    def __init__(self, wanted: Wanted, text: str, rel: str) -> None:
        self.wanted = wanted
        self.text = text
        self.rel = rel
        self.found: list[AttributeUse] = []

    def collect(self, tree: ast.Module) -> list[AttributeUse]:
        bound = _bound_names(tree)
        modules = self.wanted.modules
        # Every class of a settings module holds settings (class Production: in settings.py).
        config_module = self._holds_config(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                if node.attr in self.wanted.attributes:
                    self._add(node.attr, node, _last_name(node.value), "attribute")
                dotted = _dotted(node, bound)
                if dotted and any(dotted.startswith(m + ".") for m in modules):
                    self._add(dotted, node, "", "qualified")
            elif isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Subscript) and _last_name(node.value) == "config":
                key = _string(node.slice)
                if key in self.wanted.config_keys:
                    self._add(key, node, "config", "config")
            elif isinstance(node, ast.Module | ast.ClassDef) and (
                config_module or self._holds_config(node)
            ):
                # Config modules and classes: `JSON_SORT_KEYS = False` at their top level.
                for statement in node.body:
                    targets = _assigned_names(statement)
                    for name in targets & self.wanted.config_keys:
                        self._add(name, statement, "", "config")
        return self.found

    def _holds_config(self, body: ast.Module | ast.ClassDef) -> bool:
        """Whether a module's or class's top level is Flask settings, not just any constants.

        A name that says so (config.py, settings.py, class ProductionConfig), or a setting
        every Flask config has: `ENV = "prod"` in a deployment script is not Flask's ENV.
        """
        name = body.name if isinstance(body, ast.ClassDef) else PurePosixPath(self.rel).stem
        if _CONFIG_NAME.search(name):
            return True
        assigned = set().union(*(_assigned_names(statement) for statement in body.body))
        return bool(assigned & _CORE_SETTINGS)

    def _call(self, node: ast.Call) -> None:
        callee = _last_name(node.func)
        removed = self.wanted.keywords.get(callee, frozenset())
        for keyword in node.keywords:
            if keyword.arg in removed:
                self._add(keyword.arg, node, callee, "keyword", f"{callee}({keyword.arg}=...)")
        if not (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in _CONFIG_METHODS
            and _last_name(node.func.value) == "config"
        ):
            return
        keys = [_string(arg) for arg in node.args]
        for arg in node.args:
            if isinstance(arg, ast.Dict):
                keys += [_string(key) for key in arg.keys if key is not None]
        keys += [keyword.arg for keyword in node.keywords if keyword.arg is not None]
        for key in keys:
            if key in self.wanted.config_keys:
                self._add(key, node, "config", "config")

    def _add(
        self, name: str, node: ast.AST, receiver: str, kind: UseKind, text: str | None = None
    ) -> None:
        shown = text or ast.get_source_segment(self.text, node) or name
        line = getattr(node, "lineno", 1)
        self.found.append(AttributeUse(name, _one_line(shown), self.rel, line, receiver, kind))


def _one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _bound_names(tree: ast.Module) -> dict[str, str]:
    """Each name the file's imports bind, with the dotted name it stands for."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return bound


def _dotted(node: ast.Attribute, bound: dict[str, str]) -> str | None:
    """`request.is_xhr` -> "flask.request.is_xhr" when `request` came from flask."""
    parts = [node.attr]
    value: ast.expr = node.value
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    if not isinstance(value, ast.Name) or value.id not in bound:
        return None
    return ".".join([bound[value.id], *reversed(parts)])


def _last_name(node: ast.expr) -> str:
    """The name right before the dot or call: `self.app.env` -> "app", `send_file(...)`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _string(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _assigned_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Assign):
        return {t.id for t in statement.targets if isinstance(t, ast.Name)}
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return {statement.target.id}
    return set()


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
