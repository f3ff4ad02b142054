"""Bounds on work: the one mechanism every step that can blow up goes through.

The project's rule (issue 11): every step that can blow up has a bound that cannot be swallowed; on expiry
the answer is *undecided* with the reason, never a crash and never a hang.  Four tools:

* :func:`time_limit` -- a **CPU-time** limit on a block of Python code in the calling thread.  On expiry a
  :class:`Timeout` is raised in that thread, and raised **again** every :data:`REFIRE` seconds until the
  block exits, so a ``try: ... except: ...`` that swallows it (SymPy catches broadly) cannot keep the work
  going.  :class:`Timeout` derives from ``BaseException``, so ``except Exception`` does not catch it at
  all.  A block whose limit fired raises :class:`Timeout` when it exits even if the code inside swallowed
  every raise: its value is discarded.  Limits nest: an inner limit never extends an outer one (the
  effective deadline is the earlier one), and the exception always names the *outermost* expired limit, so
  an inner ``guarded`` cannot absorb an outer expiry.

  How: one daemon *watchdog* thread reads each guarded thread's CPU clock
  (``time.pthread_getcpuclockid``) and raises in that thread with CPython's
  ``PyThreadState_SetAsyncExc``.  No signal and no interval timer is used, so it works **in any thread**
  (the main thread or not), and it does not collide with ``SIGALRM``/``ITIMER_REAL`` -- pytest-timeout's
  default ``signal`` method keeps working as it should (per-test wall-clock timeout, the failing test
  named, the session goes on).  The limit counts the thread's CPU time, not wall time: a verdict that
  depends on a budget does not change with the machine's load.  Where the per-thread CPU clock is missing,
  the thread's wall time is used instead.

* :class:`Effort` -- a counter for pure-Python loops (``effort.spend(n)``): past its limit it raises
  :class:`EffortExceeded`; :func:`check` is the cooperative form of the time limit for loops that want
  to stop at a clean point.

* :func:`refuse` -- a size limit stated up front for work done inside one C call (big-integer factoring,
  a large determinant), which neither signals nor asynchronous exceptions can interrupt.

* :func:`run_isolated` -- the same work in a forked subprocess that is **hard-killed**: the kernel's
  ``RLIMIT_CPU`` stops it (SIGXCPU, then SIGKILL) and the parent kills it at a wall-clock backstop; the
  parent raises :class:`Timeout`.

:func:`guarded` wraps a call: its value, or ``default`` when the call fails or runs out of its budget
(recording the reason, :func:`last_reason`).  Every :class:`OverBudget` has a ``reason`` like
``"time limit of 5 s (CPU) reached in solveset"`` for the undecided verdict that it ends in.

>>> def stubborn():                     # swallows every exception, as broad ``except`` clauses do
...     n = 0
...     while True:
...         try:
...             n += 1
...         except BaseException:
...             pass
>>> try:
...     with time_limit(0.2, "spin"):
...         stubborn()
... except Timeout as e:
...     print(e.reason)
time limit of 0.2 s (CPU) reached in spin
>>> guarded(lambda: 1 + 1, 1.0)
2
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
import warnings
from typing import Any, Callable

REFIRE = 0.05  # seconds (wall) between repeated raises of an expired limit
_POLL_MAX = 0.5  # the watchdog re-reads the clocks at least this often while limits are active


# --------------------------------------------------------------------------
# exceptions
# --------------------------------------------------------------------------


class OverBudget(BaseException):
    """Work stopped by a bound (time, effort or size).  ``BaseException``: ``except Exception`` cannot swallow it.

    ``reason`` says which bound and where (``"time limit of 5 s (CPU) reached in solveset"``); ``step`` is
    the step's name.
    """

    def __init__(self, reason: str = "", step: str = "") -> None:
        super().__init__(reason or "a work bound was reached")
        self.reason = reason or "a work bound was reached"
        self.step = step
        self.owner: Any = None

    def __str__(self) -> str:
        return self.reason


class Timeout(OverBudget):
    """A time limit expired (raised in the guarded thread, again and again until its block exits)."""

    def __init__(self, reason: str = "", step: str = "") -> None:
        owner = None
        if not reason:  # raised by the watchdog (class only): name the limit that fired in this thread
            try:
                stack = _state.stacks.get(threading.get_ident()) or []
                owner = next((sc for sc in stack if sc.fired and not sc.closed), None)
            except Exception:  # pragma: no cover - never let the raise itself fail
                owner = None
            if owner is not None:
                reason, step = owner.reason(), owner.step
        super().__init__(reason or "a time limit was reached", step)
        self.owner = owner


class EffortExceeded(OverBudget):
    """An effort counter (:class:`Effort`) passed its limit."""


class SizeLimit(OverBudget):
    """An input to a step that cannot be interrupted is beyond the step's stated size (:func:`refuse`)."""


