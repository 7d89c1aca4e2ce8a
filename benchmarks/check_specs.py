"""Benchmark: openapi-spec-validator versus apiscribe's spec check, side by side, in one run.

Every measurement runs in a fresh Python process (imports, compiled meta-schemas and the cache
state are those of a real command), and the variants alternate within each repetition so that
machine noise spreads evenly. Prints a Markdown table of medians.

    /work/venv/bin/python benchmarks/check_specs.py \\
        /work/cache/octokit/package/generated/api.github.com.json --repeat 5

The default document is GitHub's REST description (npm ``@octokit/openapi@23.0.2``,
``package/generated/api.github.com.json``); fetch it with ``npm pack`` (see BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DEFAULT = Path("/work/cache/octokit/package/generated/api.github.com.json")
BIN = Path(sys.executable).parent

# Child programs print {"seconds": <time inside the measured call>, "errors": <count>}.
VALIDATE = """
import json, sys, time
from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator, \\
    OpenAPIV31SpecValidator, validate
from apiscribe.checks.specs import load_document, spec_version
from pathlib import Path
document = load_document(Path(sys.argv[1]))[0]
cls = {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator,
       "3.1": OpenAPIV31SpecValidator}[spec_version(document)]
start = time.perf_counter()
errors = 0
try:
    validate(document, cls=cls)
except Exception:
    errors = 1
print(json.dumps({"seconds": time.perf_counter() - start, "errors": errors}))
"""

VALIDATE_SPEC = """
import json, sys, time
from pathlib import Path
from apiscribe.checks.specs import validate_spec
cache = Path(sys.argv[2]) if len(sys.argv) > 2 else None
start = time.perf_counter()
found = validate_spec(Path(sys.argv[1]), cache_dir=cache)
print(json.dumps({"seconds": time.perf_counter() - start, "errors": len(found)}))
"""


def run(command: list[str]) -> tuple[float, float | None, str]:
    """(wall seconds, seconds reported by the child or None, last output line)."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    lines = (done.stdout.strip() or done.stderr.strip() or "?").splitlines()
    last = lines[-1] if lines else "?"
    try:
        inner = float(json.loads(last)["seconds"])
    except (ValueError, KeyError, TypeError):
        inner = None
    return wall, inner, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-validator", action="store_true",
                        help="leave out the (slow) openapi-spec-validator runs")
    args = parser.parse_args()
    path: Path = args.file.resolve()
    if not path.is_file():
        print(f"no such file: {path} (see BENCHMARKS.md to fetch it)", file=sys.stderr)
        return 2
    python = sys.executable
    apiscribe = str(BIN / "apiscribe")
    warm = Path(tempfile.mkdtemp(prefix="apiscribe-bench-"))
    variants: dict[str, Callable[[], list[str]]] = {}
    if not args.skip_validator:
        variants["openapi-spec-validator FILE (its CLI)"] = lambda: [
            str(BIN / "openapi-spec-validator"), str(path)]
        variants["openapi_spec_validator.validate(document)"] = lambda: [
            python, "-c", VALIDATE, str(path)]
    variants["validate_spec(path), cold: no cache"] = lambda: [
        python, "-c", VALIDATE_SPEC, str(path)]
    variants["validate_spec(path, cache_dir=...), warm cache"] = lambda: [
        python, "-c", VALIDATE_SPEC, str(path), str(warm / "lib")]
    has_check = shutil.which(apiscribe) is not None
    if has_check:
        variants["apiscribe check --no-cache FILE"] = lambda: [
            apiscribe, "check", "--no-cache", str(path)]
        variants["apiscribe check --cache-dir DIR FILE, warm cache"] = lambda: [
            apiscribe, "check", "--cache-dir", str(warm / "cli"), str(path)]
    # Prime the warm caches once (not measured).
    run([python, "-c", VALIDATE_SPEC, str(path), str(warm / "lib")])
    if has_check:
        run([apiscribe, "check", "--cache-dir", str(warm / "cli"), str(path)])
    walls: dict[str, list[float]] = {name: [] for name in variants}
    inners: dict[str, list[float]] = {name: [] for name in variants}
    outputs: dict[str, str] = {}
    try:
        for repetition in range(args.repeat):
            for name, command in variants.items():
                wall, inner, last = run(command())
                walls[name].append(wall)
                if inner is not None:
                    inners[name].append(inner)
                outputs[name] = last
                print(f"[{repetition + 1}/{args.repeat}] {name}: {wall:.2f} s wall"
                      + (f", {inner:.2f} s in the call" if inner is not None else "")
                      + f"  ({last[:80]})", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(warm, ignore_errors=True)
    print(f"\nDocument: {path} ({path.stat().st_size:,} bytes), {args.repeat} repetitions\n")
    print("| variant | median wall (s) | min-max wall (s) | median in the call (s) | output |")
    print("|---|---:|---:|---:|---|")
    for name in variants:
        wall = walls[name]
        inner = f"{statistics.median(inners[name]):.2f}" if inners[name] else "-"
        print(f"| {name} | {statistics.median(wall):.2f} | {min(wall):.2f}-{max(wall):.2f} "
              f"| {inner} | `{outputs[name][:60]}` |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
