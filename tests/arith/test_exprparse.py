"""exactloss.arith.exprparse: the safe expression reader (formulas are data, never code).

Every accepted formula is compared with the SymPy expression built directly from
SymPy's constructors (structural ``==``); every refusal is an InputError naming the
problem.  Nothing here goes through ``sympify`` of a string.
"""

import time
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from exactloss import activation, loss
from exactloss.errors import InputError
from exactloss.arith.exprparse import (FUNCTIONS, MAX_DEPTH, MAX_DIGITS, MAX_EXPONENT, MAX_LENGTH, MAX_POWER_EXPONENT,
                                 parse, plain_symbols, read_number, to_sympy)

t = sp.Symbol("t", real=True)
a = sp.Symbol("a", real=True)
V = {"t": t}


def P(text, variables=V):
    return parse(text, variables)


# -- precedence and associativity (Python's, with ^ as a power) --------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1 + 2*t", 1 + 2 * t),
    ("(1 + 2)*t", 3 * t),
    ("-t**2", -(t ** 2)),
    ("(-t)**2", t ** 2),
    ("2**3**2", sp.Integer(512)),            # right associative: 2**(3**2)
    ("2^3^2", sp.Integer(512)),
    ("t^2", t ** 2),
    ("2**-1", sp.Rational(1, 2)),
    ("2*-t", -2 * t),
    ("--t", t),
    ("+t", t),
    ("t - 1 - 1", t - 2),                     # left associative
    ("8/2/2", sp.Integer(2)),
    ("t/2*3", sp.Rational(3, 2) * t),
    ("2t", 2 * t),                            # implicit products
    ("2t**2", 2 * t ** 2),
    ("2(t + 1)", 2 * (t + 1)),
    ("(t - 1)(t + 1)", (t - 1) * (t + 1)),
    ("t(t + 1)", t * (t + 1)),
    ("2 pi t", 2 * sp.pi * t),
    ("sin(t)cos(t)", sp.sin(t) * sp.cos(t)),
    ("e**t", sp.exp(t)),
    ("E", sp.E),
    ("pi", sp.pi),
])
def test_precedence(text, expected):
    assert P(text) == expected


# -- numbers: exact rationals ----------------------------------------------------------------

@pytest.mark.parametrize("text, q", [
    ("0.1", Fraction(1, 10)), ("12", Fraction(12)), ("1.5e-3", Fraction(3, 2000)), ("2.", Fraction(2)),
    (".25", Fraction(1, 4)), ("1E3", Fraction(1000)), ("1e+2", Fraction(100)), ("007", Fraction(7)),
    ("3/7", Fraction(3, 7)), ("1e-1000", Fraction(1, 10 ** 1000)), ("0.000", Fraction(0)),
])
def test_decimals_are_exact(text, q):
    assert P(text) == sp.Rational(q.numerator, q.denominator)


def test_decimal_times_variable_is_exact():
    assert P("0.1*t + tanh(t)") == t / 10 + sp.tanh(t)
    assert P("0.1t") == t / 10
    assert read_number("2.50") == Fraction(5, 2)


# -- the whitelist: every function, against SymPy's own constructor -----------------------------

ONE_ARG = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "cot": sp.cot, "sec": sp.sec, "csc": sp.csc, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "acot": sp.acot,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth, "asinh": sp.asinh, "acosh": sp.acosh,
    "atanh": sp.atanh, "erf": sp.erf, "erfc": sp.erfc, "Abs": sp.Abs, "abs": sp.Abs, "sign": sp.sign,
    "Heaviside": sp.Heaviside, "floor": sp.floor, "ceiling": sp.ceiling, "Max": sp.Max, "max": sp.Max,
    "Min": sp.Min, "min": sp.Min,
    "sigmoid": lambda x: 1 / (1 + sp.exp(-x)), "relu": lambda x: sp.Max(0, x), "softplus": lambda x: sp.log(1 + sp.exp(x)),
}


def test_the_whitelist_is_tested_whole():
    assert set(ONE_ARG) == set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(ONE_ARG))
def test_every_function(name):
    assert P(f"{name}(2*t + 1)") == ONE_ARG[name](2 * t + 1)


