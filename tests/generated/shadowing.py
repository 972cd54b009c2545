"""A generated package must not have a module named like a name its `__init__` imports.

Importing `pkg.security` sets the attribute `security` on the package, and a package's
attributes are its `__init__`'s globals: an extension object imported there under the same
name (`from pkg.extensions import security`) is silently replaced by the module, and
`security.init_app(app)` fails at the first start. This reads the files, runs nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path


def submodules(package_dir: Path) -> set[str]:
    """The names of a package's modules and subpackages."""
    names = {path.stem for path in package_dir.glob("*.py") if path.stem != "__init__"}
    names |= {path.parent.name for path in package_dir.glob("*/__init__.py")}
    return names


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements that run at import time and bind globals: the body and its if/try blocks."""
    found: list[ast.stmt] = []
    for node in body:
        found.append(node)
        if isinstance(node, ast.If):
            found += _module_level(node.body) + _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            found += _module_level(node.body) + _module_level(node.orelse)
    return found


def imported_names(init_file: Path, package: str) -> dict[str, str]:
    """Globals the `__init__` binds by import, and where each comes from.

    Names bound inside functions are locals, which a submodule cannot replace; a name taken
    from the submodule of the same name (`from pkg.admin import admin`) is meant to be it.
    """
    tree = ast.parse(init_file.read_text(encoding="utf-8"))
    bound: dict[str, str] = {}
    for node in _module_level(tree.body):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                name = alias.asname or alias.name
                if node.module in (package, f"{package}.{name}"):
                    continue
                bound[name] = f"from {node.module} import {alias.name}"
    return bound


def shadowed(project: Path, package: str) -> list[str]:
    """Each imported name that a submodule of the same name would replace."""
    package_dir = project / package
    modules = submodules(package_dir)
    return [
        f"{package}/{name}.py shadows `{origin}` in {package}/__init__.py"
        for name, origin in sorted(imported_names(package_dir / "__init__.py", package).items())
        if name in modules
    ]
