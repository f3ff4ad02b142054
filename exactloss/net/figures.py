"""Building and saving matplotlib figures for slides without touching pyplot or the global backend.

The figures of the paper (Figure 1 of Nguyen & Hein (2017), the activations of Assumption 3.2.2, and
det E(alpha) of Lemma 4.3) are drawn on a :class:`matplotlib.figure.Figure` with its own Agg canvas:
``matplotlib.use`` is never called and pyplot's list of figures is never touched, so inline plots of a
notebook keep working after a figure is drawn here.  Text is at least :data:`MIN_PT` points at the
default size; the output format follows the file's extension (``.png``, ``.pdf`` or ``.svg``).  A
figure is a picture of float values, never a certificate.

>>> fig = new_figure(4, 3)
>>> type(fig.canvas).__name__
'FigureCanvasAgg'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from exactloss.errors import InputError
from exactloss.net.files import output_path

IMAGE_SUFFIXES = (".png", ".pdf", ".svg")
MIN_PT = 10.0  # no text smaller than this (tick labels, legends, notes)
FONT_PT = 11.0  # tick labels, legends
LABEL_PT = 12.0  # axis labels
TITLE_PT = 13.0  # panel titles
SUPTITLE_PT = 14.0  # figure titles
DEFAULT_DPI = 150
DPI_RANGE = (10, 1200)


def image_path(path: Any, option: str = "output image") -> Path:
    """The image file name, checked before drawing: .png/.pdf/.svg in an existing writable folder."""
    return output_path(path, IMAGE_SUFFIXES, option)


def check_dpi(dpi: Any, option: str = "--dpi") -> int:
    """``dpi`` as an integer in :data:`DPI_RANGE` (raster resolution of .png; .pdf/.svg stay vector)."""
    try:
        d = int(str(dpi).strip()) if not isinstance(dpi, (int, float)) or isinstance(dpi, bool) else int(dpi)
    except (TypeError, ValueError):
        raise InputError(f"{option} must be an integer, got {dpi!r}") from None
    if not DPI_RANGE[0] <= d <= DPI_RANGE[1] or (isinstance(dpi, float) and d != dpi):
        raise InputError(f"{option} must be an integer between {DPI_RANGE[0]} and {DPI_RANGE[1]}, got {dpi!r}")
    return d


@lru_cache(maxsize=1)
def _figure_class() -> type:
    from matplotlib.figure import Figure

    class SlideFigure(Figure):
        """A Figure that shows itself as a PNG in a notebook even when pyplot was never imported."""

        def _repr_png_(self) -> bytes:
            import io

            buf = io.BytesIO()
            self.savefig(buf, format="png", dpi=100)
            return buf.getvalue()

    return SlideFigure


def new_figure(width: float, height: float) -> Any:
    """A constrained-layout Figure of ``width`` x ``height`` inches on its own Agg canvas (pyplot untouched)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _figure_class()(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def style_axes(ax: Any, xlabel: str = "", ylabel: str = "", title: str = "") -> None:
    """Axis labels and title at slide sizes (mathtext allowed), tick labels at :data:`FONT_PT`, a light grid."""
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=LABEL_PT)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=LABEL_PT)
    if title:
        ax.set_title(title, fontsize=TITLE_PT)
    ax.tick_params(labelsize=FONT_PT)
    ax.grid(alpha=0.3)


def save_figure(fig: Any, path: Any, dpi: Any = DEFAULT_DPI, option: str = "output image") -> Path:
    """Write ``fig`` to ``path``; the format follows the extension (.png at ``dpi``, .pdf, .svg)."""
    p = image_path(path, option)
    d = check_dpi(dpi)
    try:
        fig.savefig(p, dpi=d, format=p.suffix[1:].lower())
    except OSError as exc:
        raise InputError(f"{option} {p}: cannot write the figure ({exc.strerror or exc})") from None
    return p
