"""apiscribe.forking: a call made in a fork gives what a plain call gives, or is made in the
caller where a fork is unsafe or fails."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from apiscribe import forking
from apiscribe.diagnostics import Diagnostic, error

pytestmark = pytest.mark.skipif(forking.why_not_fork() == "this platform cannot fork safely",
                                reason="this platform cannot fork safely")


def where(extra: int = 0) -> tuple[int, int]:
    return os.getpid(), extra


def test_the_call_runs_in_a_child_and_its_result_comes_back() -> None:
    forks = forking.why_not_fork() is None  # no thread left running by another test
    with forking.beside(where, 4) as call:
        pid, extra = call.result()
    assert (pid != os.getpid()) == forks and extra == 4


def test_an_exception_is_raised_in_the_caller() -> None:
    def fails() -> None:
        raise ValueError("no good")

    with pytest.raises(ValueError, match="no good"), forking.beside(fails) as call:
        call.result()


def test_a_result_that_cannot_be_sent_is_made_in_the_caller() -> None:
    def unsendable() -> tuple[int, Callable[[], int]]:
        return os.getpid(), lambda: 1

    with forking.beside(unsendable) as call:
        pid, made = call.result()
    assert pid == os.getpid() and made() == 1


def test_with_other_threads_running_the_call_is_made_in_the_caller() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert forking.why_not_fork() == "other threads are running"
        with forking.beside(where) as call:
            assert call.result()[0] == os.getpid()
    finally:
        stop.set()
        other.join()


def test_a_child_whose_result_is_not_read_is_stopped() -> None:
    if forking.why_not_fork() is not None:
        pytest.skip(f"no fork here: {forking.why_not_fork()}")
    with forking.beside(time.sleep, 60) as call:
        child = call._pid
        assert child
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped


def test_diagnostics_survive_the_trip() -> None:
    made = [error("bad-json", "Expecting value", file="a.json", line=1, pointer="",
                  hint="fix it")]
    with forking.beside(lambda: made) as call:
        back: list[Diagnostic] = call.result()
    assert back == made and back[0].format() == made[0].format()


def _claim_from_back(claims: forking.Claims, number: int, found: Any) -> None:
    while (index := claims.from_back(number)) is not None:
        found.put(index)
        time.sleep(0.0005)
    found.put(None)


def test_every_job_is_claimed_once() -> None:
    context = multiprocessing.get_context("fork")
    count = 400
    claims = forking.Claims(count)
    found = context.Queue()
    workers = [context.Process(target=_claim_from_back, args=(claims, n, found))
               for n in range(2)]
    for process in workers:
        process.start()
    mine, theirs = [], {}
    for index in range(count):
        owner = claims.from_front(index)
        if owner is None:
            mine.append(index)
            time.sleep(0.0005)
        else:
            theirs[index] = owner
    taken: list[int] = []
    ended = 0
    while ended < len(workers):
        item = found.get(timeout=60)
        if item is None:
            ended += 1
        else:
            taken.append(item)
    for process in workers:
        process.join(timeout=60)
    # The caller's jobs are a run from the front, the forks' the rest; none twice.
    assert mine == list(range(len(mine)))
    assert sorted(taken) == sorted(theirs) == list(range(len(mine), count))
    assert set(theirs.values()) <= {0, 1}


def _fork_first(do: Callable[[int], Any]) -> tuple[Callable[[int], Any], Any]:
    """``do``, made to wait in the caller until the fork has done a job, so that the fork takes
    part however busy the machine is; and the event it waits for."""
    caller, started = os.getpid(), multiprocessing.get_context("fork").Event()

    def waiting(job: int) -> Any:
        if os.getpid() == caller:
            started.wait(timeout=60)
        else:
            started.set()
        return do(job)

    return waiting, started


def test_shared_jobs_give_what_a_plain_map_gives() -> None:
    if forking.why_not_fork() is not None:
        pytest.skip(f"no fork here: {forking.why_not_fork()}")
    jobs = list(range(300))
    square_where, started = _fork_first(lambda job: (job * job, os.getpid()))
    done = forking.shared(jobs, square_where)
    assert started.is_set()
    assert [value for value, _ in done] == [job * job for job in jobs]
    where_done = [pid for _, pid in done]
    # The caller did a run from the front, the fork the rest.
    mine = where_done.count(os.getpid())
    assert where_done[:mine] == [os.getpid()] * mine
    assert mine < len(jobs)  # the fork did some
    assert forking.shared(jobs[:3], lambda job: (job, os.getpid()), least=4) == [
        (job, os.getpid()) for job in jobs[:3]]


def test_jobs_a_dead_fork_took_are_done_in_the_caller() -> None:
    caller = os.getpid()

    def die_in_the_fork(job: int) -> int:
        if os.getpid() != caller and job < 290:  # after ten jobs of its own
            os._exit(3)
        return -job

    negate, _ = _fork_first(die_in_the_fork)
    assert forking.shared(list(range(300)), negate) == [-job for job in range(300)]


def test_a_job_that_fails_raises_as_in_a_plain_map() -> None:
    def fails(job: int) -> int:
        if job in (3, 280):
            raise ValueError(f"job {job}")
        return job

    with pytest.raises(ValueError, match="job 3"):
        forking.shared(list(range(300)), fails)


def test_a_fork_that_cannot_start_leaves_the_jobs_to_the_caller(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    descriptors = len(os.listdir("/proc/self/fd"))
    assert forking.shared(list(range(100)), lambda job: (job, os.getpid())) == [
        (job, os.getpid()) for job in range(100)]
    assert len(os.listdir("/proc/self/fd")) == descriptors  # the pipe closed


def test_a_job_the_caller_reaches_late_does_not_reopen_its_front() -> None:
    claims = forking.Claims(10)
    assert claims.from_front(5) is None
    assert [claims.from_back(0) for _ in range(5)] == [9, 8, 7, 6, None]
    assert claims.from_front(2) is None  # behind its front: still the caller's
    assert claims.from_back(0) is None  # and no fork takes what lies before job 5
    assert [claims.from_front(index) for index in (6, 9)] == [0, 0]


def test_claims_shortened_before_any_claim_hold_only_the_first_jobs() -> None:
    # The follow-up job's pages are known after the forks start, and are no more than they.
    claims = forking.Claims(10)
    claims.shorten(4)
    claims.shorten(6)  # never longer than it was
    assert [claims.from_back(0) for _ in range(3)] == [3, 2, 1]
    assert claims.from_front(0) is None
    assert claims.from_back(0) is None
    assert claims.from_front(1) == 0


def test_claims_whose_lock_a_dead_fork_holds_wait_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking, "LOCK_WAIT", 0.2)
    claims = forking.Claims(10)
    assert not claims.shorten(11)  # more jobs than the claims were made for: none to claim
    claims = forking.Claims(10)
    claims._lock.acquire()  # as a fork killed while it held the lock leaves it
    started = time.monotonic()
    assert claims.from_front(0) is None  # the caller's, after LOCK_WAIT
    assert claims.stuck
    assert [claims.from_front(index) for index in range(1, 10)] == [None] * 9
    assert claims.from_back(0) is None and not claims.shorten(5)
    assert time.monotonic() - started < 0.2 + 0.15  # one wait, not one per claim
