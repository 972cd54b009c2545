"""Run flask-pick as `python -m recommender`."""

from __future__ import annotations

from recommender.cli import main

main()
