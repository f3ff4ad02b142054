"""det E(alpha) along a log grid of alpha: ball (certified sign), float64 and low-precision mpmath side by side.

Each ball value carries its radius; a ball containing 0 is "sign not
certified at this precision" and the precision is doubled (up to
``max_prec``) before giving up -- never "zero" or "singular".  float64 and
15-digit mpmath values are shown beside it so a learner sees where they go
wrong (N = 32, alpha = 1/10: the true determinant is about 1e-349, far below
float64's range).  A sweep is evidence, not a proof: alpha_0 is certified in
:mod:`exactloss.paper.lemma_4_3.alpha0`.

Bounds on work (issue 11): a whole sweep has a CPU-time budget of :data:`SWEEP_SECONDS`
(:mod:`exactloss.arith.budget`); points it does not reach are listed as "not computed" with the reason, never
as a sign.  One arb determinant is one C call that no raise interrupts, so a large one (estimated cost
above :data:`ISOLATE_COST`, e.g. N = 569 at 128 bits) runs in a hard-killed subprocess
(:func:`exactloss.arith.budget.run_isolated`) limited by the time left.

At scale (issue 14): above :data:`BALL_SWEEP_MAX_N` samples, when the caller passes the sign that a closed form
*proved* for every alpha > 0 (``closed_sign``: sigmoid and tanh, the bordered Cauchy determinant of
:func:`exactloss.paper.lemma_4_3.alpha0.cauchy_alpha0`), no ball determinant is computed: each point's sign is
that proved sign (det E is continuous and non-zero on (0, inf), so it keeps the sign of its limit), labelled
``sign_level = "proved"``, and ``log10 |det E|`` is the Cauchy formula evaluated in float64 in log space
(O(N^2), labelled ``log10_abs_det_level = "numerical"``; ``det`` and ``prec_bits`` are ``None``: no
enclosure).  The float64 LAPACK determinant beside it costs O(N^3), so it is shown at only
:func:`float_view_count` points of the grid above that size.  Without a proved sign (softplus, user
sigma) above that size, no ball determinant either (an N x N arb LU at >= 128 bits takes tens of seconds
at N ~ 1000, so the budget would leave every point "not computed"): :func:`numerical_point` gives float64
``slogdet`` views at :func:`float_view_count` points, labelled numerical, sign not certified -- the
certificates of that run are alpha_0 (:mod:`exactloss.paper.lemma_4_3.alpha0`, O(N) per trial) and the
witness.  Up to :data:`BALL_SWEEP_MAX_N` nothing changes: ball determinants, bounded by :data:`SWEEP_SECONDS`.

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> from exactloss.paper.lemma_4_3.construction import build
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
from flint import arb, arb_mat, arf

from exactloss.arith import budget, progress
from exactloss.paper.lemma_4_3.alpha0 import round_up
from exactloss.paper.lemma_4_3.construction import Construction
from exactloss.arith.systems import Ball, Float, MP

MPMATH_MAX_N = 32  # 15-digit mpmath determinants are shown up to this N (they cost O(N^3) Python operations)
SWEEP_SECONDS = 20.0  # CPU-time budget of one sweep (all its points)
BALL_SWEEP_MAX_N = 128  # above this N a closed-form (proved) sign replaces the ball determinants of the sweep
FLOAT_VIEW_WORK = 20 * 1024 ** 3  # total N^3 of the float64 LAPACK views of one closed-form sweep
ISOLATE_COST = 5e7  # N^3 (prec/64)^1.6 above which a ball determinant runs in a hard-killed subprocess


@dataclass(frozen=True)
class DetPoint:
    """det E(alpha) at one alpha: the ball, its certified sign (0 = not certified), and the float views."""

    alpha: Fraction
    ball: arb
    prec: int
    float64: float | None
    mpmath15: str | None
    note: str | None = None  # set when the point was not computed (a work bound was reached)
    closed_sign: int | None = None  # the sign proved in closed form for every alpha > 0 (no ball: N large)
    log10_numerical: float | None = None  # log10 |det| from the closed form in float64 (numerical)
    sign_numerical: int | None = None  # the float64 slogdet sign of a numerical-only point (no guarantee)

    @property
    def certified(self) -> bool:
        if self.closed_sign is not None:
            return True
        return not self.ball.contains(0)

    @property
    def sign(self) -> int:
        if self.closed_sign is not None:
            return self.closed_sign
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
        if self.closed_sign is not None:
            return {"alpha": str(self.alpha), "det": None, "prec_bits": None, "sign": self.closed_sign,
                    "status": "sign proved by the closed form (no ball determinant above N = "
                              f"{BALL_SWEEP_MAX_N}); |det| numerical (float64, Cauchy formula in log space)",
                    "log10_abs_det": self.log10_numerical, "float64": self.float64, "mpmath_15_digits": None,
                    "sign_level": "proved", "log10_abs_det_level": "numerical"}
        if self.log10_numerical is not None or self.sign_numerical is not None:  # float64 only: no ball at all
            return {"alpha": str(self.alpha), "det": None, "prec_bits": None, "sign": None, "status": self.note,
                    "log10_abs_det": self.log10_numerical, "float64": self.float64, "mpmath_15_digits": None,
                    "sign_level": None, "log10_abs_det_level": "numerical", "sign_numerical": self.sign_numerical}
        return {"alpha": str(self.alpha), "det": self.ball.str(10, radius=True), "prec_bits": self.prec,
                "sign": self.sign if self.certified else None,
                "status": ("certified sign" if self.certified else self.note if self.note
                           else f"sign not certified at {self.prec} bits"),
                "log10_abs_det": self.log10_abs(), "float64": self.float64, "mpmath_15_digits": self.mpmath15}


def _ball_det(cons: Construction, alpha: Fraction, p: int) -> arb:
    S = Ball(p)
    E = cons.E(alpha, S)
    with S.scope():
        return arb_mat(E.tolist()).det()


def _ball_det_parts(cons: Construction, alpha: Fraction, p: int) -> tuple[int, int, int, int]:
    """The determinant's midpoint and radius as exact (mantissa, exponent) integers (they pickle)."""
    d = _ball_det(cons, alpha, p)
    (m, e), (rm, re_) = d.mid().man_exp(), d.rad().man_exp()
    return int(m), int(e), int(rm), int(re_)


