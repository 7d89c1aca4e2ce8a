"""Benchmark: spec -> MkDocs Material site, apiscribe versus mkdocs-openapi and neoteroi-mkdocs,
in one run.

Each build is one whole process in a fresh temporary folder; the variants (apiscribe as it
runs, apiscribe pinned to one CPU with ``--one-cpu``, mkdocs-openapi with Material's
``navigation.prune``, neoteroi; each of the other tools only when installed) alternate within
each repetition (the order flips every repetition). After the first build of each tool the
script also counts what the site contains (pages, tables, code blocks by kind), so speed is
set against output. Prints the commands, versions, load, then Markdown tables.

    /work/venv/bin/python benchmarks/site_build.py --repeat 5 --repeat-large 5 \\
        --neoteroi-mkdocs /work/bench-venv/bin/mkdocs

The other tools live in their own venv (never in apiscribe's):
``python3 -m venv /work/bench-venv && /work/bench-venv/bin/pip install neoteroi-mkdocs
mkdocs-openapi==0.3.3 mkdocs-material``. GitHub's description is fetched by
:mod:`inputs`.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import inputs  # noqa: E402

DOCUMENTS = {"Sentry": lambda: inputs.SENTRY, "GitHub": inputs.github}
LARGE = {"GitHub"}
NEOTEROI = "neoteroi.mkdocsoad + mkdocs build"
MKDOCS_OPENAPI = "mkdocs-openapi (navigation.prune) + mkdocs build"
# What mkdocs-openapi's README asks for, with the navigation pruned as apiscribe's is.
MKDOCS_OPENAPI_YML = """site_name: API Reference
theme:
  name: material
  features:
    - navigation.prune
plugins:
  - search
  - openapi
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
nav:
  - Home: index.md
  - API Reference: openapi/spec.json
"""
# What neoteroi's documentation asks for: three PyMdown extensions and use_pymdownx.
NEOTEROI_YML = """site_name: API Reference
theme:
  name: material
plugins:
  - search
  - neoteroi.mkdocsoad:
      use_pymdownx: true
