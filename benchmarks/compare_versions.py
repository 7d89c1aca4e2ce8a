"""Benchmark: two versions of apiscribe side by side (before / after a change), in one run.

The two benchmarks of BENCHMARKS.md, each measurement a whole process in a fresh temporary
folder, the two versions alternating within each repetition (the order flips every
repetition) so that machine noise spreads evenly over both:

- ``apiscribe check --no-cache GITHUB`` on GitHub's REST description (exit code 1: the
  description has examples that contradict their schemas; the diagnostics are counted per
  code for both versions, and compared in full once, untimed, through ``--format json``);
- ``apiscribe convert SPEC --to site --out TMP/out -q`` on Sentry's schema and on GitHub's
  description (wall time, user+system CPU of the process and of the workers it waited for,
  peak RSS of the largest process, HTML pages under TMP/out/site).

Prints the commands, versions, load, then Markdown tables with the after/before ratios.

    /work/main/.venv/bin/python benchmarks/compare_versions.py \\
        --before /work/before/.venv/bin --after /work/main/.venv/bin --repeat 5 --repeat-large 3

``--before`` and ``--after`` take an ``apiscribe`` executable or the bin folder of a venv
holding one. The "before" side is a worktree of the earlier commit with its own venv:
``git worktree add /work/before REV && python3 -m venv /work/before/.venv &&
/work/before/.venv/bin/pip install -e /work/before``. GitHub's description is fetched as
described in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SENTRY = Path("/work/shared/corpus/openapi/sentry-2022-05-18-openapi-derefed.json")
GITHUB = Path("/work/cache/octokit/package/generated/api.github.com.json")
SIDES = ("before", "after")
# `file:line: level code: message [pointer]`, as `apiscribe check` and `convert` print them.
DIAGNOSTIC = re.compile(r"^\S.*?: (error|warning) ([\w-]+): ")
SUMMARY = re.compile(r"(\d+ file\(s\) checked: )?\d+ error\(s\), \d+ warning\(s\)")
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "Pygments",
            "jsonschema", "openapi-spec-validator", "click")
VERSIONS = f"""
import importlib.metadata as m, json, platform, apiscribe
def v(name):
    try:
        return m.version(name)
    except m.PackageNotFoundError:
        return "-"
print(json.dumps({{"python": platform.python_version(), "package": apiscribe.__file__,
                  "apiscribe": v("apiscribe"), "deps": {{n: v(n) for n in {PACKAGES!r}}}}}))
"""


@dataclass
class Run:
    """One child process: wall and CPU seconds, peak RSS, exit code, what it printed."""

    wall: float
    cpu: float
    rss_mb: float
    rc: int
    codes: dict[str, int]
    summary: str
    pages: int = 0
    html_mb: float = 0.0
    search_kb: int = 0
    project_md: int = 0
    tail: list[str] = field(default_factory=list)


def executable(given: str) -> Path:
    path = Path(given).expanduser().absolute()
    return path / "apiscribe" if path.is_dir() else path


def timed(command: list[str], cwd: Path) -> Run:
    """Run ``command`` in ``cwd``, its output in cwd/log.txt; count its diagnostics."""
    log = cwd / "log.txt"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with log.open("wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=out, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    lines = log.read_text(errors="replace").strip().splitlines()
    codes = Counter(f"{m[1]} {m[2]}" for line in lines if (m := DIAGNOSTIC.search(line)))
    summary = next((line.strip() for line in lines if SUMMARY.fullmatch(line.strip())), "")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               child.returncode, dict(sorted(codes.items())), summary, tail=lines[-3:])


def survey(run: Run, out: Path) -> None:
    """HTML pages (404.html left out), their size and the search index's, under out/site."""
    site = out / "site"
    size = 0
    for page in site.rglob("*.html"):
        if page.name == "404.html" and page.parent == site:
            continue
        run.pages += 1
        size += page.stat().st_size
    run.html_mb = size / 1e6
    index = site / "search" / "search_index.json"
    run.search_kb = index.stat().st_size // 1000 if index.is_file() else 0
    run.project_md = sum(1 for _ in (out / "project").rglob("*.md"))


