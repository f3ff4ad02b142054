"""The det E(alpha) figure of Lemma 4.3 (Nguyen & Hein, 2017): certified balls beside float64 and 15-digit mpmath.

:func:`det_figure` draws a sweep of :mod:`exactloss.paper.lemma_4_3.sweep` in two panels sharing the
alpha axis (log scale):

* top, ``log10 |det E(alpha)|``: the certified ball of every point as an error bar from ``log10(|mid| - rad)``
  to ``log10(|mid| + rad)`` (a ball containing 0 is grey, drawn down to the bottom edge: sign not
  certified), the float64 determinant (crosses) and the 15-digit mpmath determinant (triangles) beside it,
  the limit ``lim det E(alpha)`` (dashed) and alpha_0 (dotted);
* bottom, the sign of each of the three values.

A red square marks every point where float64 returns 0 or a sign other than the certified one
(N = 32, alpha = 1/100: float64 and mpmath both return 0, the ball is about -2e-787).  Values that are
exactly 0 cannot sit on a log scale; they are drawn on the bottom edge of the top panel.  Nothing on
the picture is certified except the balls, and those are certified by the sweep, not by the picture.

>>> from fractions import Fraction as Q
>>> import numpy as np
>>> from exactloss.paper.lemma_4_3.construction import build
>>> from exactloss.paper.lemma_4_3.sweep import sweep
>>> from exactloss.arith.systems import Ball
>>> c = build(np.array([[Q(i)] for i in range(4)], dtype=object), activation="sigmoid")
>>> fig = det_figure(sweep(c, [Q(1, 2), Q(2)]), c.det_limit(Ball(64)), Q(1))
>>> [ax.get_xlabel() for ax in fig.axes]
['', '$\\\\alpha$']
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import mpmath
from flint import arb

from exactloss.arith.systems import Ball
from exactloss.net.figures import (DEFAULT_DPI, FONT_PT, SUPTITLE_PT, check_dpi, image_path, new_figure, save_figure,
                                   style_axes)
from exactloss.paper.lemma_4_3.sweep import DetPoint

BALL, FLOAT, MPM, WRONG, OPEN = "tab:blue", "tab:orange", "tab:green", "tab:red", "tab:gray"


def _log10(x: arb) -> float | None:
    """log10 x of a positive ball's midpoint as a float (finite far below float64's range); None if x <= 0."""
    with Ball(64).scope():
        if not x > 0:
            return None
        return float((x.log() / arb(10).log()).mid())


def _ball_range(p: DetPoint) -> tuple[float | None, float | None]:
    """(log10 of the smallest, of the largest) |det| in the ball; the first is None when the ball contains 0."""
    if not p.ball.rad().is_finite():
        return None, None
    with Ball(64).scope():
        a = abs(p.ball)
        return _log10(a.lower()), _log10(a.upper())


def _mp_value(s: str | None) -> tuple[int, float | None] | None:
    """(sign, log10 |value|) of a 15-digit mpmath string; log10 is None for 0; None when there is no value."""
    if s is None:
        return None
    v = mpmath.mpf(s)
    if v == 0:
        return 0, None
    return (1 if v > 0 else -1), float(mpmath.log10(abs(v)))


def _f_value(x: float | None) -> tuple[int, float | None] | None:
    if x is None:
        return None
    if x == 0:
        return 0, None
    return (1 if x > 0 else -1), math.log10(abs(x))


def float64_wrong(p: DetPoint) -> bool:
    """float64 returned 0, or a sign other than the certified one (False when the ball's sign is not certified)."""
    return p.float64 is not None and p.certified and (p.float64 == 0 or (p.float64 > 0) != (p.sign > 0))


def det_figure(points: Sequence[DetPoint], limit: arb, alpha0: Fraction | None, path: Any = None,
               title: str = "", dpi: Any = DEFAULT_DPI) -> Any:
    """The figure described in the module docstring; saved to ``path`` (.png/.pdf/.svg) when given. Returns it."""
    if path is not None:
        image_path(path, "--plot")
        check_dpi(dpi)
    fig = new_figure(10, 6)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.3]})
    closed = [p for p in points if p.alpha > 0 and p.closed_sign is not None]  # large N: sign proved, no ball
    pts = [p for p in points if p.alpha > 0 and p.closed_sign is None and p.ball.rad().is_finite()]
    xs = [float(p.alpha) for p in pts]
    cxs = [float(p.alpha) for p in closed if p.log10_numerical is not None]
    cys = [p.log10_numerical for p in closed if p.log10_numerical is not None]
    ranges = [_ball_range(p) for p in pts]
    fviews = [_f_value(p.float64) for p in pts]
    mviews = [_mp_value(p.mpmath15) for p in pts]
    finite = [y for lo, hi in ranges for y in (lo, hi) if y is not None]
    finite += [v[1] for v in fviews + mviews if v is not None and v[1] is not None]
    finite += cys
    finite += [p.log10_numerical for p in points if p.closed_sign is None and p.log10_numerical is not None]
    with Ball(64).scope():
        lim = _log10(abs(limit)) if limit.rad().is_finite() else None
    if lim is not None:
        finite.append(lim)
    lo_y = min(finite, default=-1.0)
    hi_y = max(finite, default=1.0)
    pad = max(0.06 * (hi_y - lo_y), 0.5)
    floor = lo_y - pad  # where values that are 0 (or balls reaching 0) are drawn

    cert = [(x, lo, hi) for x, p, (lo, hi) in zip(xs, pts, ranges) if p.certified and lo is not None]
    if cert:
        cx = [c[0] for c in cert]
        mid = [(c[1] + c[2]) / 2 for c in cert]
        err = [[m - c[1] for m, c in zip(mid, cert)], [c[2] - m for m, c in zip(mid, cert)]]
        top.errorbar(cx, mid, yerr=err, fmt="o", color=BALL, ms=7, capsize=4, zorder=3,
                     label="ball arithmetic (certified; bar = radius)")
    unc = [(x, hi) for x, p, (_, hi) in zip(xs, pts, ranges) if not p.certified and hi is not None]
    if unc:
        ux = [u[0] for u in unc]
        top.errorbar(ux, [u[1] for u in unc], yerr=[[u[1] - floor for u in unc], [0] * len(unc)], fmt="o",
                     mfc="none", color=OPEN, ms=7, capsize=4, label="ball contains 0: sign not certified")
    for views, colour, marker, label in ((fviews, FLOAT, "x", "float64 (no guarantee)"),
                                         (mviews, MPM, "^", "mpmath, 15 digits (no guarantee)")):
        vx = [x for x, v in zip(xs, views) if v is not None]
        vy = [floor if v[1] is None else v[1] for v in views if v is not None]
        if vx:
            top.plot(vx, vy, marker, color=colour, ms=8, mew=2 if marker == "x" else 1.5,
                     mfc="none", ls="none", label=label, zorder=4)
    nums = [p for p in points if p.alpha > 0 and p.closed_sign is None and not p.ball.rad().is_finite()
            and p.log10_numerical is not None]  # large N, no closed form: float64 slogdet only
    if nums:
        top.plot([float(p.alpha) for p in nums], [p.log10_numerical for p in nums], "x-", color=FLOAT, ms=8,
                 mew=2, zorder=3, label="float64 slogdet (no guarantee; no ball above N = 128)")
    if cxs:
        top.plot(cxs, cys, "o-", color=BALL, ms=6, zorder=3,
                 label="closed form (Cauchy) in float64: |det| numerical, sign proved")
    bad = [(x, v) for x, p, v in zip(xs, pts, fviews) if float64_wrong(p)]
    if bad:
        top.plot([b[0] for b in bad], [floor if b[1][1] is None else b[1][1] for b in bad], "s", ms=15, mfc="none",
                 mec=WRONG, mew=2, ls="none", zorder=5, label="float64 = 0 or wrong sign")
    if lim is not None:
        top.axhline(lim, color="k", ls="--", lw=1.2, label=r"$\log_{10}|\lim_{\alpha\to\infty}\det E(\alpha)|$")
    if alpha0 is not None and alpha0 > 0:
        for ax in (top, bottom):
            ax.axvline(float(alpha0), color="tab:green", ls=":", lw=1.8,
                       label=rf"$\alpha_0 = {alpha0}$" if ax is top else None)
    elif alpha0 == 0:
        top.plot([], [], " ", label=r"$\alpha_0 = 0$: $\det E(\alpha) \neq 0$ for every $\alpha > 0$")
    if any(v is not None and v[1] is None for v in fviews + mviews):
        top.axhline(floor, color="0.6", lw=0.8)
    top.set_ylim(floor - pad / 2, hi_y + pad)
    style_axes(top, ylabel=r"$\log_{10}\,|\det E(\alpha)|$")
    if xs or cxs or nums:
        top.set_xscale("log")
    _sign_panel(bottom, xs, pts, fviews, mviews)
    if nums:
        bottom.plot([float(p.alpha) for p in nums if p.sign_numerical is not None],
                    [p.sign_numerical for p in nums if p.sign_numerical is not None], "x", color=FLOAT, ms=8, mew=2)
    if closed:
        bottom.plot([float(p.alpha) for p in closed], [p.closed_sign for p in closed], "o", color=BALL, ms=6)
    style_axes(bottom, xlabel=r"$\alpha$", ylabel=r"sign of $\det E(\alpha)$")
    handles, labels = top.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: not labels[i].startswith("ball"))  # the balls first
    legend = top.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=FONT_PT,
                        title="0 is drawn on the bottom edge" if any(v is not None and v[1] is None
                                                                     for v in fviews + mviews) else None,
                        title_fontsize=FONT_PT)
    legend.set_zorder(10)
    fig.suptitle(title or r"Lemma 4.3: $\det E(\alpha)$", fontsize=SUPTITLE_PT)
    if path is not None:
        save_figure(fig, path, dpi, "--plot")
    return fig


