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
