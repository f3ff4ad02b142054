"""exactloss.paper.lemma_3_5.at_scale: the quantitative Lemma 3.5 on the float path and the lemma-3.5-scale check."""

from __future__ import annotations

import pytest

from exactloss import Network
from exactloss.errors import InputError
from exactloss.floatpath.datasets import synthetic
from exactloss.floatpath.training import fit_top_layer, train_float as train
from exactloss.net.network import random_float_parameters
from exactloss.paper.lemma_3_5.at_scale import lemma_3_5_float
from exactloss.registry import check


def test_lemma_3_5_float_bound_dominates_the_loss():
    X, Y = synthetic(25, 3, 2, seed=0)
    net = Network((3, 30, 2), "sigmoid")
    P0 = random_float_parameters(net.widths, seed=1, scale=1.0)
    r = lemma_3_5_float(net, fit_top_layer(net, P0, X, Y), X, Y)
    assert r.holds is True and r.level == "certified"
    assert r.details["loss_bound"] >= r.details["Phi_float"]
    Pt, _ = train(net, X, Y, P0=P0, layers=[2], maxiter=30, progress=False)  # not a critical point
    r = lemma_3_5_float(net, Pt, X, Y)
    assert r.holds is True and r.details["loss_bound"] >= r.details["Phi_float"]
    net3 = Network((3, 30, 4, 2), "tanh")
    r = lemma_3_5_float(net3, random_float_parameters(net3.widths, seed=2, scale=1.0), X, Y, k=1)
    assert r.details["loss_bound"] is None or r.details["loss_bound"] >= r.details["Phi_float"]
    narrow = Network((3, 5, 2), "sigmoid")
    r = lemma_3_5_float(narrow, random_float_parameters(narrow.widths, seed=0), X, Y)
    assert r.holds is False and r.level == "proved" and "rank" in r.failed_hypothesis
    with pytest.raises(InputError):
        lemma_3_5_float(net, P0, X, Y, k=2)


def test_lemma_3_5_scale_check():
    r = check("lemma-3.5-scale", samples=60, dim=3)
    assert r.holds is True and r.level == "certified" and r.details["loss_bound"] >= r.details["Phi_float"]
    r = check("lemma-3.5-scale", samples=30, dim=3, width=10)
    assert r.holds is False and r.failed_hypothesis
    with pytest.raises(InputError):
        check("lemma-3.5-scale", samples=1)