# --------------------------------------------------------------------------
# clocks
# --------------------------------------------------------------------------

_HAS_THREAD_CLOCK = hasattr(time, "pthread_getcpuclockid") and hasattr(time, "clock_gettime")


def _clock_id(ident: int) -> int | None:
    if not _HAS_THREAD_CLOCK:
        return None
    try:
        return time.pthread_getcpuclockid(ident)
    except (OSError, OverflowError, ValueError):  # pragma: no cover - platform dependent
        return None


def _now(clock: int | None) -> float:
    """The thread's CPU time (its own clock id), or wall time where no per-thread clock exists."""
    if clock is None:
        return time.monotonic()
    try:
        return time.clock_gettime(clock)
    except OSError:  # the thread is gone
        return math.inf


def _fmt(seconds: float) -> str:
    return f"{seconds:g}"


# --------------------------------------------------------------------------
# scopes and the watchdog
# --------------------------------------------------------------------------


class _Scope:
    __slots__ = ("seconds", "step", "ident", "clock", "deadline", "fired", "closed", "armed", "last_fire",
                 "parent", "unit", "frame")

    def __init__(self, seconds: float, step: str, parent: "_Scope | None", frame: Any = None) -> None:
        self.seconds = float(seconds)
        self.step = step
        self.ident = threading.get_ident()
        self.clock = _clock_id(self.ident)
        self.unit = "CPU" if self.clock is not None else "wall"
        own = _now(self.clock) + max(self.seconds, 0.0)
        # an inner limit never extends an outer one
        self.deadline = own if parent is None else min(own, parent.deadline)
        self.parent = parent
        self.fired = False
        self.closed = False
        # held (never released) by the owner thread once the scope closes; the watchdog fires only while it
        # can take it, so no raise can be queued after the scope has closed
        self.armed = threading.RLock()
        self.last_fire = 0.0
        # the frame running the ``with``: a raise delivered at some loop back-jumps escapes the ``with``
        # without calling ``__exit__`` (CPython 3.11 attributes it to the instruction before the loop, the
        # same for signal handlers); a scope whose frame left the thread's stack is stale and is dropped
        self.frame = frame

    def reason(self) -> str:
        return f"time limit of {_fmt(self.seconds)} s ({self.unit}) reached in {self.step}"

    def remaining(self) -> float:
        return self.deadline - _now(self.clock)


class _State:
    def __init__(self) -> None:
        self.stacks: dict[int, list[_Scope]] = {}  # thread ident -> its active scopes, outermost first
        self.local = threading.local()
        self.watchdog: threading.Thread | None = None
        self.rfd, self.wfd = os.pipe() if hasattr(os, "pipe") else (None, None)
        self.start_lock = threading.Lock()


_state = _State()


def _after_fork_in_child() -> None:  # pragma: no cover - exercised by run_isolated's children
    global _state
    try:
        if _state.rfd is not None:
            os.close(_state.rfd)
            os.close(_state.wfd)
    except OSError:
        pass
    _state = _State()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _async_raise_available() -> bool:
    return sys.implementation.name == "cpython"


def _set_async_exc(ident: int, exc: type | None) -> None:
    import ctypes

    if exc is None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.c_void_p(0))
    else:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc))


def _wake() -> None:
    st = _state
    if st.wfd is not None:
        try:
            os.write(st.wfd, b"x")
        except OSError:  # pragma: no cover - a full pipe already wakes the watchdog
            pass


