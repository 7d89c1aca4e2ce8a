"""Every benchmark of BENCHMARKS.md's "Large APIs" section, in one run:

1. :mod:`inputs`: fetch and cache GitHub's REST description (checked by SHA-256), and make
   its copy without the examples that fail their schemas;
2. :mod:`rebuild`: ``convert --to markdown`` and ``--to site`` cold, with nothing changed and
   after one change, against a bare ``json.load`` (Sentry's and GitHub's descriptions);
3. :mod:`site_build`: the cold site build of apiscribe, mkdocs-openapi (with
   ``navigation.prune``) and neoteroi-mkdocs side by side, alternating (each other tool only
   when it is installed beside ``--other-mkdocs``), with what each site holds;
4. :mod:`serve_reload`: ``mkdocs serve``, from a saved change to the page served with it;
5. :mod:`validate_31`: the spec checks of GitHub's description written as OpenAPI 3.1;
6. :mod:`scaling`: synthetic specs of 100 to 2,000 operations, with ``docs/scaling.png``.

Each prints median, min and max wall time and peak RSS, as Markdown tables, and is run in
its own process, one after the other (never two at a time: the machine has two cores).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/run_all.py --repeat 3

``--quick`` runs each once, and the scaling without its plot.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="each benchmark once, no plot")
    parser.add_argument("--other-mkdocs", default="/work/bench-venv/bin/mkdocs",
                        help="the mkdocs of the venv with mkdocs-openapi and neoteroi-mkdocs")
    options = parser.parse_args()
    repeat = "1" if options.quick else str(options.repeat)
    steps = [
        ["inputs.py"],
        ["rebuild.py", "--repeat", repeat],
        ["site_build.py", "--repeat", repeat, "--repeat-large", repeat,
         "--other-mkdocs", options.other_mkdocs],
        ["serve_reload.py", "--repeat", "3" if options.quick else "5"],
        ["validate_31.py", "--repeat", repeat, "--github31", "--synthetic", "2000"],
        ["scaling.py", "--repeat", repeat, *(["--no-plot"] if options.quick else [])],
    ]
    failed = []
    for script, *arguments in steps:
        if not (HERE / script).is_file():
            print(f"\n## {script}: not found, left out", flush=True)
            continue
        when = time.strftime("%H:%M:%S UTC", time.gmtime())
        print(f"\n## {script} {' '.join(arguments)}  ({when})", flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *arguments], check=False)
        if done.returncode != 0:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
