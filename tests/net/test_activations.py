"""exactloss.net.activations: the catalogue, user expressions, derivatives in every number system."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

from exactloss import activation
from exactloss.errors import InputError, NotExactError
from exactloss.arith.systems import MP, Ball, Exact, Float, Symbolic
from tests.tolerance import ball_contains, close

CATALOGUE = ["sigmoid", "tanh", "softplus", "softplus:alpha=3", "identity", "relu"]
USER = ["atan(t)", "erf(t)", "t + t**3", "t/(1+abs(t))", "tanh(t) + t/100", "log(1+exp(t))"]


@pytest.mark.parametrize("name", CATALOGUE + USER)
def test_derivatives_agree_with_sympy_in_every_system(name):
    s = activation(name)
    t = s.var
    x = Fraction(3, 7)
    exact_d1 = sp.diff(s.expr, t).subs(t, sp.Rational(3, 7))
    with mpmath.workdps(60):
        ref = mpmath.mpf(sp.N(exact_d1, 60))
        B = Ball(200)
        b = s.scalar(B, x, order=1)
        assert ball_contains(b, ref) or abs(mpmath.mpf(b.mid().str(50, radius=False)) - ref) < mpmath.mpf(10) ** -45
    assert close(s.scalar(MP(40), x, 1), float(ref))
    assert close(s.d(Float(), np.array([float(x)]))[0], float(ref))


def test_softplus_parameter_and_generic():
    s = activation("softplus:alpha=2")
    assert s.params == {"alpha": Fraction(2)}
    assert activation("softplus(alpha=1/2)").params == {"alpha": Fraction(1, 2)}
    g = activation("generic")
    assert g.generic and str(g.d1_expr) == "sigma'(t)"
    with pytest.raises(InputError, match="alpha > 0"):
        activation("softplus:alpha=0")


def test_generic_has_only_symbolic_values():
    g = activation("generic")
    with pytest.raises(InputError, match="symbolic values only"):
        g.value(Ball(), Ball().array([[1]]))
    assert str(g.value(Symbolic(), np.array([[sp.Symbol("x")]], dtype=object))[0, 0]) == "sigma(x)"


def test_exact_rational_activation_and_refusal():
    E = Exact()
    s = activation("t + t**3")
    assert [str(v) for v in s.value(E, E.array([["1/2", 2]]))[0]] == ["5/8", "10"]
    with pytest.raises(NotExactError, match="ball"):
        activation("sigmoid").value(E, E.array([[1]]))


@pytest.mark.parametrize("bad,msg", [("foo", "unknown activation"), ("x + 1", "only t"), ("t + I", "real-valued"),
                                     ("sin(", "cannot parse"), ("", "empty"), ("softplus:beta=2", "no parameter"),
                                     ("sigmoid:1", "takes 0")])
def test_bad_activation_specs(bad, msg):
    with pytest.raises(InputError, match=msg):
        activation(bad)


def test_relu_derivative_ball_at_zero_contains_both_sides():
    r = activation("relu")
    with Ball(64).scope():
        v = r.scalar(Ball(64), 0, order=1)
    assert v.contains(0) and v.contains(1)


@given(st.floats(min_value=-30, max_value=30))
def test_float_sigmoid_matches_ball(x):
    s = activation("sigmoid")
    b = s.scalar(Ball(128), x)
    f = s.value(Float(), np.array([x]))[0]
    assert abs(float(b.mid()) - f) <= 1e-15 * max(1, abs(f)) + 1e-300


@pytest.mark.parametrize("spec,expr", [("relu(t)", "Max(0, t)"), ("tanh(2*t)", "tanh(2*t)")])
def test_catalogue_name_applied_to_a_formula_is_an_expression(spec, expr):
    assert str(activation(spec).expr) == expr
