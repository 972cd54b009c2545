"""The slow tier's shadowing check, on tiny packages written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.generated.shadowing import shadowed


def _package(root: Path, init: str, *modules: str) -> Path:
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text(init, encoding="utf-8")
    for module in ("extensions", *modules):
        (root / "pkg" / f"{module}.py").write_text("", encoding="utf-8")
    return root


def test_an_extension_object_and_a_module_of_the_same_name_clash(tmp_path: Path) -> None:
    project = _package(tmp_path, "from pkg.extensions import security\n", "security")
    assert shadowed(project, "pkg") == [
        "pkg/security.py shadows `from pkg.extensions import security` in pkg/__init__.py"
    ]


@pytest.mark.parametrize(
    "init",
    [
        "from pkg.admin import admin\n",  # the object of that very module
        "from pkg import admin\n",  # the module itself
        "def create_app():\n    from pkg.extensions import admin\n",  # a local, not a global
    ],
)
def test_what_cannot_be_replaced_is_not_reported(tmp_path: Path, init: str) -> None:
    assert shadowed(_package(tmp_path, init, "admin"), "pkg") == []