def digests(site: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file of a built site (to compare the two versions)."""
    return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def check_command(spec: Path, exe: Path, tmp: Path) -> list[str]:
    return [str(exe), "check", "--no-cache", str(spec)]


def convert_command(spec: Path, exe: Path, tmp: Path) -> list[str]:
    return [str(exe), "convert", str(spec), "--to", "site", "--out", str(tmp / "out"), "-q"]


def describe(exe: Path) -> dict[str, str]:
    """Python and library versions of a side, and the git revision of its source."""
    python = exe.parent / "python"
    found = subprocess.run([str(python), "-c", VERSIONS], capture_output=True, text=True,
                           check=True)
    info = json.loads(found.stdout)
    package = Path(info["package"]).parent
    git = ["git", "-C", str(package)]
    head = subprocess.run([*git, "log", "-1", "--format=%h %cI %s"], capture_output=True,
                          text=True, check=False).stdout.strip()
    changed = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True,
                             text=True, check=False).stdout.splitlines()
    # Fingerprint of the source as it is (uncommitted and git-ignored files included).
    source = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            source.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    state = f"{len(changed)} uncommitted path(s) in the package" if changed else "clean"
    return {
        "apiscribe": f"{info['apiscribe']} from {package} (git {head or '?'}; {state}; "
                     f"source sha256 {source.hexdigest()[:12]})",
        "python": f"{python} ({info['python']})",
        "deps": ", ".join(f"{n} {v}" for n, v in info["deps"].items()),
    }


def load_note() -> str:
    """Load average and the three busiest processes; flags any other busy process."""
    top = subprocess.run(["ps", "-eo", "pid,pcpu,args", "--sort=-pcpu"], capture_output=True,
                         text=True, check=False).stdout.splitlines()[1:4]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    busy = [line.split(None, 2) for line in top]
    others = [args for pid, cpu, args in busy if int(pid) != os.getpid() and float(cpu) >= 20]
    note = f"{load} | " + " ; ".join(f"{cpu} {args[:90]}" for _, cpu, args in busy)
    if others:
        note += "\nNOTE: other processes are busy, the numbers of this run are not clean: " + \
            " ; ".join(args[:90] for args in others)
    return note


def compare_diagnostics(exes: dict[str, Path], spec: Path) -> None:
    """Untimed: `check --format json` on both sides; counts per code and the full sets."""
    found: dict[str, Counter[tuple[str, ...]]] = {}
    for side, exe in exes.items():
        with tempfile.TemporaryDirectory(prefix="compare-") as tmp:
            done = subprocess.run([str(exe), "check", "--no-cache", "--format", "json",
                                   str(spec)], cwd=tmp, capture_output=True, text=True,
                                  check=False, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
        try:
            report = json.loads(done.stdout)
        except ValueError:
            print(f"{side}: no JSON report (exit {done.returncode}): {done.stderr[-300:]}")
            return
        found[side] = Counter(
            tuple(str(d.get(k, "")) for k in ("level", "code", "line", "pointer", "message"))
            for d in report["diagnostics"])
        print(f"{side}: exit {done.returncode}, summary {json.dumps(report.get('summary'))}")
    counts = {side: Counter(f"{d[0]} {d[1]}" for d in found[side].elements()) for side in SIDES}
    print("\n| diagnostics of `check --format json` | before | after |\n|---|---:|---:|")
    for code in sorted(set(counts["before"]) | set(counts["after"])):
        print(f"| {code} | {counts['before'][code]} | {counts['after'][code]} |")
    only = {"before": found["before"] - found["after"],
            "after": found["after"] - found["before"]}
    print(f"\nSame (level, code, line, pointer, message) in both: "
          f"{sum((found['before'] & found['after']).values())}; only before: "
          f"{sum(only['before'].values())}; only after: {sum(only['after'].values())}")
    for side in SIDES:
        for diagnostic in list(only[side])[:5]:
            print(f"  only {side}: {' | '.join(diagnostic)[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="/work/before/.venv/bin",
                        help="apiscribe executable, or a venv's bin folder, before the change")
    parser.add_argument("--after", default=str(Path(sys.executable).parent),
                        help="the same after the change (default: this venv's)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="repetitions: check on GitHub, site of Sentry")
    parser.add_argument("--repeat-large", type=int, default=3, help="repetitions, GitHub site")
    parser.add_argument("--skip-large", action="store_true", help="leave out GitHub's site")
    parser.add_argument("--sentry", type=Path, default=SENTRY)
    parser.add_argument("--github", type=Path, default=GITHUB)
    args = parser.parse_args()
    exes = {"before": executable(args.before), "after": executable(args.after)}
    for path in (*exes.values(), args.sentry, args.github):
        if not path.exists():
            print(f"no such file: {path} (see the docstring and BENCHMARKS.md)", file=sys.stderr)
            return 2
    github, sentry = args.github.resolve(), args.sentry.resolve()
    began = time.time()
    for side, exe in exes.items():
        for key, value in describe(exe).items():
            print(f"{side} {key}: {value}")
    print(f"{os.cpu_count()} cores; load before: {load_note()}", flush=True)
    print(f"\nGitHub: {github} ({github.stat().st_size:,} bytes); "
          f"Sentry: {sentry} ({sentry.stat().st_size:,} bytes)\n")
    compare_diagnostics(exes, github)
    Make = Callable[[Path, Path, Path], list[str]]
    tasks: list[tuple[str, Make, Path, int]] = [
        ("check --no-cache, GitHub", check_command, github, args.repeat),
        ("convert --to site, Sentry", convert_command, sentry, args.repeat),
    ]
    if not args.skip_large:
        tasks.append(("convert --to site, GitHub", convert_command, github, args.repeat_large))
    results: dict[tuple[str, str], list[Run]] = {}
    sites: dict[tuple[str, str], dict[str, str]] = {}
    print()
    for task, make, spec, repeat in tasks:
        for rep in range(repeat):
            for side in SIDES if rep % 2 == 0 else SIDES[::-1]:
                tmp = Path(tempfile.mkdtemp(prefix="compare-bench-"))
                try:
                    command = make(spec, exes[side], tmp)
                    run = timed(command, tmp)
                    if make is convert_command:
                        survey(run, tmp / "out")
                        if rep == 0 and (tmp / "out" / "site").is_dir():
                            sites[task, side] = digests(tmp / "out" / "site")
                    if rep == 0:
                        shown = " ".join(command).replace(str(tmp), "TMP")
                        print(f"$ (cd TMP && NO_MKDOCS_2_WARNING=1 {shown})", flush=True)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
                results.setdefault((task, side), []).append(run)
                print(f"[{task} {rep + 1}/{repeat}] {side}: {run.wall:.2f} s wall, "
                      f"{run.cpu:.2f} s cpu, {run.rss_mb:.0f} MB, rc={run.rc}, "
                      f"{sum(run.codes.values())} diagnostics"
                      + (f", {run.pages} pages" if make is convert_command else ""),
                      file=sys.stderr, flush=True)
    print(f"\nload after: {load_note()}")
    print(f"elapsed: {time.time() - began:.0f} s\n")
    print("| task | side | runs | median wall (s) | min-max wall (s) | median CPU (s) "
          "| peak RSS (MB) | exit | diagnostics | HTML pages | HTML (MB) | search (KB) "
          "| project .md |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|")
    for (task, side), runs in results.items():
        walls = [r.wall for r in runs]
        codes = sorted({json.dumps(r.codes) for r in runs})
        shown = " / ".join(", ".join(f"{k}: {v}" for k, v in json.loads(c).items()) or "none"
                           for c in codes)
        site = task.startswith("convert")
        pages = "/".join(str(p) for p in sorted({r.pages for r in runs})) if site else "-"
        html = f"{statistics.median(r.html_mb for r in runs):.1f}" if site else "-"
        search = f"{statistics.median(r.search_kb for r in runs):.0f}" if site else "-"
        md = "/".join(str(p) for p in sorted({r.project_md for r in runs})) if site else "-"
        print(f"| {task} | {side} | {len(runs)} | {statistics.median(walls):.2f} "
              f"| {min(walls):.2f}-{max(walls):.2f} "
              f"| {statistics.median(r.cpu for r in runs):.2f} "
              f"| {max(r.rss_mb for r in runs):.0f} | {sorted({r.rc for r in runs})} "
              f"| {shown} | {pages} | {html} | {search} | {md} |")
    print("\n| task | after/before, median wall | median of per-repetition ratios "
          "| after/before, median CPU | after/before, peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for task, *_ in tasks:
        before, after = results[task, "before"], results[task, "after"]
        wall = statistics.median(r.wall for r in after) / statistics.median(
            r.wall for r in before)
        paired = statistics.median(a.wall / b.wall for a, b in zip(after, before, strict=True))
        cpu = statistics.median(r.cpu for r in after) / statistics.median(r.cpu for r in before)
        rss = max(r.rss_mb for r in after) / max(r.rss_mb for r in before)
        print(f"| {task} | **{wall:.2f}** | {paired:.2f} | {cpu:.2f} | {rss:.2f} |")
    summaries = {(task, side): sorted({r.summary for r in runs})
                 for (task, side), runs in results.items()}
    print("\nSummary lines printed: " + "; ".join(
        f"{task} {side}: {' / '.join(s or '(none)' for s in lines)}"
        for (task, side), lines in summaries.items()))
    for task, *_ in tasks:
        old, new = sites.get((task, "before")), sites.get((task, "after"))
        if old is None or new is None:
            continue
        differ = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
        print(f"{task}: built sites (first repetition) have {len(old)} and {len(new)} "
              f"files; {len(old.keys() - new.keys())} only before, "
              f"{len(new.keys() - old.keys())} only after, {len(differ)} differ in content"
              + (f" ({', '.join(differ[:5])}{', ...' if len(differ) > 5 else ''})"
                 if differ else ""))
    # Exit 1 is expected (GitHub's examples); a crash exits 1 too, but builds no site and
    # prints no summary line.
    failed = [(key, r.tail) for key, runs in results.items() for r in runs
              if r.rc not in (0, 1) or (key[0].startswith("convert") and not r.pages)
              or (key[0].startswith("check") and not r.summary)]
    for (task, side), tail in failed:
        print(f"failed: {task} {side}: {tail}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