markdown_extensions:
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
"""
PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.S)
TAG = re.compile(r"<[^>]+>")
# An operation's heading: neoteroi's method badge, or apiscribe's "METHOD /path" under the title.
OPERATION = re.compile(r'<span class="http-\w+">|</h1>\s*<p><code>[A-Z]+ /')
SCHEMA_KEYS = {"type", "format", "properties", "items", "required", "description", "enum",
               "nullable", "allOf", "oneOf", "anyOf", "example", "additionalProperties"}


def apiscribe_command(spec: Path, tmp: Path) -> tuple[list[str], Path]:
    # Into a folder of its own: a spec with errors (GitHub's) is converted only into an empty
    # or new folder, and TMP holds the log.
    return [str(BIN / "apiscribe"), "convert", str(spec), "--to", "site",
            "--out", str(tmp / "out"), "-q"], tmp / "out" / "site"


def apiscribe_one_cpu_command(spec: Path, tmp: Path) -> tuple[list[str], Path]:
    """apiscribe pinned to one CPU: its MkDocs plugin then starts no workers."""
    command, site = apiscribe_command(spec, tmp)
    return ["taskset", "-c", "0", *command], site


def neoteroi_command(mkdocs: str, spec: Path, tmp: Path) -> tuple[list[str], Path]:
    (tmp / "docs").mkdir()
    (tmp / "mkdocs.yml").write_text(NEOTEROI_YML)
    (tmp / "docs" / "index.md").write_text(f"[OAD({spec})]\n")
    return [mkdocs, "build", "-f", str(tmp / "mkdocs.yml")], tmp / "site"


def mkdocs_openapi_command(mkdocs: str, spec: Path, tmp: Path) -> tuple[list[str], Path]:
    (tmp / "docs" / "openapi").mkdir(parents=True)
    (tmp / "mkdocs.yml").write_text(MKDOCS_OPENAPI_YML)
    (tmp / "docs" / "index.md").write_text("# API Reference\n")
    shutil.copyfile(spec, tmp / "docs" / "openapi" / "spec.json")
    return [mkdocs, "build", "-f", str(tmp / "mkdocs.yml")], tmp / "site"


def installed(mkdocs: str, package: str) -> bool:
    pip = Path(mkdocs).parent / "pip"
    return pip.is_file() and subprocess.run([str(pip), "show", "-q", package],
                                            capture_output=True, check=False).returncode == 0


@dataclass
class Run:
    """One child process: wall and CPU seconds, peak RSS, exit code, log."""

    wall: float
    cpu: float
    rss_mb: float
    rc: int
    warnings: int
    tail: list[str]


def timed(command: list[str], cwd: Path) -> Run:
    """Run ``command`` in ``cwd`` with its output in cwd/log.txt."""
    log = cwd / "log.txt"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with log.open("wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=out, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = log.read_text(errors="replace").strip().splitlines()
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode,
               sum(line.startswith("WARNING") for line in lines), lines[-3:])


def code_kind(text: str) -> str:
    text = text.strip()
    if not text:
        return "empty"
    if text.startswith("curl "):
        return "curl"
    if re.match(r"[A-Z]+ \S+ HTTP/\d", text):
        return "http request"
    if text.startswith("HTTP/"):
        return "http response"
    if text.startswith(("import ", "from ")):
        return "python"
    if "fetch(" in text:
        return "javascript"
    try:
        value = json.loads(text)
    except ValueError:
        return "other"
    if isinstance(value, dict) and "type" in value and set(value) <= SCHEMA_KEYS:
        return "json schema"
    return "json example"


def survey(site: Path) -> dict[str, int]:
    """Counts over the built site's HTML pages (404.html left out)."""
    counts: dict[str, int] = {"pages": 0, "HTML KB": 0, "operations": 0, "tables": 0,
                              "table rows": 0, "'curl' in HTML": 0}
    size = 0
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html" and page.parent == site:
            continue
        text = page.read_text()
        size += len(text.encode())
        counts["pages"] += 1
        counts["operations"] += len(OPERATION.findall(text))
        counts["tables"] += text.count("<table")
        counts["table rows"] += text.count("<tr")
        counts["'curl' in HTML"] += text.count("curl")
        for block in PRE.findall(text):
            kind = "code: " + code_kind(html.unescape(TAG.sub("", block)))
            counts[kind] = counts.get(kind, 0) + 1
    counts["HTML KB"] = size // 1000
    index = site / "search" / "search_index.json"
    counts["search index KB"] = index.stat().st_size // 1000 if index.is_file() else 0
    return counts


def version_lines(mkdocs: str) -> list[str]:
    lines = []
    for pip, names in ((BIN / "pip", "apiscribe mkdocs mkdocs-material pymdown-extensions"),
                       (Path(mkdocs).parent / "pip",
                        "neoteroi-mkdocs essentials-openapi mkdocs-openapi mkdocs "
                        "mkdocs-material pymdown-extensions")):
        shown = subprocess.run([str(pip), "show", *names.split()], capture_output=True,
                               text=True, check=False).stdout
        pairs = re.findall(r"^Name: (\S+)\nVersion: (\S+)", shown, re.M)
        lines.append(f"{pip.parent.parent}: " + ", ".join(f"{n} {v}" for n, v in pairs))
    return lines


