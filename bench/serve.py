"""Time the web builder: the page's first load and an update, and a zip download against `new`.

The page's floor is the least a Flask page costs: a minimal app that reads a small YAML file
and renders a three-row Jinja table, timed the same way (first request in a fresh process;
then warm requests). The figures are the engine part of a request (Flask's test client, no
network): targets are 100 ms for the first load and for an update. The zip's floor is
`flask-pick new` itself (the same render, in process, with git): target 1.3x.

Run: python bench/serve.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE_TARGET_MS = 100.0
ZIP_TARGET = 1.3
PRESET_QUERY = "/?preset=webapp"
# Answers an update flips between: each request is a changed form, as in the browser.
UPDATES = ("/?preset=webapp&need=cache=yes", "/?preset=webapp&need=auth=token")

FLOOR_APP = """
from pathlib import Path
import yaml
from flask import Flask, render_template_string

PAGE = (
    "<table>{% for row in rows %}"
    "<tr><td>{{ row.name }}</td><td>{{ row.status }}</td></tr>{% endfor %}</table>"
)
ROWS = Path(__file__).parent / "rows.yaml"


def create_app():
    app = Flask(__name__)

    @app.get("/")
    def index():
        return render_template_string(PAGE, rows=yaml.safe_load(ROWS.read_text()))

    return app
"""
ROWS = "- {name: a, status: active}\n- {name: b, status: maintenance}\n- {name: c, status: dead}\n"

# Run in a fresh process: build the app, then time its first request and warm ones.
PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from {module} import create_app
client = create_app().test_client()
start = time.perf_counter()
assert client.get(sys.argv[2]).status_code == 200
first = time.perf_counter() - start
warm = []
for index in range(int(sys.argv[3])):
    url = sys.argv[4 + index % (len(sys.argv) - 4)]
    start = time.perf_counter()
    assert client.get(url, headers={{"X-Fragment": "builder"}}).status_code == 200
    warm.append(time.perf_counter() - start)
print(json.dumps({{"first": first, "warm": sorted(warm)[len(warm) // 2]}}))
"""


def _probe(
    module: str, path: Path, first: str, updates: tuple[str, ...], runs: int
) -> dict[str, float]:
    """Median first-request and warm-request seconds over `runs` fresh processes."""
    import json

    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(module=module), str(path), first, "20", *updates],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results.append(json.loads(out))
    return {key: statistics.median(r[key] for r in results) for key in ("first", "warm")}


def _page_line(label: str, seconds: float, floor: float) -> bool:
    ms = seconds * 1000
    verdict = "ok" if ms <= PAGE_TARGET_MS else "OVER TARGET"
    target = f"(<= {PAGE_TARGET_MS:.0f} ms) {verdict}"
    print(f"{label:<48} {ms:8.1f} ms  {seconds / floor:5.2f}x floor  {target}")
    return ms <= PAGE_TARGET_MS


def _zip_vs_new(runs: int) -> bool:
    from recommender.catalog import shipped_catalog, shipped_vocabulary
    from recommender.core.engine import recommend
    from recommender.core.needs import resolve_needs
    from recommender.render import plan_project, render_project
    from recommender.web import create_app

    client = create_app().test_client()
    vocabulary = shipped_vocabulary()
    new_times, zip_times = [], []
    with tempfile.TemporaryDirectory(prefix="flask-pick-bench-") as scratch:
        for run in range(runs + 1):
            start = time.perf_counter()
            needs = resolve_needs(vocabulary, vocabulary.preset("webapp"))
            rec = recommend(shipped_catalog(), vocabulary, needs, wired_only=True)
            render_project(plan_project(Path(scratch) / f"app{run}", None, rec), rec, git=True)
            elapsed_new = time.perf_counter() - start
            start = time.perf_counter()
            response = client.get("/starter.zip?preset=webapp")
            elapsed_zip = time.perf_counter() - start
            assert response.status_code == 200
            if run:  # the first round warms Copier's and Jinja's caches for both
                new_times.append(elapsed_new)
                zip_times.append(elapsed_zip)
    new, zipped = statistics.median(new_times), statistics.median(zip_times)
    print(f"{'floor: flask-pick new (webapp, with git)':<48} {new * 1000:8.1f} ms")
    ratio = zipped / new
    verdict = "ok" if ratio <= ZIP_TARGET else "OVER TARGET"
    label = "GET /starter.zip?preset=webapp"
    target = f"(<= {ZIP_TARGET}x) {verdict}"
    print(f"{label:<48} {zipped * 1000:8.1f} ms  {ratio:5.2f}x floor  {target}")
    return ratio <= ZIP_TARGET


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="flask-pick-floor-") as folder:
        (Path(folder) / "rows.yaml").write_text(ROWS)
        (Path(folder) / "floor_app.py").write_text(FLOOR_APP)
        floor = _probe("floor_app", Path(folder), "/", ("/",), args.runs)
    label = "floor: Flask page, small YAML, 3-row table"
    first, warm = floor["first"] * 1000, floor["warm"] * 1000
    print(f"{label:<48} {first:8.1f} ms first, {warm:.1f} ms warm")
    here = Path(__file__).resolve().parents[1]
    page = _probe("recommender.web", here, PRESET_QUERY, UPDATES, args.runs)
    ok = _page_line("first load: first GET / after start (webapp)", page["first"], floor["first"])
    ok &= _page_line("update: GET / with a changed answer (fragment)", page["warm"], floor["warm"])
    ok &= _zip_vs_new(args.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
