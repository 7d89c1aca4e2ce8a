"""Benchmark: where one build's time and memory go, in one process.

Three measurements, each on a spec the caller names:

- ``build SPEC OUT``: ``apiscribe convert SPEC --to site -o OUT`` with a timer around
  MkDocs' phases (``_populate_page``: reading and converting pages; ``_build_page``: the theme's
  template and the write) and each plugin event, and the peak RSS (``VmHWM``) after each
  event. Run it twice on the same OUT after an edit to see a one-change build. The RSS is
  also printed around two steps that once raised the peak: sending the pages to the worker
  that builds the search index (``PageWorkers.follow_up``), and storing the page cache's
  entries (``CachedBuild.finish``).
- ``serve MKDOCS_YML SPEC``: rebuilds the project as ``mkdocs serve`` does (the config
  loaded again, ``build(config, serve_url=...)``), one edit of SPEC before each, printing each
  rebuild's time, the live Python objects, the peak RSS, and the time in MkDocs' phases, in
  the plugins' other events and in Jinja compiling templates. Its site is in the temporary
  folder, as ``mkdocs serve``'s is: ``TMPDIR=/dev/shm`` puts it on tmpfs (on this machine's
  ext4 ``/tmp``, mounted with ``discard``, writing a folder just deleted slows down from one
  rebuild to the next).
- ``filters SPEC``: how often the Markdown view's description and escaping filters are called
  on the pages of SPEC, and on how many distinct arguments.

    SPEC=/work/cache/octokit/api.github.com.clean.json   # from benchmarks/inputs.py
    cp $SPEC /tmp/spec.json
    .venv/bin/python benchmarks/phases.py build /tmp/spec.json /tmp/out             # cold
    .venv/bin/python benchmarks/phases.py build /tmp/spec.json /tmp/out --edit 3    # one change
    .venv/bin/python benchmarks/phases.py serve /tmp/out/project/mkdocs.yml /tmp/spec.json
    .venv/bin/python benchmarks/phases.py filters $SPEC

``edit`` changes one operation's description (chosen by a seeded random choice), as
``rebuild.py`` does.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TIMES: collections.Counter[str] = collections.Counter()


def edit(spec: Path, seed: int) -> None:
    """One operation's description changed in ``spec``."""
    document = json.loads(spec.read_text(encoding="utf-8"))
    item = random.Random(seed).choice(list(document["paths"].values()))
    operation = next(v for k, v in item.items() if k in ("get", "post", "put", "delete", "patch"))
    operation["description"] = f"Edit {seed}. " + operation.get("description", "")
    spec.write_text(json.dumps(document), encoding="utf-8")


def _timed(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label] += time.perf_counter() - start

    setattr(owner, name, timed)


#: The events MkDocs runs once per page, inside its two phases.
PAGE_EVENTS = frozenset({"pre_page", "page_read_source", "page_markdown", "page_content",
                         "page_context", "post_page"})


