"""exactloss.net.network: Section 2's maps, the same in every number system."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from exactloss import Ball, Exact, Float, MP, Network, Parameters, Symbolic, random_data
from exactloss.errors import InputError, ShapeError
from exactloss.net.network import duplicate_rows, parse_widths
from tests.tolerance import ball_contains, close


def test_forward_exact_by_hand():
    # sigma(t) = t + t^3; G_1 = X W_1 + 1 b_1^T, F_1 = sigma(G_1), ...
    net = Network((1, 2, 1), "t + t**3")
    P = Parameters.from_lists(W=[[[1, -1]], [[1], [2]]], b=[[0, 1], [0]])
    fw = net.forward(P, [[1], ["1/2"]], Exact())
    # sample 1: G_1 = (1, 0) -> F_1 = (2, 0); G_2 = 2 -> F_2 = 10
    assert [str(v) for v in fw.G[0][0]] == ["1", "0"]
    assert str(fw.F[2][0, 0]) == "10"
    # sample 2: G_1 = (1/2, 1/2) -> F_1 = (5/8, 5/8); G_2 = 15/8 -> F_2 = 15/8 + (15/8)^3
    g2 = Fraction(15, 8)
    assert str(fw.F[2][1, 0]) == str(g2 + g2**3)


def test_sigma_applied_at_output_layer():
    net = Network((1, 1), "sigmoid")
    P = Parameters.from_lists(W=[[[0]]], b=[[0]])
    fw = net.forward(P, [[5]], Ball(64))
    assert ball_contains(fw.F[1][0, 0], Fraction(1, 2))


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus:alpha=2", "atan(t)"])
def test_systems_agree(act):
    net = Network((2, 3, 2), act)
    P = net.random_parameters(seed=3)
    X, Y = random_data(4, 2, 2, seed=5)
    b = net.forward(P, X, Ball(128)).F[-1]
    m = net.forward(P, X, MP(40)).F[-1]
    f = net.forward(P, X, Float()).F[-1]
    for idx in np.ndindex(b.shape):
        assert ball_contains(b[idx], m[idx]) or close(float(b[idx].mid()), m[idx], rtol=1e-30)
        assert close(float(b[idx].mid()), f[idx])


def test_symbolic_forward_is_the_formula():
    net = Network((1, 1), "generic")
    P = net.symbolic_parameters()
    x = sp.Symbol("x")
    fw = net.forward(P, np.array([[x]], dtype=object), Symbolic())
    W, b = sp.Symbol("W1_1_1", real=True), sp.Symbol("b1_1", real=True)
    assert fw.F[1][0, 0] == net.activation.expr.func(W * x + b)


def test_phi_squared_exact():
    net = Network((1, 1), "identity")
    P = Parameters.from_lists(W=[[[2]]], b=[[1]])
    assert net.phi(P, [[1], [2]], [[0], [0]], "squared", "exact") == 9 + 25


@pytest.mark.parametrize("widths,msg", [("3", "at least one layer"), ("3,0,2", "at least 1"), ("a,b", "whole numbers")])
def test_bad_widths(widths, msg):
    with pytest.raises(InputError, match=msg):
        parse_widths(widths)


def test_shape_errors_name_the_matrix():
    net = Network((2, 3, 1), "sigmoid")
    P = Network((2, 4, 1), "sigmoid").random_parameters()
    with pytest.raises(ShapeError, match=r"W_1 has shape \(2, 4\) but widths need n_0 x n_1 = 2 x 3"):
        net.forward(P, [[1, 2]], Ball())
    P2 = net.random_parameters()
    with pytest.raises(ShapeError, match="X has shape"):
        net.forward(P2, [[1, 2, 3]], Ball())
    with pytest.raises(ShapeError, match="Y has shape"):
        net.phi(P2, [[1, 2]], [[1, 2]], "squared", Ball())
    with pytest.raises(ShapeError, match="layer"):
        Network((2, 3), "sigmoid").forward(P2, [[1, 2]], Ball())


def test_random_data_distinct_and_seeded():
    X, Y = random_data(50, 1, 1, seed=7)
    assert duplicate_rows(X) == []
    X2, _ = random_data(50, 1, seed=7)
    assert (X == X2).all()
    assert duplicate_rows(np.array([[1, 2], [3, 4], [1, 2]], dtype=object)) == [(0, 2)]
