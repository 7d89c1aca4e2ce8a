"""Benchmark: ``mkdocs serve`` on a converted project, from a saved change to the page served
with it.

For each document: ``apiscribe convert SPEC --to site -o TMP`` (which leaves the page cache
in ``TMP/project``), then ``mkdocs serve`` in ``TMP/project`` on 127.0.0.1. Once the first
page is served, each repetition changes one operation's description in the spec (written
whole, as an editor saves) and polls that operation's page every 20 ms until the new text is
served: that is the time a reader waits, since the browser's live-reload request returns as
soon as the rebuild is done. Prints the median, min and max, and the server's own build times.

    .venv/bin/python benchmarks/serve_reload.py --repeat 5
    .venv/bin/python benchmarks/serve_reload.py --only GitHub --before /work/before/generator

With ``--before FOLDER`` (the ``generator/`` folder of another checkout, a ``git worktree`` of
an earlier commit, put first on ``PYTHONPATH``) that checkout's project is served beside this
one's, and each repetition edits both, one after the other, the order flipped every time.

Documents: Sentry's (the shared corpus), the synthetic spec of 2,000 operations
(:func:`scaling.spec`), and GitHub's description without its failing examples
(:func:`inputs.github_clean`; the plugin refuses a spec with errors).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import inputs
import scaling

BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _until(url: str, text: str, limit: float = 600) -> float:
    start = time.perf_counter()
    while text not in _get(url):
        if time.perf_counter() - start > limit:
            raise SystemExit(f"{url} never showed {text!r}")
        time.sleep(0.02)
    return time.perf_counter() - start


def _chosen(document: dict[str, Any]) -> dict[str, Any]:
    for item in document["paths"].values():
        for key, operation in item.items():
            if key in ("get", "post", "put", "patch", "delete") and operation.get("operationId"):
                return dict(operation)
    raise SystemExit("no operation with an operationId")


def _page(site: Path, operation_id: str) -> str:
    """The served path of the operation's page, found in the built site."""
    for page in site.rglob("*.md"):
        if page.stem == operation_id or page.stem == re.sub(r"[^a-z0-9]+", "-",
                                                            operation_id.lower()).strip("-"):
            return page.relative_to(site).with_suffix("").as_posix() + "/"
    raise SystemExit(f"no page for {operation_id} in {site}")


class Served:
    """One project converted and served: ``code`` is the ``generator/`` folder of another
    checkout (first on ``PYTHONPATH``), or ``None`` for this one."""

    def __init__(self, root: Path, document: dict[str, Any], code: str | None) -> None:
        self.root, self.document = root, copy.deepcopy(document)
        self.env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        if code is not None:
            self.env["PYTHONPATH"] = os.pathsep.join(
                [code, *filter(None, [os.environ.get("PYTHONPATH")])])
        root.mkdir(parents=True, exist_ok=True)
        self.spec = root / "spec.json"
        self.spec.write_text(json.dumps(document), encoding="utf-8")
        subprocess.run([str(BIN / "apiscribe"), "convert", str(self.spec), "--to", "site", "-o",
                        str(root / "out"), "-q"], check=True, capture_output=True, env=self.env)
        self.operation = _chosen(document)
        page = _page(root / "out" / "site", self.operation["operationId"])
        port = _port()
        self.log = root / "serve.log"
        with self.log.open("wb") as output:
            self.server = subprocess.Popen(
                [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
                cwd=root / "out" / "project", stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True, env=self.env)
        self.url = f"http://127.0.0.1:{port}/{page}"

    def edit(self, number: int) -> float:
        """Save the spec with a marker in the chosen operation; the wait until it is served."""
        marker = f"Reload marker {number}."
        for item in self.document["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and \
                        operation.get("operationId") == self.operation["operationId"]:
                    operation["description"] = f"{marker} {self.operation['description']}"
        self.spec.write_text(json.dumps(self.document), encoding="utf-8")
        return _until(self.url, marker)

    def stop(self) -> str:
        """Stop the server; what its builds took, and its memory (peak, and at the end)."""
        try:
            status = dict(line.split(":", 1) for line in Path(
                f"/proc/{self.server.pid}/status").read_text().splitlines())
            memory = (f"; peak RSS {int(status['VmHWM'].split()[0]) // 1024} MiB, RSS at the "
                      f"end {int(status['VmRSS'].split()[0]) // 1024} MiB")
        except (OSError, KeyError, ValueError):
            memory = ""
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(timeout=30)
        said = self.log.read_text(encoding="utf-8", errors="replace")
        built = re.findall(r"Documentation built in ([\d.]+) seconds", said)
        cache = re.findall(r"page cache gave (\d+) converted pages; (\d+) pages were", said)
        return (f"server's builds (s): {', '.join(built)}; page cache (restored, rendered): "
                f"{', '.join(f'({a}, {b})' for a, b in cache)}{memory}")


def measure(name: str, document: dict[str, Any], repeat: int,
            variants: dict[str, str | None]) -> dict[str, list[float]]:
    """Each variant's project served at once; each repetition saves an edit in each, one
    after the other (the order flipped every time), and waits for its page."""
    waits: dict[str, list[float]] = {label: [] for label in variants}
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as folder:
        served: dict[str, Served] = {}
        try:
            for number, (label, code) in enumerate(variants.items()):
                served[label] = Served(Path(folder) / str(number), document, code)
                first = _until(served[label].url, "</html>")
                print(f"{name}{label}: first page served {first:.1f} s after start", flush=True)
            for number in range(repeat):
                order = list(served.items())
                for label, server in order if number % 2 == 0 else order[::-1]:
                    waits[label].append(server.edit(number))
                    print(f"  {name}{label} {number + 1}/{repeat}: {waits[label][-1]:.2f} s",
                          flush=True)
                    time.sleep(1)
        finally:
            for label, server in served.items():
                print(f"  {name}{label}: {server.stop()}", flush=True)
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", action="append", choices=["Sentry", "synthetic", "GitHub"])
    parser.add_argument("--before", metavar="FOLDER",
                        help="the generator/ folder of an earlier checkout, served beside "
                             "this one and edited alternately")
    options = parser.parse_args()
    variants: dict[str, str | None] = {"": None}
    if options.before:
        variants = {" (before)": options.before, " (after)": None}
    print(f"python {sys.version.split()[0]}; load {os.getloadavg()}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    documents = {
        "Sentry": lambda: json.loads(inputs.SENTRY.read_text(encoding="utf-8")),
        "synthetic": lambda: scaling.spec(2000),
        "GitHub": lambda: json.loads(inputs.github_clean().read_text(encoding="utf-8")),
    }
    rows = []
    for name, make in documents.items():
        if options.only and name not in options.only:
            continue
        if name == "Sentry" and not inputs.SENTRY.is_file():
            print(f"Sentry: not found at {inputs.SENTRY}: left out")
            continue
        for label, waits in measure(name, make(), options.repeat, variants).items():
            rows.append((name + label, statistics.median(waits), min(waits), max(waits)))
    print("| document | save → page served, median s | min s | max s |")
    print("|---|---|---|---|")
    for name, median, low, high in rows:
        print(f"| {name} | {median:.2f} | {low:.2f} | {high:.2f} |")


if __name__ == "__main__":
    main()