@pytest.mark.parametrize("text, expected", [
    ("log(t, 2)", sp.log(t, 2)), ("Max(0, t, t/2)", sp.Max(0, t, t / 2)), ("min(t, 1)", sp.Min(t, 1)),
    ("Heaviside(t, 1/2)", sp.Heaviside(t, sp.Rational(1, 2))),
    ("max(0, -a)**2 * (exp(10**(-50)) - 1)", sp.Max(0, -a) ** 2 * (sp.exp(sp.Rational(1, 10 ** 50)) - 1)),
])
def test_several_arguments(text, expected):
    assert P(text, {"t": t, "a": a}) == expected


# -- Piecewise and its conditions ---------------------------------------------------------------

def test_piecewise():
    assert P("Piecewise((0, t < 0), (t**2, True))") == sp.Piecewise((0, t < 0), (t ** 2, True))
    assert P("Piecewise((a**2, a < 1), (6 - 8/a + 3/a**2, True))", {"a": a}) == \
        sp.Piecewise((a ** 2, a < 1), (6 - 8 / a + 3 / a ** 2, True))
    assert P("Piecewise((t, (t > -1) & (t < 0)), (0, t >= 0 | (t <= -1)), (1, True))") == \
        sp.Piecewise((t, sp.And(t > -1, t < 0)), (0, sp.Or(t >= 0, t <= -1)), (1, True))
    assert P("Piecewise((t, -1 < t < 0), (0, True))") == sp.Piecewise((t, sp.And(-1 < t, t < 0)), (0, True))
    assert P("Piecewise((t, Eq(t, 0) | Ne(t, 1)), (1, True))".replace("Eq(t, 0)", "t == 0").replace("Ne(t, 1)", "t != 1")) \
        == sp.Piecewise((t, sp.Or(sp.Eq(t, 0), sp.Ne(t, 1))), (1, True))
    assert P("Piecewise((t, And(t > 0, Not(t > 1))), (0, True))") == \
        sp.Piecewise((t, sp.And(t > 0, sp.Not(t > 1))), (0, True))


@pytest.mark.parametrize("text, msg", [
    ("t < 0", "only inside Piecewise"),
    ("(t < 0) + 1", "only inside Piecewise"),
    ("Piecewise((t < 0, True))", "only inside Piecewise"),
    ("Piecewise((t, t < 0) + 1)", "expected"),
    ("Piecewise((t, (t < 0) + 1))", "number or formula is needed"),
    ("Piecewise((t, t + 1))", "condition"),
    ("Piecewise(t, True)", "expected '\\('"),
    ("And(t > 0)", "only inside Piecewise"),
    ("True", "unknown name"),
])
def test_conditions_only_in_piecewise(text, msg):
    with pytest.raises(InputError, match=msg):
        P(text)


# -- refusals -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, msg", [
    ("", "empty"),
    ("   ", "empty"),
    ("foo(t)", "unknown function 'foo'; known functions: Abs"),
    ("x + 1", "uses the variable\\(s\\) x; only t is allowed"),
    ("t + I", "imaginary unit I"),
    ("oo", "infinite"),
    ("__import__('os')", "unexpected character"),
    ("__class__", "unknown name '__class__'"),
    ("lambda", "variable\\(s\\) lambda"),
    ("t; 1", "unexpected character ';'"),
    ("t.real", "unexpected character '.'"),
    ("1.__class__", "unknown name '__class__'"),
    ("t[0]", "unexpected character '\\['"),
    ("sin(", "ends too early"),
    ("sin(t", "expected '\\)'"),
    ("sin t", "is a function; write sin"),
    ("(t", "expected '\\)'"),
    ("t)", "unexpected '\\)'"),
    ("1 2", "unexpected '2'"),
    ("t // 2", "unexpected '/'"),
    ("t % 2", "unexpected character '%'"),
    ("exp(t, 2)", "exp takes 1 argument"),
    ("log()", "log takes 1 or 2"),
    ("1/0", "divides by zero"),
    ("t ** 1001", f"\\|numerator\\|, denominator <= {MAX_POWER_EXPONENT}"),
    ("t**(10**100)", "beyond the accepted"),
    ("2**2**2**40", "beyond the accepted"),
    ("t**(1/1001)", "beyond the accepted"),
    ("(t**1000)**1000", "t\\*\\*1000000"),
    ("10**999 * 10**999 * 10**999 * 10**999 * 10**999", f"more than {MAX_DIGITS} digits"),
    ("1e1001", f"\\|exponent\\| <= {MAX_EXPONENT}"),
    ("1e999999999", "beyond the accepted range"),
    ("t" + "+t" * MAX_LENGTH, f"at most {MAX_LENGTH}"),
    ("(" * (MAX_DEPTH + 1) + "t" + ")" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} levels"),
    ("-" * (MAX_DEPTH + 1) + "t", f"more than {MAX_DEPTH} levels"),
    ("exp(" * (MAX_DEPTH + 1) + "t" + ")" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} levels"),
    ("2" + "**2" * (MAX_DEPTH + 1), f"more than {MAX_DEPTH} levels"),
    ("t\u00b2", "unexpected character"),          # no Unicode digits or letters
    ("\u0663", "unexpected character"),           # ARABIC-INDIC DIGIT THREE is not a number here
])
def test_refusals(text, msg):
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=msg):
        P(text)
    assert time.perf_counter() - t0 < 2


