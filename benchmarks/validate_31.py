"""Benchmark: a first (cold) validation of OpenAPI 3.1 documents, before and after a change.

Each measurement is a fresh Python process that loads the document, then times one
``validate_document`` call (no cache: imports, compiled meta-schemas and all). The variants are
two source trees of apiscribe (``--before`` and ``--after``, each a ``generator/`` folder put
first on ``PYTHONPATH``), run alternately within each repetition so that machine noise spreads
evenly. Prints a Markdown table of medians.

    git worktree add /work/before31 HEAD
    .venv/bin/python benchmarks/validate_31.py --before /work/before31/generator \\
        --repeat 3 /tmp/gh31/openapi.json --naive-github --synthetic 2000

Without ``--before``, only this tree is measured (as ``benchmarks/run_all.py`` does).
``/tmp/gh31/openapi.json`` is GitHub's REST description written as 3.1 by apiscribe itself
(``apiscribe convert api.github.com.json --to openapi -o /tmp/gh31``); ``--github31`` makes it
in a temporary folder. ``--naive-github`` adds
the 3.0.3 description with only ``openapi`` set to ``3.1.0``; ``--synthetic N`` adds
``benchmarks/scaling.py``'s synthetic spec of N operations, as 3.1.0 and as 3.0.3.
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import inputs  # noqa: E402

GITHUB = inputs.github()

# The child prints {"seconds": <time in validate_document>, "problems": <count>, "source": ...}.
CHILD = """
import json, sys, time
from pathlib import Path
import apiscribe
from apiscribe.checks.specs import validate_document
from apiscribe.documents.load import load_document
path = Path(sys.argv[1])
document, problems, lines = load_document(path)
start = time.perf_counter()
found = validate_document(document, path, lines)
print(json.dumps({"seconds": time.perf_counter() - start, "problems": len(found),
                  "source": apiscribe.__file__}))
"""


def measure(generator: Path, path: Path) -> tuple[float, float, dict[str, object]]:
    """(wall seconds, seconds in validate_document, the child's report)."""
    env = dict(os.environ, PYTHONPATH=str(generator))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                          text=True, check=False, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the child failed on {path}:\n{done.stderr}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if not str(report["source"]).startswith(str(generator)):
        raise SystemExit(f"the child imported {report['source']}, not from {generator}")
    return wall, float(str(report["seconds"])), report


def documents(args: argparse.Namespace, folder: Path) -> list[tuple[str, Path]]:
    found = [(str(path), path.resolve()) for path in args.files]
    if args.github31:  # GitHub's description as apiscribe writes it: OpenAPI 3.1
        subprocess.run([str(Path(sys.executable).with_name("apiscribe")), "convert", str(GITHUB),
                        "--to", "openapi", "-o", str(folder / "gh31"), "-q"],
                       capture_output=True, check=False)
        found.append(("GitHub's description written as 3.1 by apiscribe",
                      folder / "gh31" / "openapi.json"))
    if args.naive_github:
        document = json.loads(GITHUB.read_text(encoding="utf-8"))
        document["openapi"] = "3.1.0"
        naive = folder / "github-naive-3.1.json"
        naive.write_text(json.dumps(document), encoding="utf-8")
        found.append(("GitHub's 3.0.3 description with openapi: 3.1.0", naive))
    if args.synthetic:
        sys.path.insert(0, str(HERE))
        from scaling import spec  # the synthetic spec of benchmarks/scaling.py

        for version in ("3.1.0", "3.0.3"):
            document = spec(args.synthetic) | {"openapi": version}
            path = folder / f"synthetic-{args.synthetic}-{version}.json"
            path.write_text(json.dumps(document), encoding="utf-8")
            found.append((f"synthetic spec({args.synthetic}), openapi {version}", path))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--before", type=Path,
                        help="the generator/ folder of a tree to compare with")
    parser.add_argument("--github31", action="store_true",
                        help="GitHub's description, written as 3.1 by `apiscribe convert`")
    parser.add_argument("--after", type=Path, default=HERE.parent / "generator")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-github", action="store_true")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N")
    args = parser.parse_args()
    variants = {"after": args.after.resolve()}
    if args.before is not None:
        variants = {"before": args.before.resolve(), **variants}
    with tempfile.TemporaryDirectory(prefix="apiscribe-bench31-") as temporary:
        docs = documents(args, Path(temporary))
        walls: dict[tuple[str, str], list[float]] = {}
        inner: dict[tuple[str, str], list[float]] = {}
        problems: dict[tuple[str, str], object] = {}
        for repetition in range(args.repeat):
            for name, path in docs:
                for variant, generator in variants.items():
                    wall, seconds, report = measure(generator, path)
                    walls.setdefault((name, variant), []).append(wall)
                    inner.setdefault((name, variant), []).append(seconds)
                    problems[(name, variant)] = report["problems"]
                    print(f"[{repetition + 1}/{args.repeat}] {variant} {name}: {wall:.2f} s "
                          f"wall, {seconds:.2f} s in validate_document, "
                          f"{report['problems']} problem(s)", file=sys.stderr, flush=True)
    print(f"\nMedians of {args.repeat} cold runs (one process each), before = {args.before}\n")
    print("| document | variant | validate_document (s) | wall, with load (s) | problems |")
    print("|---|---|---:|---:|---:|")
    for name, _ in docs:
        for variant in variants:
            key = (name, variant)
            print(f"| {name} | {variant} | {statistics.median(inner[key]):.2f} "
                  f"| {statistics.median(walls[key]):.2f} | {problems[key]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
