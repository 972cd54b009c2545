"""`audit --format sarif`: findings as a SARIF 2.1.0 log, for code-scanning tools in CI."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from recommender import __version__
from recommender.core.audit import Audit, Finding, Problem, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_INFO_URI = "https://pypi.org/project/flask-pick/"


def _rule_id(problem: Problem) -> str:
    return f"flask-pick/{problem.kind}"


_RULE_TEXT = {
    "dead": "A library that is dead, deprecated or does not work on Flask 3",
    "flask3-pin": "A version pin that allows no release that works on Flask 3",
    "flask-ext-import": "An import through flask.ext, which Flask 1.0 removed",
    "removed-api": "A name, argument or config key that Flask or a library removed",
    "unmaintained": "An extension with no release for years",
    "unknown": "A flask-* name neither the catalog nor PyPI knows",
    "undeclared": "An extension the code imports that no dependency file declares",
}


def sarif_log(result: Audit, fail_on: Severity = "error") -> dict[str, Any]:
    """The audit as a SARIF log: one result per problem, located in the project's files."""
    problems = result.problems()
    kinds = sorted({problem.kind for _, problem in problems} | set(_RULE_TEXT))
    rules = [
        {
            "id": f"flask-pick/{kind}",
            "name": kind,
            "shortDescription": {"text": _RULE_TEXT.get(kind, kind)},
            "helpUri": _INFO_URI,
        }
        for kind in kinds
    ]
    index = {f"flask-pick/{kind}": number for number, kind in enumerate(kinds)}
    results = [_result(finding, problem, index) for finding, problem in problems]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flask-pick",
                        "version": __version__,
                        "informationUri": _INFO_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"PROJECTROOT": {"uri": _root_uri(result.project.root)}},
                "results": results,
                "properties": {"fails": result.fails_on(fail_on), "failOn": fail_on},
            }
        ],
    }


def _root_uri(root: str) -> str:
    from pathlib import Path

    return Path(root).as_uri() + "/"


def _result(finding: Finding, problem: Problem, index: dict[str, int]) -> dict[str, Any]:
    where = problem.location or (finding.locations[0] if finding.locations else None)
    entry: dict[str, Any] = {
        "ruleId": _rule_id(problem),
        "ruleIndex": index[_rule_id(problem)],
        "level": problem.severity,
        "message": {"text": f"{finding.name}: {problem.message}. Fix: {problem.fix}"},
        # Stable across runs when lines move, so code scanning keeps one alert per problem.
        "partialFingerprints": {"flaskPickProblem/v1": _fingerprint(finding, problem)},
        "properties": {"library": finding.id, "fix": problem.fix},
    }
    if where is not None:
        entry["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": where.file, "uriBaseId": "PROJECTROOT"},
                    "region": {"startLine": where.line},
                }
            }
        ]
    return entry


def _fingerprint(finding: Finding, problem: Problem) -> str:
    where = problem.location.file if problem.location else ""
    key = "\0".join([finding.id, problem.kind, problem.rule or "", where, problem.message])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def print_sarif(result: Audit, fail_on: Severity = "error") -> None:
    """Print the SARIF log as JSON on stdout."""
    sys.stdout.write(json.dumps(sarif_log(result, fail_on), indent=2) + "\n")
