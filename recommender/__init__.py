"""flask-pick: recommend, compare and generate Flask 3 stacks."""

from __future__ import annotations

__version__ = "0.1.0"
