"""Lemma 4.3's alpha_0: a number with ``det E(alpha) != 0`` for **every** ``alpha >= alpha_0``.

A sweep over sampled alpha proves nothing between or beyond its points; the
arguments here hold for all larger alpha at once.

**certified, case (a) (bounded sigma, limits mu < gamma).**  Write
``E(alpha) = E_inf + Delta(alpha)``.  Each entry of ``Delta`` is
``sigma(x) - gamma`` (above the diagonal) or ``sigma(x) - mu`` (below), with
``x = alpha (t_j - t_i) + beta``: its modulus is non-increasing in alpha
because sigma is monotone.  ``E_inf^{-1}`` is known in closed form (below), so
with ``K = |E_inf^{-1}|`` and ``T = |Delta(alpha_0)|``:
``rho(E_inf^{-1} Delta(alpha)) <= rho(K |Delta(alpha)|) <= rho(K T)`` for all
``alpha >= alpha_0`` (Perron-Frobenius monotonicity), and
``rho(K T) <= max_i (K T v)_i / v_i`` for any ``v > 0`` (Collatz-Wielandt).  Once
that is certified ``< 1`` in ball arithmetic, ``det(I + E_inf^{-1} Delta) > 0``,
so ``det E(alpha)`` is non-zero with the sign of ``det E_inf = (mu - sigma(beta))^{N-1}``
for every ``alpha >= alpha_0``.  For sigmoid/tanh, ``T`` is bounded by
``C e^{-kappa |x|}`` (``1 - sigmoid(x) = sigmoid(-x) <= e^{-x}``,
``1 - tanh(x) = 2/(1 + e^{2x}) <= 2 e^{-2x}``): ``K T v`` costs O(N).

**certified, case (b) (softplus).**  Scale ``E`` by the positive diagonal
similarity ``e^{-alpha c (t_j - t_i)}`` (``0 < c < s``, s the softplus parameter,
the ones column placed at ``t_N``).  The diagonal stays ``sigma(beta), ..., sigma(beta), 1``;
off-diagonal entries are bounded by ``(alpha (t_j - t_i) + B) e^{-alpha c (t_j - t_i)}`` above
(``sigma(x) <= max(x, 0) + log 2 / s``, ``B = max(beta, 0) + log 2 / s``; non-increasing
once ``alpha >= 1/(c min gap)``), ``e^{s beta}/s e^{-alpha (s - c)(t_i - t_j)}`` below
(``log(1 + y) <= y``) and ``e^{-alpha c (t_N - t_i)}`` in the ones column.  Diagonal
dominance in the Perron-scaled sense (``max (M v)_i / v_i < 1``) at alpha_0 then holds for
all larger alpha: the Leibniz tail of the paper made explicit.

**proved, closed form (sigmoid, tanh; any beta, any layer).**  ``E(alpha)`` is a Cauchy
matrix bordered by ``1_N``; Cauchy's determinant shows ``det E(alpha) != 0`` for every
alpha > 0 (:func:`cauchy_alpha0`).

**proved, exact computation (sigmoid/tanh, rational points, beta = 0).**  det E as a
rational function of ``u = e^{-kappa h alpha}``, its numerator's real roots isolated
exactly: :mod:`exactloss.paper.lemma_4_3.exact_alpha0`.

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> from exactloss.paper.lemma_4_3.construction import build
>>> c = build(np.array([[Q(i)] for i in range(4)], dtype=object), k=1, activation="sigmoid")
>>> r = certify_alpha0(c)
>>> r.level, r.alpha0 > 0
('certified', True)
>>> cauchy_alpha0(c).for_all_positive
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from flint import arb, ctx, fmpq

from exactloss.paper.lemma_4_3.construction import Construction
from exactloss.arith import progress
from exactloss.arith.budget import OverBudget, time_limit
from exactloss.arith.systems import Ball


@dataclass(frozen=True)
class Alpha0:
    """A certificate ``det E(alpha) != 0`` (sign ``sign``) for every ``alpha >= alpha0``.

    ``alpha0`` is an exact rational (``Fraction(0)`` with ``for_all_positive``
    means every alpha > 0); ``alpha0 = None`` means not certified.
    """

    alpha0: Fraction | None
    level: str | None
    argument: str
    sign: int = 0
    for_all_positive: bool = False
    details: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"alpha0": None if self.alpha0 is None else str(self.alpha0), "level": self.level,
                "argument": self.argument, "sign": self.sign, "for_all_positive": self.for_all_positive,
                **self.details}


def arb_of(x: Fraction) -> arb:
    """The rational x as an exact arb ball (radius 0)."""
    return arb(fmpq(x.numerator, x.denominator))


def round_up(x: float, digits: int = 3) -> Fraction:
    """A short decimal rational >= x (``digits`` significant digits)."""
    if x <= 0:
        return Fraction(0)
    e = math.floor(math.log10(x)) - digits + 1
    step = Fraction(10) ** e
    return math.ceil(Fraction(x) / step) * step


# --------------------------------------------------------------------------
# case (a): perturbation of E_inf
# --------------------------------------------------------------------------


def apply_K(w: list, mu: arb, s: arb, g: arb) -> list:
    """``|E_inf^{-1}| w`` in O(N), from the closed form of ``E_inf^{-1}`` (1-based, cc = s - mu, q = (s - g)/cc):

    row 1: ``-mu q^{c-1}/cc`` for c = 1..N-1; row r >= 2: ``1/cc`` at c = r-1 and
    ``-(g - mu)/cc^2 q^{c-r}`` for r <= c <= N-1; the last column makes every row
    sum to ``delta_{r1}`` (the first column of E_inf is 1_N).
    """
    N = len(w)
    cc = s - mu
    G = g - mu
    q = (s - g) / cc
    aq = abs(q)
    geo = [arb(1)]  # geo[m] = sum_{k=0}^{m} q^k
    for _ in range(N):
        geo.append(1 + q * geo[-1])
    S = [arb(0)] * (N + 1)  # S[r] (0-based r) = sum_{c=r}^{N-2} aq^{c-r} w[c]
    for r in range(N - 2, -1, -1):
        S[r] = w[r] + aq * S[r + 1]
    y = []
    last1 = 1 + (mu / cc) * (geo[N - 2] if N >= 2 else arb(0))
    y.append(abs(mu / cc) * S[0] + abs(last1) * w[N - 1])
    for r in range(1, N):  # 0-based row r = paper row r+1
        m = N - 2 - r  # number of terms q^0..q^m in the row's Toeplitz part, minus one
        lastc = -(1 / cc - (G / (cc * cc)) * (geo[m] if m >= 0 else arb(0)))
        y.append(w[r - 1] / cc + (G / (cc * cc)) * S[r] + abs(lastc) * w[N - 1])
    return y


def _T_bounded_exp(t: list, alpha: arb, beta: arb, kappa: int, C: int, v: list) -> list:
    """``T v`` with ``T_{i, j+1} <= C e^{-kappa beta} e^{-kappa alpha (t_j - t_i)}`` (j > i) and
    ``C e^{kappa beta} e^{-kappa alpha (t_i - t_j)}`` (j < i); O(N) by recurrences (no cancellation)."""
    N = len(t)
    f = [(-(kappa * alpha) * (t[i + 1] - t[i])).exp() for i in range(N - 1)]
    U = [arb(0)] * N  # U[i] = sum_{j=i+1}^{N-2} e^{..} v[j+1]  (0-based A column j)
    for i in range(N - 3, -1, -1):
        U[i] = f[i] * (v[i + 2] + U[i + 1])
    Lw = [arb(0)] * N  # Lw[i] = sum_{j<i} e^{..} v[j+1]
    for i in range(1, N):
        Lw[i] = f[i - 1] * (v[i] + Lw[i - 1])
    Cp = C * (-(kappa * beta)).exp()
    Cm = C * (kappa * beta).exp()
    return [Cp * U[i] + Cm * Lw[i] for i in range(N)]


def _T_bounded_full(cons: Construction, t: list, alpha: arb, beta: arb, mu: arb, g: arb, v: list) -> list:
    """``T v`` with T = |Delta(alpha)| evaluated entry by entry in ball arithmetic (any bounded sigma)."""
    N = len(t)
    S = Ball(ctx.prec)
    f = cons.sigma._fn(S, 0)
    out = []
    for i in range(N):
        acc = arb(0)
        for j in range(N - 1):
            if j == i:
                continue
            x = alpha * (t[j] - t[i]) + beta
            val = f(x)
            acc += (g - val if j > i else val - mu) * v[j + 1]
        out.append(acc)
    return out


def _perron_check(apply: Callable[[list], list], N: int, iters: int = 4) -> tuple[bool, float]:
    """Certify ``max_i (M v)_i / v_i < 1`` for a nonnegative operator M and a Perron-like v > 0."""
    v = [arb(1)] * N
    best = math.inf
    for it in range(iters + 1):
        y = apply(v)
        ratio = max(float((yi / vi).upper()) for yi, vi in zip(y, v))
        best = min(best, ratio)
        if all(yi < vi for yi, vi in zip(y, v)):
            return True, ratio
        top = max(float(yi.upper()) for yi in y)
        if not math.isfinite(top) or top <= 0:
            return False, best
        # next v: exact positive dyadics near the Perron iterate
        v = [arb(max(float(yi.mid()) / top, 1e-3)) + arb(1e-6) for yi in y]
        v = [arb(vi.mid()) for vi in v]
    return False, best


def ok_bounded(cons: Construction, alpha: Fraction, prec: int = 128) -> tuple[bool, float]:
    """Case (a): whether ``rho(K T) < 1`` is certified at ``alpha`` (``K = |E_inf^{-1}|``, ``T = |Delta(alpha)|``),
    i.e. ``max_i (K T v)_i / v_i < 1`` for a Perron-like ``v > 0``; returns ``(certified, best ratio)``."""
    S = Ball(prec)
    with S.scope():
        t = list(cons.t_in(S))
        N = len(t)
        mu, g = cons.info.limits_arb()
        be = arb_of(cons.beta)
        s = cons.sigma.scalar(S, cons.beta)
        al = arb_of(alpha)
        fam = cons.info.family
        if fam in ("sigmoid", "tanh"):
            kappa, C = (1, 1) if fam == "sigmoid" else (2, 2)

            def Tv(v):
                return _T_bounded_exp(t, al, be, kappa, C, v)
        else:
            def Tv(v):
                return _T_bounded_full(cons, t, al, be, mu, g, v)
        return _perron_check(lambda v: apply_K(Tv(v), mu, s, g), N)


# --------------------------------------------------------------------------
# case (b): softplus, diagonally scaled dominance
# --------------------------------------------------------------------------


def ok_softplus(cons: Construction, alpha: Fraction, c: Fraction, prec: int = 128) -> tuple[bool, float]:
    """Case (b): whether the diagonally scaled ``E(alpha)`` (similarity ``e^{-alpha c (t_j - t_i)}``) is certified
    dominant at ``alpha`` in the Perron-scaled sense; returns ``(certified, best ratio)``."""
    S = Ball(prec)
    with S.scope():
        t = list(cons.t_in(S))
        N = len(t)
        sp_ = arb_of(cons.info.s_param)
        cA = arb_of(c)
        al = arb_of(alpha)
        be = arb_of(cons.beta)
        s = cons.sigma.scalar(S, cons.beta)
        B = arb_of(max(cons.beta, Fraction(0))) + arb(2).log() / sp_
        Cl = (sp_ * be).exp() / sp_
        delta = [t[i + 1] - t[i] for i in range(N - 1)]
        f = [(-(al * cA) * d).exp() for d in delta]
        fl = [(-(al * (sp_ - cA))) * d for d in delta]
        fl = [x.exp() for x in fl]
        fN = [(-(al * cA) * (t[N - 1] - t[i])).exp() for i in range(N)]

        def apply(v):
            Q = [arb(0)] * N
            R = [arb(0)] * N
            for i in range(N - 3, -1, -1):
                Q[i] = f[i] * (v[i + 1] + Q[i + 1])
                R[i] = f[i] * (delta[i] * v[i + 1] + R[i + 1] + delta[i] * Q[i + 1])
            Lw = [arb(0)] * N
            for i in range(1, N):
                Lw[i] = fl[i - 1] * (v[i - 1] + Lw[i - 1])
            out = []
            for i in range(N):
                acc = al * R[i] + B * Q[i] + Cl * Lw[i]
                if i < N - 1:
                    acc += fN[i] * v[N - 1]
                    out.append(acc / abs(s))
                else:
                    out.append(acc)
            return out

        return _perron_check(apply, N)


# --------------------------------------------------------------------------
# the search
# --------------------------------------------------------------------------


def _min_gap(cons: Construction) -> float:
    """A positive float lower bound on min_i (t_{i+1} - t_i), or 0.0 when none is found.

    The projections are enclosed in balls at 128 bits, escalated up to 4096 bits while a gap's ball still
    reaches 0 (points 1e-39 apart need more than 128 bits); the float is rounded down from the ball's lower end.
    """
    if cons.N <= 1:
        return 1.0
    prec = 128
    while True:
        S = Ball(prec)
        with S.scope():
            t = cons.t_in(S)
            lows = [(t[i + 1] - t[i]).lower() for i in range(len(t) - 1)]
            if all(lo > 0 for lo in lows):
                g = min(float(lo) for lo in lows)
                return math.nextafter(g, 0.0) if g > 0 else 0.0
        if prec >= 4096:
            return 0.0
        prec *= 4


def _search(ok: Callable[[Fraction], bool], start: float, floor: Fraction = Fraction(0),
            steps: int = 12, max_doublings: int = 40) -> Fraction | None:
    """:func:`_bisect`, each trial alpha reported as one step of progress (how many is not known ahead)."""
    with progress.task("certified alpha_0 search (trial alphas)") as trials:
        def counted(al: Fraction) -> bool:
            good = ok(al)
            trials.advance()
            return good

        return _bisect(counted, start, floor, steps, max_doublings)


def _bisect(ok: Callable[[Fraction], bool], start: float, floor: Fraction = Fraction(0),
            steps: int = 12, max_doublings: int = 40) -> Fraction | None:
    """The smallest short rational alpha >= floor found with ok(alpha) (a certificate at that exact alpha)."""
    hi = max(round_up(start, 3), floor) if floor > 0 else round_up(start, 3)
    lo = None
    n = 0
    while not ok(hi):
        lo = hi
        hi = round_up(float(hi) * 2, 3)
        n += 1
        if n > max_doublings:
            return None
    if lo is None:
        lo = hi
        while True:
            cand = round_up(float(lo) / 2, 3)
            if cand <= floor or cand <= 0 or n > max_doublings or not ok(cand):
                lo = max(cand, floor)
                break
            hi = lo = cand
            n += 1
    for _ in range(steps):
        mid = round_up(math.sqrt(float(lo) * float(hi)) if lo > 0 else float(hi) / 2, 3)
        if mid >= hi or mid <= lo:
            break
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


CERTIFY_SECONDS = 20.0  # CPU-time limit of the alpha_0 search (a user sigma costs O(N^2) per trial alpha)


def certify_alpha0(cons: Construction, prec: int = 128, seconds: float = CERTIFY_SECONDS) -> Alpha0:
    """A certified alpha_0 (ball arithmetic; the argument of the module docstring for sigma's case).

    Bounded (issue 11): past ``seconds`` of CPU time, ``Alpha0(None, None, reason)`` -- nothing certified.
    """
    try:
        with time_limit(seconds, "the certified alpha_0 search"):
            return _certify_alpha0(cons, prec)
    except OverBudget as exc:
        if exc.owner is not None and not exc.owner.closed:
            raise  # an enclosing limit expired
        return Alpha0(None, None, f"no alpha_0 certified: {exc.reason}", cons.limit_sign(),
                      details={"over_budget": exc.reason})


def _certify_alpha0(cons: Construction, prec: int = 128) -> Alpha0:
    N = cons.N
    sign = cons.limit_sign()
    if N <= 1:
        return Alpha0(Fraction(0), "proved", "N = 1: E = [1] for every alpha", 1, True)
    if cons.info.family is None and cons.info.assumption_holds is not True:
        # both arguments below rest on sigma being strictly increasing (|Delta(alpha)| non-increasing in
        # alpha); for a user sigma that is only known when Assumption 3.2.2 was decided
        return Alpha0(None, None, "the alpha_0 argument needs sigma strictly increasing (Assumption 3.2.2), which "
                      f"is not proved for {cons.sigma.describe()}: no alpha_0 is certified", sign)
    gmin = _min_gap(cons)
    if not gmin > 0:
        return Alpha0(None, None, "the gaps between the projected points t_i could not be bounded away from 0 "
                      "(balls up to 4096 bits, or below float range): no alpha_0 is certified", sign)
    if cons.case == "a":
        ratios: dict = {}

        def ok(al: Fraction) -> bool:
            good, r = ok_bounded(cons, al, prec)
            ratios[al] = r
            return good

        a0 = _search(ok, 2.0 / gmin)
        if a0 is None:
            return Alpha0(None, None, "perturbation bound never dropped below 1 (precision too low?)", sign)
        fam = cons.info.family
        how = ("T <= C e^{-kappa |x|} (closed form), O(N) recurrences" if fam in ("sigmoid", "tanh")
               else "T = |Delta(alpha_0)| entry by entry in ball arithmetic")
        arg = (f"bounded sigma: |Delta(alpha)| <= |Delta(alpha_0)| entrywise for alpha >= alpha_0 (sigma monotone); "
               f"K = |E_inf^{{-1}}| in closed form; certified rho(K |Delta(alpha_0)|) <= max (K T v)_i/v_i = "
               f"{ratios[a0]:.6g} < 1 (Perron-scaled, {how}, {prec}-bit balls), so det E(alpha) has the sign of "
               f"(mu - sigma(beta))^(N-1) for every alpha >= alpha_0")
        return Alpha0(a0, "certified", arg, sign, details={"perron_ratio": ratios[a0], "prec_bits": prec,
                                                             "min_gap": gmin})
    if cons.info.family != "softplus":
        return Alpha0(None, None, "case (b) certified alpha_0 is implemented for softplus only (its rho-bounds "
                      "are explicit); the sweep is numerical evidence only", sign)
    s = cons.info.s_param
    best: tuple[Fraction, Fraction, float] | None = None
    for theta in (Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 4)):
        c = s * theta
        floor = round_up(1.0 / (float(c) * gmin) * (1 + 1e-9), 3)
        ratios = {}

        def ok(al: Fraction, c=c, ratios=ratios) -> bool:
            good, r = ok_softplus(cons, al, c, prec)
            ratios[al] = r
            return good

        a0 = _search(ok, max(float(floor), 2.0 / gmin), floor)
        if a0 is not None and a0 >= floor and (best is None or a0 < best[0]):
            best = (a0, c, ratios[a0])
    if best is None:
        return Alpha0(None, None, "scaled diagonal dominance not reached", sign)
    a0, c, r = best
    arg = (f"softplus (case b): similarity by e^(-alpha c (t_j - t_i)) with c = {c}; off-diagonal bounds "
           f"(alpha d + B) e^(-alpha c d) above, e^(s beta)/s e^(-alpha (s - c) d) below, e^(-alpha c (t_N - t_i)) "
           f"in the ones column, each non-increasing for alpha >= 1/(c min gap); certified Perron-scaled "
           f"dominance max (M v)_i/v_i = {r:.6g} < 1 at alpha_0, hence for all alpha >= alpha_0, and "
           f"sign det E = sign sigma(beta)^(N-1)")
    return Alpha0(a0, "certified", arg, sign, details={"perron_ratio": r, "c": str(c), "prec_bits": prec,
                                                         "min_gap": gmin})


# --------------------------------------------------------------------------
# proved in closed form: sigmoid / tanh make E(alpha) a bordered Cauchy matrix
# --------------------------------------------------------------------------


def cauchy_alpha0(cons: Construction) -> Alpha0 | None:
    """sigmoid (any beta, any layer k): ``det E(alpha) != 0`` for **every** alpha > 0, in closed form.

    ``sigmoid(alpha (t_j - t_i) + beta) = y_j / (x_i + y_j)`` with ``x_i = e^{alpha t_i}``,
    ``y_j = e^{beta + alpha t_j}``, so ``E = [1_N, A]`` is a Cauchy matrix bordered by the ones column (the
    limit of one more column ``y/(x_i + y)`` as ``y -> infinity``).  Cauchy's determinant then gives
    ``det E = (-1)^{N-1} prod_j y_j prod_{i<k} (x_k - x_i) prod_{j<l} (y_l - y_j) / prod_{i,j} (x_i + y_j)``,
    non-zero with sign ``(-1)^{N-1}`` since ``t_1 < ... < t_N`` makes x and y strictly increasing and
    positive.  tanh: ``tanh(z) = 2 sigmoid(2 z) - 1``; subtracting 1_N from the other columns gives
    ``det E = 2^{N-1} det [1_N, sigmoid(2 alpha (t_j - t_i) + 2 beta)]``.  (The bordered identity is
    checked with SymPy for N <= 3 and numerically beyond in tests/paper/lemma_4_3/test_alpha0.py.)
    """
    if cons.info.family not in ("sigmoid", "tanh") or cons.case != "a":
        return None
    sign = cons.limit_sign()
    if sign != (-1) ** (cons.N - 1):  # pragma: no cover - (mu - sigma(beta))^{N-1} has this sign
        return None
    red = "" if cons.info.family == "sigmoid" else ("tanh(z) = 2 sigmoid(2z) - 1 and column operations with 1_N "
                                                    "reduce to sigmoid at (2 alpha, 2 beta); ")
    arg = (red + "sigmoid(alpha (t_j - t_i) + beta) = y_j/(x_i + y_j) with x_i = e^(alpha t_i), y_j = "
           "e^(beta + alpha t_j): E(alpha) = [1_N, A] is a Cauchy matrix bordered by 1_N and det E = (-1)^(N-1) "
           "prod y_j prod_{i<k}(x_k - x_i) prod_{j<l}(y_l - y_j) / prod (x_i + y_j) (Cauchy's determinant), "
           "non-zero with sign (-1)^(N-1) for every alpha > 0 because t_1 < ... < t_N (proved)")
    return Alpha0(Fraction(0), "proved", arg, sign, True, details={"route": "bordered Cauchy determinant"})


