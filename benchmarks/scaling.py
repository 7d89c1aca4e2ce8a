"""Benchmark: how apiscribe scales from 100 to 2,000 operations, on synthetic specs shaped like
GitHub's REST description.

Each spec has 20 sections (tags), paths like ``/sec7/{owner}/items12/{item_id}`` with
GET/POST/PATCH/DELETE operations, path and query parameters with examples, request and
response bodies that reference shared component schemas nested three levels deep
(``Item`` → ``Owner`` → ``Plan``), and an example per JSON response. The specs are valid, so
every step really runs:

- generation: ``apiscribe convert SPEC --to markdown`` (every page as Markdown);
- cold build: ``apiscribe convert SPEC --to site`` into a fresh folder;
- no change: the same command again (the build stamp keeps the site);
- one change: one operation's description edited, the command again.

Prints a Markdown table (median of ``--repeat`` runs; one by default) and writes a plot of
the four steps against the operation count to ``docs/scaling.png`` (matplotlib: ``pip install
-e '.[bench]'``).

    .venv/bin/python benchmarks/scaling.py --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

APISCRIBE = Path(sys.executable).with_name("apiscribe")
SIZES = (100, 500, 1000, 2000)
SECTIONS = 20
METHODS = ("get", "post", "patch", "delete")
STEPS = ("generation", "cold build", "no change", "one change")
PLOT = Path(__file__).resolve().parent.parent / "docs" / "scaling.png"

COMPONENTS: dict[str, Any] = {"schemas": {
    "Plan": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "example": "pro"},
        "seats": {"type": "integer", "example": 5},
        "private_repos": {"type": "integer", "example": 20}}},
    "Owner": {"type": "object", "required": ["login", "id"], "properties": {
        "login": {"type": "string", "example": "octocat"},
        "id": {"type": "integer", "example": 1},
        "site_admin": {"type": "boolean"},
        "plan": {"$ref": "#/components/schemas/Plan"}}},
    "Item": {"type": "object", "required": ["id", "name", "owner"], "properties": {
        "id": {"type": "integer", "example": 42},
        "name": {"type": "string", "example": "hello-world"},
        "state": {"type": "string", "enum": ["open", "closed"]},
        "created_at": {"type": "string", "format": "date-time"},
        "topics": {"type": "array", "items": {"type": "string"}},
        "owner": {"$ref": "#/components/schemas/Owner"}}},
    "ItemInput": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "example": "hello-world"},
        "state": {"type": "string", "enum": ["open", "closed"]}}},
}}
ITEM = {"id": 42, "name": "hello-world", "state": "open", "created_at": "2024-01-01T12:00:00Z",
        "topics": ["api"], "owner": {"login": "octocat", "id": 1, "site_admin": False,
                                     "plan": {"name": "pro", "seats": 5, "private_repos": 20}}}


def operation(section: int, number: int, method: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": "owner", "in": "path", "required": True, "schema": {"type": "string"},
         "example": "octocat", "description": "The account owner."},
        {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"},
         "example": 42, "description": "The item's id."}]
    if method == "get":
        parameters += [
            {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 30},
             "description": "Results per page (max 100)."},
            {"name": "page", "in": "query", "schema": {"type": "integer", "default": 1},
             "description": "Page number of the results."}]
    item = {"$ref": "#/components/schemas/Item"}
    ok = {"description": "Response", "content": {"application/json": {
        "schema": item, "example": ITEM}}}
    result: dict[str, Any] = {
        "operationId": f"sec{section}/{method}-item{number}",
        "tags": [f"sec{section}"],
        "summary": f"{method.capitalize()} item {number} of section {section}",
        "description": f"Works on item {number} of section {section}: the operation reads "
                       "and writes the item and its owner.",
        "parameters": parameters,
        "responses": {"204": {"description": "No content"}} if method == "delete" else {
            "200": ok, "404": {"description": "Resource not found"}},
    }
    if method in ("post", "patch"):
        result["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ItemInput"},
            "example": {"name": "hello-world", "state": "open"}}}}
    return result


def spec(operations: int) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for index in range(operations):
        section, rest = index % SECTIONS, index // SECTIONS
        number, method = rest // len(METHODS), METHODS[rest % len(METHODS)]
        path = f"/sec{section}/{{owner}}/items{number}/{{item_id}}"
        paths.setdefault(path, {})[method] = operation(section, number, method)
    return {"openapi": "3.0.3",  # as GitHub's; a 3.1 document takes the slower validator
            "info": {"title": f"Synthetic API ({operations} operations)", "version": "1.0"},
            "servers": [{"url": "https://api.example.com"}],
            "tags": [{"name": f"sec{n}", "description": f"Section {n}."}
                     for n in range(SECTIONS)],
            "paths": paths, "components": COMPONENTS}


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def run(size: int, folder: Path) -> dict[str, float]:
    path = folder / "spec.json"
    document = spec(size)
    path.write_text(json.dumps(document), encoding="utf-8")
    convert = [str(APISCRIBE), "convert", str(path), "-q"]
    times = {"generation": timed([*convert, "--to", "markdown", "-o", str(folder / "md")])}
    times["cold build"] = timed([*convert, "--to", "site", "-o", str(folder / "out")])
    times["no change"] = timed([*convert, "--to", "site", "-o", str(folder / "out")])
    first = next(iter(document["paths"].values()))
    first["get"]["description"] += " Edited."
    path.write_text(json.dumps(document), encoding="utf-8")
    times["one change"] = timed([*convert, "--to", "site", "-o", str(folder / "out")])
    return times


def plot(medians: dict[int, dict[str, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.2), dpi=120)
    sizes = sorted(medians)
    for step, marker in zip(STEPS, "osD^", strict=True):
        axes.plot(sizes, [medians[n][step] for n in sizes], marker=marker, label=step)
    axes.set_xlabel("operations")
    axes.set_ylabel("wall time, s (median)")
    axes.set_title("apiscribe convert on synthetic GitHub-shaped specs")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(PLOT, metadata={"Software": None})
    print(f"plot: {PLOT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-plot", action="store_true", help="print the table only")
    options = parser.parse_args()
    print(f"python {sys.version.split()[0]}; load {os.getloadavg()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    medians: dict[int, dict[str, float]] = {}
    for size in SIZES:
        runs = []
        for _ in range(options.repeat):
            with tempfile.TemporaryDirectory() as folder:
                runs.append(run(size, Path(folder)))
        medians[size] = {step: statistics.median(r[step] for r in runs) for step in STEPS}
    print("| operations | " + " | ".join(f"{step}, s" for step in STEPS) + " |")
    print("|---|" + "---|" * len(STEPS))
    for size, row in medians.items():
        print(f"| {size} | " + " | ".join(f"{row[step]:.2f}" for step in STEPS) + " |")
    if not options.no_plot:
        plot(medians)


if __name__ == "__main__":
    main()
