"""The one exception hierarchy of flask-pick; each class carries its exit code."""

from __future__ import annotations


class FlaskPickError(Exception):
    """A failure the person can act on: unknown library, target exists, a broken catalog file."""

    exit_code = 1


class UsageError(FlaskPickError):
    """The command was called wrongly: unknown need or value, bad name, unreadable answers file."""

    exit_code = 2


class CatalogError(FlaskPickError):
    """A catalog file is missing, unreadable or does not follow the schema."""


class UnknownLibraryError(UsageError):
    """A name given on the command line matches nothing in the catalog or the PyPI index."""


class StackConflictError(FlaskPickError):
    """Two libraries that cannot be generated together were both asked for."""

    def __init__(self, library: str, why: str) -> None:
        super().__init__(f"{library} {why}; drop one of them (--without)")
        self.library = library
        self.why = why


class Interrupted(FlaskPickError):
    """The person pressed Ctrl-C or Esc."""

    exit_code = 130
