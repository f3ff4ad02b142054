"""exactloss.arith.systems: the five number systems agree where they should, and refuse what they must."""

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from flint import arb, fmpq
from hypothesis import given, strategies as st

from exactloss.errors import DataError, InputError, NotExactError, UnknownNameError
from exactloss.arith.systems import MP, Ball, Exact, Float, Symbolic, parse_rational, rational_matrix, system
from tests.tolerance import ball_contains, close, digits_agree


@pytest.mark.parametrize("text,value", [("-3/7", Fraction(-3, 7)), ("0.25", Fraction(1, 4)), ("1e-3", Fraction(1, 1000)),
                                        (3, Fraction(3)), (0.1, Fraction(0.1)), (" 5 ", Fraction(5))])
def test_parse_rational_exact(text, value):
    assert parse_rational(text) == value


@pytest.mark.parametrize("bad", ["nan", "inf", "-inf", float("nan"), float("inf")])
def test_parse_rational_refuses_nonfinite(bad):
    with pytest.raises(DataError, match="NaN/inf"):
        parse_rational(bad, "X[0, 0]")


@pytest.mark.parametrize("bad", ["abc", [1], None, True, "1/0"])
def test_parse_rational_refuses_non_numbers(bad):
    with pytest.raises(InputError):
        parse_rational(bad)


def test_rational_matrix_ragged_and_ndim():
    with pytest.raises(InputError, match="different lengths"):
        rational_matrix([[1, 2], [3]], "X")
    with pytest.raises(InputError, match="expected a matrix"):
        rational_matrix([1, 2], "X")
    with pytest.raises(DataError, match=r"X.*NaN/inf"):
        rational_matrix(np.array([[1.0, np.nan]]), "X")


def test_system_names():
    assert isinstance(system("exact"), Exact)
    assert isinstance(system("ball", 30), Ball) and system("ball", 30).prec >= 100
    assert system("mpmath", 50).dps == 50
    assert system("float").level == "numerical"
    assert system("symbolic").level == "proved"
    with pytest.raises(UnknownNameError, match="known: symbolic"):
        system("quad")


def test_levels():
    assert [system(n).level for n in ("symbolic", "exact", "ball", "mpmath", "float")] == [
        "proved", "proved", "certified", "numerical", "numerical"]


def test_ball_scope_restores_precision():
    from flint import ctx

    before = ctx.prec
    with Ball(300).scope():
        assert ctx.prec == 300
    assert ctx.prec == before


def test_mpmath_scope_restores_precision():
    before = mpmath.mp.dps
    with MP(77).scope():
        assert mpmath.mp.dps == 77
    assert mpmath.mp.dps == before


@given(st.fractions(min_value=-10, max_value=10, max_denominator=50))
def test_every_system_represents_a_rational(q):
    assert Exact().scalar(q) == fmpq(q.numerator, q.denominator)
    assert Symbolic().scalar(q) == sp.Rational(q.numerator, q.denominator)
    assert ball_contains(Ball(64).scalar(q), q)
    assert digits_agree(MP(40).scalar(q), MP(80).scalar(q), 35)
    assert close(Float().scalar(q), float(q))


def test_exact_refuses_transcendental():
    E = Exact()
    t = sp.Symbol("t", real=True)
    with pytest.raises(NotExactError, match="--numbers ball"):
        E.compile(sp.exp(t), t, "activation sigmoid")


def test_ball_log1p_rewrite_keeps_tiny_values():
    t = sp.Symbol("t", real=True)
    S = Ball(128)
    f = S.compile(sp.log(1 + sp.exp(t)), t, "softplus")
    with S.scope():
        v = f(S.scalar(-1000))
    assert v > 0 and not v.contains(0)  # log(1 + e^-1000) ~ e^-1000, not a ball around 0


def test_float_array_reads_strings_exactly():
    assert Float().array([["1/4", 2]]).tolist() == [[0.25, 2.0]]
    with pytest.raises(DataError):
        Float().array(np.array([[np.inf]]))
