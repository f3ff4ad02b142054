"""exactloss.paper.lemma_4_3.alpha0: the certified and proved alpha_0, re-checked independently at 3x the precision."""

from fractions import Fraction as Q

import mpmath
import numpy as np
import pytest
from flint import arb, ctx, fmpq, fmpq_mat
from hypothesis import given, settings, strategies as st

from exactloss.paper.lemma_4_3.alpha0 import apply_K, ok_bounded, ok_softplus, certify_alpha0, round_up
from exactloss.paper.lemma_4_3.construction import build
from exactloss.arith.systems import Ball, MP


def col(xs):
    return np.array([[Q(x)] for x in xs], dtype=object)


def mp_det_sign(cons, alpha, dps):
    """An independent high-precision evaluation: mpmath at ``dps`` digits (numerical, a cross-check)."""
    M = MP(dps)
    E = cons.E(alpha, M)
    with M.scope():
        d = mpmath.det(mpmath.matrix(E.tolist()))
        return (d > 0) - (d < 0), d


def ball_det_sign(cons, alpha, prec):
    S = Ball(prec)
    E = cons.E(alpha, S)
    from flint import arb_mat

    with S.scope():
        d = arb_mat(E.tolist()).det()
    return 1 if d > 0 else (-1 if d < 0 else 0)


# ---- the closed form of E_inf^{-1} ---------------------------------------------

@given(st.integers(2, 7), st.fractions(-3, 3, max_denominator=5), st.fractions(Q(1, 5), 2, max_denominator=5),
       st.fractions(Q(1, 5), 2, max_denominator=5))
def test_apply_K_is_abs_inverse(N, mu, ds, dg):
    s, g = mu + ds, mu + ds + dg  # mu < s < g
    E = fmpq_mat(N, N)
    for i in range(N):
        E[i, 0] = 1
        for j in range(1, N):
            E[i, j] = fmpq((g if j > i + 1 else s if j == i + 1 else mu).numerator,
                           (g if j > i + 1 else s if j == i + 1 else mu).denominator)
    Einv = E.inv()
    w = [Q(k + 1, 3) for k in range(N)]
    ctx.prec = 128
    try:
        y = apply_K([arb(fmpq(x.numerator, x.denominator)) for x in w],
                     *(arb(fmpq(v.numerator, v.denominator)) for v in (mu, s, g)))
        ctx.prec = 1024  # the exact value as a (much) thinner ball
        for r in range(N):
            exact = sum((abs(Einv[r, c]) * fmpq(w[c].numerator, w[c].denominator) for c in range(N)), fmpq(0))
            assert y[r].contains(arb(exact))
    finally:
        ctx.prec = 53


# ---- certified alpha_0: every claim re-checked at 3x the precision ----------------

def recheck(cons, a0, extra=()):
    """det E(alpha) has the limit's sign at alpha_0 and beyond: arb at 384 bits and mpmath at 116 digits
    (3x the 128-bit certificate), and the certificate itself redone at 384 bits."""
    sign = cons.limit_sign()
    for al in (a0, a0 * Q(3, 2), a0 * 4, a0 * 20, *extra):
        assert ball_det_sign(cons, al, 384) == sign
        s, _ = mp_det_sign(cons, al, 116)
        assert s == sign


@pytest.mark.parametrize("act,xs", [("sigmoid", range(6)), ("tanh", [0, 1, 5, 6, 9]), ("softplus", range(5)),
                                    ("atan(t)", [0, 2, 3])])
def test_certified_alpha0_rechecked(act, xs):
    c = build(col(xs), activation=act)
    r = certify_alpha0(c)
    assert r.level == "certified" and r.alpha0 > 0 and r.sign == c.limit_sign()
    recheck(c, r.alpha0)
    if c.case == "a":
        assert ok_bounded(c, r.alpha0, 384)[0]
    else:
        assert ok_softplus(c, r.alpha0, Q(r.details["c"]), 384)[0]


