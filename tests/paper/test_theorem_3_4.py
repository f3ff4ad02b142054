"""Theorem 3.4 (exactloss.paper.theorem_3_4): default instances, the replayed induction, a critical point that
is not minimal."""

from __future__ import annotations

import pytest

import exactloss as xl
from exactloss.net.backprop import backprop
from exactloss.paper.instances import collapsed_instance, global_minimum_instance
from exactloss.paper.theorem_3_4 import theorem_3_4
from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("theorem-3.4",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("theorem-3.4", "N > d+1: rank([X,1]) < N"): "rank([X, 1_N])",
    ("theorem-3.4", "critical, Phi > 0: W_2 = 0 not full rank"): "rank(W_2)",
    ("theorem-3.4", "gradient not zero"): "critical point",
    ("theorem-3.4", "loss breaks Assumption 3.2.3"): "3.2.3",
    ("theorem-3.4", "relu breaks Assumption 3.2.2"): "3.2.2",
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)


def test_theorem_3_4_replays_the_induction_step_by_step():
    P, X, Y = global_minimum_instance((3, 3, 2, 2), 4, seed=3)
    r = theorem_3_4(P, (X, Y), "t + t**3")
    assert r.holds is True and r.level == "proved"
    steps = r.details["proof_replay"]
    assert len(steps) == 4  # Delta_1 = 0; Delta_1 -> Delta_2; Delta_2 -> Delta_3; Delta_3 -> l'(F_L - Y)
    assert steps[0]["rank"] == 4 and all(s.get("Delta_is_zero", True) for s in steps)
    assert steps[-1]["l_prime_is_zero"] is True
    assert "3.2.2" in r.reason  # says the stated theorem's growth clause fails for t + t^3


def test_collapsed_point_is_critical_but_not_minimal():
    P, X, Y = collapsed_instance((3, 3, 2), 3, seed=2)
    net = xl.Network((3, 3, 2), "t + t**3")
    g = backprop(net, P, X, Y, "squared", "exact")
    assert all(v == 0 for A in g.grad_W + g.grad_b for v in A.flat)
    assert g.phi > 0
    r = theorem_3_4(P, (X, Y), "t + t**3")
    assert r.holds is False and r.failed_hypothesis == "rank(W_2) = n_2"
