"""Python's cyclic garbage collector: paused while apiscribe builds large trees of new objects,
and run while a server idles.

CPython runs a full collection, which visits every tracked object of the process, each time the
objects that survived the younger collections grow by a quarter. Reading a large spec makes
millions of dicts and lists in one go, and those full collections ran again and again over
objects that were all still in use: on GitHub's description, three of them during one read.
The trees that apiscribe builds there (the parsed document, the model) hold no reference
cycles: reference counting frees them, and the collector never could. Any other cycle made
meanwhile waits for the first collection after the step, when the collector runs again as
before.

A command that runs once in its process (``convert`` to anything but a site) goes further:
inside :func:`run_once`, each paused step also freezes what it made (``gc.freeze``), so the
collections after it never visit the parsed document and the model again. Reading GitHub's
description after one edit, from the last run's read, the collections that came after the
paused steps took 0.13 s of a 1.3 s run. The command's end unfreezes them, for a caller in
the same process (a test) to collect as usual.

The same holds at the very end: an ``apiscribe convert`` process ends with
:func:`process_ends`, so that Python's last collection, which visits every object still alive
to free a few cycles the exit frees anyway, is skipped: 0.12 s of the same run. Commands that
run the user's code (``generate``, ``build``) end as Python ends.

A process that builds again and again (``mkdocs serve``) leaves each build's cycles behind,
and its objects that live from one build to the next make every full collection long: on
GitHub's description one came in every other rebuild of ``mkdocs serve``, for about 0.2 s.
:func:`collect_when_idle` makes that collection between the builds instead.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_once = 0  # the depth of run_once blocks


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block (see the module's docstring);
    a block inside another, or one entered with the collector already off, leaves it as it
    found it. Inside :func:`run_once`, what the process holds when the block ends (what
    the block made among it) is frozen."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if _once:
            gc.freeze()
        gc.enable()


@contextmanager
def run_once() -> Iterator[None]:
    """The ``with`` block is the one command of its process: what the paused steps inside it
    leave is frozen (see the module's docstring), and unfrozen when the outermost block
    ends. A process that froze objects itself (a server before it forks) is left as it is."""
    global _once
    if not _once and gc.get_freeze_count():
        yield  # not ours to unfreeze
        return
    _once += 1
    try:
        yield
    finally:
        _once -= 1
        if not _once:
            gc.unfreeze()


def collect_when_idle(delay: float) -> threading.Timer:
    """Make a full collection in ``delay`` seconds, in a thread of its own, unless the
    returned timer is cancelled before (when work starts again)."""
    timer = threading.Timer(delay, gc.collect)
    timer.daemon = True
    timer.name = "apiscribe-idle-collection"
    timer.start()
    return timer


def process_ends() -> None:
    """The process is about to exit: leave every object out of the last collection (see the
    module's docstring). Objects in reference cycles are then not finalized: apiscribe
    closes what it opens in ``with`` blocks, and exit handlers (``atexit``) still run."""
    gc.freeze()
