"""exactloss.floatpath.training: the least-squares start and the L-BFGS trainer."""

from __future__ import annotations

import numpy as np
import pytest

from exactloss import Network
from exactloss.errors import InputError
from exactloss.floatpath.datasets import synthetic
from exactloss.floatpath.fastpath import gradients
from exactloss.floatpath.training import fit_top_layer, train_float as train
from exactloss.net.network import random_float_parameters


def test_fit_top_layer_interpolates_when_wide():
    X, Y = synthetic(20, 3, m=2, seed=0)
    net = Network((3, 25, 2), "sigmoid")
    P = random_float_parameters(net.widths, seed=1, scale=1.0)
    Pt = fit_top_layer(net, P, X, Y)
    assert gradients(net, Pt, X, Y).phi < 1e-16
    with pytest.raises(InputError):
        fit_top_layer(Network((3, 25, 2), "softplus"), P, X, Y)


def test_train_reduces_the_gradient():
    X, Y = synthetic(15, 2, m=1, seed=0)
    net = Network((2, 4, 1), "tanh")
    P0 = random_float_parameters(net.widths, seed=0)
    g0 = gradients(net, P0, X, Y)
    Pt, info = train(net, X, Y, P0=P0, maxiter=60, progress=False)
    assert info["phi"] < g0.phi and info["grad_norm"] < g0.norm()
    Pt2, info2 = train(net, X, Y, P0=P0, maxiter=5, layers=[2], init="lstsq", progress=False)
    assert info2["trained_layers"] == [2]
    assert np.array_equal(Pt2.W[0], P0.W[0])
    with pytest.raises(InputError):
        train(net, X, Y, layers=[3])
    with pytest.raises(InputError):
        train(net, X, Y, init="zeros")
