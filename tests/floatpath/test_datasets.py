"""exactloss.floatpath.datasets: the synthetic generator, scikit-learn's on-disk sets (optional extra), the trainer."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from exactloss import Network
from exactloss.floatpath.datasets import (dataset, fit_top_layer, load, one_hot, random_float_parameters, standardise,
                                synthetic, train)
from exactloss.errors import InputError, UnknownNameError
from exactloss.floatpath.fastpath import gradients


@pytest.mark.parametrize("N,d", [(1, 1), (2, 3), (500, 4)])
def test_synthetic_shapes_and_distinct_rows(N, d):
    X, Y = synthetic(N, d, m=2, seed=1)
    assert X.shape == (N, d) and Y.shape == (N, 2)
    assert len(np.unique(X, axis=0)) == N
    assert np.all((Y >= 0.1) & (Y <= 0.9))
    X2, _ = synthetic(N, d, seed=1)
    assert np.array_equal(X, X2)
    assert synthetic(N, d)[1] is None


def test_synthetic_bad_input():
    with pytest.raises(InputError):
        synthetic(0, 2)
    with pytest.raises(InputError):
        synthetic(3, 0)


def test_one_hot_and_standardise():
    Y = one_hot([2, 0, 2, 1])
    assert Y.shape == (4, 3) and Y[0, 2] == 0.9 and Y[0, 0] == 0.1
    Z = standardise(np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]]))
    assert Z.shape == (3, 1) and abs(Z.mean()) < 1e-12


def test_sklearn_sets():
    pytest.importorskip("sklearn")
    X, Y, info = load("iris")
    assert X.shape[0] == info["samples"] and Y.shape == (info["samples"], 3)
    assert info["duplicates_removed"] >= 1  # iris has a repeated flower
    assert len(np.unique(X, axis=0)) == X.shape[0]
    X, Y, info = load("digits", samples=100, seed=2)
    assert X.shape[0] == 100 and Y.shape[1] == 10
    X, Y, info = dataset("breast-cancer")
    assert info["name"] == "breast_cancer"
    with pytest.raises(UnknownNameError):
        load("mnist")
    with pytest.raises(InputError):
        load("wine", samples=0)


def test_missing_sklearn_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(InputError, match=r"\.\[data\]"):
        load("iris")


def test_dataset_synthetic():
    X, Y, info = dataset("synthetic", samples=30, dim=4, classes=2)
    assert X.shape == (30, 4) and Y.shape == (30, 2) and info["name"] == "synthetic"


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