def load_note() -> str:
    top = subprocess.run(["ps", "-eo", "pcpu,args", "--sort=-pcpu"], capture_output=True,
                         text=True, check=False).stdout.splitlines()[1:4]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{load} | " + " ; ".join(line.strip()[:90] for line in top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repetitions, small documents")
    parser.add_argument("--repeat-large", type=int, default=3, help="repetitions, GitHub")
    parser.add_argument("--other-mkdocs", "--neoteroi-mkdocs", dest="mkdocs",
                        default="/work/bench-venv/bin/mkdocs",
                        help="the mkdocs of the venv with the other tools")
    parser.add_argument("--one-cpu", action="store_true", help="apiscribe on one CPU too")
    parser.add_argument("--only", choices=sorted(DOCUMENTS), action="append")
    args = parser.parse_args()
    mkdocs = args.mkdocs
    print("\n".join(version_lines(mkdocs)))
    print(f"{os.cpu_count()} cores; load before: {load_note()}", flush=True)
    variants: dict[str, Callable[[Path, Path], tuple[list[str], Path]]] = {
        "apiscribe convert --to site": apiscribe_command,
    }
    if args.one_cpu:
        variants["apiscribe, one CPU (taskset -c 0)"] = apiscribe_one_cpu_command
    if installed(mkdocs, "mkdocs-openapi"):
        variants[MKDOCS_OPENAPI] = partial(mkdocs_openapi_command, mkdocs)
    else:
        print(f"mkdocs-openapi is not installed beside {mkdocs}: left out")
    if installed(mkdocs, "neoteroi-mkdocs"):
        variants[NEOTEROI] = partial(neoteroi_command, mkdocs)
    else:
        print(f"neoteroi-mkdocs is not installed beside {mkdocs}: left out")
    results: dict[tuple[str, str], list[Run]] = {}
    surveys: dict[tuple[str, str], dict[str, int]] = {}
    for doc, find in DOCUMENTS.items():
        if args.only and doc not in args.only:
            continue
        spec = find()
        if not spec.is_file():
            print(f"{doc}: not found at {spec}: left out")
            continue
        repeat = args.repeat_large if doc in LARGE else args.repeat
        for rep in range(repeat):
            order = list(variants.items())
            for name, make in order if rep % 2 == 0 else order[::-1]:
                tmp = Path(tempfile.mkdtemp(prefix="site-bench-"))
                try:
                    command, site = make(spec, tmp)
                    run = timed(command, tmp)
                    if rep == 0:
                        print(f"$ (cd TMP && {' '.join(command).replace(str(tmp), 'TMP')})")
                        surveys[doc, name] = survey(site) if site.is_dir() else {}
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
                results.setdefault((doc, name), []).append(run)
                print(f"[{doc} {rep + 1}/{repeat}] {name}: {run.wall:.2f} s wall, "
                      f"{run.cpu:.2f} s cpu, {run.rss_mb:.0f} MB, rc={run.rc}, "
                      f"{run.warnings} WARNING lines", file=sys.stderr, flush=True)
                if run.rc:
                    print(f"  failed: {run.tail}", file=sys.stderr, flush=True)
    print(f"load after: {load_note()}\n")
    print("| document | variant | median wall (s) | min-max wall (s) | median CPU (s) "
          "| peak RSS (MiB) | exit | runs |")
    print("|---|---|---:|---:|---:|---:|---|---:|")
    medians: dict[tuple[str, str], float] = {}
    for (doc, name), runs in results.items():
        walls = [r.wall for r in runs]
        medians[doc, name] = statistics.median(walls)
        print(f"| {doc} | {name} | {medians[doc, name]:.2f} | {min(walls):.2f}-{max(walls):.2f} "
              f"| {statistics.median(r.cpu for r in runs):.2f} "
              f"| {max(r.rss_mb for r in runs):.0f} | {sorted({r.rc for r in runs})} "
              f"| {len(runs)} |")
    for doc in DOCUMENTS:
        ours = medians.get((doc, "apiscribe convert --to site"), 0.0)
        for other in (MKDOCS_OPENAPI, NEOTEROI):
            theirs = medians.get((doc, other), 0.0)
            if ours and theirs:
                print(f"\n{doc}: {other} median wall / apiscribe's = {theirs / ours:.2f}")
    keys = sorted({k for counts in surveys.values() for k in counts})
    print("\n| document | variant | " + " | ".join(keys) + " |")
    print("|---|---|" + "---:|" * len(keys))
    for (doc, name), counts in surveys.items():
        print(f"| {doc} | {name} | " + " | ".join(str(counts.get(k, 0)) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
