"""Work done in a forked process while the caller goes on, where forking is safe.

A large spec's checks and the reading of its model are independent and each takes about a
second: :func:`beside` runs a function in a fork of the process (which has every loaded
object already, nothing to send) while the caller does the other half, and hands back its
result, sent through a pipe. Where a fork is not safe (:func:`why_not_fork`: a platform
without a safe ``fork``, or other threads running, whose locks a fork would copy held), or
when the child fails in any way, the function runs in the caller instead, so the result,
or the exception, is always the one a plain call gives.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, Generic, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


def why_not_fork() -> str | None:
    """Why this process must not fork now (``None``: it may)."""
    if "fork" not in multiprocessing.get_all_start_methods() or sys.platform == "darwin":
        return "this platform cannot fork safely"
    if threading.active_count() > 1:
        return "other threads are running"
    return None


class Beside(Generic[T]):
    """A call under way in a child process (or, where none could start, still to make)."""

    def __init__(self, call: Callable[[], T], *, fork: bool = True) -> None:
        self._call = call
        self._pid = 0
        self._pipe = -1
        if fork and why_not_fork() is None:
            self._start()

    def _start(self) -> None:
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: answer, then leave without running the parent's exit code
            status = 0
            try:
                os.close(read)
                try:
                    payload = pickle.dumps(self._call(), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException:  # the parent makes the call again, and raises
                    payload, status = b"", 1
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(status)
        os.close(write)
        self._pid, self._pipe = pid, read

    def result(self) -> T:
        """The call's result: the child's, else the call made here."""
        payload = self._collect()
        if payload:
            try:
                value: T = pickle.loads(payload)
                return value
            except Exception:  # a result that does not load: call again
                pass
        return self._call()

    def _collect(self) -> bytes:
        if not self._pid:
            return b""
        with os.fdopen(self._pipe, "rb") as answer:
            payload = answer.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        return payload if os.waitstatus_to_exitcode(status) == 0 else b""

    def cancel(self) -> None:
        """Stop waiting for a result no one will read: the child is ended and reaped."""
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, 9)
            with contextlib.suppress(OSError):
                os.close(self._pipe)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = 0


@contextlib.contextmanager
def beside(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Iterator[Beside[T]]:
    """``function(*args, **kwargs)`` started in a fork, for ``.result()`` inside the block; a
    child whose result was not read when the block ends is stopped."""
    call = Beside(lambda: function(*args, **kwargs))
    try:
        yield call
    finally:
        call.cancel()


@contextlib.contextmanager
def waited() -> Iterator[list[Beside[Any]]]:
    """A list for calls under way: each is waited for (``.result()``) when the block ends, or
    stopped when an exception ends it, so that nothing is called again in the caller."""
    calls: list[Beside[Any]] = []
    try:
        yield calls
    except BaseException:
        for call in calls:
            call.cancel()
        raise
    for call in calls:
        call.result()
