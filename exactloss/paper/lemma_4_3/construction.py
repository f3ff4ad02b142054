"""Lemma 4.3: the construction of parameters with ``rank([F_k, 1_N]) = N``.

Contract.  :func:`build` turns data ``X`` (N x d, exact rationals), widths
and a layer ``k`` with ``n_k >= N - 1`` into a :class:`Construction`:

* layers ``1..k-1`` carry one informative unit each: ``W_1`` has first column
  ``a_1`` (a small-integer direction with pairwise distinct projections
  ``x_i^T a_1``, found by search and *proved* distinct with exact rationals),
  later layers pass the first unit on through an affine rescaling with a
  positive factor; every other unit has weight 0 and bias 0.  Because sigma is
  strictly increasing (Assumption 3.2.2) the first column of every ``F_p``
  is strictly increasing in the sample order: ``F_p`` keeps distinct rows;
* at layer ``k`` the direction ``a`` (``a_1`` if ``k = 1``, else ``e_1``)
  gives strictly increasing projections ``t_1 < ... < t_N`` (samples
  reordered), and units ``j = 1..N-1`` get ``w_j = -alpha a``,
  ``v_j = alpha t_j + beta``; the remaining units get ``w = 0, v = 0``;
* ``A(alpha)_ij = sigma(alpha (t_j - t_i) + beta)`` and ``E(alpha) = [1_N, A]``
  (sigma bounded, case (a)) or ``[A, 1_N]`` (case (b), e.g. softplus), with
  ``det E(alpha) -> (mu - sigma(beta))^{N-1}`` resp. ``sigma(beta)^{N-1}``.

sigma's case and limits come from :mod:`exactloss.paper.lemma_4_3.sigma`, the direction ``a_1`` from
:mod:`exactloss.paper.lemma_4_3.directions`.  The certified ``alpha_0`` is in
:mod:`exactloss.paper.lemma_4_3.alpha0`; the check that assembles everything is
:func:`exactloss.paper.lemma_4_3.replay.lemma_4_3`.

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> X = np.array([[Q(0)], [Q(2)], [Q(1)]], dtype=object)
>>> c = build(X, widths=(1, 2), k=1, activation="sigmoid")
>>> c.order, [str(t) for t in c.t_exact], c.case
((0, 2, 1), ['0', '1', '2'], 'a')
>>> str(c.det_limit_exact())
'1/4'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import numpy as np
import sympy as sp
from flint import arb

from exactloss.arith.functions import T, ScalarFunction
from exactloss.arith.systems import MP, Ball, Float, NumberSystem, rational_matrix, system as _system
from exactloss.errors import AssumptionError, DataError, InputError
from exactloss.net.network import Network, Parameters, duplicate_rows, parse_widths
from exactloss.paper.lemma_4_3.directions import choose_direction
from exactloss.paper.lemma_4_3.sigma import SigmaInfo, classify

def _check_data(X: Any) -> np.ndarray:
    Xs = X if isinstance(X, np.ndarray) and X.dtype == object and all(isinstance(v, Fraction) for v in X.flat) \
        else rational_matrix(X, "X")
    if Xs.ndim != 2 or Xs.shape[0] < 1:
        raise InputError(f"X must be an N x d matrix with N >= 1, got shape {Xs.shape}")
    dups = duplicate_rows(Xs)
    if dups:
        i, j = dups[0]
        more = f" (and {len(dups) - 1} more pair(s))" if len(dups) > 1 else ""
        raise DataError(f"Assumption 3.2.1 fails: samples {i} and {j} (0-based rows) are identical{more}; "
                        "remove duplicate rows")
    return Xs


@dataclass(frozen=True, eq=False)
class Construction:
    """Lemma 4.3's family for one instance; ``order[i]`` is the data row of the i-th sorted sample."""

    X: np.ndarray
    widths: tuple[int, ...]
    k: int
    info: SigmaInfo
    beta: Fraction
    a1: tuple[int, ...]
    direction_how: str
    order: tuple[int, ...]
    proj1: tuple[Fraction, ...]  # x_i^T a_1 (layer-1 projections, sorted order)
    rescale: tuple[tuple[Fraction, Fraction], ...] = ()  # layers 2..k-1 ... and k: (c_p, m_p) of the first unit
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def N(self) -> int:
        return self.X.shape[0]

    @property
    def case(self) -> str:
        return self.info.case

    @property
    def sigma(self) -> ScalarFunction:
        return self.info.sigma

    @property
    def exact_points(self) -> bool:
        """k = 1: the points t_i are rationals (the exact route is possible)."""
        return self.k == 1

    @property
    def t_exact(self) -> tuple[Fraction, ...]:
        if not self.exact_points:
            raise InputError("the projections at layer k > 1 are transcendental; use t_in(Ball(...))")
        return self.proj1

    @property
    def direction(self) -> tuple[int, ...]:
        """The direction a used at layer k (a_1 for k = 1, e_1 otherwise)."""
        if self.k == 1:
            return self.a1
        return (1,) + (0,) * (self.widths[self.k - 1] - 1)

    def t_in(self, S: NumberSystem) -> np.ndarray:
        """The sorted projections ``t_i = z_i^T a`` at layer k, in system S.

        k = 1: ``t = X a_1``.  k > 1: the first unit of layers 1..k-1,
        ``t <- sigma(c_p (t - m_p))`` for p = 1..k-1 (with ``c_1 (t - m_1)`` the
        scaled layer-1 projection), which keeps the order since ``c_p > 0`` and
        sigma is strictly increasing.
        """
        key = ("t", S.name, getattr(S, "prec", getattr(S, "dps", 0)))
        if key in self._cache:
            return self._cache[key]
        t = S.array(np.array(self.proj1, dtype=object))
        if self.k > 1:
            with S.scope():
                for c, m in self.rescale:
                    cS, mS = S.scalar(c), S.scalar(m)
                    t = self.sigma.value(S, (t - mS) * cS)
        self._cache[key] = t
        return t

    # -- the family -------------------------------------------------------
    def E(self, alpha: Any, S: NumberSystem | str) -> np.ndarray:
        """``E(alpha)``: ``[1_N, A(alpha)]`` (case a) or ``[A(alpha), 1_N]`` (case b), as an N x N array in S."""
        S = _system(S)
        N = self.N
        if isinstance(S, Float):
            t = np.array([float(x) for x in self.t_in(MP(30))], dtype=float) if self.k > 1 else \
                np.array([float(x) for x in self.proj1], dtype=float)
            X = float(alpha) * (t[None, :N - 1] - t[:, None]) + float(self.beta)
            A = np.asarray(self.sigma._fn(S, 0)(X), dtype=float).reshape(N, N - 1)
            one = np.ones((N, 1))
            return np.hstack([one, A]) if self.case == "a" else np.hstack([A, one])
        t = self.t_in(S)
        with S.scope():
            al, be = S.scalar(alpha) if not S.owns(alpha) else alpha, S.scalar(self.beta)
            A = np.empty((N, N - 1), dtype=object)
            f = self.sigma._fn(S, 0)
            fast = isinstance(S, Ball) and self.info.family in ("sigmoid", "tanh")
            if isinstance(S, Ball) and self.info.family == "softplus":
                # softplus(x) = log1p(e^{s x}) / s with e^{s x} = e^{s (alpha t_j + beta)} e^{-s alpha t_i}
                sp_ = S.scalar(self.info.s_param)
                em = [(sp_ * (al * x + be)).exp() for x in t[:N - 1]]
                ep = [(-(sp_ * al) * x).exp() for x in t]
                for i in range(N):
                    for j in range(N - 1):
                        A[i, j] = (em[j] * ep[i]).log1p() / sp_
            elif isinstance(S, MP) and self.info.family == "softplus":
                # log1p here too: log(1 + e^{s x}) in 15 digits is exactly 0 once s x < -35 (beta = -1000)
                sp_ = S.scalar(self.info.s_param)
                for i in range(N):
                    for j in range(N - 1):
                        A[i, j] = mpmath.log1p(mpmath.exp(sp_ * (al * (t[j] - t[i]) + be))) / sp_
            elif fast:
                # sigmoid(x) = 1/(1 + e^{-x}), tanh(x) = (1 - e^{-2x})/(1 + e^{-2x}); e^{-kappa alpha (t_j - t_i)}
                # as the product e^{-kappa alpha t_j} e^{kappa alpha t_i} (no cancellation in products)
                kap = 1 if self.info.family == "sigmoid" else 2
                em = [(-(al * kap) * x - be * kap).exp() for x in t[:N - 1]]
                ep = [((al * kap) * x).exp() for x in t]
                for i in range(N):
                    for j in range(N - 1):
                        e = em[j] * ep[i]
                        A[i, j] = 1 / (1 + e) if kap == 1 else (1 - e) / (1 + e)
            else:
                for i in range(N):
                    for j in range(N - 1):
                        A[i, j] = f(al * (t[j] - t[i]) + be)
            one = np.empty((N, 1), dtype=object)
            one[:, 0] = S.scalar(1)
        return np.concatenate([one, A], axis=1) if self.case == "a" else np.concatenate([A, one], axis=1)

    def sigma_beta(self, S: NumberSystem) -> Any:
        return self.sigma.scalar(S, self.beta)

    def det_limit_exact(self) -> sp.Expr:
        """``lim det E(alpha)``: ``(mu - sigma(beta))^{N-1}`` (case a) or ``sigma(beta)^{N-1}`` (case b), SymPy."""
        sb = self.sigma.expr.xreplace({T: sp.Rational(self.beta.numerator, self.beta.denominator)})
        base = (self.info.mu - sb) if self.case == "a" else sb
        return base ** (self.N - 1)

    def det_limit(self, S: Ball) -> arb:
        """The limit as a ball."""
        with S.scope():
            sb = self.sigma_beta(S)
            if self.case == "a":
                mu, _ = self.info.limits_arb()
                base = mu - sb
            else:
                base = sb
            return base ** (self.N - 1)

    LIMIT_MAX_PREC = 16384

    def limit_certified(self) -> tuple[arb, int, str]:
        """``lim det E`` as a ball, its sign (0 = unknown) and how the sign is known (``"proved: ..."``,
        ``"certified ..."``).

        The ball is computed at 128 bits, doubled up to ``LIMIT_MAX_PREC`` while
        it contains 0 (``mu - sigma(beta)`` cancels when beta is far left:
        ``tanh(-1000) + 1 ~ 2 e^{-2000}``).  If arb still cannot tell, the sign
        follows from Assumption 3.2.2 when that is known to hold: sigma strictly
        increasing with ``inf sigma = mu`` (case a) or ``0`` (case b) gives
        ``sigma(beta) > mu`` resp. ``sigma(beta) > 0``, so
        ``(mu - sigma(beta))^{N-1}`` has the sign ``(-1)^{N-1}`` and
        ``sigma(beta)^{N-1} > 0`` (Lemma 4.3's proof).
        """
        if "limit" in self._cache:
            return self._cache["limit"]
        p = 128
        while True:
            v = self.det_limit(Ball(p))
            if v > 0 or v < 0 or p >= self.LIMIT_MAX_PREC:
                break
            p *= 2
        if v > 0 or v < 0:
            out = (v, 1 if v > 0 else -1, f"certified by ball arithmetic at {p} bits")
        elif self.info.assumption_holds is True:
            lim = "mu" if self.case == "a" else "0"
            out = (v, (-1) ** (self.N - 1) if self.case == "a" else 1,
                   f"proved: sigma strictly increasing with inf sigma = {lim} (Assumption 3.2.2, "
                   f"{self.info.assumption}) gives sigma(beta) > {lim}; arb could not separate it from 0 at "
                   f"{p} bits")
        else:
            out = (v, 0, f"not certified non-zero up to {p} bits")
        self._cache["limit"] = out
        return out

    def limit_sign(self) -> int:
        """The sign of ``lim det E(alpha)`` (see :meth:`limit_certified`); refuses when it is not known."""
        _, sgn, how = self.limit_certified()
        if sgn:
            return sgn
        what = "mu - sigma(beta)" if self.case == "a" else "sigma(beta)"
        raise AssumptionError(f"lim det E(alpha) = ({what})^(N-1) at beta = {self.beta} is {how}, and Assumption "
                              f"3.2.2 (which would give its sign) is not proved for {self.sigma.describe()}; "
                              "choose a --beta nearer 0")

    # -- the witness ------------------------------------------------------
    def parameters(self, alpha: Fraction) -> Parameters:
        """Lemma 4.3's parameters ``(W_l, b_l)_{l <= k}`` at ``alpha`` (exact rationals).

        For k > 1 the biases ``alpha t_j + beta`` use rational approximations (within
        ~1e-12) of the transcendental ``t_j``: the witness is certified on its own.
        """
        alpha = Fraction(alpha)
        ws = self.widths
        Ws, bs = [], []
        for p in range(1, self.k):
            W = np.full((ws[p - 1], ws[p]), Fraction(0), dtype=object)
            b = np.full(ws[p], Fraction(0), dtype=object)
            c, m = self.rescale[p - 1]
            if p == 1:
                for r, a in enumerate(self.a1):
                    W[r, 0] = Fraction(a) * c
            else:
                W[0, 0] = c
            b[0] = -c * m
            Ws.append(W)
            bs.append(b)
        a = self.direction
        nk = ws[self.k]
        W = np.full((ws[self.k - 1], nk), Fraction(0), dtype=object)
        b = np.full(nk, Fraction(0), dtype=object)
        if self.k == 1:
            tj = list(self.proj1)
        else:
            with Ball(128).scope():
                tj = [_dyadic(x).limit_denominator(10**12) for x in self.t_in(Ball(128))]
        column = [(r, -alpha * Fraction(ar)) for r, ar in enumerate(a) if ar]  # the zeros stay Fraction(0)
        for j in range(self.N - 1):
            for r, w in column:
                W[r, j] = w
            b[j] = alpha * tj[j] + self.beta
        Ws.append(W)
        bs.append(b)
        return Parameters(tuple(Ws), tuple(bs))

    def network(self) -> Network:
        return Network(self.widths[: self.k + 1], self.sigma)

    def describe(self) -> dict:
        return {"samples": self.N, "dim": int(self.X.shape[1]), "widths": list(self.widths), "layer": self.k,
                "activation": self.sigma.describe(), "case": self.case, "beta": str(self.beta)}


