"""Fixtures shared by the fast tests."""

from tests.unit.rendering import rendered

__all__ = ["rendered"]
