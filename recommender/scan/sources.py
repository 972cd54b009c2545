"""The imports and removed attributes a project's Python sources use, read with `ast`
(Python 2 files, which `ast` refuses, token by token)."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

from recommender.core.audit import AttributeUse, ImportUse
from recommender.scan.reader import Reader, read_source

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
