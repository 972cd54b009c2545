"""Run flask-pick as `python -m recommender`."""

from __future__ import annotations

from recommender.launcher import main

main()
