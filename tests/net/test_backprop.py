"""exactloss.net.backprop: Lemma 2.1 proved symbolically, and cross-checked numerically in every system."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from exactloss import Ball, Exact, Float, MP, Network, backprop, confirm_lemma_2_1, random_data
from exactloss.net.backprop import naive_confirmation, zero_test
from exactloss.arith.functions import ScalarFunction, T
from tests.tolerance import ball_contains, close, digits_agree


@pytest.mark.parametrize("widths,N", [((3, 3, 2), 3), ((2, 3, 3, 1), 2), ((1, 1), 1), ((2, 2), 2)])
@pytest.mark.parametrize("method", ["layerwise", "full"])
def test_generic_confirmation(widths, N, method):
    r = confirm_lemma_2_1(widths, N, method=method)
    assert (r.holds, r.level) == (True, "proved")
    assert r.details["generic"] is True


def test_layerwise_agrees_with_naive_baseline():
    assert naive_confirmation((2, 2, 1), 2) is True
    assert confirm_lemma_2_1((2, 2, 1), 2).holds is True


@pytest.mark.parametrize("act,ell", [("sigmoid", "cauchy"), ("tanh", "pseudo-huber"), ("softplus:alpha=2", "blake-zisserman"),
                                     ("t + t**3", "squared"), ("atan(t)", "corrupted-gaussian")])
def test_concrete_confirmation(act, ell):
    r = confirm_lemma_2_1((2, 2, 1), 2, act, ell)
    assert (r.holds, r.level) == (True, "proved")


def test_wrong_derivative_is_certified_failure_not_proved():
    bad = ScalarFunction("bad", sp.sin(T), T, d1_expr=sp.cos(2 * T))
    r = confirm_lemma_2_1((2, 2, 1), 2, bad, "squared")
    assert r.holds is False and r.level == "certified"


def test_zero_test_is_three_valued():
    t = sp.Symbol("t", real=True)
    assert zero_test(sp.exp(2 * t) / (1 + sp.exp(2 * t)) - 1 / (1 + sp.exp(-2 * t))) is True
    assert zero_test(sp.sin(t) - sp.cos(t)) is False
    f = sp.Function("f")
    assert zero_test(f(t) - f(2 * t)) is None  # cannot decide: never "fails"


def _central_difference(net, P, X, Y, loss, k, idx, which, dps=90):
    """d Phi / d theta by a central difference in mpmath at high precision (independent of Lemma 2.1)."""
    h = Fraction(1, 10**25)
    vals = []
    for sgn in (1, -1):
        Ws, bs = list(P.W), list(P.b)
        arr = (Ws if which == "W" else bs)[k].copy()
        arr[idx] = arr[idx] + sgn * h
        if which == "W":
            Ws[k] = arr
        else:
            bs[k] = arr
        from exactloss import Parameters
        vals.append(net.phi(Parameters(tuple(Ws), tuple(bs)), X, Y, loss, MP(dps)))
    with mpmath.workdps(dps):
        return (vals[0] - vals[1]) / (2 * mpmath.mpf(h.numerator) / h.denominator)


@pytest.mark.parametrize("act,ell", [("sigmoid", "squared"), ("tanh", "cauchy")])
def test_ball_gradients_match_high_precision_differences(act, ell):
    net = Network((2, 3, 2), act)
    P = net.random_parameters(seed=11)
    X, Y = random_data(3, 2, 2, seed=12)
    g = backprop(net, P, X, Y, ell, Ball(200))
    for k in range(2):
        for idx in [(0, 0), (1, 1)]:
            fd = _central_difference(net, P, X, Y, ell, k, idx, "W")
            ball = g.grad_W[k][idx]
            assert ball.rad() < 1e-50
            assert digits_agree(ball, fd, 40)  # 25 digits asked by the issue; 40 reached
        fd = _central_difference(net, P, X, Y, ell, k, (0,), "b")
        assert digits_agree(g.grad_b[k][0], fd, 40)


def test_exact_gradients_for_rational_sigma_and_loss():
    net = Network((2, 2, 1), "t + t**3")
    P = net.random_parameters(seed=1)
    X, Y = random_data(3, 2, 1, seed=2)
    g = backprop(net, P, X, Y, "squared", Exact())
    gb = backprop(net, P, X, Y, "squared", Ball(256))
    for k in range(2):
        for idx in np.ndindex(g.grad_W[k].shape):
            assert ball_contains(gb.grad_W[k][idx], g.grad_W[k][idx])
    # exact: Phi's derivative equals a symbolic derivative at the rational point
    from exactloss import Symbolic
    Ps = net.symbolic_parameters()
    phi = net.phi(Ps, X, Y, "squared", Symbolic())
    sub = {Ps.W[0][i, j]: sp.Rational(str(P.W[0][i, j])) for i, j in np.ndindex(P.W[0].shape)}
    sub |= {Ps.W[1][i, j]: sp.Rational(str(P.W[1][i, j])) for i, j in np.ndindex(P.W[1].shape)}
    sub |= {Ps.b[k][j]: sp.Rational(str(P.b[k][j])) for k in range(2) for j in range(P.b[k].shape[0])}
    d = sp.diff(phi, Ps.W[0][0, 1]).xreplace(sub)
    assert str(sp.nsimplify(d)) == str(g.grad_W[0][0, 1])


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), act=st.sampled_from(["sigmoid", "tanh", "softplus"]))
def test_float_gradients_agree_with_finite_differences(seed, act):
    net = Network((3, 4, 2), act)
    P = net.random_parameters(seed=seed)
    X, Y = random_data(5, 3, 2, seed=seed + 1)
    g = backprop(net, P, X, Y, "squared", Float())
    Pf = type(P)(tuple(w.astype(float) for w in P.W), tuple(v.astype(float) for v in P.b))
    h = 1e-6
    for k in range(2):
        W = Pf.W[k]
        for idx in [(0, 0), (W.shape[0] - 1, W.shape[1] - 1)]:
            vals = []
            for s in (1, -1):
                Ws = list(Pf.W)
                Ws[k] = W.copy()
                Ws[k][idx] += s * h
                vals.append(net.phi(type(P)(tuple(Ws), Pf.b), X, Y, "squared", Float()))
            assert close(g.grad_W[k][idx], (vals[0] - vals[1]) / (2 * h), rtol=1e-6, atol=1e-7)


def test_float_agrees_with_ball():
    net = Network((3, 5, 2), "sigmoid")
    P = net.random_parameters(seed=4)
    X, Y = random_data(6, 3, 2, seed=9)
    gf = backprop(net, P, X, Y, "cauchy", Float())
    gb = backprop(net, P, X, Y, "cauchy", Ball(128))
    for k in range(2):
        assert close(gf.grad_W[k], gb.grad_W[k])
        assert close(gf.grad_b[k], gb.grad_b[k])
    assert close(gf.phi, gb.phi)


def test_zero_test_hinge_steps():
    a = sp.Symbol("a", real=True)
    assert zero_test(2 * sp.Heaviside(-a) * sp.Min(0, a) - 2 * sp.Min(0, a)) is True
    assert zero_test(2 * sp.Heaviside(a) * sp.Max(0, a) - 2 * sp.Max(0, a)) is True
    # the wrong step is not an identity: never proved
    assert zero_test(2 * sp.Heaviside(a) * sp.Min(0, a) - 2 * sp.Min(0, a)) is not True


@pytest.mark.parametrize("act,ell", [("sigmoid", "l2"), ("t/(1+abs(t))", "l1")])
def test_piecewise_c1_pieces_are_proved(act, ell):
    r = confirm_lemma_2_1((2, 2, 1), 2, act, ell)
    assert (r.holds, r.level) == (True, "proved")
