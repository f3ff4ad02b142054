"""Checks shared by the figure tests: global matplotlib state untouched, text size, legends clear of the data."""

from __future__ import annotations

import contextlib

import numpy as np

MIN_PT = 10.0


@contextlib.contextmanager
def foreign_pyplot_state():
    """A notebook-like state: pyplot imported, a non-Agg backend chosen, one pyplot figure open.

    On exit asserts that the backend and pyplot's figure list are what they were, then restores the
    backend the test session had.
    """
    import matplotlib
    import matplotlib.pyplot as plt

    before_backend = matplotlib.get_backend()
    plt.switch_backend("svg")
    fig = plt.figure()
    backend, fignums = matplotlib.get_backend(), plt.get_fignums()
    try:
        yield
        assert matplotlib.get_backend() == backend, "a plotting function changed the global backend"
        assert plt.get_fignums() == fignums, "a plotting function changed pyplot's figure list"
    finally:
        plt.close(fig)
        plt.switch_backend(before_backend)


def drawn(fig):
    fig.canvas.draw()
    return fig


def small_texts(fig) -> list[tuple[str, float]]:
    """(text, size) of every visible non-empty Text artist smaller than :data:`MIN_PT` points."""
    from matplotlib.text import Text

    drawn(fig)
    return [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_PT]


def legends_covering_data(fig) -> list[str]:
    """Labels of legends that cover a data vertex of a line in their axes (display coordinates)."""
    drawn(fig)
    bad = []
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None:
            continue
        box = leg.get_window_extent()
        for line in ax.get_lines():
            xy = np.asarray(line.get_xydata(), dtype=float)
            if not len(xy):
                continue
            pts = line.get_transform().transform(xy)
            pts = pts[np.isfinite(pts).all(axis=1)]
            inside = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
            if inside.any():
                bad.append(f"{ax.get_title()!r}: legend covers {line.get_label()!r}")
    return bad


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
