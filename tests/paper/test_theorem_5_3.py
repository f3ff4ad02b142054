"""Theorem 5.3 (exactloss.paper.theorem_5_3): default instances, Lemma 2.1 for objective (4), certificates
re-verified."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import exactloss as xl
from exactloss.arith.systems import Float
from exactloss.net.backprop import backprop
from exactloss.paper.theorem_5_3 import section5_gradients, separable_instance, theorem_5_3, xor_instance
from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("theorem-5.3",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("theorem-5.3", "critical, Phi = 4: F_1 not separable (Gordan)"): "rows of F_1 linearly separable",
    ("theorem-5.3", "XOR inputs not separable (Gordan)"): "inputs linearly separable",
    ("theorem-5.3", "W_2 is 2 x 3: rank fails"): "rank(W_2)",
    ("theorem-5.3", "gradient not 0"): "critical point",
    ("theorem-5.3", "relu breaks Assumption 5.2"): "5.2",
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)


def test_section5_recursion_agrees_with_lemma_2_1():
    P, X, Y = separable_instance((2, 3, 2), 5, seed=4)
    net = xl.Network((2, 3, 2), "sigmoid")
    F = Float()
    C = np.ones(Y.shape, dtype=bool)  # every entry "in class": l = l1 everywhere
    phi, Delta, gW, gb, _ = section5_gradients(net, P, X, Y, C, F)
    g = backprop(net, P, X, Y, "l1", F)
    assert np.allclose(float(phi), float(g.phi)) and all(np.allclose(a, b) for a, b in zip(gW, g.grad_W))


def test_theorem_5_3_certificates_reverify_exactly():
    P, X, Y = separable_instance((2, 2, 1), seed=0)
    r = theorem_5_3(P, (X, Y), "identity", layer=1)
    F1 = xl.Network((2, 2, 1), "identity").forward(P, X, "exact").F[1]
    for c in r.details["separability"]["classes"]:
        a = [Fraction(v) for v in c["a"]]
        b = Fraction(c["b"])
        s = [1 if y > 0 else -1 for y in Y[:, c["class"] - 1]]
        assert all(si * (sum(ai * Fraction(int(x.p), int(x.q)) for ai, x in zip(a, row)) + b) > 0
                   for si, row in zip(s, F1))
    P, X, Y = xor_instance()
    r = theorem_5_3(P, (X, Y), "identity", layer=0)
    y = [Fraction(v) for v in r.details["separability"]["classes"][0]["farkas_y"]]
    assert all(v >= 0 for v in y) and sum(y) == 1
    assert all(sum(yi * (1 if Y[i, 0] > 0 else -1) * v for i, (yi, v) in enumerate(zip(y, col))) == 0
               for col in [X[:, 0], X[:, 1], [1] * 4])


def test_theorem_5_3_undecided_assumption_5_2_is_undecided(monkeypatch):
    import exactloss.paper.assumption_5_2 as A
    from exactloss.evidence import Result, Verdict

    def fake(sigma, l1, l2):
        return Result("Assumption 5.2", None, None, reason="stub",
                      clauses=(Verdict("5.2.1 sigma C^1, strictly increasing", None, None, "stub"),))
    monkeypatch.setattr(A, "assumption_5_2", fake)
    P, X, Y = separable_instance((2, 2, 1), seed=0)
    r = theorem_5_3(P, (X, Y), activation="identity", layer=1)
    assert r.holds is None and r.missing == "Assumption 5.2 5.2.1 sigma C^1, strictly increasing"
