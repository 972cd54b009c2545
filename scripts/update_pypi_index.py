"""Regenerates catalog/pypi-index.tsv from a PyPI package list (TSV).

Run from the repo root with the package installed editable (or prefix `PYTHONPATH=.`):
`python scripts/update_pypi_index.py PYPI.tsv [--output catalog/pypi-index.tsv] [--as-of DATE]`.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from recommender.pypi_index import build_index_rows, write_index

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "catalog" / "pypi-index.tsv"


def main(argv: list[str] | None = None) -> int:
    """Parses the arguments, filters the list and writes the index."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("input", type=Path, help="PyPI list: name, version, month, rank, summary")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--as-of",
        type=datetime.date.fromisoformat,
        default=datetime.date.today(),
        help="date the list was taken, YYYY-MM-DD (default: today)",
    )
    args = parser.parse_args(argv)
    with args.input.open(encoding="utf-8") as lines:
        rows = build_index_rows(lines)
    write_index(args.output, rows, args.as_of.isoformat(), args.input.name)
    print(f"{args.output}: {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
