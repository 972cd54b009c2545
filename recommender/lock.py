"""Pin a rendered project's whole dependency tree in a uv.lock (`flask-pick new --lock`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from recommender.errors import FlaskPickError

INSTALL_HINT = "install it with `pip install uv` (or see https://docs.astral.sh/uv/)"


def uv_binary() -> str:
    """The uv executable: the `uv` Python package's, else one on PATH."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
    if found is None:
        raise FlaskPickError(f"--lock needs uv, which is not installed; {INSTALL_HINT}")
    return found


def write_lock(project_dir: Path) -> None:
    """Resolve the project's dependencies (extras included) into project_dir/uv.lock."""
    try:
        result = subprocess.run(
            [uv_binary(), "lock", "--quiet", "--no-progress"],
            cwd=project_dir,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        raise FlaskPickError(
            "uv lock took more than 5 minutes; try again, or drop --lock"
        ) from None
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[0].strip() if lines else f"exit status {result.returncode}"
        raise FlaskPickError(f"uv lock could not resolve the dependencies: {reason}")
