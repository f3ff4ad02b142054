"""exactloss.floatpath.rounding: every rounding-error bound holds against exact rational recomputation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

from exactloss.errors import InputError
from exactloss.floatpath.rounding import dot_upper, frobenius_upper, gamma, sum_upper


@given(st.lists(st.floats(min_value=0, max_value=1e300, allow_nan=False), min_size=1, max_size=40))
def test_sum_upper_bounds_exact_sum(xs):
    P = np.array(xs)
    assert Fraction(float(sum_upper(P, 0))) >= sum(Fraction(x) for x in xs)


@given(st.integers(1, 8), st.integers(1, 8), st.integers(0, 10**6))
def test_dot_upper_bounds_exact_product(n, m, seed):
    rng = np.random.default_rng(seed)
    P = np.abs(rng.standard_normal((m, n))) * 10.0 ** rng.integers(-320, 5, size=(m, n))
    v = np.abs(rng.standard_normal(n)) * 10.0 ** rng.integers(-300, 5, size=n)
    ub = dot_upper(P, v)
    for i in range(m):
        exact = sum(Fraction(float(P[i, j])) * Fraction(float(v[j])) for j in range(n))
        assert Fraction(float(ub[i])) >= exact


def test_frobenius_upper_with_subnormals():
    D = np.array([[1e-310, 3.0], [-2.5e-200, 1e-170]])
    exact2 = sum(Fraction(float(x)) ** 2 for x in D.flat)
    assert Fraction(frobenius_upper(D)) ** 2 >= exact2


def test_gamma_is_an_upper_bound():
    u = Fraction(1, 2**53)
    for n in (1, 2, 10, 4096):
        assert Fraction(gamma(n)) >= n * u / (1 - n * u)
    with pytest.raises(InputError):
        gamma(2**53)


@given(st.lists(st.one_of(st.floats(allow_nan=False), st.sampled_from([0.0, -0.0, 5e-324, -5e-324,
                                                                         1.7976931348623157e308])),
                min_size=1, max_size=40))
def test_up_fast_down_fast_in_place_path(xs):
    """The one-buffer path of up_fast/down_fast (float64 arrays) gives the values of the formula, and they are
    upper/lower bounds of every real number that rounds to x (x +- ulp(x)/2 covers them)."""
    from exactloss.floatpath.rounding import ETA, down_fast, up_fast

    x = np.array(xs, dtype=np.float64)
    with np.errstate(all="ignore"):
        ref_up = np.fmax(x + (np.abs(x) * 2.0 ** -50 + 2 * ETA), -np.finfo(np.float64).max)
        ref_dn = np.fmin(x - (np.abs(x) * 2.0 ** -50 + 2 * ETA), np.finfo(np.float64).max)
        u, d = up_fast(x), down_fast(x)
    assert np.array_equal(u, ref_up, equal_nan=True) and np.array_equal(d, ref_dn, equal_nan=True)
    for xi, ui, di in zip(x, u, d):
        if np.isfinite(xi) and np.isfinite(ui) and np.isfinite(di):
            half_ulp = Fraction(float(np.spacing(abs(xi)))) / 2
            assert Fraction(float(ui)) >= Fraction(float(xi)) + half_ulp
            assert Fraction(float(di)) <= Fraction(float(xi)) - half_ulp


@given(st.integers(1, 6), st.integers(1, 6), st.integers(0, 10**6))
def test_frobenius_upper_in_place_matches_and_bounds(n, m, seed):
    """frobenius_upper (squares formed in place) bounds the exact Frobenius norm and does not touch its input."""
    rng = np.random.default_rng(seed)
    D = rng.standard_normal((n, m)) * 10.0 ** rng.integers(-320, 150, size=(n, m))
    D0 = D.copy()
    f = frobenius_upper(D)
    assert np.array_equal(D, D0)
    assert Fraction(f) ** 2 >= sum(Fraction(float(x)) ** 2 for x in D.flat)


def test_conversion_error_per_distinct_object_is_exact():
    """The deduplicated conversion bound equals the entrywise exact one, also for a foreign float image."""
    from fractions import Fraction

    from exactloss.arith.systems import Float, per_object
    from exactloss.floatpath.rounding import conversion_error

    third = Fraction(1, 3)
    A = np.array([[third, Fraction(0), third], ["0.1", 3, Fraction(0)]], dtype=object)
    values, inverse = per_object(A, lambda x: str(x))
    assert [values[i] for i in inverse] == [str(x) for x in A.ravel()]
    f = Float().array(A)
    assert f.tolist() == [[1 / 3, 0.0, 1 / 3], [0.1, 3.0, 0.0]]
    e = conversion_error(A, f)
    for x, fx, ex in zip(A.ravel(), f.ravel(), e.ravel()):
        d = abs(Fraction(x) - Fraction(float(fx)))
        assert Fraction(float(ex)) >= d and (d == 0) == (ex == 0)
    g = f.copy()
    g[0, 2] = 0.25  # not the nearest float of 1/3: bounded from the exact value, not from a cached image
    assert Fraction(float(conversion_error(A, g)[0, 2])) >= abs(third - Fraction(1, 4))
