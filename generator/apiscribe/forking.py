"""Work done in a forked process while the caller goes on, where forking is safe.

A large spec's checks and the reading of its model are independent and each takes about a
second: :func:`beside` runs a function in a fork of the process (which has every loaded
object already, nothing to send) while the caller does the other half, and hands back its
result, sent through a pipe. Where a fork is not safe (:func:`why_not_fork`: a platform
without a safe ``fork``, or other threads running, whose locks a fork would copy held), or
when the child fails in any way, the function runs in the caller instead, so the result,
or the exception, is always the one a plain call gives.

Where the work is a list of like jobs (pages to render), :class:`Claims` shares it between
the caller and its forks as they go (:func:`shared`, and the site's page workers).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, ParamSpec, TypeVar

T = TypeVar("T")
J = TypeVar("J")
P = ParamSpec("P")

#: Seconds a claim waits for the lock; only a fork killed while holding it makes one wait.
LOCK_WAIT = 10.0


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
        try:
            read, write = os.pipe()
        except OSError:  # no descriptors left: the call is made here
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:  # no process or memory for one: the call is made here
            os.close(read)
            os.close(write)
            return
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


class Claims:
    """Who does each of a list of jobs, decided as they go, in memory the forks share.

    The caller claims the job it has reached (:meth:`from_front`, in order); fork number
    ``n`` claims the last job nobody has (:meth:`from_back`). So the caller and its forks
    meet wherever their speeds take them, and none waits on a share fixed up front. One lock
    makes each claim whole, so every job is claimed once. Made before the forks start.

    A fork killed while it holds the lock never gives it back: after :data:`LOCK_WAIT`
    seconds the caller takes the job itself (one done twice at worst), and from then on every
    job it reaches, without waiting again (:attr:`stuck`); forks take no more."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        self._ends = context.RawArray("i", [0, count])  # next from the front; last from the back
        self._owners = context.RawArray("b", count)  # a fork's number + 1; 0: the caller's
        self.stuck = False  # in this process, a claim waited LOCK_WAIT for the lock

    def _acquire(self) -> bool:
        if not self.stuck and not self._lock.acquire(timeout=LOCK_WAIT):
            self.stuck = True
        return not self.stuck

    def shorten(self, count: int) -> bool:
        """Leave only the first ``count`` jobs to claim; called before any is claimed. False
        (and nothing to claim) when ``count`` is more jobs than these claims were made for."""
        if not self._acquire():
            return False
        try:
            fits = count <= len(self._owners)
            self._ends[1] = min(self._ends[1], count) if fits else 0
            return fits
        finally:
            self._lock.release()

    def from_front(self, index: int) -> int | None:
        """Job ``index`` for the caller (``None``), or the number of the fork that took it."""
        if not self._acquire():
            return None
        try:
            if index < self._ends[1]:
                self._ends[0] = max(self._ends[0], index + 1)
                return None
        finally:
            self._lock.release()
        return int(self._owners[index]) - 1

    def front(self, jobs: Sequence[J], do: Callable[[J], T]) -> dict[int, T]:
        """``do`` each of ``jobs`` in order, as the caller, until it reaches one a fork took:
        ``{index: answer}`` of those it did."""
        done: dict[int, T] = {}
        for index, job in enumerate(jobs):
            if self.from_front(index) is not None:
                break  # the fork's from here on
            done[index] = do(job)
        return done

    def from_back(self, fork: int) -> int | None:
        """The index of the job fork number ``fork`` is to do next (``None``: every job is
        taken)."""
        if not self._acquire():
            return None
        try:
            front, back = self._ends
            if back - 1 < front:
                return None
            self._ends[1] = back - 1
            self._owners[back - 1] = fork + 1
            return int(back) - 1
        finally:
            self._lock.release()


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


def shared(jobs: Sequence[J], do: Callable[[J], T], *, least: int = 2) -> list[T]:
    """``[do(job) for job in jobs]``, with the jobs shared between the caller, from the front,
    and a fork, from the back, until the two meet (:class:`Claims`). A job the fork did not
    give back is done here. In the caller alone where a fork is unsafe, or for fewer than
    ``least`` jobs."""
    if len(jobs) < least or why_not_fork() is not None:
        return [do(job) for job in jobs]
    claims = Claims(len(jobs))

    def from_back() -> dict[int, T]:
        done = {}
        while (index := claims.from_back(0)) is not None:
            done[index] = do(jobs[index])
        return done

    with beside(from_back) as fork:
        done = claims.front(jobs, do)
        done.update(fork.result())
    return [done[index] if index in done else do(job) for index, job in enumerate(jobs)]
