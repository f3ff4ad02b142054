"""Figures for teaching: Figure 1 of the paper (the losses of Assumption 3.2.3), the activations, det E(alpha).

:func:`figure_1` draws the paper's four loss panels -- Blake-Zisserman (delta = 0.1), corrupted Gaussian
(alpha = 0.5, w = 6), Cauchy (delta = 1) and the convex pair pseudo-Huber (delta = 1) with least squares.
:func:`activations_figure` draws the activation catalogue in a separate figure: sigmoid, tanh, softplus for
several alpha (which tends to ReLU), identity, ReLU.  With ``verdicts=True`` each panel's title carries the
verdict and level of :mod:`exactloss.paper.assumption_3_2` (3.2.3 for a loss, 3.2.2 for an activation).
:func:`det_figure` (Lemma 4.3's sweep, :mod:`exactloss.paper.lemma_4_3.figure`) is re-exported here.

Every function returns the :class:`matplotlib.figure.Figure` and also writes it when ``path`` is given
(.png at ``dpi``, .pdf or .svg, chosen by the extension).  Figures are built on their own Agg canvas: the
global backend and pyplot's figures are never touched, so a notebook's inline plots keep working
(:mod:`exactloss.net.figures`).  Curves are float64 values: a picture, not a certificate.

>>> import tempfile, os
>>> fig = figure_1(os.path.join(tempfile.mkdtemp(), "fig1.svg"), verdicts=False)
>>> [ax.get_ylabel() for ax in fig.axes]
['$l(a)$', '$l(a)$', '$l(a)$', '$l(a)$']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from exactloss.net.activations import activation
from exactloss.net.figures import (DEFAULT_DPI, FONT_PT, IMAGE_SUFFIXES, SUPTITLE_PT, check_dpi, image_path,
                                   new_figure, save_figure, style_axes)
from exactloss.net.losses import loss
from exactloss.paper.assumption_3_2 import activation_conditions, loss_conditions
from exactloss.paper.lemma_4_3.figure import det_figure

__all__ = ["figure_1", "activations_figure", "det_figure", "LOSS_PANELS", "ACTIVATION_PANELS", "IMAGE_SUFFIXES"]

# (panel title, [(spec, legend label), ...]); titles and labels in mathtext
LOSS_PANELS = (
    (r"Blake-Zisserman, $\delta = 0.1$", [("blake-zisserman:delta=1/10", None)]),
    (r"Corrupted Gaussian, $\alpha = 0.5$, $w = 6$", [("corrupted-gaussian:alpha=1/2,w=6", None)]),
    (r"Cauchy, $\delta = 1$", [("cauchy:delta=1", None)]),
    (r"Pseudo-Huber ($\delta = 1$) and least squares",
     [("pseudo-huber:delta=1", r"pseudo-Huber, $\delta = 1$"), ("squared", r"least squares $a^2$")]),
)
ACTIVATION_PANELS = (
    (r"sigmoid $1/(1 + e^{-t})$", [("sigmoid", None)]),
    (r"$\tanh t$", [("tanh", None)]),
    (r"softplus $\frac{1}{\alpha}\log(1 + e^{\alpha t})$ $\to$ ReLU",
     [("softplus:alpha=1", r"$\alpha = 1$"), ("softplus:alpha=2", r"$\alpha = 2$"),
      ("softplus:alpha=10", r"$\alpha = 10$")]),
    (r"identity $t$", [("identity", None)]),
    (r"ReLU $\max(0, t)$: not analytic", [("relu", None)]),
)


def _values(f: Any, x: np.ndarray) -> np.ndarray:
    if 0 in f.numpy:
        return np.asarray(f.numpy[0](x), dtype=float)
    fn = sp.lambdify(f.var, f.expr, modules="numpy")
    with np.errstate(all="ignore"):
        y = np.asarray(fn(x), dtype=float)
    return np.broadcast_to(y, x.shape)


def _check_path(path: Any, option: str = "output image") -> Path:
    """The image file name checked before drawing (suffix, existing writable folder): :func:`image_path`."""
    return image_path(path, option)


def _panels(kind: str, panels: tuple, path: Any, verdicts: bool, dpi: Any, shape: tuple[int, int],
            size: tuple[float, float], suptitle: str) -> Any:
    if path is not None:
        _check_path(path)
        check_dpi(dpi)
    fig = new_figure(*size)
    axes = list(fig.subplots(*shape, squeeze=False).flat)
    x = np.linspace(-3, 3, 601) if kind == "loss" else np.linspace(-4, 4, 601)
    for ax, (title, specs) in zip(axes, panels):
        for spec, label in specs:
            f = loss(spec) if kind == "loss" else activation(spec)
            ax.plot(x, _values(f, x), lw=2, label=label)
        if verdicts:
            title += "\n" + _verdicts(kind, specs)
        style_axes(ax, *((r"$a$", r"$l(a)$") if kind == "loss" else (r"$t$", r"$\sigma(t)$")), title=title)
        if len(specs) > 1:
            _headroom(ax)
            ax.legend(loc="best", fontsize=FONT_PT)
    for ax in axes[len(panels):]:  # unused cells of the grid
        fig.delaxes(ax)
    fig.suptitle(suptitle, fontsize=SUPTITLE_PT)
    if path is not None:
        save_figure(fig, path, dpi)
    return fig


def _headroom(ax: Any) -> None:
    """Room above the curves, so a legend placed with loc="best" sits clear of them."""
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.45 * (hi - lo))


def figure_1(path: Any = None, verdicts: bool = True, dpi: Any = DEFAULT_DPI) -> Any:
    """Figure 1 of the paper: the four loss panels (2 x 2); written to ``path`` when given. Returns the Figure."""
    return _panels("loss", LOSS_PANELS, path, verdicts, dpi, (2, 2), (10, 7.5),
                   "Nguyen & Hein (2017), Figure 1: losses satisfying Assumption 3.2.3")


def activations_figure(path: Any = None, verdicts: bool = True, dpi: Any = DEFAULT_DPI) -> Any:
    """The activation catalogue (Assumption 3.2.2, Lemma 3.3), one panel each; written to ``path`` when given."""
    return _panels("activation", ACTIVATION_PANELS, path, verdicts, dpi, (2, 3), (13, 7.5),
                   "The activations of the catalogue, against Assumption 3.2.2")


def _verdicts(kind: str, specs: list) -> str:
    """One line: the verdict [level] of Assumption 3.2.3 (losses) or 3.2.2 (activations), once when the curves agree."""
    notes = []
    for spec, label in specs:
        r = loss_conditions(spec, explore=False) if kind == "loss" else activation_conditions(spec)
        notes.append((label, f"{r.verdict}" + (f" [{r.level}]" if r.level else "")))
    part = "Assumption 3.2.3" if kind == "loss" else "Assumption 3.2.2"
    if len({v for _, v in notes}) == 1:
        return f"{part} {notes[0][1]}"
    return f"{part}: " + "; ".join(f"{lab}: {v}" for lab, v in notes)
