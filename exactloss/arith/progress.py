"""Progress of long work: how far a loop has got, as ``(task, done, total)`` counts sent to listeners.

The long loops of the replay (the det E(alpha) sweep and the alpha_0 searches of Lemma 4.3, the certificates
at scale of Lemmas 3.5 and 4.4, ``exactloss check all``) report their counts here; nothing is printed by this
module.  A *listener* is any callable ``fn(task, done, total)`` (``total`` is ``None`` when unknown, e.g. a
search that stops when it succeeds); it may also have a ``finish(task)`` method (called when the task ends,
reached or not) and a ``clear()`` method (called by :func:`clear` before a line is written to the terminal).
The command line installs a bar on stderr when stderr is a terminal (:mod:`exactloss.surfaces.progressbar`);
in Python, install a listener for a block or for the session:

>>> seen = []
>>> with progress(lambda task, done, total: seen.append((task, done, total)), interval=0):
...     for _ in iterate(range(3), "demo"):
...         pass
>>> seen
[('demo', 0, 3), ('demo', 1, 3), ('demo', 2, 3), ('demo', 3, 3)]

Guarantees: progress never changes a result (a listener's exception is reported once as a warning and the
listener is dropped for that task; nothing is passed back into the computation); counts of one task never
decrease; updates are throttled to one per :data:`INTERVAL` seconds per task (the first and the last count are
always delivered), and with no listener a report costs one attribute test.
"""

from __future__ import annotations

import time
import warnings
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterable, Iterator, Optional

__all__ = ["Callback", "INTERVAL", "Task", "active", "clear", "iterate", "listeners", "progress", "set_callback",
           "set_progress_callback", "task"]

Callback = Callable[[str, int, Optional[int]], Any]
INTERVAL = 0.1  # seconds between two deliveries of one task's counts (default throttle)

_session: list[tuple[Callback, float]] = []  # set_callback: the listener of the whole session (at most one)
_scoped: ContextVar[tuple[tuple[Callback, float], ...]] = ContextVar("exactloss_progress", default=())


def set_callback(fn: Callback | None, interval: float = INTERVAL) -> Callback | None:
    """Install ``fn(task, done, total)`` as the session's listener (``None`` removes it); returns the previous one."""
    prev = _session[0][0] if _session else None
    _session.clear()
    if fn is not None:
        if not callable(fn):
            raise TypeError(f"a progress callback must be callable, got {type(fn).__name__}")
        _session.append((fn, float(interval)))
    return prev


set_progress_callback = set_callback  # the name exported as ``exactloss.set_progress_callback``


@contextmanager
def progress(callback: Callback, interval: float = INTERVAL) -> Iterator[Callback]:
    """``with progress(fn): ...`` -- ``fn(task, done, total)`` receives the counts of the work done in the block.

    Blocks nest (every installed listener receives the counts); ``interval`` is the listener's throttle in
    seconds (0: every count).
    """
    if not callable(callback):
        raise TypeError(f"a progress callback must be callable, got {type(callback).__name__}")
    token = _scoped.set(_scoped.get() + ((callback, float(interval)),))
    try:
        yield callback
    finally:
        _scoped.reset(token)


def listeners() -> tuple[Callback, ...]:
    """The listeners installed now (session first, then the enclosing ``with progress(...)`` blocks)."""
    return tuple(fn for fn, _ in (*_session, *_scoped.get()))


def active() -> bool:
    """Whether any listener is installed (a loop may skip preparing a report when not)."""
    return bool(_session) or bool(_scoped.get())


def clear() -> None:
    """Ask every listener that draws on a terminal to erase its bar (call before writing a line there)."""
    for fn in listeners():
        erase = getattr(fn, "clear", None)
        if erase is not None:
            _safely(erase)


def _safely(fn: Callable, *args: Any) -> bool:
    try:
        fn(*args)
        return True
    except Exception as exc:  # a listener's bug must not change a result; BaseException (Timeout) passes
        warnings.warn(f"progress listener {fn!r} failed ({type(exc).__name__}: {exc}); dropped for this task",
                      RuntimeWarning, stacklevel=3)
        return False


class Task:
    """One unit of long work: ``advance()`` per step, ``close()`` at the end (or use it as a context manager)."""

    __slots__ = ("name", "total", "done", "_sinks", "_closed")

    def __init__(self, name: str, total: int | None = None) -> None:
        self.name = str(name)
        self.total = None if total is None else max(int(total), 0)
        self.done = 0
        self._closed = False
        # per listener: [callback, interval, time of last delivery, last count delivered]
        self._sinks = [[fn, iv, 0.0, -1] for fn, iv in (*_session, *_scoped.get())]
        if self._sinks:
            self._deliver(force=True)

    def advance(self, n: int = 1) -> None:
        """``n`` more steps done."""
        if self._sinks and n > 0:
            self.done += int(n)
            self._deliver(force=False)

    def update(self, done: int) -> None:
        """``done`` steps done in all (a smaller count than before is ignored: counts never decrease)."""
        if self._sinks and done > self.done:
            self.done = int(done)
            self._deliver(force=False)

    def close(self) -> None:
        """The task ended (its total reached or not): the last count, then ``finish(task)`` where offered."""
        if self._closed:
            return
        self._closed = True
        if self._sinks:
            self._deliver(force=True)
            for sink in self._sinks:
                finish = getattr(sink[0], "finish", None)
                if finish is not None:
                    _safely(finish, self.name)
            self._sinks = []

    def _deliver(self, force: bool) -> None:
        now = time.monotonic()
        last = self.total is not None and self.done >= self.total
        dropped = False
        for sink in self._sinks:
            fn, iv, t_last, n_last = sink
            if n_last == self.done or not (force or last or now - t_last >= iv):
                continue
            sink[2], sink[3] = now, self.done
            if not _safely(fn, self.name, self.done, self.total):
                sink[0] = None
                dropped = True
        if dropped:
            self._sinks = [s for s in self._sinks if s[0] is not None]

    def __enter__(self) -> "Task":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def task(name: str, total: int | None = None) -> Task:
    """A :class:`Task` reporting to the listeners installed now (``with task("sweep", 12) as t: ... t.advance()``)."""
    return Task(name, total)


def iterate(items: Iterable, name: str, total: int | None = None) -> Iterator:
    """The items of ``items``, one step of task ``name`` each (``total`` defaults to ``len(items)`` when known)."""
    if total is None:
        try:
            total = len(items)  # type: ignore[arg-type]
        except TypeError:
            total = None
    with Task(name, total) as t:
        for x in items:
            yield x
            t.advance()