points_1d = st.lists(st.integers(-6, 6), min_size=2, max_size=6, unique=True)
points_3d = st.lists(st.tuples(st.integers(-2, 2), st.integers(-2, 2), st.integers(-2, 2)), min_size=2,
                     max_size=6, unique=True)


@settings(deadline=None)
@given(st.one_of(points_1d.map(lambda p: [[v] for v in p]), points_3d.map(lambda p: [list(v) for v in p])),
       st.sampled_from(["sigmoid", "tanh", "softplus"]),
       st.sampled_from([None, "1/2", "-1"]))
def test_certificate_property_3x_precision(rows, act, beta):
    X = np.array([[Q(v) for v in r] for r in rows], dtype=object)
    c = build(X, activation=act, beta=beta)
    r = certify_alpha0(c)
    assert r.alpha0 is not None and r.level == "certified"
    recheck(c, r.alpha0)


def test_round_up():
    assert round_up(1.2341, 3) == Q(1240, 1000)
    assert round_up(0.0, 3) == 0
    assert round_up(123.0, 3) == 123


def test_N1_and_N2():
    r1 = certify_alpha0(build(col([5]), widths="1,1"))
    assert r1.alpha0 == 0 and r1.level == "proved"
    c2 = build(col([0, 1]))
    r2 = certify_alpha0(c2)
    assert r2.level == "certified"
    assert ball_det_sign(c2, r2.alpha0, 384) == c2.limit_sign()


# ---- the closed form (bordered Cauchy determinant) ---------------------------------

def test_bordered_cauchy_identity_symbolic():
    import sympy as sp

    for N in (2, 3):
        x = sp.symbols(f"x1:{N + 1}", positive=True)
        y = sp.symbols(f"y1:{N}", positive=True)
        E = sp.Matrix(N, N, lambda i, j: 1 if j == 0 else y[j - 1] / (x[i] + y[j - 1]))
        rhs = (-1) ** (N - 1) * sp.prod(y) * sp.prod([x[k] - x[i] for i in range(N) for k in range(i + 1, N)]) \
            * sp.prod([y[l] - y[j] for j in range(N - 1) for l in range(j + 1, N - 1)]) \
            / sp.prod([x[i] + y[j] for i in range(N) for j in range(N - 1)])
        assert sp.simplify(sp.together(E.det() - rhs)) == 0


@pytest.mark.parametrize("act,beta", [("sigmoid", None), ("sigmoid", "3/2"), ("tanh", "-1/2")])
def test_bordered_cauchy_numeric(act, beta):
    """The closed form equals det E(alpha) (mpmath, 60 digits) at small and large alpha."""
    from exactloss.paper.lemma_4_3.alpha0 import cauchy_alpha0

    xs = [0, 1, 2, 5, 6, 9, 10, 14]
    c = build(col(xs), activation=act, beta=beta)
    assert cauchy_alpha0(c).for_all_positive
    N = len(xs)
    with mpmath.workdps(60):
        for al in (Q(1, 50), Q(1, 2), Q(3)):
            k = 1 if act == "sigmoid" else 2
            a = mpmath.mpf(al.numerator) / al.denominator * k
            b = (mpmath.mpf(c.beta.numerator) / c.beta.denominator) * k
            x = [mpmath.exp(a * t) for t in xs]
            y = [mpmath.exp(b + a * t) for t in xs[:-1]]
            closed = (-1) ** (N - 1) * mpmath.fprod(y) * mpmath.fprod(
                [x[kk] - x[i] for i in range(N) for kk in range(i + 1, N)]) * mpmath.fprod(
                [y[l] - y[j] for j in range(N - 1) for l in range(j + 1, N - 1)]) / mpmath.fprod(
                [x[i] + y[j] for i in range(N) for j in range(N - 1)])
            if act == "tanh":
                closed *= 2 ** (N - 1)
            _, d = mp_det_sign(c, al, 60)
            assert abs(d - closed) <= mpmath.mpf(10) ** -40 * abs(closed)
