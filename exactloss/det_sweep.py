"""det E(alpha) along a log grid of alpha: ball (certified sign), float64 and low-precision mpmath side by side.

Each ball value carries its radius; a ball containing 0 is "sign not
certified at this precision" and the precision is doubled (up to
``max_prec``) before giving up -- never "zero" or "singular".  float64 and
15-digit mpmath values are shown beside it so a learner sees where they go
wrong (N = 32, alpha = 1/10: the true determinant is about 1e-349, far below
float64's range).  A sweep is evidence, not a proof: alpha_0 is certified in
:mod:`exactloss.alpha0`.

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> from exactloss.construction import build
>>> c = build(np.array([[Q(i)] for i in range(3)], dtype=object), activation="sigmoid")
>>> p = det_point(c, Q(4))
>>> p.sign, p.certified
(1, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import numpy as np
from flint import arb, arb_mat

from .alpha0 import round_up
from .construction import Construction
from .numbers import Ball, Float, MP

MPMATH_MAX_N = 32  # 15-digit mpmath determinants are shown up to this N (they cost O(N^3) Python operations)


@dataclass(frozen=True)
class DetPoint:
    """det E(alpha) at one alpha: the ball, its certified sign (0 = not certified), and the float views."""

    alpha: Fraction
    ball: arb
    prec: int
    float64: float | None
    mpmath15: str | None

    @property
    def certified(self) -> bool:
        return not self.ball.contains(0)

    @property
    def sign(self) -> int:
        if self.ball > 0:
            return 1
        if self.ball < 0:
            return -1
        return 0

    def log10_abs(self) -> float | None:
        """log10 |det| from the ball's midpoint (finite even far below float64's range)."""
        m = self.ball.mid()
        if m == 0:
            return None
        with Ball(64).scope():
            return float((abs(m).log() / arb(10).log()).mid())

    def to_json(self) -> dict:
        return {"alpha": str(self.alpha), "det": self.ball.str(10, radius=True), "prec_bits": self.prec,
                "sign": self.sign if self.certified else None,
                "status": "certified sign" if self.certified else f"sign not certified at {self.prec} bits",
                "log10_abs_det": self.log10_abs(), "float64": self.float64, "mpmath_15_digits": self.mpmath15}


def det_point(cons: Construction, alpha: Fraction, prec: int = 128, max_prec: int = 4096,
              views: bool = True) -> DetPoint:
    """det E(alpha) in ball arithmetic, doubling the precision until its sign is certified (or ``max_prec``)."""
    p = prec
    while True:
        S = Ball(p)
        E = cons.E(alpha, S)
        with S.scope():
            d = arb_mat(E.tolist()).det()
        if not d.contains(0) or p >= max_prec:
            break
        p *= 2
    f64 = m15 = None
    if views:
        with np.errstate(all="ignore"):
            try:
                f64 = float(np.linalg.det(cons.E(alpha, Float())))
            except (ValueError, np.linalg.LinAlgError, FloatingPointError):
                f64 = None
            if f64 is not None and not math.isfinite(f64):
                f64 = None
        if cons.N <= MPMATH_MAX_N:
            M = MP(15)
            E = cons.E(alpha, M)
            with M.scope():
                m15 = mpmath.nstr(mpmath.det(mpmath.matrix(E.tolist())), 8)
    return DetPoint(Fraction(alpha), d, p, f64, m15)


def log_grid(lo: Any, hi: Any, n: int) -> list[Fraction]:
    """n rationals log-spaced in [lo, hi]: the ends as given (when rational), 3 significant digits between."""
    lo_q = lo if isinstance(lo, Fraction) else round_up(float(lo), 3)
    hi_q = hi if isinstance(hi, Fraction) else round_up(float(hi), 3)
    if n <= 1:
        return [hi_q]
    lo_f, hi_f = float(lo_q), float(hi_q)
    pts = [lo_q] + [round_up(lo_f * (hi_f / lo_f) ** (i / (n - 1)), 3) for i in range(1, n - 1)] + [hi_q]
    out: list[Fraction] = []
    for q in pts:
        if not out or q > out[-1]:
            out.append(q)
    return out


def sweep(cons: Construction, alphas: Sequence[Fraction], prec: int = 128, max_prec: int = 4096,
          views: bool = True) -> list[DetPoint]:
    """det E(alpha) at every alpha of the grid (see :func:`det_point`).

    Walks the grid from large alpha (well conditioned) to small, starting each point at the precision
    the previous one needed, so the doubling rarely restarts from scratch.
    """
    out: dict[Fraction, DetPoint] = {}
    p = prec
    for a in sorted(alphas, reverse=True):
        pt = det_point(cons, a, p, max_prec, views)
        out[a] = pt
        p = max(prec, pt.prec)
    return [out[a] for a in alphas]


def plot_sweep(points: Sequence[DetPoint], limit: arb, alpha0: Fraction | None, path: str,
               title: str = "") -> str:
    """|det E(alpha)| on a log scale with its sign, the limit and alpha_0 (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for sgn, colour, label in ((1, "tab:blue", "det > 0 (certified)"), (-1, "tab:red", "det < 0 (certified)"),
                               (0, "tab:gray", "sign not certified")):
        xs = [float(p.alpha) for p in points if p.sign == sgn and (sgn != 0 or True) and p.log10_abs() is not None
              and (p.certified == (sgn != 0))]
        ys = [p.log10_abs() for p in points if p.sign == sgn and p.log10_abs() is not None
              and (p.certified == (sgn != 0))]
        if xs:
            ax.plot(xs, ys, "o", color=colour, label=label)
    fx = [float(p.alpha) for p in points if p.float64 not in (None, 0.0)]
    fy = [math.log10(abs(p.float64)) for p in points if p.float64 not in (None, 0.0)]
    if fx:
        ax.plot(fx, fy, "x", color="tab:orange", label="float64 (no guarantee)")
    with Ball(64).scope():
        lim = float((abs(limit).log() / arb(10).log()).mid())
    ax.axhline(lim, color="k", ls="--", lw=1, label="log10 |limit|")
    if alpha0 is not None and alpha0 > 0:
        ax.axvline(float(alpha0), color="tab:green", ls=":", lw=1.5, label=f"alpha_0 = {alpha0}")
    ax.set_xscale("log")
    ax.set_xlabel("alpha")
    ax.set_ylabel("log10 |det E(alpha)|")
    ax.set_title(title or "Lemma 4.3: det E(alpha)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
