"""A progress bar on stderr for the counts of :mod:`exactloss.arith.progress` (the command line's renderer).

The CLI decides: a bar only when stderr is a terminal and ``--quiet`` is not given (:func:`install`), so
piped output and logs stay clean and stdout is never touched.  With the optional dependency tqdm
(``pip install exactloss[progress]``) every running task gets a tqdm bar; without it, one built-in text line
(:class:`TextBar`) shows the nested tasks, the innermost with a bar, e.g.
``check all 12/64 | lemma-4.3 | det E(alpha) sweep [#######.....] 7/13``.

>>> import io
>>> out = io.StringIO()
>>> bar = TextBar(out, columns=60, delay=0)
>>> bar("det E(alpha) sweep", 3, 4)
>>> out.getvalue().strip()
'det E(alpha) sweep [##################......] 3/4'
>>> bar.finish("det E(alpha) sweep"); out.getvalue().endswith("\\r")
True
"""

from __future__ import annotations

import shutil
import sys
import time
from contextlib import contextmanager
from typing import Any, Iterator, TextIO

from exactloss.arith.progress import progress

__all__ = ["TextBar", "TqdmBars", "install", "is_terminal", "make_renderer"]

BAR_WIDTH = 24  # characters of the innermost task's bar
DELAY = 0.3  # seconds a task runs before its bar is drawn (short tasks never flicker on the terminal)


def is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal (a closed or odd stream counts as not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class TextBar:
    """One line on ``stream``, redrawn with ``\\r``: the running tasks, outermost first, the innermost as a bar
    (a task is drawn once it has run ``delay`` seconds)."""

    def __init__(self, stream: TextIO, columns: int | None = None, delay: float | None = None) -> None:
        self.stream = stream
        self.columns = columns
        self.delay = DELAY if delay is None else delay
        self.tasks: dict[str, tuple[int, int | None]] = {}
        self.started: dict[str, float] = {}
        self.shown = 0  # characters on the line now

    def __call__(self, task: str, done: int, total: int | None) -> None:
        self.tasks[task] = (done, total)
        self.started.setdefault(task, time.monotonic())
        self._draw()

    def finish(self, task: str) -> None:
        self.tasks.pop(task, None)
        self.started.pop(task, None)
        self._draw()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0

    def _draw(self) -> None:
        cols = (self.columns or shutil.get_terminal_size((80, 24)).columns) - 1
        now = time.monotonic()
        names = [n for n in self.tasks if now - self.started[n] >= self.delay]
        if not names:
            self.clear()
            return
        parts = []
        for i, name in enumerate(names):
            done, total = self.tasks[name]
            if total is None:
                parts.append(name if done == 0 else f"{name} {done}")
            elif i == len(names) - 1:
                fill = BAR_WIDTH * min(done, total) // total if total else BAR_WIDTH
                parts.append(f"{name} [{'#' * fill}{'.' * (BAR_WIDTH - fill)}] {done}/{total}")
            else:
                parts.append(f"{name} {done}/{total}")
        line = " | ".join(parts)
        if len(line) > cols:
            line = "..." + line[len(line) - cols + 3:]
        self.stream.write("\r" + line + " " * max(0, self.shown - len(line)))
        self.stream.flush()
        self.shown = len(line)


class TqdmBars:
    """One tqdm bar per running task on ``stream`` (nested tasks below their parent; erased when done; a task
    gets its bar once it has run ``delay`` seconds)."""

    def __init__(self, stream: TextIO, tqdm_class: Any, delay: float | None = None) -> None:
        self.stream = stream
        self.tqdm = tqdm_class
        self.delay = DELAY if delay is None else delay
        self.bars: dict[str, Any] = {}
        self.started: dict[str, float] = {}

    def __call__(self, task: str, done: int, total: int | None) -> None:
        bar = self.bars.get(task)
        if bar is None:
            t0 = self.started.setdefault(task, time.monotonic())
            if time.monotonic() - t0 < self.delay:
                return
            bar = self.tqdm(total=total, desc=task, file=self.stream, leave=False, dynamic_ncols=True,
                            mininterval=0.1)  # tqdm places nested bars below their parent
            self.bars[task] = bar
        if done > bar.n:
            bar.update(done - bar.n)

    def finish(self, task: str) -> None:
        self.started.pop(task, None)
        bar = self.bars.pop(task, None)
        if bar is not None:
            bar.close()

    def clear(self) -> None:
        for bar in self.bars.values():
            bar.clear()


def make_renderer(stream: TextIO, kind: str = "auto", delay: float | None = None) -> Any:
    """A listener drawing on ``stream``: ``"tqdm"`` (when installed), ``"text"``, or ``"auto"`` (tqdm, else text)."""
    if kind in ("auto", "tqdm"):
        try:
            from tqdm import tqdm  # optional dependency (the ``progress`` extra)
        except ImportError:
            tqdm = None
        if tqdm is not None:
            return TqdmBars(stream, tqdm, delay)
    return TextBar(stream, delay=delay)


@contextmanager
def install(stream: TextIO | None = None, quiet: bool = False, kind: str = "auto",
            delay: float | None = None) -> Iterator[Any]:
    """``with install(): ...`` -- a bar on ``stream`` (default stderr) for the block, when it is a terminal and not
    ``quiet``; otherwise nothing is installed and nothing is written.  Yields the renderer (or ``None``)."""
    stream = sys.stderr if stream is None else stream
    if quiet or not is_terminal(stream):
        yield None
        return
    renderer = make_renderer(stream, kind, delay)
    try:
        with progress(renderer):
            yield renderer
    finally:
        for name in list(getattr(renderer, "started", {})):
            renderer.finish(name)  # a task left open by an exception: erase its bar
        renderer.clear()