def _sign_panel(ax: Any, xs: list, pts: Sequence[DetPoint], fviews: list, mviews: list) -> None:
    """The sign of the ball (0 = not certified), of float64 and of mpmath at every alpha."""
    ax.plot([x for x, p in zip(xs, pts) if p.certified], [p.sign for p in pts if p.certified], "o", color=BALL,
            ms=7, ls="none")
    ax.plot([x for x, p in zip(xs, pts) if not p.certified], [0 for p in pts if not p.certified], "o", mfc="none",
            color=OPEN, ms=7, ls="none")
    for views, colour, marker in ((fviews, FLOAT, "x"), (mviews, MPM, "^")):
        ax.plot([x for x, v in zip(xs, views) if v is not None], [v[0] for v in views if v is not None], marker,
                color=colour, ms=8, mfc="none", mew=2 if marker == "x" else 1.5, ls="none")
    bad = [(x, p.float64) for x, p in zip(xs, pts) if float64_wrong(p)]
    ax.plot([b[0] for b in bad], [0 if b[1] == 0 else (1 if b[1] > 0 else -1) for b in bad], "s", ms=13,
            mfc="none", mec=WRONG, mew=2, ls="none")
    ax.set_yticks([-1, 0, 1], ["$-$", "0", "$+$"])
    ax.set_ylim(-1.6, 1.6)