def _watch(st: _State) -> None:
    """The watchdog loop: fire the outermost expired limit of each thread, re-fire every REFIRE seconds."""
    import select

    while True:
        wait = None
        for ident, stack in list(st.stacks.items()):
            scopes = list(stack)
            if not scopes:
                continue
            for sc in scopes:  # outermost first
                if sc.closed:
                    continue
                left = sc.remaining()
                if left <= 0:
                    now = time.monotonic()
                    if now - sc.last_fire >= REFIRE and sc.armed.acquire(False):
                        try:
                            if not sc.closed and not _on_stack(sc, sys._current_frames().get(ident)):
                                sc.closed = True  # stale: its ``with`` is gone; the owner thread drops it
                            elif not sc.closed:
                                sc.fired = True
                                sc.last_fire = now
                                _set_async_exc(ident, Timeout)
                        finally:
                            sc.armed.release()
                    w = REFIRE
                else:
                    w = left  # CPU time cannot advance faster than wall time
                wait = w if wait is None else min(wait, w)
                if left <= 0:
                    break  # the outermost expired scope is the one to fire
        timeout = None if wait is None else min(max(wait, 0.001), _POLL_MAX)
        if st.rfd is None:  # pragma: no cover - no pipes on this platform
            time.sleep(timeout or _POLL_MAX)
            continue
        try:
            r, _, _ = select.select([st.rfd], [], [], timeout)
            if r:
                os.read(st.rfd, 4096)
        except (OSError, ValueError):  # pragma: no cover - the pipe was closed (fork)
            return


def _ensure_watchdog() -> None:
    st = _state
    if st.watchdog is not None and st.watchdog.is_alive():
        return
    with st.start_lock:
        if st.watchdog is None or not st.watchdog.is_alive():
            th = threading.Thread(target=_watch, args=(st,), name="exactloss-budget-watchdog", daemon=True)
            th.start()
            st.watchdog = th


def _stack() -> list[_Scope]:
    st = _state
    ident = threading.get_ident()
    s = st.stacks.get(ident)
    if s is None:
        s = st.stacks.setdefault(ident, [])
    return s


def _on_stack(sc: _Scope, top: Any) -> bool:
    """Whether the scope's frame is still running in its thread (``top``: the thread's innermost frame)."""
    if sc.frame is None:
        return True
    f = top
    while f is not None:
        if f is sc.frame:
            return True
        f = f.f_back
    return False


def _prune(stack: list[_Scope], top: Any) -> None:
    """Close the stale scopes of this thread (their ``with`` is gone, see :class:`_Scope`)."""
    for sc in list(stack):
        if not sc.closed and not _on_stack(sc, top):
            while True:
                try:
                    _close(sc)
                    break
                except Timeout:
                    pass


def _close(sc: _Scope) -> None:
    """Idempotent: disarm (no raise can be queued from now on), drop from the stack, clear a queued raise."""
    sc.armed.acquire()  # re-entrant for the owner; never released
    sc.closed = True
    sc.frame = None
    stack = _state.stacks.get(sc.ident)
    if stack is not None:
        if sc in stack:
            stack.remove(sc)
        if not stack:
            _state.stacks.pop(sc.ident, None)
    if sc.fired and _async_raise_available():
        _set_async_exc(sc.ident, None)


def _outermost_expired(sc: _Scope | None) -> _Scope | None:
    """The outermost open scope from ``sc`` outwards whose limit has fired or passed (None: none has)."""
    best = None
    while sc is not None:
        if not sc.closed and (sc.fired or sc.remaining() <= 0):
            best = sc
        sc = sc.parent
    return best


class time_limit:
    """Raise :class:`Timeout` in this thread after ``seconds`` of its CPU time (see the module docstring).

    ``with time_limit(5, "solveset"): ...``.  The limit cannot be swallowed (re-raised every
    :data:`REFIRE` s until the block exits; a block whose limit fired raises on exit whatever happened
    inside), nests (inner limits never extend outer ones; an outer expiry propagates through inner blocks
    as the outer limit's Timeout), and works in every thread.  On interpreters other than CPython the
    limit is cooperative only (:func:`check`).
    """

    def __init__(self, seconds: float, step: str = "a computation") -> None:
        self.seconds = seconds
        self.step = step
        self.scope: _Scope | None = None

    def __enter__(self) -> "time_limit":
        stack = _stack()
        caller = sys._getframe(1)
        if stack:
            _prune(stack, caller)
        stack = _stack()
        parent = stack[-1] if stack else None
        sc = _Scope(self.seconds, self.step, parent, caller)
        self.scope = sc
        stack.append(sc)
        try:
            if _async_raise_available():
                _ensure_watchdog()
                _wake()
        except BaseException:  # an outer limit fired while entering: close this scope, pass the raise on
            self._close_all()
            raise
        return self

    def _close_all(self) -> bool:
        """Close the scope; True when a raise arrived while closing (it belongs to an expired limit)."""
        late = False
        while True:
            try:
                _close(self.scope)
                return late
            except Timeout:
                late = True

    def __exit__(self, et: Any, ev: Any, tb: Any) -> bool:
        sc = self.scope
        stack = _state.stacks.get(sc.ident) or []
        if sc in stack:  # scopes opened inside this block and still listed are stale: drop them first
            for inner in stack[stack.index(sc) + 1:]:
                while True:
                    try:
                        _close(inner)
                        break
                    except Timeout:
                        pass
        late = self._close_all()
        cause = ev if isinstance(ev, BaseException) else None
        outer = _outermost_expired(sc.parent)
        if outer is not None:  # an outer limit expired: its Timeout, whatever happened in here
            exc = Timeout(outer.reason(), outer.step)
            exc.owner = outer
            raise exc from cause
        if isinstance(ev, OverBudget) and ev.owner is not None and ev.owner is not sc and not sc.fired:
            return False  # an inner limit's (or an effort counter's) expiry its caller did not catch
        if sc.fired or late or sc.deadline <= _now(sc.clock) or isinstance(ev, Timeout):
            if isinstance(ev, Timeout) and ev.owner is sc:
                return False
            exc = Timeout(sc.reason(), sc.step)
            exc.owner = sc
            raise exc from cause
        return False


