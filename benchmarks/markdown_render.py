"""Benchmark: the stages of `convert --to markdown` in one process: loading the spec (parsing,
the spec checks, redaction), building the page contexts, and rendering the pages (``--repeat``
times; median, min, max).

    .venv/bin/python benchmarks/markdown_render.py \\
        /work/cache/octokit/package/generated/api.github.com.json --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from apiscribe.pipeline import load
from apiscribe.views import markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    start = time.perf_counter()
    model, _ = load(str(options.spec))
    assert model is not None
    loaded = time.perf_counter()
    pages = markdown.build_pages(model)
    built = time.perf_counter()
    print(f"load {loaded - start:.2f} s, page contexts {built - loaded:.2f} s, "
          f"{len(pages)} pages")
    times = []
    for _ in range(options.repeat):
        began = time.perf_counter()
        for page in pages.values():
            markdown.render_page(page)
        times.append(time.perf_counter() - began)
    print(f"render: median {statistics.median(times):.2f} s, min {min(times):.2f}, "
          f"max {max(times):.2f}")


if __name__ == "__main__":
    main()
