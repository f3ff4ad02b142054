"""Block Hessians and the R-operator Hessian-vector product (exactloss.net.hessian)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from exactloss import Ball, Exact, Float, Network, Parameters, Symbolic
from exactloss.net.backprop import backprop
from exactloss.errors import InputError, ShapeError
from exactloss.net.hessian import (PAPER_F_X, PAPER_F_Y, PAPER_H_X, PAPER_H_Y, SecondOrder, block_hessian, block_size,
                               flatten, hvp, parameter_names, principal_block, sympy_hessian, unflatten)
from exactloss.net.network import random_data
from exactloss.floatpath.nonsingularity import nonsingularity
from tests.tolerance import ball_contains, close


def _fr(x):
    return Fraction(int(x.p), int(x.q))


def _sympy_full_hessian(net, P, X, Y, loss):
    """Independent path: SymPy differentiates Phi twice with respect to every parameter."""
    Ps = net.symbolic_parameters()
    phi = backprop(net, Ps, X, Y, loss, Symbolic()).phi
    syms, sub = [], {}
    for l in range(1, net.L + 1):
        W, b = Ps.layer(l)
        Wv, bv = P.layer(l)
        for s, v in zip(list(W.flat) + list(b.flat), list(Wv.flat) + list(bv.flat)):
            syms.append(s)
            sub[s] = sp.Rational(v.numerator, v.denominator)
    grads = [sp.diff(phi, s) for s in syms]
    return [[sp.diff(g, t).xreplace(sub) for t in syms] for g in grads]


@pytest.mark.parametrize("activation,loss", [("t + t**3", "squared"), ("identity", "a**4 + a**2")])
def test_exact_hessian_equals_sympy(activation, loss):
    net = Network((1, 2, 1), activation)
    P = net.random_parameters(seed=3, denominator=2, scale=1)
    X, Y = random_data(2, 1, 1, seed=4)
    H = block_hessian(net, P, X, Y, loss, "exact")
    Hs = _sympy_full_hessian(net, P, X, Y, loss)
    assert [[_fr(x) for x in row] for row in H] == [[Fraction(int(v.p), int(v.q)) for v in row] for row in Hs]


def test_exact_hessian_symmetric_and_blocks_are_principal_submatrices():
    net = Network((2, 3, 2, 1), "t + t**3")
    P = net.random_parameters(seed=1, denominator=2, scale=1)
    X, Y = random_data(3, 2, 1, seed=2)
    H = block_hessian(net, P, X, Y, "squared", "exact")
    assert all(H[i, j] == H[j, i] for i in range(H.shape[0]) for j in range(H.shape[0]))
    # the block on I = {2, 3} is the principal submatrix of the full Hessian
    start = block_size(net, [1])
    HI = block_hessian(net, P, X, Y, "squared", "exact", layers=[2, 3])
    assert (HI == principal_block(H, range(start, H.shape[0]))).all()
    assert len(parameter_names(net, [2, 3])) == HI.shape[0]


def test_hvp_flat_and_pairs_agree_and_linear():
    net = Network((2, 2, 2), "t + t**3")
    P = net.random_parameters(seed=5, denominator=2, scale=1)
    X, Y = random_data(3, 2, 2, seed=6)
    p = block_size(net)
    v = np.array([Fraction((i % 3) - 1, 2) for i in range(p)], dtype=object)
    out_flat = hvp(net, P, X, Y, "squared", Exact().array(v), "exact")
    out_pairs = flatten(hvp(net, P, X, Y, "squared", unflatten(net, Exact().array(v)), "exact"))
    assert (out_flat == out_pairs).all()
    H = block_hessian(net, P, X, Y, "squared", "exact")
    assert (H @ Exact().array(v) == out_flat).all()


def test_float_hvp_matches_finite_differences_of_the_gradient():
    net = Network((3, 4, 2), "sigmoid")
    P = net.random_parameters(seed=7)
    X, Y = random_data(5, 3, 2, seed=8)
    F = Float()
    Pf = Parameters(tuple(F.array(w) for w in P.W), tuple(F.array(b) for b in P.b))
    Xf, Yf = F.array(X), F.array(Y)
    rng = np.random.default_rng(0)
    v = rng.normal(size=block_size(net))
    Hv = hvp(net, Pf, Xf, Yf, "cauchy", v, F)

    def grad(theta):
        pairs = unflatten(net, theta)
        Q = Parameters(tuple(a for a, _ in pairs), tuple(b for _, b in pairs))
        g = backprop(net, Q, Xf, Yf, "cauchy", F)
        return flatten(list(zip(g.grad_W, g.grad_b)))

    theta = flatten(list(zip(Pf.W, Pf.b)))
    h = 1e-5
    fd = (grad(theta + h * v) - grad(theta - h * v)) / (2 * h)
    assert close(Hv, fd, rtol=1e-6, atol=1e-7)


def test_float_block_equals_exact_block_for_a_rational_network():
    net = Network((2, 3, 1), "t + t**3")
    P = net.random_parameters(seed=9, denominator=2, scale=1)
    X, Y = random_data(4, 2, 1, seed=10)
    He = block_hessian(net, P, X, Y, "squared", "exact", layers=[2])
    Hf = block_hessian(net, P, X, Y, "squared", Float(), layers=[2])
    assert close(Hf, He)


@given(seed=st.integers(0, 10**6))
def test_ball_hessian_contains_exact_and_higher_precision(seed):
    net = Network((2, 2, 1), "t + t**3")
    P = net.random_parameters(seed=seed, denominator=4, scale=1)
    X, Y = random_data(3, 2, 1, seed=seed + 1)
    He = block_hessian(net, P, X, Y, "squared", "exact")
    Hb = block_hessian(net, P, X, Y, "squared", Ball(64))
    assert all(ball_contains(b, _fr(e)) for b, e in zip(Hb.flat, He.flat))
    # sigmoid: a 64-bit ball contains the midpoint of a 256-bit ball (re-check at higher precision)
    net2 = Network((2, 2, 1), "sigmoid")
    lo = block_hessian(net2, P, X, Y, "squared", Ball(64), layers=[2])
    hi = block_hessian(net2, P, X, Y, "squared", Ball(256), layers=[2])
    assert all(a.contains(b.mid()) and b.rad() <= a.rad() for a, b in zip(lo.flat, hi.flat))


def test_paper_examples_exactly():
    Hx = sympy_hessian(PAPER_F_X, ["x1", "x2", "x3", "x4"])
    Hy = sympy_hessian(PAPER_F_Y, ["y1", "y2", "y3", "y4"])
    assert Hx.tolist() == PAPER_H_X
    assert Hy.tolist() == PAPER_H_Y
    E = Exact()
    assert E.det(Hx) == 0 and E.det(principal_block(Hx, [0, 1])) == 1
    assert E.det(Hy) == 1 and E.det(principal_block(Hy, [2, 3])) == 0
    assert nonsingularity(Hx, "exact").holds is False
    assert nonsingularity(Hy, "exact").holds is True


def test_bad_input():
    net = Network((2, 2, 1), "t + t**3")
    P = net.random_parameters(seed=1)
    X, Y = random_data(3, 2, 1, seed=1)
    with pytest.raises(ShapeError):
        hvp(net, P, X, Y, "squared", np.zeros(3, dtype=object), "exact")
    with pytest.raises(InputError):
        block_hessian(net, P, X, Y, "squared", "exact", layers=[3])
    with pytest.raises(ShapeError):
        SecondOrder(net, P, X, Y, "squared", "exact").hvp([(np.zeros((2, 2)), np.zeros(2))], [2])
    with pytest.raises(ShapeError):
        nonsingularity(np.zeros((2, 3), dtype=object), "exact")