def current_scope() -> _Scope | None:
    """The innermost open limit of this thread (None without one)."""
    stack = _state.stacks.get(threading.get_ident())
    return stack[-1] if stack else None


def charge(seconds: float) -> None:
    """Count ``seconds`` of CPU time spent elsewhere (a subprocess) against every open limit of this thread."""
    if seconds <= 0:
        return
    for sc in _state.stacks.get(threading.get_ident()) or []:
        sc.deadline -= seconds
    _wake()


def remaining() -> float:
    """Seconds left in the innermost active limit of this thread (``inf`` without one)."""
    stack = _state.stacks.get(threading.get_ident())
    if not stack:
        return math.inf
    return max(stack[-1].remaining(), 0.0)


def check(step: str | None = None) -> None:
    """Cooperative check: raise :class:`Timeout` now if a limit of this thread has expired."""
    stack = _state.stacks.get(threading.get_ident())
    if not stack:
        return
    for sc in stack:  # outermost first
        if not sc.closed and sc.remaining() <= 0:
            sc.fired = True
            exc = Timeout(sc.reason(), step or sc.step)
            exc.owner = sc
            raise exc


# --------------------------------------------------------------------------
# effort counters and size refusals
# --------------------------------------------------------------------------


class Effort:
    """A work counter for a pure-Python loop: ``spend(n)`` raises :class:`EffortExceeded` past ``limit``.

    Every spend also runs :func:`check`, so a loop that spends effort stops promptly at a time limit too.

    >>> e = Effort(10, "bisection steps", "root isolation")
    >>> for _ in range(10): e.spend()
    >>> try:
    ...     e.spend()
    ... except EffortExceeded as exc:
    ...     print(exc.reason)
    effort limit of 10 bisection steps reached in root isolation
    """

    def __init__(self, limit: int, unit: str = "steps", step: str = "a computation") -> None:
        self.limit = int(limit)
        self.unit = unit
        self.step = step
        self.used = 0

    def spend(self, n: int = 1) -> None:
        self.used += n
        if self.used > self.limit:
            raise EffortExceeded(f"effort limit of {self.limit} {self.unit} reached in {self.step}", self.step)
        check(self.step)


def refuse(condition: bool, what: str, limit: Any, step: str) -> None:
    """Raise :class:`SizeLimit` when ``condition`` (an input beyond the step's stated size)."""
    if condition:
        raise SizeLimit(f"{what} exceeds the stated limit {limit} of {step}", step)


# --------------------------------------------------------------------------
# guarded calls
# --------------------------------------------------------------------------


def last_reason() -> str | None:
    """The reason of the last budget expiry that :func:`guarded` turned into its default in this thread."""
    return getattr(_state.local, "last", None)


def take_reason() -> str | None:
    """:func:`last_reason`, and forget it (so the next call reports only what happened after)."""
    why = last_reason()
    _state.local.last = None
    return why