def _det_cost(N: int, p: int) -> float:
    return float(N) ** 3 * (p / 64) ** 1.6


def _bounded_ball_det(cons: Construction, alpha: Fraction, p: int) -> arb:
    """The ball determinant, in a hard-killed subprocess when it is large (:data:`ISOLATE_COST`)."""
    if _det_cost(cons.N, p) <= ISOLATE_COST or not budget.isolation_available():
        budget.check("the det sweep")
        return _ball_det(cons, alpha, p)
    secs = budget.remaining()
    if secs == float("inf"):
        secs = SWEEP_SECONDS
    m, e, rm, re_ = budget.run_isolated(_ball_det_parts, cons, alpha, p, seconds=secs,
                                        step=f"the det sweep (arb determinant, N = {cons.N}, {p} bits)")
    with Ball(p).scope():
        return arb(arf((m, e)), arf((rm, re_)))


def float64_det(cons: Construction, alpha: Fraction) -> float | None:
    """LAPACK's float64 det E(alpha), the view beside the certified value (no guarantee); None if not finite."""
    with np.errstate(all="ignore"):
        try:
            f64 = float(np.linalg.det(cons.E(alpha, Float())))
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            return None
    return f64 if math.isfinite(f64) else None


def det_point(cons: Construction, alpha: Fraction, prec: int = 128, max_prec: int = 4096,
              views: bool = True) -> DetPoint:
    """det E(alpha) in ball arithmetic, doubling the precision until its sign is certified (or ``max_prec``).

    A work bound reached inside (an enclosing :func:`exactloss.arith.budget.time_limit`) propagates as
    :class:`exactloss.arith.budget.OverBudget` once no precision has been computed; otherwise the last ball is kept.
    """
    p = prec
    d = None
    while True:
        try:
            d = _bounded_ball_det(cons, alpha, p)
        except budget.OverBudget as exc:
            if d is None or (exc.owner is not None and not exc.owner.closed):
                raise  # nothing computed yet, or an enclosing limit expired
            p //= 2  # keep the last ball computed (its sign not certified)
            break
        if not d.contains(0) or p >= max_prec:
            break
        p *= 2
    f64 = m15 = None
    if views:
        f64 = float64_det(cons, alpha)
        if cons.N <= MPMATH_MAX_N:
            M = MP(15)
            E = cons.E(alpha, M)
            with M.scope():
                try:
                    m15 = mpmath.nstr(mpmath.det(mpmath.matrix(E.tolist())), 8)
                except (TypeError, ZeroDivisionError):  # mpmath's LU finds no pivot in an all-zero column
                    m15 = "0"
    return DetPoint(Fraction(alpha), d, p, f64, m15)


