"""The mechanical part of moving code to Flask 3, as text in, text out (libcst keeps the rest).

Python sources: `flask.ext.x` becomes `flask_x`, renamed packages get their new import name
(flask_restplus -> flask_restx), and names that moved get imported from their new home
(`from werkzeug import secure_filename` -> `from werkzeug.utils import secure_filename`), with
the file's uses renamed when the name changed (TextField -> StringField). Requirement strings:
a new name and a new version range, extras and markers kept. Nothing here reads or writes files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider
from packaging.requirements import InvalidRequirement, Requirement

_FLASK_EXT = "flask.ext"
# A fix that is only an import statement is mechanical: "from werkzeug.utils import Headers".
_IMPORT_FIX = re.compile(r"^from ([A-Za-z_][\w.]*) import ([A-Za-z_]\w*)$")


@dataclass(frozen=True, slots=True)
class PythonEdits:
    """What to rewrite in Python sources.

    moves: (old module, old name) -> (new module, new name);
    modules: old top-level import name -> new one (flask_restplus -> flask_restx).
    """

    moves: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    modules: Mapping[str, str] = field(default_factory=dict)


def parse_move(fix: str) -> tuple[str, str] | None:
    """(module, name) when a rule's fix is exactly `from module import name`, else None."""
    match = _IMPORT_FIX.match(fix.strip())
    return (match.group(1), match.group(2)) if match else None


@dataclass(frozen=True, slots=True)
class Change:
    """One rewritten statement, for the report: where, what it was, what it is now."""

    line: int
    before: str
    after: str


def rewrite_python(source: str, edits: PythonEdits) -> tuple[str, list[Change]]:
    """The source with every mechanical rewrite applied, and what changed (empty if nothing).

    Raises libcst.ParserSyntaxError for a file libcst cannot parse (Python 2, say).
    """
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module)
    bound = _Bindings()
    wrapper.visit(bound)
    plan = _plan_renames(bound, edits)
    transformer = _Rewriter(edits, plan, bound)
    new = wrapper.visit(transformer)
    if new.code == source:
        return source, []
    return new.code, sorted(transformer.changes, key=lambda change: change.line)