def test_number_literal_limits():
    with pytest.raises(InputError, match=f"at most {MAX_DIGITS} digits"):
        read_number("1" * (MAX_DIGITS + 1))
    with pytest.raises(InputError, match=f"more than {MAX_DIGITS} digits"):
        read_number("1" * 3990 + "e20")
    with pytest.raises(InputError, match="exponent"):
        read_number("1e" + "9" * 4000)
    assert read_number("1" * MAX_DIGITS) == int("1" * MAX_DIGITS)


def test_not_text():
    with pytest.raises(InputError, match="as text"):
        parse(3, V)


def test_deep_but_allowed_nesting():
    assert P("(" * (MAX_DEPTH - 2) + "t" + ")" * (MAX_DEPTH - 2)) == t
    assert P("t**1000") == t ** 1000
    assert P("(1/2)**1000") == sp.Rational(1, 2 ** 1000)


# -- the callers: activations, losses, Theorem 3.10's polynomials, to_sympy -------------------------

def test_activation_and_loss_callers():
    assert activation("t/(1+abs(t))").expr == t / (1 + sp.Abs(t))
    assert activation("relu(t)").expr == sp.Max(0, t)
    assert loss("a**4").expr == a ** 4
    assert loss("t**2").expr == a ** 2                         # t is an alias of a in a loss
    with pytest.raises(InputError, match="only a"):
        loss("x**2")
    with pytest.raises(InputError, match="mixes a and t"):
        loss("a + t")


def test_plain_symbols_for_polynomials():
    x1, x2 = sp.symbols("x1 x2")
    assert parse("x1**3 - 3*x1*x2**2", plain_symbols(real=False)) == x1 ** 3 - 3 * x1 * x2 ** 2
    with pytest.raises(InputError, match="unknown name '__class__'"):
        parse("__class__", plain_symbols())


def test_to_sympy_never_evaluates_text():
    assert to_sympy(sp.Integer(3)) is sp.Integer(3)
    assert to_sympy(3) == 3 and to_sympy(Fraction(1, 3)) == sp.Rational(1, 3)
    assert to_sympy("1/3") == sp.Rational(1, 3)
    with pytest.raises(InputError):
        to_sympy("__import__('os')")


# -- random formulas: the reader agrees with SymPy's constructors ----------------------------------

_leaf = st.sampled_from([("t", t), ("1", sp.Integer(1)), ("2", sp.Integer(2)), ("0.5", sp.Rational(1, 2)),
                         ("pi", sp.pi), ("3/7", sp.Rational(3, 7))])


def _node(children):
    def bin_(op, f):
        return st.tuples(children, children).map(lambda p: (f"({p[0][0]}){op}({p[1][0]})", f(p[0][1], p[1][1])))
    return st.one_of(
        bin_("+", lambda x, y: x + y), bin_("-", lambda x, y: x - y), bin_("*", lambda x, y: x * y),
        children.map(lambda c: (f"-({c[0]})", -c[1])),
        children.map(lambda c: (f"exp({c[0]})", sp.exp(c[1]))),
        children.map(lambda c: (f"atan({c[0]})", sp.atan(c[1]))),
        children.map(lambda c: (f"({c[0]})**2", c[1] ** 2)),
        st.tuples(children, children).map(lambda p: (f"Max({p[0][0]}, {p[1][0]})", sp.Max(p[0][1], p[1][1]))),
    )


@settings(max_examples=25, deadline=None)
@given(st.recursive(_leaf, _node, max_leaves=8))
def test_random_formulas_match_sympy_constructors(pair):
    text, expected = pair
    assert P(text) == expected