def cauchy_log10_abs_det(cons: Construction, alpha: Fraction) -> float:
    """log10 |det E(alpha)| from the bordered Cauchy determinant, in float64 (numerical; sigmoid, tanh; O(N^2)).

    ``log |det E| = sum_j log y_j + sum_{i<k} log(x_k - x_i) + sum_{j<l} log(y_l - y_j) - sum_{i,j} log(x_i + y_j)``
    with ``log x_i = a t_i``, ``log y_j = b + a t_j`` (j < N); tanh: ``a = 2 alpha``, ``b = 2 beta`` and
    ``(N - 1) log 2`` more (:func:`exactloss.paper.lemma_4_3.alpha0.cauchy_alpha0`).
    """
    N = cons.N
    t = np.array([float(x) for x in cons.t_in(MP(30))], dtype=float) if cons.k > 1 else \
        np.array([float(x) for x in cons.proj1], dtype=float)
    a, b = float(alpha), float(cons.beta)
    extra = 0.0
    if cons.info.family == "tanh":
        a, b, extra = 2 * a, 2 * b, (N - 1) * math.log(2.0)
    lx, ly = a * t, b + a * t[:N - 1]
    total = float(ly.sum()) + extra
    for i in range(N):  # row by row: O(N) memory
        dx = a * (t[i] - t[:i])  # > 0
        total += float(np.sum(lx[i] + np.log(-np.expm1(-dx))))
        if i < N - 1:
            total += float(np.sum(ly[i] + np.log(-np.expm1(-dx))))
        total -= float(np.sum(np.logaddexp(lx[i], ly)))
    return total / math.log(10.0)


