"""The closed-form witness at layer k > 1 (bordered Cauchy determinant), re-checked independently in mpmath.

The independent check shares no code with exactloss: it runs the forward pass of the given parameters in mpmath at
80 digits, takes det [1_N, (F_k)_{:, 1..N-1}], and compares it with Cauchy's formula in x_i = e^{alpha t_i},
y_j = e^{b_j}.  Adversarial families are built so that the statement fails (two equal columns, equal inputs t_i)
or so that the closed form does not apply (a second non-zero row).  Nothing may be proved for them.
"""

from __future__ import annotations

from fractions import Fraction as Q

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactloss.net.network import Parameters
from exactloss.paper.lemma_4_3.cauchy_witness import cauchy_witness
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.replay import lemma_4_3

DPS = 80


def _sigma(name):
    return (lambda z: 1 / (1 + mpmath.exp(-z))) if name == "sigmoid" else mpmath.tanh


def _forward_mp(X, P, k, name):
    s = _sigma(name)
    F = [[mpmath.mpf(x.numerator) / x.denominator for x in row] for row in X]
    for W, b in zip(P.W[:k], P.b[:k]):
        W = [[mpmath.mpf(Q(x).numerator) / Q(x).denominator for x in r] for r in W]
        b = [mpmath.mpf(Q(x).numerator) / Q(x).denominator for x in b]
        F = [[s(mpmath.fsum(F[i][r] * W[r][j] for r in range(len(W))) + b[j]) for j in range(len(b))]
             for i in range(len(F))]
    return F


def _recheck(cons, alpha, P, name):
    """det [1_N, F_k[:, :N-1]] in mpmath and Cauchy's formula in x_i = e^{kap alpha t_i}, y_j = e^{kap b_j}."""
    N, k = cons.N, cons.k
    with mpmath.workdps(DPS):
        F = _forward_mp(cons.X, P, k, name)
        E = mpmath.matrix([[1] + F[i][: N - 1] for i in range(N)])
        try:
            det = mpmath.det(E)
        except (ZeroDivisionError, TypeError):  # mpmath's LU finds no pivot: exactly singular at DPS digits
            det = mpmath.mpf(0)
        t = [row[0] for row in _forward_mp(cons.X, P, k - 1, name)]
        kap = 1 if name == "sigmoid" else 2
        al = mpmath.mpf(alpha.numerator) / alpha.denominator
        bk = [mpmath.mpf(Q(v).numerator) / Q(v).denominator for v in P.b[k - 1][: N - 1]]
        x = [mpmath.exp(kap * al * ti) for ti in t]
        y = [mpmath.exp(kap * bj) for bj in bk]
        f = (-1) ** (N - 1) * mpmath.fprod(y)
        for i in range(N):
            for l in range(i + 1, N):
                f *= x[l] - x[i]
        for j in range(N - 1):
            for l in range(j + 1, N - 1):
                f *= y[l] - y[j]
        for i in range(N):
            for j in range(N - 1):
                f /= x[i] + y[j]
        if name == "tanh":
            f *= mpmath.mpf(2) ** (N - 1)  # tanh = 2 sigmoid(2z) - 1, then column operations with 1_N
        return det, f


@settings(max_examples=25, deadline=None)
@given(N=st.integers(2, 6), k=st.integers(2, 3), name=st.sampled_from(["sigmoid", "tanh"]),
       alpha=st.fractions(Q(1, 4), Q(6)).filter(lambda a: a > 0), seed=st.integers(0, 10**6))
def test_proved_witness_survives_mpmath(N, k, name, alpha, seed):
    rng = np.random.default_rng(seed)
    pts = rng.choice(np.arange(-20, 21), size=N, replace=False)
    X = np.array([[Q(int(p), 4)] for p in pts], dtype=object)
    cons = build(X, widths=",".join(["1"] + [str(N - 1)] * k), k=k, activation=name)
    P = cons.parameters(alpha)
    cw = cauchy_witness(cons, alpha, P)
    assert cw["holds"] is True and cw["level"] == "proved", cw["reason"]
    det, formula = _recheck(cons, Q(alpha), P, name)
    assert det != 0 and abs(det - formula) <= mpmath.mpf(10) ** (-DPS // 2) * abs(formula)


def _tampered(P, k, fn):
    W = [np.array(w, dtype=object).copy() for w in P.W]
    b = [np.array(x, dtype=object).copy() for x in P.b]
    fn(W, b)
    return Parameters(tuple(W), tuple(b))


def _cons(N=5, k=2, name="sigmoid"):
    X = np.array([[Q(i)] for i in range(N)], dtype=object)
    return build(X, widths=",".join(["1"] + [str(N - 1)] * k), k=k, activation=name)


def test_equal_columns_are_never_proved():
    """Two equal biases at layer k: two equal columns, so [F_k, 1_N] (N - 1 units) is singular."""
    cons, a = _cons(), Q(3)
    P = _tampered(cons.parameters(a), 2, lambda W, b: b[1].__setitem__(1, b[1][0]))
    cw = cauchy_witness(cons, a, P)
    assert cw["holds"] is None and "equal entries" in cw["reason"]
    det, _ = _recheck(cons, a, P, "sigmoid")
    assert det == 0 or abs(det) < mpmath.mpf(10) ** (-DPS + 10)  # singular, as the refusal says


def test_equal_inputs_are_never_proved():
    """A layer-1 first column that sends two samples to one projection: equal t_i, two equal rows."""
    cons, a = _cons(), Q(3)
    P = _tampered(cons.parameters(a), 2, lambda W, b: W[0].__setitem__((0, 0), Q(0)))
    cw = cauchy_witness(cons, a, P)
    assert cw["holds"] is None and "same layer-1 projection" in cw["reason"]
    det, _ = _recheck(cons, a, P, "sigmoid")
    assert abs(det) < mpmath.mpf(10) ** (-DPS + 10)


@pytest.mark.parametrize("what", ["second row", "middle layer", "not -alpha", "alpha <= 0", "softplus", "k = 1"])
def test_outside_the_closed_form_nothing_is_claimed(what):
    cons, a = _cons(k=3), Q(2)
    P = cons.parameters(a)
    if what == "second row":
        P = _tampered(P, 3, lambda W, b: W[2].__setitem__((1, 0), Q(1, 7)))
    elif what == "middle layer":
        P = _tampered(P, 3, lambda W, b: W[1].__setitem__((1, 0), Q(1)))
    elif what == "not -alpha":
        P = _tampered(P, 3, lambda W, b: W[2].__setitem__((0, 2), -a - Q(1, 10**9)))
    elif what == "alpha <= 0":
        a = Q(0)
    elif what == "softplus":
        cons = build(np.array([[Q(i)] for i in range(5)], dtype=object), widths="1,4,4", k=2, activation="softplus")
        P = None
    elif what == "k = 1":
        cons = _cons(k=1)
        P = None
    cw = cauchy_witness(cons, a, P)
    assert cw["holds"] is None and cw["level"] is None and cw["reason"]


def test_replay_at_layer_2_is_proved_and_keeps_the_ball_cross_check():
    r = lemma_4_3(samples=6, dim=1, activation="tanh", layer=2, sweep_points=3)
    w = r.details["witness"]["at_alpha0"]
    assert r.holds is True and r.level == "proved"
    assert w["by_closed_form"]["level"] == "proved" and w["rank_certificate"]["full"] is True  # N <= 256: both