class _Bindings(cst.CSTVisitor):
    """The names a module binds at its top level and the (module, name) pairs it imports."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, str] | None] = {}
        self.imported: set[tuple[str, str]] = set()
        self.from_imports: list[tuple[str, str, str | None]] = []
        # Local name -> the module it stands for (`import flask as fl`: fl -> flask), and the
        # dotted modules imported as themselves (`import werkzeug.utils`).
        self.module_names: dict[str, str] = {}
        self.plain_imports: set[str] = set()

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return False
        module = _dotted(node.module)
        for alias in node.names:
            name = _dotted(alias.name)
            asname = _asname(alias)
            self.imported.add((module, name))
            self.names[asname or name] = (module, name)
            self.from_imports.append((module, name, asname))
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            name = _dotted(alias.name)
            asname = _asname(alias)
            self.names[asname or name.split(".")[0]] = None
            if asname is None:
                self.module_names[name.split(".")[0]] = name.split(".")[0]
                self.plain_imports.add(name)
            else:
                self.module_names[asname] = name
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.setdefault(node.name.value, None)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.setdefault(node.name.value, None)
        return False


def _plan_renames(bound: _Bindings, edits: PythonEdits) -> dict[str, str]:
    """Old name -> new name for moved names imported without an alias, when the new name is
    free in the module (or already means the same thing)."""
    renames: dict[str, str] = {}
    for module, name, asname in bound.from_imports:
        target = edits.moves.get((_new_module(module, edits), name))
        if target is None or asname is not None or target[1] == name:
            continue
        if target[1] not in bound.names or bound.names[target[1]] == target:
            renames[name] = target[1]
    return renames


def _new_module(module: str, edits: PythonEdits) -> str:
    """flask.ext.x -> flask_x, then a renamed package's new import name."""
    if module.startswith(_FLASK_EXT + "."):
        module = "flask_" + module[len(_FLASK_EXT) + 1 :]
    top, dot, rest = module.partition(".")
    return edits.modules.get(top, top) + dot + rest


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits: PythonEdits, renames: dict[str, str], bound: _Bindings) -> None:
        super().__init__()
        self.edits = edits
        self.renames = renames
        self.imported = set(bound.imported)
        self.module_names = bound.module_names
        self.plain_imports = set(bound.plain_imports)
        # Modules a rewritten `flask.Markup` now reaches (`markupsafe`): imported at the end.
        self.needed_imports: list[str] = []
        self.changes: list[Change] = []
        self._in_import = 0
        self._keep: set[int] = set()

    # Names inside import statements and after a dot are not uses of the imported name.
    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        self._in_import -= 1
        return updated

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        self._in_import -= 1
        return updated

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._keep.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._keep.add(id(node.keyword))

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        if self._in_import or id(original) in self._keep:
            return updated
        new = self.renames.get(updated.value)
        if new is None:
            new = self.edits.modules.get(updated.value)
        return updated.with_changes(value=new) if new else updated

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        # `flask.ext.sqlalchemy` (after `import flask.ext.sqlalchemy`) is `flask_sqlalchemy`.
        dotted = None if self._in_import else _dotted_or_none(updated)
        if dotted and dotted.startswith(_FLASK_EXT + ".") and dotted.count(".") == 2:
            return cst.Name(_new_module(dotted, self.edits))
        moved = self._moved(original) if dotted else None
        if moved is None:
            return updated
        # `flask.Markup` (after `import flask`) is `markupsafe.Markup`, with `import markupsafe`.
        new_module, new_name = moved
        if new_module not in self.plain_imports and new_module not in self.needed_imports:
            self.needed_imports.append(new_module)
        replacement = _name_node(f"{new_module}.{new_name}")
        position = self.get_metadata(PositionProvider, original)
        before = cst.Module([]).code_for_node(original)
        after = cst.Module([]).code_for_node(replacement)
        self.changes.append(Change(position.start.line, before, after))
        return replacement

    def _moved(self, node: cst.Attribute) -> tuple[str, str] | None:
        """Where a qualified use of a moved name (flask.Markup, fl.Markup) now lives."""
        owner = _dotted_or_none(node.value)
        if owner is None:
            return None
        first, dot, rest = owner.partition(".")
        module = self.module_names.get(first)
        if module is None:
            return None
        return self.edits.moves.get((_new_module(module + dot + rest, self.edits), node.attr.value))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if not self.needed_imports:
            return updated
        body = list(updated.body)
        # After the module's last top-level import (or its docstring), before its code.
        at = 0
        for index, statement in enumerate(body):
            if isinstance(statement, cst.SimpleStatementLine) and (
                isinstance(statement.body[0], cst.Import | cst.ImportFrom)
                or (index == 0 and _is_docstring(statement))
            ):
                at = index + 1
        lines = [
            cst.SimpleStatementLine([cst.Import([cst.ImportAlias(_name_node(module))])])
            for module in self.needed_imports
        ]
        for line in lines:
            code = cst.Module([]).code_for_node(line).strip()
            self.changes.append(Change(_line_of(updated, at), "", code))
        return updated.with_changes(body=[*body[:at], *lines, *body[at:]])

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if len(updated.body) != 1:
            return updated
        statement = updated.body[0]
        if isinstance(statement, cst.ImportFrom):
            lines = self._from_import(statement)
        elif isinstance(statement, cst.Import):
            lines = self._import(statement)
        else:
            return updated
        if lines is None:
            return updated
        before = cst.Module([]).code_for_node(original).strip()
        # The first line keeps the statement's comments and blank lines before it.
        new_lines = [
            updated.with_changes(body=[lines[0]]),
            *(cst.SimpleStatementLine([line]) for line in lines[1:]),
        ]
        after = "; ".join(cst.Module([]).code_for_node(line).strip() for line in new_lines)
        position = self.get_metadata(PositionProvider, original)
        self.changes.append(Change(position.start.line, before, after))
        if len(new_lines) == 1:
            return new_lines[0]
        return cst.FlattenSentinel(new_lines)

    def _import(self, statement: cst.Import) -> list[cst.BaseSmallStatement] | None:
        changed = False
        names = []
        for alias in statement.names:
            old = _dotted(alias.name)
            new = _new_module(old, self.edits)
            if new != old:
                changed = True
                alias = alias.with_changes(name=_name_node(new))
            names.append(alias)
        return [statement.with_changes(names=names)] if changed else None

    def _from_import(self, statement: cst.ImportFrom) -> list[cst.BaseSmallStatement] | None:
        if statement.relative or statement.module is None:
            return None
        old_module = _dotted(statement.module)
        if isinstance(statement.names, cst.ImportStar):
            new_module = _new_module(old_module, self.edits)
            if new_module == old_module or old_module == _FLASK_EXT:
                return None
            return [statement.with_changes(module=_name_node(new_module))]
        if old_module == _FLASK_EXT:
            # `from flask.ext import sqlalchemy` -> `import flask_sqlalchemy as sqlalchemy`
            return [
                cst.Import(
                    [
                        cst.ImportAlias(
                            _name_node(_new_module(f"{_FLASK_EXT}.{_dotted(a.name)}", self.edits)),
                            asname=cst.AsName(cst.Name(_asname(a) or _dotted(a.name))),
                        )
                    ]
                )
                for a in statement.names
            ]
        module = _new_module(old_module, self.edits)
        kept: list[cst.ImportAlias] = []
        moved: dict[str, list[cst.ImportAlias]] = {}
        for alias in statement.names:
            name = _dotted(alias.name)
            target = self.edits.moves.get((module, name))
            if target is None:
                kept.append(alias)
                continue
            new_module, new_name = target
            asname = _asname(alias)
            if asname is None and new_name != name and self.renames.get(name) != new_name:
                asname = name  # the new name is taken here: keep the old one as an alias
            if asname is None and (new_module, new_name) in self.imported:
                continue  # already imported under that name (TextField and StringField)
            self.imported.add((new_module, new_name))
            moved.setdefault(new_module, []).append(
                cst.ImportAlias(
                    cst.Name(new_name),
                    asname=cst.AsName(cst.Name(asname)) if asname and asname != new_name else None,
                )
            )
        if module == old_module and not moved and len(kept) == len(statement.names):
            return None
        lines: list[cst.BaseSmallStatement] = []
        if kept and kept[-1] is not statement.names[-1]:
            comma = _last_comma(kept[-1], statement.names, statement.lpar is not None)
            kept[-1] = kept[-1].with_changes(comma=comma)
        if kept:
            lines.append(statement.with_changes(module=_name_node(module), names=kept))
        for new_module, aliases in moved.items():
            lines.append(cst.ImportFrom(module=_name_node(new_module), names=aliases))
        return lines or [cst.Pass()]


