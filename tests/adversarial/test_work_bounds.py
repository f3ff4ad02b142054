"""Issue 11, class 6: work without a bound.  Each example ends within 60 s with a correct verdict or an
undecided one naming the bound; nothing is certified in an undecided outcome; every alpha_0 certificate is
re-checked independently (mpmath, its own E(alpha) from the exact projections, precision escalation)."""

import time
from fractions import Fraction as Q

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from exactloss.arith import budget
from exactloss.paper.lemma_4_3.exact_alpha0 import exact_alpha0
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.sweep import sweep
from exactloss.paper.lemma_4_3.replay import lemma_4_3

LIMIT = 60.0


def _mp_sigma(family, x):
    return 1 / (1 + mpmath.exp(-x)) if family == "sigmoid" else mpmath.tanh(x)


def _mp_det(t, alpha, family, dps):
    """det [1_N, sigma(alpha (t_j - t_i))]_{j < N} at ``dps`` digits, from the exact projections (own code)."""
    with mpmath.workdps(dps):
        N = len(t)
        a = mpmath.mpf(alpha.numerator) / alpha.denominator
        tt = [mpmath.mpf(x.numerator) / x.denominator for x in t]
        M = mpmath.matrix(N, N)
        for i in range(N):
            M[i, 0] = 1
            for j in range(N - 1):
                M[i, j + 1] = _mp_sigma(family, a * (tt[j] - tt[i]))
        return mpmath.det(M)


def _sign_escalating(t, alpha, family):
    """The sign of det E(alpha), accepted once two precisions agree and the value is far above the drift."""
    prev = None
    for dps in (60, 120, 240, 480):
        d = _mp_det(t, alpha, family, dps)
        if prev is not None and d != 0 and abs(d - prev) < abs(d) / 1000:
            return 1 if d > 0 else -1
        prev = d
    raise AssertionError(f"no stable sign of det E({alpha}) up to 480 digits")


def _recheck_alpha0(cons, r):
    """det E(alpha) has the certificate's sign at a few alpha > alpha_0 (for 'every alpha > 0': small ones too)."""
    assert r.details["alpha0_level"] in ("proved", "certified")
    a0 = Q(r.details["alpha0"])
    sign = r.details["det_limit_sign"]
    probes = [Q(1, 2), Q(1), Q(7)] if r.details["alpha0_for_every_positive_alpha"] else [a0 * 2, a0 * 5]
    fam = cons.info.family
    for al in probes:
        assert _sign_escalating(cons.t_exact, al, fam) == sign, al


def _no_claim_in_undecided(r):
    if r.holds is None:
        assert r.level is None
    for p in r.details.get("sweep", []):
        if p["status"].startswith("not computed"):
            assert p["sign"] is None


def _near_points(eps, others=(1, 2)):
    return [["0"], [str(eps)]] + [[str(x)] for x in others]


def test_points_1e30_apart_exact_strings():
    """The issue's example: trial division of a 30-digit integer used to hang the exact alpha_0 route."""
    X = _near_points(Q(1, 10**30))
    t0 = time.monotonic()
    r = lemma_4_3(data=X, activation="sigmoid", sweep_points=4)
    assert time.monotonic() - t0 < LIMIT
    assert r.holds is True and r.level == "proved"
    assert r.details["alpha0_for_every_positive_alpha"] and r.details["alpha0"] == "0"
    cons = build(np.array([[Q(x[0])] for x in X], dtype=object), activation="sigmoid")
    _recheck_alpha0(cons, r)
    _no_claim_in_undecided(r)


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_exact_route_refuses_up_front_with_the_reason(act):
    cons = build(np.array([[Q(0)], [Q(1, 10**30)], [Q(1)], [Q(2)]], dtype=object), activation=act)
    t0 = time.monotonic()
    a = exact_alpha0(cons)
    assert time.monotonic() - t0 < 5
    assert a is not None and a.alpha0 is None and a.level is None  # nothing claimed
    assert "exceeds the stated limit" in a.argument and "degree budget" in a.argument


@settings(max_examples=10, deadline=None)
@given(st.integers(8, 40), st.lists(st.integers(-5, 5), min_size=2, max_size=4, unique=True),
       st.sampled_from(["sigmoid", "tanh"]))
