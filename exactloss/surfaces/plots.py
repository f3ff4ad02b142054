"""Figures for teaching: Figure 1 of the paper (the losses of Assumption 3.2.3) and the activations.

:func:`figure_1` draws the paper's four loss panels -- Blake-Zisserman
(delta = 0.1), corrupted Gaussian (alpha = 0.5, w = 6), Cauchy (delta = 1) and
the convex pair pseudo-Huber (delta = 1) with least squares -- plus one panel
per catalogue activation (sigmoid, tanh, softplus for several alpha, which
tends to ReLU, identity, ReLU).  Each panel's title carries the verdict of
:mod:`exactloss.paper.assumption_3_2` when ``verdicts=True``.  Plots are drawn with
matplotlib's Agg backend (no display needed); values are float64 (a picture,
not a certificate).

>>> import tempfile, os
>>> path = figure_1(os.path.join(tempfile.mkdtemp(), "fig1.png"), verdicts=False)
>>> os.path.getsize(path) > 0
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from exactloss.net.activations import activation
from exactloss.errors import InputError
from exactloss.net.files import output_path
from exactloss.net.losses import loss
from exactloss.paper.assumption_3_2 import activation_conditions, loss_conditions

LOSS_PANELS = (
    ("Blake-Zisserman, delta = 0.1", ["blake-zisserman:delta=1/10"]),
    ("Corrupted Gaussian, alpha = 0.5, w = 6", ["corrupted-gaussian:alpha=1/2,w=6"]),
    ("Cauchy, delta = 1", ["cauchy:delta=1"]),
    ("Pseudo-Huber, delta = 1, and least squares", ["pseudo-huber:delta=1", "squared"]),
)
ACTIVATION_PANELS = (
    ("sigmoid", ["sigmoid"]),
    ("tanh", ["tanh"]),
    ("softplus, alpha = 1, 2, 10 (-> ReLU)", ["softplus:alpha=1", "softplus:alpha=2", "softplus:alpha=10"]),
    ("identity", ["identity"]),
    ("ReLU (not analytic: outside 3.2)", ["relu"]),
)


def _values(f: Any, x: np.ndarray) -> np.ndarray:
    if 0 in f.numpy:
        return np.asarray(f.numpy[0](x), dtype=float)
    fn = sp.lambdify(f.var, f.expr, modules="numpy")
    with np.errstate(all="ignore"):
        y = np.asarray(fn(x), dtype=float)
    return np.broadcast_to(y, x.shape)


IMAGE_SUFFIXES = (".png", ".pdf", ".svg")


def _check_path(path: Any, option: str = "output image") -> Path:
    """The image file name checked before drawing (suffix, existing writable folder): :func:`exactloss.net.files.output_path`."""
    return output_path(path, IMAGE_SUFFIXES, option)


def figure_1(path: Any, verdicts: bool = True, activations: bool = True) -> Path:
    """Figure 1 (the losses) plus the activation catalogue, written to ``path`` (.png/.pdf/.svg)."""
    p = _check_path(path)
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    panels = [("loss", *lp) for lp in LOSS_PANELS]
    if activations:
        panels += [("activation", *ap) for ap in ACTIVATION_PANELS]
    ncols = 3 if activations else 4
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.2 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    x_loss = np.linspace(-3, 3, 601)
    x_act = np.linspace(-4, 4, 601)
    for ax, (kind, title, specs) in zip(axes.flat, panels):
        x = x_loss if kind == "loss" else x_act
        notes = []
        for spec in specs:
            f = loss(spec) if kind == "loss" else activation(spec)
            ax.plot(x, _values(f, x), label=f.describe())
            if verdicts:
                notes.append(_verdict(kind, spec))
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("a" if kind == "loss" else "t", fontsize=8)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
        if len(specs) > 1:
            ax.legend(fontsize=7)
        if notes:
            ax.text(0.02, 0.97, "\n".join(notes), transform=ax.transAxes, fontsize=6.5, va="top",
                    bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none"})
    fig.suptitle("Nguyen & Hein (2017), Figure 1: losses satisfying Assumption 3.2.3"
                 + (" -- and the activations of Lemma 3.3" if activations else ""), fontsize=11)
    fig.tight_layout()
    try:
        fig.savefig(p, dpi=110)
    except OSError as exc:
        raise InputError(f"{p}: cannot write the figure ({exc})") from None
    finally:
        plt.close(fig)
    return p


def _verdict(kind: str, spec: str) -> str:
    r = loss_conditions(spec, explore=False) if kind == "loss" else activation_conditions(spec)
    lv = f" [{r.level}]" if r.level else ""
    name = (loss(spec) if kind == "loss" else activation(spec)).describe()
    part = "3.2.3" if kind == "loss" else "3.2.2"
    return f"{name}: {part} {r.verdict}{lv}"
