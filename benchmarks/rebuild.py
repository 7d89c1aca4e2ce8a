"""Benchmark: `apiscribe convert SPEC --to site` and `--to markdown`, cold, again with nothing
changed, and again after one operation's description changed, in one run.

Each repetition converts into a fresh folder (cold), converts again into the same folder
(no change: for a site, the build stamp keeps it), edits one operation's description in a copy
of the spec and converts again (one change: for a site, the page cache converts and renders
that page only). Every run is a whole process; wall time and the peak RSS of the child are
printed as median, min and max, as a Markdown table, after a bare ``json.load`` of each spec
(the floor for anything that reads it).

    .venv/bin/python benchmarks/rebuild.py --repeat 3
    .venv/bin/python benchmarks/rebuild.py --repeat 3 --only GitHub --before /work/before/generator
    .venv/bin/python benchmarks/rebuild.py --repeat 5 --only GitHub --to markdown

With ``--before FOLDER`` (the ``generator/`` folder of another checkout, a ``git worktree`` of an
earlier commit), every step also runs that code, alternating with this one, and the table has a
row for each. Every process keeps its caches in the repetition's temporary folder
(``XDG_CACHE_HOME``), so a cold run is cold.

Documents: Sentry's (the shared corpus) and GitHub's description without the examples that
fail their schemas (:func:`inputs.github_clean`: a spec with errors never overwrites an
output folder, so the original could not be rebuilt).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

APISCRIBE = Path(sys.executable).with_name("apiscribe")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import inputs  # noqa: E402

STEPS = ("cold", "no change", "one change")
TARGETS = ("markdown", "site")


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB, the child's own, by ``wait4``) and exit code of one child
    process; exit 1 (the input has errors) is a finished run."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    assert child.stderr is not None
    said = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed:\n{said.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, code


def edited(spec: Path, target: Path, number: int) -> None:
    """``spec`` with one operation's description changed, written to ``target``."""
    document = json.loads(spec.read_text(encoding="utf-8"))
    for item in document["paths"].values():
        for key, operation in item.items():
            if key in ("get", "put", "post", "delete", "patch") and isinstance(operation, dict):
                operation["description"] = f"Edit {number}. " + str(
                    operation.get("description", ""))
                target.write_text(json.dumps(document), encoding="utf-8")
                return


def convert(spec: Path, out: Path, target: str, code: str | None = None
            ) -> tuple[float, float, int]:
    """One ``convert`` process, its caches beside ``out``; ``code``: another ``generator/``."""
    env = {"XDG_CACHE_HOME": str(out.parent / "cache")}
    program = [str(APISCRIBE)]
    if code is not None:
        env["PYTHONPATH"] = code
        program = [sys.executable, "-m", "apiscribe"]
    return timed([*program, "convert", str(spec), "--to", target, "-o", str(out)], env)


def bare_parse(spec: Path) -> tuple[float, float, int]:
    return timed([sys.executable, "-c", f"import json; json.load(open({str(spec)!r}, 'rb'))"])


def row(name: str, step: str, runs: list[tuple[float, float, int]]) -> str:
    walls = [wall for wall, _, _ in runs]
    peak = max(rss for _, rss, _ in runs)
    return (f"| {name} | {step} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
            f"{max(walls):.2f} | {peak:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", action="append", choices=["Sentry", "GitHub"])
    parser.add_argument("--to", action="append", choices=TARGETS, dest="targets",
                        help="only this target (default: both)")
    parser.add_argument("--before", metavar="FOLDER",
                        help="the generator/ folder of an earlier checkout, run alternately")
    options = parser.parse_args()
    print(f"python {sys.version.split()[0]}; load {os.getloadavg()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    documents = {"Sentry": lambda: inputs.SENTRY, "GitHub": inputs.github_clean}
    print("| document | step | median s | min s | max s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for name, find in documents.items():
        if options.only and name not in options.only:
            continue
        source = find()
        if not source.is_file():
            print(f"| {name} | not found at {source}: left out | | | | |")
            continue
        results: dict[str, list[tuple[float, float, int]]] = {}
        variants: list[tuple[str, str | None]] = [("", None)]
        if options.before:
            variants = [("before: ", options.before), ("after: ", None)]
        for number in range(options.repeat):
            results.setdefault("bare json.load", []).append(bare_parse(source))
            for target in options.targets or TARGETS:  # alternating: both in each repetition
                order = variants if number % 2 == 0 else variants[::-1]
                for label, code in order:  # and both variants, the order flipped each time
                    with tempfile.TemporaryDirectory() as folder:
                        spec, out = Path(folder) / "spec.json", Path(folder) / "out"
                        shutil.copyfile(source, spec)
                        for step in STEPS:
                            if step == "one change":
                                edited(source, spec, number)
                            runs = results.setdefault(f"{label}--to {target}, {step}", [])
                            runs.append(convert(spec, out, target, code))
        for step, runs in results.items():
            print(row(name, step, runs), flush=True)


if __name__ == "__main__":
    main()
