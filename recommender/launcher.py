"""The console script's entry: Ctrl-C while the CLI is still loading exits cleanly too."""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def exit_cancelled() -> NoReturn:
    """Say that a Ctrl-C left nothing behind and exit 130 at once.

    os._exit, not sys.exit: once Python has seen a KeyboardInterrupt it may end an orderly exit
    by killing itself with SIGINT (seen under load: exit status -2 after this message). Every
    clean-up ran in the `finally` blocks the interrupt unwound; only the streams need flushing.
    """
    sys.stderr.write("Cancelled, nothing was written.\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def main() -> None:
    """Import the CLI and run it; an interrupt during the import is a clean cancel."""
    try:
        from recommender.cli import main as run_cli
    except KeyboardInterrupt:
        exit_cancelled()
    run_cli()