def _dyadic(x: arb) -> Fraction:
    m = x.mid()
    man, exp = m.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man) * (Fraction(2) ** exp)


def build(X: Any, widths: Sequence[int] | str | None = None, k: int = 1, activation: Any = "sigmoid",
          beta: Any = None, seed: int = 0) -> Construction:
    """Lemma 4.3's construction for data X at layer k (see the module docstring).

    Raises DataError (duplicate samples, NaN/inf), AssumptionError (``n_k < N - 1``,
    non-analytic / non-monotone / linear sigma, ``sigma(beta) = 0`` in case (b)).
    """
    Xs = _check_data(X)
    N, d = Xs.shape
    ws = parse_widths(widths) if widths is not None else (d, max(N - 1, 1))
    if ws[0] != d:
        raise InputError(f"widths start with n_0 = {ws[0]} but the data have d = {d} columns; make n_0 = {d}")
    L = len(ws) - 1
    k = int(k)
    if not 1 <= k <= L:
        raise InputError(f"layer k = {k} is outside 1..L = 1..{L} for widths {','.join(map(str, ws))}")
    if ws[k] < N - 1:
        raise AssumptionError(f"Lemma 4.3 needs n_k >= N - 1: layer {k} has width n_{k} = {ws[k]} but N = {N} "
                              f"samples need at least {N - 1} units; use --widths with n_{k} >= {N - 1}")
    info = classify(activation)
    user_beta = beta is not None
    b = rational_matrix([beta if user_beta else 0], "beta", ndim=1)[0]
    if info.case == "b":
        b = nonzero_sigma_beta(info.sigma, b, user_beta)
    a1, how = choose_direction(Xs, seed)
    proj = [sum((Fraction(ai) * x for ai, x in zip(a1, row)), Fraction(0)) for row in Xs]
    order = tuple(sorted(range(N), key=lambda i: proj[i]))
    proj_sorted = tuple(proj[i] for i in order)
    rescale: list[tuple[Fraction, Fraction]] = []
    if k > 1:
        # keep every layer's first unit in [-1, 1] before sigma: c_p (t - m_p) with c_p > 0
        lo, hi = proj_sorted[0], proj_sorted[-1]
        span = hi - lo if hi > lo else Fraction(1)
        rescale.append((2 / span, (lo + hi) / 2))
        S = Ball(128)
        t = S.array(np.array([(x - (lo + hi) / 2) * 2 / span for x in proj_sorted], dtype=object))
        for _ in range(2, k):
            t = info.sigma.value(S, t)
            lo_b, hi_b = _dyadic(t[0]), _dyadic(t[-1])
            sp_ = hi_b - lo_b if hi_b > lo_b else Fraction(1)
            c = _short(2 / sp_)
            m = _short((lo_b + hi_b) / 2)
            rescale.append((c, m))
            with S.scope():
                t = (t - S.scalar(m)) * S.scalar(c)
        rescale_adj = [(c, m) for c, m in rescale]
    else:
        rescale_adj = []
    cons = Construction(Xs, ws, k, info, b, tuple(a1), how, order, proj_sorted, tuple(rescale_adj))
    cons.limit_sign()  # certified non-zero limit (raises otherwise)
    if k > 1:
        t = cons.t_in(Ball(128))
        if not all(t[i + 1] > t[i] for i in range(N - 1)):  # pragma: no cover - monotone sigma guarantees it
            raise AssumptionError("the layer-k projections are not certified strictly increasing")
    return cons


def _short(q: Fraction) -> Fraction:
    """A short rational close to q (the exact value does not matter, only that it is positive and exact)."""
    return Fraction(q).limit_denominator(1 << 20) or Fraction(1, 1 << 20)


def nonzero_sigma_beta(sigma: ScalarFunction, beta: Fraction, user_beta: bool) -> Fraction:
    """Case (b) needs ``sigma(beta) != 0``: certify it; refuse a user's beta, or pick another default."""
    S = Ball(128)
    candidates = [beta] if user_beta else [beta, Fraction(1), Fraction(2), Fraction(-1)]
    for b in candidates:
        with S.scope():
            v = sigma.scalar(S, b)
        if v != 0 and not v.contains(0):
            return b
        if user_beta:
            raise AssumptionError(f"case (b) of Lemma 4.3 needs sigma(beta) != 0, but sigma({b}) = "
                                  f"{v.str(5)} is not certified non-zero; pick another --beta (e.g. 1)")
    raise AssumptionError("case (b) of Lemma 4.3 needs sigma(beta) != 0 and none of beta = 0, 1, 2, -1 works; "
                          "give --beta with sigma(beta) != 0")
