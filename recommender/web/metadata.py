"""`GET /metadata`: the needs, their values, the presets and the libraries, as versioned JSON.

A client (an editor plugin, another front end) builds its own form from this document; its
shape is recommender/schemas/metadata.schema.json, and `version` changes when it does.
"""

from __future__ import annotations

from typing import Any

from recommender import __version__
from recommender.console import library_record
from recommender.core.models import Catalog
from recommender.core.needs import Condition, Vocabulary

METADATA_VERSION = 1


def _condition(condition: Condition) -> dict[str, list[str]]:
    return {key: list(values) for key, values in condition}


def metadata_record(catalog: Catalog, vocabulary: Vocabulary) -> dict[str, Any]:
    """Everything a client needs to ask the questions and show the libraries."""
    return {
        "version": METADATA_VERSION,
        "flask_pick": __version__,
        "needs": [
            {
                "key": need.key,
                "question": need.question,
                "extra": need.extra,
                "asked_when": _condition(need.asked_when),
                "defaults": [
                    {"when": _condition(condition), "value": value}
                    for condition, value in need.defaults
                ],
                "values": [
                    {
                        "name": value.name,
                        "help": value.help,
                        "capabilities": list(value.capabilities),
                        "only_when": [_condition(c) for c in value.only_when],
                    }
                    for value in need.values
                ],
            }
            for need in vocabulary.needs
        ],
        "presets": [
            {"name": name, "description": description, "needs": dict(needs)}
            for name, description, needs in vocabulary.presets
        ],
        "libraries": [library_record(library) for library in catalog.libraries],
    }
