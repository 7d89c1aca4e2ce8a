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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the ``with`` block (see the module's docstring);
    a block inside another, or one entered with the collector already off, leaves it as it
    found it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def collect_when_idle(delay: float) -> threading.Timer:
    """Make a full collection in ``delay`` seconds, in a thread of its own, unless the
    returned timer is cancelled before (when work starts again)."""
    timer = threading.Timer(delay, gc.collect)
    timer.daemon = True
    timer.name = "apiscribe-idle-collection"
    timer.start()
    return timer
