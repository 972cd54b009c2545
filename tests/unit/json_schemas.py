"""Validate command output against the JSON Schemas shipped in recommender/schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).resolve().parents[2] / "recommender" / "schemas"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        resources.append((path.name, Resource.from_contents(json.loads(path.read_text()))))
    return Registry().with_resources(resources)


def validate(document: Any, schema_name: str) -> None:
    """Raise jsonschema.ValidationError when the document breaks the named schema."""
    schema = json.loads((SCHEMAS / f"{schema_name}.schema.json").read_text())
    Draft202012Validator(schema, registry=_registry()).validate(document)
