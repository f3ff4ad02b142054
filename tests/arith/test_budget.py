"""exactloss.arith.budget: the one bound on work -- a CPU-time limit that cannot be swallowed, nesting, the
hard-killed subprocess for C-level work, effort counters, and behaviour off the main thread (issue 11)."""

import signal
import threading
import time

import pytest

from exactloss.arith import budget as B
from exactloss.arith import ranges

WALL = 30.0  # generous wall-clock ceiling: the limits count CPU time, the machine may be loaded


def _spin_swallowing(times):
    """Work that swallows the first ``times`` raises of any kind (as broad ``except`` clauses do)."""
    caught = 0
    n = 0
    while True:
        try:
            for _ in range(10_000):
                n += 1
        except BaseException:  # noqa: BLE001 - the point of the test
            caught += 1
            if caught >= times:
                return caught


def _spin_forever():
    n = 0
    while True:
        for _ in range(1000):
            n += 1


def test_timeout_is_not_an_exception():
    assert issubclass(B.Timeout, BaseException) and not issubclass(B.Timeout, Exception)
    assert ranges.Timeout is B.Timeout and ranges.time_limit is B.time_limit and ranges.guarded is B.guarded
    with pytest.raises(B.Timeout):
        with B.time_limit(0.1, "spin"):
            try:
                _spin_forever()
            except Exception:  # noqa: BLE001 - SymPy-style broad catch cannot hold it
                pytest.fail("an `except Exception` caught the Timeout")


def test_swallowed_timeout_fires_again_and_the_block_raises_on_exit():
    t0 = time.monotonic()
    with pytest.raises(B.Timeout) as info:
        with B.time_limit(0.1, "stubborn step"):
            caught = _spin_swallowing(3)  # three raises swallowed: the limit kept firing
            assert caught == 3
            # the code inside ended normally, but its limit fired: its value is discarded
    assert "time limit of 0.1 s" in info.value.reason and "stubborn step" in info.value.reason
    assert time.monotonic() - t0 < WALL
    assert B.current_scope() is None


def test_guarded_returns_default_with_reason():
    t0 = time.monotonic()
    assert B.guarded(_spin_forever, 0.1, default="undecided", step="spin") == "undecided"
    assert "time limit of 0.1 s" in B.last_reason() and "spin" in B.last_reason()
    assert B.guarded(lambda: 6 * 7, 1.0) == 42
    assert B.guarded(lambda: 1 / 0, 1.0, default="failed") == "failed"
    assert time.monotonic() - t0 < WALL


def test_nested_inner_limit_never_extends_the_outer_one():
    t0 = time.monotonic()
    with pytest.raises(B.Timeout) as info:
        with B.time_limit(0.2, "outer"):
            # the inner guarded call asks for 100 s; the outer 0.2 s expires first and is not absorbed
            B.guarded(_spin_forever, 100.0, default="absorbed")
            pytest.fail("the outer limit's Timeout was absorbed by the inner guarded call")
    assert "outer" in info.value.reason
    assert time.monotonic() - t0 < WALL
    assert B.current_scope() is None


def test_nested_inner_expiry_is_absorbed_and_the_outer_limit_restored_exactly():
    with B.time_limit(50.0, "outer"):
        outer = B.current_scope()
        deadline = outer.deadline
        assert B.guarded(_spin_forever, 0.1, default="inner expired") == "inner expired"
        assert B.current_scope() is outer and outer.deadline == deadline and not outer.fired
        assert 0 < B.remaining() <= 50.0
        with B.time_limit(10.0, "inner"):
            assert B.current_scope().deadline <= deadline  # never later than the outer one
    assert B.current_scope() is None


def test_no_signal_or_interval_timer_is_touched():
    """pytest-timeout's `signal` method uses SIGALRM/ITIMER_REAL: the budget leaves both alone."""
    handler = signal.getsignal(signal.SIGALRM)
    itimer = signal.getitimer(signal.ITIMER_REAL)
    B.guarded(_spin_forever, 0.05)
    with B.time_limit(1.0):
        pass
    assert signal.getsignal(signal.SIGALRM) is handler
    after = signal.getitimer(signal.ITIMER_REAL)
    assert after[1] == itimer[1] and (after[0] == 0) == (itimer[0] == 0)


def test_effort_counter_and_size_refusal():
    e = B.Effort(5, "steps", "a loop")
    for _ in range(5):
        e.spend()
    with pytest.raises(B.EffortExceeded, match="effort limit of 5 steps reached in a loop"):
        e.spend()
    with pytest.raises(B.SizeLimit, match="N = 600 exceeds the stated limit 64"):
        B.refuse(True, "N = 600", 64, "the exact route")
    B.refuse(False, "N = 6", 64, "the exact route")
    assert B.guarded(lambda: B.refuse(True, "x", 1, "y"), 1.0, default="refused") == "refused"


def _huge_power():
    return pow(3, 10**9).bit_length()  # one C call of minutes: neither signals nor async raises stop it


@pytest.mark.skipif(not B.isolation_available(), reason="needs fork")
def test_c_level_call_is_killed_in_the_subprocess_route():
    t0 = time.monotonic()
    with pytest.raises(B.Timeout, match="subprocess killed"):
        B.run_isolated(_huge_power, seconds=1, step="a huge power", memory_mb=2048)
    assert time.monotonic() - t0 < WALL
    assert B.run_isolated(pow, 3, 40, seconds=5) == 3 ** 40
    with pytest.raises(B.IsolatedError, match="ZeroDivisionError"):
        B.run_isolated(lambda: 1 // 0, seconds=5)


@pytest.mark.skipif(not B.isolation_available(), reason="needs fork")
def test_subprocess_cpu_time_is_charged_to_the_callers_limit():
    with B.time_limit(30.0, "outer"):
        before = B.current_scope().deadline
        B.run_isolated(_spin_for, 0.3, seconds=5)
        assert B.current_scope().deadline < before - 0.2


def _spin_for(cpu_seconds):
    t = time.process_time()
    n = 0
    while time.process_time() - t < cpu_seconds:
        n += 1
    return n


def test_off_main_thread_limit_fires_in_that_thread_only():
    out = {}

    def worker():
        t0 = time.monotonic()
        try:
            with B.time_limit(0.1, "worker step"):
                _spin_swallowing(2)
                _spin_forever()
        except B.Timeout as exc:
            out["reason"] = exc.reason
        out["wall"] = time.monotonic() - t0
        out["guarded"] = B.guarded(_spin_forever, 0.1, default="undecided")

    th = threading.Thread(target=worker)
    with B.time_limit(60.0, "main"):  # the main thread's own limit is not disturbed by the worker's
        th.start()
        th.join(WALL)
        assert not B.current_scope().fired
    assert not th.is_alive()
    assert "worker step" in out["reason"] and out["wall"] < WALL
    assert out["guarded"] == "undecided"


def test_no_scope_leaks():
    for _ in range(20):
        B.guarded(lambda: sum(range(100)), 1.0)
    assert not B._state.stacks.get(threading.get_ident())
