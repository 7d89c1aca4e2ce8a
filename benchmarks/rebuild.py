"""Benchmark: `apiscribe convert SPEC --to site` cold, again with nothing changed, and again
after one operation's description changed, in one run.

Each repetition converts into a fresh folder (cold), converts again into the same folder
(no change: the build stamp keeps the site), edits one operation's description in a copy of
the spec and converts again (one change). Every build is a whole process; wall time and the
peak RSS of the child are printed as median, min and max, as a Markdown table.

    .venv/bin/python benchmarks/rebuild.py --repeat 3

GitHub's description is fetched as BENCHMARKS.md says (``npm pack @octokit/openapi@23.0.2``)
into /work/cache/octokit; a document that is not there is left out, saying so.
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
DOCUMENTS = {
    "Sentry": Path("/work/shared/corpus/openapi/sentry-2022-05-18-openapi-derefed.json"),
    "GitHub": Path("/work/cache/octokit/package/generated/api.github.com.json"),
}
STEPS = ("cold", "no change", "one change")


def timed(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB, the child's own, by ``wait4``) and exit code of one child
    process; exit 1 (the input has errors) is a finished run."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
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


def convert(spec: Path, out: Path) -> tuple[float, float, int]:
    return timed([str(APISCRIBE), "convert", str(spec), "--to", "site", "-o", str(out)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    print(f"python {sys.version.split()[0]}; load {os.getloadavg()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| document | step | median s | min s | max s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for name, source in DOCUMENTS.items():
        if not source.is_file():
            print(f"| {name} | not found at {source}: left out | | | | |")
            continue
        results: dict[str, list[tuple[float, float, int]]] = {step: [] for step in STEPS}
        for number in range(options.repeat):
            with tempfile.TemporaryDirectory() as folder:
                spec, out = Path(folder) / "spec.json", Path(folder) / "out"
                shutil.copyfile(source, spec)
                results["cold"].append(convert(spec, out))
                results["no change"].append(convert(spec, out))
                edited(source, spec, number)
                results["one change"].append(convert(spec, out))
        for step in STEPS:
            if step == "one change" and any(code for *_, code in results[step]):
                print(f"| {name} | {step} | not rebuilt: the spec has errors, so convert "
                      "keeps the output folder | | | |")
                continue
            walls = [wall for wall, _, _ in results[step]]
            peak = max(rss for _, rss, _ in results[step])
            print(f"| {name} | {step} | {statistics.median(walls):.2f} | {min(walls):.2f} | "
                  f"{max(walls):.2f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