def _timed_events(*, page_events: bool, then: Callable[[str], None] = lambda name: None
                  ) -> None:
    """Time every plugin event (``event NAME``), the per-page ones only with
    ``page_events``; ``then(name)`` after each."""
    from mkdocs.plugins import PluginCollection

    run_event = PluginCollection.run_event

    def event(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run_event(self, name, item, **kwargs)
        finally:
            if page_events or name not in PAGE_EVENTS:
                TIMES[f"event {name}"] += time.perf_counter() - start
            then(name)

    PluginCollection.run_event = event  # type: ignore[method-assign]


def _memory() -> str:
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return f"peak {int(fields['VmHWM'].split()[0]) // 1024} MiB, now " \
           f"{int(fields['VmRSS'].split()[0]) // 1024} MiB"


def _said_memory(owner: Any, name: str) -> None:
    original = getattr(owner, name)

    def said(*args: Any, **kwargs: Any) -> Any:
        print(f"before {owner.__name__}.{name}: {_memory()}")
        try:
            return original(*args, **kwargs)
        finally:
            print(f"after {owner.__name__}.{name}: {_memory()}")

    setattr(owner, name, said)


def build(spec: Path, out: Path) -> None:
    import mkdocs.commands.build as mkdocs_build

    from apiscribe import pipeline

    for name in ("_populate_page", "_build_page"):
        _timed(mkdocs_build, name, name)
    _timed(pipeline, "load", "load and check the spec")
    load = pipeline.load

    def loaded(*args: Any, **kwargs: Any) -> Any:
        found = load(*args, **kwargs)
        print(f"after loading the spec: {_memory()}")
        return found

    pipeline.load = loaded  # type: ignore[assignment]
    from apiscribe.site.page_cache import CachedBuild
    from apiscribe.site.workers import PageWorkers

    for owner, name in ((PageWorkers, "follow_up"), (CachedBuild, "finish")):
        _said_memory(owner, name)
    said: set[str] = set()

    def memory_after(name: str) -> None:
        if name not in said and name not in PAGE_EVENTS:
            said.add(name)
            print(f"after {name}: {_memory()}")

    _timed_events(page_events=True, then=memory_after)
    start = time.perf_counter()
    pipeline.convert(str(spec), "site", out)
    print(f"total {time.perf_counter() - start:.2f} s; {_memory()}")
    for label, seconds in TIMES.most_common():
        if seconds >= 0.05:
            print(f"  {label:32s} {seconds:7.2f} s")


def serve(mkdocs_yml: Path, spec: Path, times: int) -> None:
    import jinja2
    import mkdocs.commands.build as mkdocs_phases
    from mkdocs.structure.files import Files

    for name in ("_populate_page", "_build_page"):
        _timed(mkdocs_phases, name, name)
    _timed(mkdocs_phases.utils, "clean_directory", "cleaning site_dir")
    _timed(Files, "copy_static_files", "copy_static_files")
    _timed(jinja2.Environment, "compile", "Jinja compiling templates")
    _timed_events(page_events=False)  # those are inside the two phases
    # in the temporary folder, as `mkdocs serve` puts it (TMPDIR=/dev/shm: on tmpfs)
    site = Path(tempfile.gettempdir()) / f"apiscribe-phases-serve-{time.time_ns()}"
    try:
        _rebuilds(mkdocs_yml, spec, times, site)
    finally:
        shutil.rmtree(site, ignore_errors=True)


def _rebuilds(mkdocs_yml: Path, spec: Path, times: int, site: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    for number in range(times):
        if number:
            edit(spec, number)
        config = load_config(str(mkdocs_yml), site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=False)
        start = time.perf_counter()
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        config.plugins.on_shutdown()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"rebuild {number}: {time.perf_counter() - start:.2f} s, "
              f"{len(gc.get_objects())} objects, peak {peak} MiB", flush=True)
        for label, seconds in TIMES.most_common():
            if seconds >= 0.05:
                print(f"  {label:32s} {seconds:7.2f} s")
        TIMES.clear()


def filters(spec: Path) -> None:
    from apiscribe.pipeline import load
    from apiscribe.views import markdown, markdown_filters

    model, _ = load(str(spec))
    assert model is not None
    for name in ("_description", "_escape"):
        calls: collections.Counter[tuple[Any, ...]] = collections.Counter()
        original: Callable[..., str] = getattr(markdown_filters, name)

        def counting(text: str, *, _calls: collections.Counter[tuple[Any, ...]] = calls,
                     _original: Callable[..., str] = original, **options: Any) -> str:
            _calls[(text, *sorted(options.items()))] += 1
            return _original(text, **options)

        setattr(markdown_filters, name, counting)
        markdown.render(model)
        setattr(markdown_filters, name, original)
        print(f"{name}: {sum(calls.values())} calls, {len(calls)} distinct arguments")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("build")
    one.add_argument("spec", type=Path)
    one.add_argument("out", type=Path)
    one.add_argument("--edit", type=int, metavar="SEED", help="edit the spec first")
    loop = commands.add_parser("serve")
    loop.add_argument("mkdocs_yml", type=Path)
    loop.add_argument("spec", type=Path)
    loop.add_argument("--times", type=int, default=6)
    count = commands.add_parser("filters")
    count.add_argument("spec", type=Path)
    options = parser.parse_args()
    if options.command == "build":
        if options.edit is not None:
            edit(options.spec, options.edit)
        build(options.spec, options.out)
    elif options.command == "serve":
        serve(options.mkdocs_yml, options.spec, options.times)
    else:
        filters(options.spec)


if __name__ == "__main__":
    main()