def test_near_duplicates_end_quickly(k, ints, act):
    """Integer points plus one 10^-k away from the first: every route ends, verdicts re-checked."""
    xs = sorted(Q(x) for x in ints)
    xs = xs + [xs[0] + Q(1, 10**k)]
    cons = build(np.array([[x] for x in xs], dtype=object), activation=act)
    t0 = time.monotonic()
    a = exact_alpha0(cons)
    assert time.monotonic() - t0 < 15
    assert a is None or a.alpha0 is not None or a.level is None
    r = lemma_4_3(data=[[str(x)] for x in xs], activation=act, sweep_points=3)
    assert time.monotonic() - t0 < LIMIT
    assert r.holds is True
    _recheck_alpha0(build(np.array([[x] for x in xs], dtype=object), activation=act), r)
    _no_claim_in_undecided(r)


def test_sweep_budget_marks_points_not_computed():
    """A sweep given no time computes nothing and claims no sign."""
    cons = build(np.array([[Q(i)] for i in range(6)], dtype=object), activation="sigmoid")
    pts = sweep(cons, [Q(1), Q(2), Q(3)], seconds=0)
    assert all(not p.certified and p.sign == 0 for p in pts)
    assert all(p.to_json()["status"].startswith("not computed") and p.to_json()["sign"] is None for p in pts)
    ok = sweep(cons, [Q(1), Q(2)])
    assert all(p.certified for p in ok)


def _breast_cancer(n=None):
    datasets = pytest.importorskip("sklearn.datasets")
    X = datasets.load_breast_cancer().data
    return X if n is None else X[:n]


def test_breast_cancer_subset_float_samples():
    """64 float samples of scikit-learn's breast-cancer set: binary rationals with large denominators."""
    X = _breast_cancer(64)
    t0 = time.monotonic()
    r = lemma_4_3(data=X, activation="sigmoid", sweep_points=3)
    assert time.monotonic() - t0 < LIMIT
    assert r.holds is True and r.level == "proved" and r.details["alpha0_for_every_positive_alpha"]
    cons = build(np.asarray(X, dtype=object), activation="sigmoid")
    a = exact_alpha0(cons)  # the route the example used to hang in: refused up front, nothing claimed
    assert a is not None and a.alpha0 is None and a.level is None
    _recheck_alpha0(cons, r)
    _no_claim_in_undecided(r)


@pytest.mark.slow
def test_breast_cancer_full_sigmoid():
    """The issue's example: `check lemma-4.3 --activation sigmoid` on all 569 samples, within 60 s."""
    X = _breast_cancer()
    t0 = time.process_time()
    w0 = time.monotonic()
    r = lemma_4_3(data=X, activation="sigmoid")
    cpu = time.process_time() - t0
    assert cpu < LIMIT, cpu  # CPU time: the wall clock depends on the machine's load
    assert time.monotonic() - w0 < 4 * LIMIT
    assert r.holds is True and r.level == "proved"
    _no_claim_in_undecided(r)
    # N = 569 is above the ball sweep's size: every point's sign is the closed form's, proved, with |det| numerical
    sweep = r.details["sweep"]
    assert sweep and all(p["sign_level"] == "proved" and p["log10_abs_det_level"] == "numerical" for p in sweep)


def test_guarded_sympy_call_ends_undecided():
    """A SymPy call far beyond its budget returns the default (undecided), with the reason recorded."""
    import sympy as sp

    x = sp.Symbol("x")
    hard = sum(sp.sin(x) ** k * sp.cos(x) ** (20 - k) for k in range(20)) ** 3
    t0 = time.monotonic()
    assert budget.guarded(lambda: sp.simplify(hard), 0.3, default=None, step="simplify") is None
    assert time.monotonic() - t0 < LIMIT
    assert "simplify" in budget.last_reason()


@pytest.mark.slow
def test_breast_cancer_full_sigmoid_layer_2():
    """The README's line `check lemma-4.3 --data breast-cancer --layer 2`: proved -- the layer-2 witness is a
    bordered Cauchy matrix, its rank proved from the witness parameters in exact arithmetic (cauchy_witness)."""
    X = _breast_cancer()
    r = lemma_4_3(data=X, activation="sigmoid", layer=2)  # its time is a benchmark's (README), not asserted here
    assert r.holds is True and r.level == "proved"
    w = r.details["witness"]["at_alpha0"]
    assert w["level"] == "proved" and w["rank"] == 569 and w["by_closed_form"]["route"] == "bordered Cauchy determinant"
    _no_claim_in_undecided(r)
