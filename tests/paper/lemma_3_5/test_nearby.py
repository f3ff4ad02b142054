"""Lemma 3.5 at a certified nearby point (exactloss.paper.lemma_3_5.nearby): Krawczyk, then the exact form."""

from __future__ import annotations

from fractions import Fraction

from exactloss.floatpath.training import train
from exactloss.paper.lemma_3_5.nearby import lemma_3_5_nearby
from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound


def test_nearby_exact_critical_point_certified_and_rechecked_at_higher_precision():
    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=1500)
    lo = lemma_3_5_nearby(P, (X, Y), "sigmoid", layer=1, digits=30)
    hi = lemma_3_5_nearby(P, (X, Y), "sigmoid", layer=1, digits=80)
    assert lo.holds is True and lo.level == "certified" and hi.holds is True
    assert hi.details["radius"] <= lo.details["radius"] * 1.01
    # an over-parameterised top layer (6 parameters, 5 residuals): singular block, undecided -- never "fails"
    P, X, Y, _ = train((2, 5, 1), N=5, seed=0, iterations=800)
    r = lemma_3_5_nearby(P, (X, Y), "sigmoid", layer=1)
    assert r.holds is None


def test_newton_refinement_then_certificates_shrink():
    import mpmath

    from exactloss.floatpath.training import mpf_fraction as _mpf_fraction, refine_layer

    assert _mpf_fraction(mpmath.mpf(-0.375)) == Fraction(-3, 8) and _mpf_fraction(mpmath.mpf(0)) == 0
    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=800)
    P2, norms = refine_layer(P, X, Y, "sigmoid", iterations=2, dps=60)
    assert norms[-1] < 1e-40 < norms[0]
    r = lemma_3_5_bound(P2, (X, Y), "sigmoid", layer=1, digits=80)
    assert r.holds and r.details["Phi_upper"] <= r.details["loss_bound"] < 1e-60
    assert lemma_3_5_nearby(P2, (X, Y), "sigmoid", layer=1, digits=80).details["radius"] < 1e-30