def _last_comma(
    alias: cst.ImportAlias, names: Sequence[cst.ImportAlias], parenthesized: bool
) -> cst.Comma | cst.MaybeSentinel:
    """The comma of a name that becomes the last one: none on one line (`from x import a`);
    inside parentheses its own, with its comment, ending where the old last one ended."""
    own, last = alias.comma, names[-1].comma
    if not parenthesized or not isinstance(own, cst.Comma) or not isinstance(last, cst.Comma):
        return cst.MaybeSentinel.DEFAULT
    mine, theirs = own.whitespace_after, last.whitespace_after
    if isinstance(mine, cst.ParenthesizedWhitespace) and isinstance(
        theirs, cst.ParenthesizedWhitespace
    ):
        return own.with_changes(
            whitespace_after=mine.with_changes(indent=theirs.indent, last_line=theirs.last_line)
        )
    return last


def _is_docstring(statement: cst.SimpleStatementLine) -> bool:
    first = statement.body[0]
    return isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString)


def _line_of(module: cst.Module, index: int) -> int:
    """The 1-based line where the module's `index`-th statement would start."""
    before = cst.Module(body=module.body[:index], header=module.header)
    return before.code.count("\n") + 1


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
        return None
    return alias.asname.name.value


def _dotted(node: cst.BaseExpression) -> str:
    dotted = _dotted_or_none(node)
    return dotted if dotted is not None else cst.Module([]).code_for_node(node)


def _dotted_or_none(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted_or_none(node.value)
        return None if inner is None else f"{inner}.{node.attr.value}"
    return None


def _name_node(dotted: str) -> cst.Name | cst.Attribute:
    parts = dotted.split(".")
    node: cst.Name | cst.Attribute = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(node, cst.Name(part))
    return node


# -- requirement strings -----------------------------------------------------------------------


def rewrite_requirement(text: str, name: str | None, specifier: str | None) -> str | None:
    """`text` with a new project name and/or version range, extras and marker kept.

    None when `text` is not a requirement (a URL, an option line) or nothing would change.
    """
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if requirement.url:
        return None
    new = (name or requirement.name) + (
        f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    )
    new += specifier if specifier is not None else str(requirement.specifier)
    if requirement.marker is not None:
        new += f"; {requirement.marker}"
    return new if new != text.strip() else None


def replace_on_line(text: str, line: int, old: str, new: str) -> str | None:
    """`text` with `old` replaced by `new` once on 1-based `line`; None if it is not there."""
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= len(lines) or old not in lines[line - 1]:
        return None
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "".join(lines)


def describe(changes: Sequence[Change]) -> list[str]:
    """One line per change: `12: from flask.ext.x import y -> from flask_x import y`, or
    `3: + import markupsafe` for a line added."""
    return [
        f"{c.line}: {c.before} -> {c.after}" if c.before else f"{c.line}: + {c.after}"
        for c in changes
    ]
