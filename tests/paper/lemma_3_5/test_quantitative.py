"""Lemma 3.5, quantitative form (exactloss.paper.lemma_3_5.quantitative): the certified loss bound."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
import pytest

from exactloss.floatpath.training import train
from exactloss.paper.instances import global_minimum_instance
from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quantitative_bound_dominates_the_true_loss_on_trained_networks(seed):
    P, X, Y, info = train((2, 5, 1), N=5, seed=seed, iterations=1500)
    r = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1)
    assert r.holds is True and r.level == "certified"
    phi_upper = r.details["Phi_upper"]
    assert r.details["loss_bound"] >= phi_upper > 0
    ratio = r.details["ratio_bound_over_Phi"]
    assert ratio is not None and ratio >= 1
    print(f"seed {seed}: Phi ~ {phi_upper:.3e}, bound {r.details['loss_bound']:.3e}, ratio {ratio:.3g}")


@settings(max_examples=3)
@given(st.integers(0, 1000))
def test_quantitative_bound_recheck_at_higher_precision(seed):
    P, X, Y, _ = train((2, 4, 1), N=4, seed=seed, iterations=400)
    lo = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1, digits=30)
    hi = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1, digits=80)
    if lo.holds:
        assert hi.holds and hi.details["loss_bound"] >= float(hi.details["Phi_upper"]) * (1 - 1e-9)
        # the lower-precision bound is still a bound on the higher-precision loss
        assert lo.details["loss_bound"] >= hi.details["Phi_upper"] * (1 - 1e-6)


def test_quantitative_bound_is_zero_at_an_exact_critical_point():
    P, X, Y = global_minimum_instance((2, 4, 1), 5, seed=2)
    r = lemma_3_5_bound(P, (X, Y), "t + t**3", layer=1)
    assert r.holds and r.details["loss_bound"] == 0.0
