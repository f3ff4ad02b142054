"""Assumption 3.2.2 for an activation, clause by clause: the paper's verdicts (Lemma 3.3's catalogue) and the
issue's user expressions with known answers (exactloss.paper.assumption_3_2.activation)."""

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from exactloss.paper.assumption_3_2.activation import activation_conditions, growth


AN, INC, A, B = range(4)  # clause order of activation_conditions


def verdicts(spec):
    r = activation_conditions(spec)
    return r, [c.holds for c in r.clauses]


def assert_no_false_proof(r):
    """A clause at level proved/certified must have a decided verdict; undecided carries no level."""
    for c in r.clauses:
        if c.holds is None:
            assert c.level is None
        else:
            assert c.level in ("proved", "certified")


@pytest.mark.parametrize("spec, via, mu, gamma", [("sigmoid", A, 0, 1), ("tanh", A, -1, 1)])
def test_bounded_catalogue(spec, via, mu, gamma):
    r, v = verdicts(spec)
    assert r.holds is True and r.level == "proved"
    assert all(r.clauses[i].level == "proved" for i in (AN, INC, via))
    assert r.details["mu"] == mu and r.details["gamma"] == gamma


@pytest.mark.parametrize("alpha", ["1", "2", "1/2", "10"])
def test_softplus_reproduces_the_papers_rho(alpha):
    r, v = verdicts(f"softplus:alpha={alpha}")
    al = sp.Rational(alpha)
    assert r.holds is True and r.level == "proved"
    assert v[A] is False and v[B] is True and r.clauses[B].level == "proved"
    rho = r.details["rho"]
    assert sp.simplify(rho["rho_1"] - 1 / al) == 0
    assert rho["rho_2"] == al and rho["rho_3"] == 1
    assert sp.simplify(rho["rho_4"] - sp.log(2) / al) == 0


def test_identity_and_relu_are_not_covered():
    r, v = verdicts("identity")
    assert r.holds is False and v[AN] is True and v[A] is False and v[B] is False
    r, v = verdicts("relu")
    assert r.holds is False and v[AN] is False
    assert "not differentiable at t = 0" in r.clauses[AN].reason


KNOWN = {
    # expr: (analytic, increasing, (a), (b), overall)
    "atan(t)": (True, True, True, False, True),
    "erf(t)": (True, True, True, False, True),
    "log(1+exp(t))": (True, True, False, True, True),
    "t + sin(t)": (True, True, False, False, False),
    "t**3": (True, True, False, False, False),
    "exp(t)": (True, True, False, False, False),
    "tanh(t) + t/100": (True, True, False, False, False),
    "t/(1+abs(t))": (False, True, True, False, False),
    "t**2": (True, False, False, False, False),
    "max(0, t)": (False, False, False, None, False),       # ReLU written out
    "max(t/10, t)": (False, True, False, False, False),       # leaky ReLU
    "abs(t)": (False, False, False, False, False),
    "1/(1+exp(-t))": (True, True, True, True, True),
    "t + t**3": (True, True, False, False, False),
    "2*t + sin(t)": (True, True, False, False, False),
    "sinh(t)": (True, True, False, False, False),
    "asinh(t)": (True, True, False, False, False),
    "1/(1+exp(-2*t)) - 1/2": (True, True, True, False, True),
    "exp(t)/(1+exp(t))": (True, True, True, True, True),
    "atan(t) + t": (True, True, False, False, False),
    "exp(-exp(-t))": (True, True, True, None, True),           # Gompertz: bounded; (b) not decided
    "sign(t)": (False, False, None, False, False),
    "sin(t)": (True, False, None, None, False),
}


@pytest.mark.parametrize("expr", list(KNOWN))
def test_known_answers(expr):
    r, v = verdicts(expr)
    *clauses, overall = KNOWN[expr]
    assert v == clauses, [c.reason for c in r.clauses]
    assert r.holds is overall
    assert_no_false_proof(r)


def test_t_plus_sin_increasing_by_isolated_zeros():
    r, _ = verdicts("t + sin(t)")
    assert r.clauses[INC].level == "proved" and "isolated" in r.clauses[INC].reason


def test_increasing_by_ball_cover_and_tails():
    # sigma' = t^2 - t + 1 > 0: interval bounds alone fail; [-R, R] by arb boxes + symbolic tails -> certified
    r, v = verdicts("t**3/3 - t**2/2 + t")
    assert v[INC] is True and r.clauses[INC].level == "certified"
    # sigma' = (t - 1)^2: >= 0 with an isolated zero -> proved
    r, v = verdicts("t**3/3 - t**2 + t")
    assert v[INC] is True and r.clauses[INC].level == "proved"
    # sigma' = t^2 - t + 1/5 < 0 at 1/3: not increasing
    r, v = verdicts("t**3/3 - t**2/2 + t/5")
    assert v[INC] is False


def test_exp_fails_b_for_t_nonnegative_only():
    r, _ = verdicts("exp(t)")
    reason = r.clauses[B].reason
    assert "t >= 0" in reason and "fails for t < 0" not in reason


def test_tanh_plus_linear_fails_b_for_t_negative():
    r, _ = verdicts("tanh(t) + t/100")
    assert "fails for t < 0" in r.clauses[B].reason


def test_bounded_non_analytic_reason():
    r, _ = verdicts("t/(1+abs(t))")
    assert "not C^2 at t = 0" in r.clauses[AN].reason
    assert r.details["mu"] == -1 and r.details["gamma"] == 1


@pytest.mark.parametrize("expr", ["t + sqrt(1 + t**2)", "tan(t)", "log(t)", "erf(t) + 1"])
def test_hard_cases_never_claim_a_false_proof(expr):
    # t + sqrt(1+t^2) is increasing (undecided is acceptable); tan is not increasing on R; log is not real on R
    r, v = verdicts(expr)
    assert_no_false_proof(r)
    if expr == "t + sqrt(1 + t**2)":
        assert v[INC] in (True, None)   # it is increasing: undecided is allowed, "fails" is not
    if expr in ("tan(t)", "log(t)"):
        assert r.holds is not True and v[AN] is not True


@settings(max_examples=5, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12))
def test_random_softplus_rho_verified(p, q):
    al = Fraction(p, q)
    v, info = growth(f"softplus:alpha={al}")
    a = sp.Rational(p, q)
    assert v.holds is True and v.level == "proved"
    rho = info["rho"]
    assert sp.simplify(rho["rho_1"] - 1 / a) == 0 and rho["rho_2"] == a
    assert rho["rho_3"] == 1 and sp.simplify(rho["rho_4"] - sp.log(2) / a) == 0
