"""Structural analyticity / C^k certificates (exactloss.arith.analyticity) and rigorous ranges (exactloss.arith.ranges)."""

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from exactloss.arith.analyticity import analytic, smooth
from exactloss.arith.ranges import cmp, prove_sign, value_range

t = sp.Symbol("t", real=True)
s = sp.Symbol("s", positive=True)


def E(text):
    return sp.sympify(text, locals={"t": t})


# -- analytic: proved only with a structural certificate --------------------------------------

@pytest.mark.parametrize("text", [
    "1/(1+exp(-t))", "tanh(t)", "log(1+exp(2*t))/2", "t", "atan(t)", "erf(t)", "t + sin(t)", "t**3",
    "exp(t)", "tanh(t) + t/100", "t**2", "sqrt(t**2 + 1)", "cosh(t) + asinh(t)", "2**t", "log(t**2 + 1)",
    "1/(t**2 + 1)", "exp(-exp(-t))",
])
def test_analytic_proved(text):
    c = analytic(E(text), t)
    assert (c.holds, c.level) == (True, "proved")


@pytest.mark.parametrize("text, order, point", [
    ("Max(0, t)", 1, 0),                  # relu: not differentiable at 0
    ("Max(t/10, t)", 1, 0),               # leaky relu
    ("Abs(t)", 1, 0),
    ("t/(1 + Abs(t))", 2, 0),             # C^1 but not C^2 at 0 (the example)
    ("t*Abs(t)", 2, 0),
    ("t*Abs(t)**3", 4, 0),
    ("sign(t)", 0, 0),
    ("Heaviside(t)", 0, 0),
    ("Abs(t - 1) + Abs(t + 1)", 1, -1),
    ("Abs(exp(t) - 2)", 1, sp.log(2)),
    ("Min(t, 0)**2", 2, 0),               # Section 5's l1 in t
    ("Piecewise((0, t < 0), (t**2, True))", 2, 0),
    ("sqrt(Abs(t))", 1, 0),
])
def test_not_analytic_with_the_failing_order(text, order, point):
    c = analytic(E(text), t)
    assert c.holds is False and c.level == "proved"
    assert c.fail_order == order
    assert sp.simplify(c.fail_point - point) == 0


@pytest.mark.parametrize("text, where", [("1/t", "not defined at t = 0"), ("log(t)", "not real-valued"),
                                         ("sqrt(t)", "not real-valued"), ("1/(t**2 - 1)", "not defined at t = -1")])
def test_not_defined_on_R(text, where):
    c = analytic(E(text), t)
    assert c.holds is False and where in c.reason


@pytest.mark.parametrize("text", ["tan(t)", "Piecewise((0, t < 0), (t**5, True))", "floor(t)"])
def test_undecided_is_not_analytic(text):
    # tan has poles (no rule); t^5 one-sided is C^4 but we do not decide analyticity there
    c = analytic(E(text), t)
    assert c.holds is not True


def test_relu_message_names_the_point():
    c = analytic(E("Max(0, t)"), t)
    assert "not differentiable at t = 0" in c.reason


def test_smooth_orders():
    assert smooth(E("Min(t, 0)**2"), t, 1).holds is True
    assert smooth(E("Min(t, 0)**2"), t, 2).holds is False
    assert smooth(E("t/(1 + Abs(t))"), t, 1).holds is True
    assert smooth(E("t*Abs(t)**3"), t, 2).holds is True
    assert smooth(E("Max(0, t)"), t, 1).holds is False
    assert smooth(E("exp(t)"), t, 2).holds is True


def test_multivariate_certificate():
    w, b, x = sp.symbols("w b x", real=True)
    assert analytic(1 / (1 + sp.exp(-(w * x + b))), None).holds is True
    assert analytic(sp.log(1 + sp.exp(2 * w - b)), None).holds is True
    assert analytic(sp.Max(0, w + b), None).holds is not True


# -- ranges and sign proofs ---------------------------------------------------------------------

@pytest.mark.parametrize("expr, want, expected", [
    (1 - sp.tanh(t) ** 2, "pos", True),
    (1 + sp.cos(t), "pos", False),
    (1 + sp.cos(t), "nonneg", True),
    (3 * t**2, "pos", False),
    (3 * t**2, "nonneg", True),
    (2 * t, "nonneg", False),
    (sp.exp(-t) / (1 + sp.exp(-t)) ** 2, "pos", True),
    (sp.Rational(101, 100) - sp.tanh(t) ** 2, "pos", True),
    (1 / (1 + s) - s / (1 + s) ** 2, "pos", True),     # needs `together`
    (sp.log(1 + t**2), "nonneg", True),
    (sp.sin(t), "nonneg", False),
    (t**2 - 1, "nonneg", False),
])
def test_prove_sign(expr, want, expected):
    assert prove_sign(expr, want)[0] is expected


def test_range_is_rigorous_at_samples():
    for e in (sp.atan(t) + sp.tanh(t) ** 2, sp.exp(-t**2) * sp.cos(t), sp.log(2 + sp.sin(t)), 1 / (1 + sp.Abs(t))):
        r = value_range(e)
        assert r is not None
        for x in (-5, -1, 0, sp.Rational(1, 3), 2, 7):
            v = e.subs(t, x)
            assert cmp(v, r.lo) in (0, 1) and cmp(v, r.hi) in (0, -1)


@settings(max_examples=20)
@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(1, 6))
def test_no_false_positive_for_quadratics(p, q, k):
    # (t - p/k)^2 + q/k is > 0 on R iff q > 0: the prover may fail to prove, never prove a false claim
    e = (t - sp.Rational(p, k)) ** 2 + sp.Rational(q, k)
    ok, _ = prove_sign(e, "pos")
    if ok:
        assert q > 0
    ok, _ = prove_sign(e, "nonneg")
    if ok:
        assert q >= 0