def guarded(fn: Callable[[], Any], seconds: float = 5.0, default: Any = None, step: str | None = None) -> Any:
    """``fn()`` within a CPU-time limit; ``default`` when it runs out of budget or raises an ``Exception``.

    A :class:`Timeout` of an *outer* limit is not absorbed: it propagates to that limit's owner.
    """
    name = step or getattr(fn, "__name__", "a computation")
    if name == "<lambda>":
        name = "a guarded SymPy call"
    tl = time_limit(seconds, name)
    try:
        with tl:
            return fn()
    except OverBudget as exc:
        mine = tl.scope
        if mine is not None and not mine.closed:  # the raise skipped the ``with``'s exit (see _Scope)
            tl._close_all()
        owner = exc.owner
        if owner is not None and owner is not mine and not owner.closed:
            raise  # an outer limit expired: not ours to absorb
        _state.local.last = exc.reason
        return default
    except Exception:  # SymPy raises NotImplementedError, ValueError, ... on hard inputs
        return default


# --------------------------------------------------------------------------
# hard-killed subprocess
# --------------------------------------------------------------------------


class IsolatedError(Exception):
    """The isolated call raised an ordinary exception (its type and message are kept)."""


def _child(conn: Any, fn: Callable, args: tuple, kwargs: dict, cpu: int, memory: int | None) -> None:  # pragma: no cover - runs in the child
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ImportError, ValueError, OSError):
        pass
    try:
        out = ("ok", fn(*args, **kwargs))
    except OverBudget as exc:
        out = ("budget", exc.reason)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        out = ("err", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(out)
    except BaseException as exc:  # noqa: BLE001 - e.g. an unpicklable result
        try:
            conn.send(("err", f"result could not be sent back: {type(exc).__name__}: {exc}"))
        except BaseException:  # noqa: BLE001
            pass
    finally:
        conn.close()
        os._exit(0)


def isolation_available() -> bool:
    """Whether :func:`run_isolated` can fork here (POSIX with ``fork``)."""
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


def run_isolated(fn: Callable, *args: Any, seconds: float, step: str = "an isolated computation",
                 memory_mb: int | None = None, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a forked child that is hard-killed past ``seconds`` of CPU time.

    For work done inside one C call (arb determinants, big-integer arithmetic), which no raise can
    interrupt.  The child's CPU time is limited by the kernel (``RLIMIT_CPU``: SIGXCPU, then SIGKILL);
    the parent also kills it at a wall-clock backstop (``4 * seconds + 5``).  ``seconds`` is capped by the
    time left in the caller's own limit.  The result must pickle.  Expiry -> :class:`Timeout`; an exception
    in the child -> :class:`IsolatedError`.  Where fork is unavailable the call runs in-process under
    :func:`time_limit` (C calls then are not interruptible: callers refuse large inputs up front there).
    """
    seconds = min(float(seconds), remaining())
    if seconds <= 0:
        check(step)
        raise Timeout(f"time limit reached before {step}", step)
    if not isolation_available():  # pragma: no cover - non-POSIX
        with time_limit(seconds, step):
            return fn(*args, **kwargs)
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    cpu = max(1, int(math.ceil(seconds)))
    mem = None if memory_mb is None else int(memory_mb) * 1024 * 1024
    try:
        import resource

        def used() -> float:
            ru = resource.getrusage(resource.RUSAGE_CHILDREN)
            return ru.ru_utime + ru.ru_stime
    except ImportError:  # pragma: no cover - non-POSIX
        def used() -> float:
            return 0.0
    before = used()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+): the child is killed anyway
        proc = ctx.Process(target=_child, args=(send, fn, args, kwargs, cpu, mem), daemon=True)
        proc.start()
    send.close()
    reason = f"time limit of {_fmt(seconds)} s (CPU) reached in {step} (subprocess killed)"
    backstop = time.monotonic() + 4 * seconds + 5
    try:
        while True:
            if recv.poll(0.05):
                try:
                    kind, val = recv.recv()
                except EOFError:
                    kind, val = "died", None
                break
            if not proc.is_alive():
                if recv.poll(0):
                    continue
                kind, val = "died", None
                break
            if time.monotonic() > backstop:
                kind, val = "wall", None
                break
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        recv.close()
        charge(used() - before)  # the child's CPU time counts against the caller's limits
    if kind == "ok":
        return val
    if kind == "budget":
        raise Timeout(f"{val} (subprocess)", step)
    if kind == "err":
        raise IsolatedError(f"{step}: {val}")
    if kind == "wall":
        raise Timeout(f"wall-clock backstop of {_fmt(4 * seconds + 5)} s reached in {step} (subprocess killed)", step)
    code = proc.exitcode
    raise Timeout(reason + (f", exit code {code}" if code not in (None, 0) else ""), step)
