"""Theorem 3.8 (exactloss.paper.theorem_3_8): default instances, bad input, never a critical point from a small
gradient."""

from __future__ import annotations

import pytest

from exactloss.errors import AssumptionError
from exactloss.floatpath.training import train
from exactloss.paper.instances import global_minimum_instance
from exactloss.paper.theorem_3_8 import theorem_3_8
from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("theorem-3.8",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("theorem-3.8", "critical, Phi > 0: degenerate on every I"): "non-degenerate",
    ("theorem-3.8", "n_k < N - 1 (offers Section 5)"): "n_k >= N - 1",
    ("theorem-3.8", "W_3 = 0"): "rank(W_3)",
    ("theorem-3.8", "gradient not 0"): "critical point",
    ("theorem-3.8", "relu breaks Assumption 3.2"): "3.2.2",
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)


def test_sigmoid_in_ball_arithmetic_never_claims_a_critical_point():
    P, X, Y, _ = train((2, 4, 1), N=4, seed=1, iterations=300)
    r = theorem_3_8(P, (X, Y), "sigmoid")
    # the rational point's gradient is tiny but certified non-zero (or undecided): never "critical"
    assert r.holds is not True and r.failed_hypothesis in (None, "critical point")
    assert "quantitative Lemma 3.5" in r.reason


def test_theorem_3_8_bad_input_layer_narrow_and_non_pyramidal():
    P, X, Y = global_minimum_instance((2, 2, 1), 5, seed=2)
    with pytest.raises(AssumptionError, match="theorem-5.3"):
        theorem_3_8(P, (X, Y), "t + t**3", layer=1)
    P, X, Y = global_minimum_instance((2, 3, 1, 2), 3, seed=2)
    with pytest.raises(AssumptionError, match=r"rank\(W_3\) = n_3 cannot hold"):
        theorem_3_8(P, (X, Y), "t + t**3", layer=1)


def test_float_numbers_never_exceed_numerical_for_the_critical_point():
    P, X, Y = global_minimum_instance((2, 2, 1), 3, seed=2)
    r = theorem_3_8(P, (X, Y), "t + t**3", numbers="float")
    crit = next(c for c in r.clauses if c.claim.startswith("critical point"))
    assert crit.level == "numerical" and r.level == "numerical"