def float_view_count(N: int, n: int) -> int:
    """How many of n closed-form sweep points also get the O(N^3) float64 LAPACK view (all up to N ~ 1000)."""
    return max(0, min(n, max(3, int(FLOAT_VIEW_WORK // max(N, 1) ** 3))))


def closed_form_point(cons: Construction, alpha: Fraction, sign: int, view: bool = True) -> DetPoint:
    """A sweep point whose sign is the proved closed-form sign and whose magnitude is numerical (no ball)."""
    budget.check("the det sweep")
    f64 = float64_det(cons, alpha) if view else None
    with np.errstate(all="ignore"):
        lg = cauchy_log10_abs_det(cons, alpha)
    return DetPoint(Fraction(alpha), arb(0, math.inf), 0, f64, None, closed_sign=int(sign),
                    log10_numerical=lg if math.isfinite(lg) else None)


def numerical_point(cons: Construction, alpha: Fraction) -> DetPoint:
    """A sweep point from float64 alone (N above :data:`BALL_SWEEP_MAX_N`, no closed-form sign): LAPACK's
    ``slogdet`` of the float64 ``E(alpha)`` gives ``log10 |det|`` and a sign, both **numerical** (no ball: the
    point's sign is not certified, ``certified`` is False)."""
    budget.check("the det sweep")
    with np.errstate(all="ignore"):
        try:
            sgn, logabs = np.linalg.slogdet(cons.E(alpha, Float()))
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            sgn, logabs = 0.0, -math.inf
    lg = float(logabs) / math.log(10.0) if sgn != 0 and math.isfinite(logabs) else None
    f64 = float(sgn) * 10.0 ** lg if lg is not None and -300 < lg < 300 else None
    sign = int(sgn) if lg is not None else None
    return DetPoint(Fraction(alpha), arb(0, math.inf), 0, f64, None,
                    note=f"numerical only: float64 slogdet (N = {cons.N} > {BALL_SWEEP_MAX_N}, no closed-form sign; "
                         "no ball determinant)", log10_numerical=lg, sign_numerical=sign)


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
          views: bool = True, seconds: float = SWEEP_SECONDS, closed_sign: int | None = None) -> list[DetPoint]:
    """det E(alpha) at every alpha of the grid (see :func:`det_point`), within ``seconds`` of CPU time:
    points past the budget are "not computed" (their ``note`` says why), never given a sign.

    Walks the grid from large alpha (well conditioned) to small, starting each point at the precision
    the previous one needed, so the doubling rarely restarts from scratch.

    ``closed_sign``: the sign of det E proved in closed form for every alpha > 0; above
    :data:`BALL_SWEEP_MAX_N` samples it replaces the ball determinants (:func:`closed_form_point`; the module
    docstring says what each point then claims).  At or below that size it is ignored.
    """
    out: dict[Fraction, DetPoint] = {}
    if closed_sign is not None and cons.N > BALL_SWEEP_MAX_N:
        order = sorted(alphas, reverse=True)
        nv = float_view_count(cons.N, len(order)) if views else 0
        with_view = {order[round(i * (len(order) - 1) / max(nv - 1, 1))] for i in range(nv)} if nv else set()
        for a in progress.iterate(order, f"det E(alpha) sweep (closed form), N = {cons.N}"):
            out[a] = closed_form_point(cons, a, closed_sign, a in with_view)
        return [out[a] for a in alphas]
    if closed_sign is None and cons.N > BALL_SWEEP_MAX_N:
        # no closed form and N x N ball LUs at >= 128 bits cost tens of seconds each: float64 views only,
        # labelled numerical (alpha_0 and the witness are certified elsewhere; the sweep is the picture)
        order = sorted(alphas, reverse=True)
        nv = float_view_count(cons.N, len(order)) if views else 0
        with_view = {order[round(i * (len(order) - 1) / max(nv - 1, 1))] for i in range(nv)} if nv else set()
        for a in progress.iterate(order, f"det E(alpha) sweep (float64, numerical), N = {cons.N}"):
            out[a] = numerical_point(cons, a) if a in with_view else _not_computed(
                a, 0, f"N = {cons.N} > {BALL_SWEEP_MAX_N} without a closed-form sign: float64 views at "
                      f"{nv} of {len(order)} points only")
        return [out[a] for a in alphas]
    p = prec
    stop: str | None = None
    try:
        with budget.time_limit(seconds, "the det sweep"):
            for a in progress.iterate(sorted(alphas, reverse=True), f"det E(alpha) sweep, N = {cons.N}"):
                if stop is None:
                    try:
                        pt = det_point(cons, a, p, max_prec, views)
                        out[a] = pt
                        p = max(prec, pt.prec)
                        continue
                    except budget.OverBudget as exc:
                        if exc.owner is not None and not exc.owner.closed and \
                                exc.owner is not budget.current_scope():
                            raise  # an enclosing limit expired: not the sweep's to absorb
                        stop = exc.reason
                out[a] = _not_computed(a, p, stop)
    except budget.Timeout as exc:  # the sweep's own limit fired on exit (a raise swallowed inside)
        if exc.owner is not None and not exc.owner.closed:
            raise
        stop = stop or exc.reason
    for a in alphas:
        if a not in out:
            out[a] = _not_computed(a, p, stop or "the det sweep's budget")
    return [out[a] for a in alphas]


def _not_computed(alpha: Fraction, p: int, why: str) -> DetPoint:
    return DetPoint(Fraction(alpha), arb(0, math.inf), p, None, None, note=f"not computed: {why}")
