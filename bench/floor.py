"""The floor program the benchmarks compare against: the least a typer + YAML + rich CLI costs."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

FLOOR_APP = """
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table

app = typer.Typer()


@app.command()
def show() -> None:
    rows = yaml.safe_load((Path(__file__).parent / "rows.yaml").read_text())
    table = Table("name", "status")
    for row in rows:
        table.add_row(row["name"], row["status"])
    Console().print(table)


if __name__ == "__main__":
    app()
"""
ROWS = "- {name: a, status: active}\n- {name: b, status: maintenance}\n- {name: c, status: dead}\n"


def write_floor() -> Path:
    """Write the floor program into a temporary folder and return its path."""
    folder = Path(tempfile.mkdtemp(prefix="flask-pick-floor-"))
    (folder / "rows.yaml").write_text(ROWS)
    app = folder / "floor.py"
    app.write_text(FLOOR_APP)
    return app


def floor_command() -> list[str]:
    """The command that runs the floor program."""
    return [sys.executable, str(write_floor())]
