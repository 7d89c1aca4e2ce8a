"""apiscribe.forking: a call made in a fork gives what a plain call gives, or is made in the
caller where a fork is unsafe or fails."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

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
