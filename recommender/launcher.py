"""The console script's entry: Ctrl-C while the CLI is still loading exits cleanly too."""

from __future__ import annotations

import sys


def main() -> None:
    """Import the CLI and run it; an interrupt during the import is a clean cancel."""
    try:
        from recommender.cli import main as run_cli
    except KeyboardInterrupt:
        sys.stderr.write("Cancelled, nothing was written.\n")
        sys.exit(130)
    run_cli()
