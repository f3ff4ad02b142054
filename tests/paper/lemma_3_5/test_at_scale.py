"""exactloss.paper.lemma_3_5.at_scale: the quantitative Lemma 3.5 on the float path and the lemma-3.5-scale check."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

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


def _phi_mpmath(net, P, X, Y, dps=60):
    """Phi at the float64 parameters and data (exact binary rationals), in mpmath at ``dps`` digits: an
    independent re-check sharing no code with exactloss.floatpath (only sigmoid/tanh)."""
    import mpmath

    act = {"sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)), "tanh": mpmath.tanh}[net.activation.name]
    with mpmath.workdps(dps):
        F = mpmath.matrix([[mpmath.mpf(float(x)) for x in row] for row in X])
        for W, b in zip(P.W, P.b):
            Wm = mpmath.matrix([[mpmath.mpf(float(x)) for x in row] for row in W])
            G = F * Wm
            F = mpmath.matrix(G.rows, G.cols)
            for i in range(G.rows):
                for j in range(G.cols):
                    F[i, j] = act(G[i, j] + mpmath.mpf(float(b[j])))
        return sum((F[i, j] - mpmath.mpf(float(Y[i, j]))) ** 2 for i in range(F.rows) for j in range(F.cols))


@settings(max_examples=15, deadline=None)
@given(st.integers(4, 9), st.integers(0, 10**6), st.sampled_from(["sigmoid", "tanh"]), st.booleans())
def test_lemma_3_5_float_bound_against_mpmath(N, seed, act, fit):
    """Property (issue 14): whenever lemma_3_5_float certifies a bound, it is >= Phi recomputed independently
    in mpmath at 60 digits (at the given float64 point, exact binary rationals); a narrow layer (n_1 + 1 < N)
    never gets a bound."""
    X, Y = synthetic(N, 2, 2, seed=seed)
    net = Network((2, N, 2), act)
    P = random_float_parameters(net.widths, seed=seed + 1, scale=1.0)
    if fit and act == "sigmoid":
        P = fit_top_layer(net, P, X, Y)
    r = lemma_3_5_float(net, P, X, Y, k=1)
    if r.holds:
        assert r.level == "certified" and r.details["loss_bound"] is not None
        import mpmath

        assert mpmath.mpf(r.details["loss_bound"]) >= _phi_mpmath(net, P, X, Y)
    narrow = Network((2, N - 2, 2), act)
    rn = lemma_3_5_float(narrow, random_float_parameters(narrow.widths, seed=seed), X, Y, k=1)
    assert rn.holds is not True and rn.details.get("loss_bound") is None
