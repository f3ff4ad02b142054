"""Helpers of the float path's tests: exact references (ranks and sigma_min bounds of float matrices, re-checked
in exact rational arithmetic with python-flint ``fmpq_mat``, sharing no code with :mod:`exactloss.floatpath`)
and seeded float64 instances."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from flint import fmpq, fmpq_mat

from exactloss import Network, Parameters
from exactloss.floatpath.certificates import FloatCertificate


def fr(M: np.ndarray) -> list[list[Fraction]]:
    return [[Fraction(float(x)) for x in row] for row in np.atleast_2d(M)]


def exact_rank(M: np.ndarray) -> int:
    """The exact rank of a float matrix read as binary rationals."""
    rows = fr(M)
    return int(fmpq_mat(len(rows), len(rows[0]), [fmpq(x.numerator, x.denominator) for r in rows for x in r]).rank())


def sigma_min_at_least(M: np.ndarray, s: float) -> bool:
    """Exactly: sigma_min(M) >= s for an N x n float matrix (N <= n), i.e. M M^T - s^2 I is positive
    semidefinite; checked as positive definiteness of M M^T - (s (1 - 2^-40))^2 I by its leading
    principal minors in exact rationals (a hair below s, so that sigma_min = s exactly also passes)."""
    rows = fr(M if M.shape[0] <= M.shape[1] else M.T)
    N = len(rows)
    t = Fraction(s) * (1 - Fraction(1, 2**40))
    G = [[sum(a * b for a, b in zip(rows[i], rows[j])) - (t * t if i == j else 0) for j in range(N)]
         for i in range(N)]
    for r in range(1, N + 1):
        m = fmpq_mat(r, r, [fmpq(G[i][j].numerator, G[i][j].denominator) for i in range(r) for j in range(r)])
        if m.det() <= 0:
            return False
    return True


def sound(c: FloatCertificate, M: np.ndarray, dps: int = 60) -> None:
    """A certificate must be true of the float matrix: full rank and a valid sigma_min lower bound (both
    checked in exact rational arithmetic; ``dps`` is unused, kept for the callers)."""
    if c.level == "certified" and c.full:
        assert exact_rank(M) == min(M.shape)
        assert c.sigma_min_lower is not None and c.sigma_min_lower > 0
        assert sigma_min_at_least(M, c.sigma_min_lower)


def float_net(widths, activation="sigmoid", seed=0, N=9):
    """A network with seeded standard-normal float64 parameters, data X and targets Y in [0.1, 0.9]."""
    net = Network(widths, activation)
    rng = np.random.default_rng(seed)
    P = Parameters(tuple(rng.standard_normal((widths[k - 1], widths[k])) for k in range(1, len(widths))),
                   tuple(rng.standard_normal(widths[k]) for k in range(1, len(widths))))
    X = rng.standard_normal((N, widths[0]))
    Y = rng.uniform(0.1, 0.9, size=(N, widths[-1]))
    return net, P, X, Y
