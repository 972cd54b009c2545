"""catalog/topics.yaml maps every topic of the seed's table, each to a need that exists."""

from __future__ import annotations

from pathlib import Path

import yaml

from recommender.catalog import shipped_catalog, shipped_vocabulary

REPO = Path(__file__).resolve().parents[2]


def load_topics() -> list[dict[str, object]]:
    rows = yaml.safe_load((REPO / "catalog" / "topics.yaml").read_text())
    assert isinstance(rows, list)
    return rows


def test_every_seed_topic_is_mapped_once_per_category() -> None:
    seed = [
        tuple(line.split("|"))
        for line in (REPO / "tests" / "data" / "seed_topics.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    mapped = [(row["category"], row["topic"]) for row in load_topics()]
    assert sorted(mapped) == sorted(seed)


def test_every_topic_names_real_needs_files_and_dead_libraries() -> None:
    vocabulary = shipped_vocabulary()
    catalog = shipped_catalog()
    for row in load_topics():
        when = row["when"]
        assert isinstance(when, dict), row
        for key, values in when.items():
            need = vocabulary.need(key)
            assert need is not None, (row["topic"], key)
            assert set(values) <= set(need.value_names), (row["topic"], key, values)
        assert isinstance(row["code"], list) and len(row["code"]) == 2, row
        assert isinstance(row["test"], list) and str(row["test"][0]).startswith("tests/"), row
        if "instead" in row:
            dead = catalog.library(str(row["instead"]))
            assert dead is not None and dead.is_dead, row["instead"]
            assert row.get("note"), row["topic"]
