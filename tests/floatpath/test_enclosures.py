"""exactloss.floatpath.enclosures: rigorous exp / sigmoid / tanh enclosures (no libm trust) vs mpmath at 60 digits."""

from __future__ import annotations

import mpmath
import numpy as np
from hypothesis import given, strategies as st
from scipy.special import expit

from exactloss.floatpath.enclosures import activation_error, derivative_error, exp_enclosure, sigmoid_enclosure, \
    tanh_enclosure


@given(st.lists(st.one_of(st.floats(-800, 800), st.floats(-1e-3, 1e-3), st.floats(-40, 40),
                          st.sampled_from([0.0, 5e-324, -5e-324, 709.0, 709.78, -745.0, -745.2, 0.3466, -0.3466])),
                min_size=1, max_size=30))
def test_exp_sigmoid_tanh_enclosures(xs):
    x = np.array(xs)
    elo, ehi = exp_enclosure(x)
    slo, shi = sigmoid_enclosure(x)
    tlo, thi = tanh_enclosure(x)
    with mpmath.workdps(60):
        for i, v in enumerate(xs):
            e = mpmath.exp(mpmath.mpf(v))
            assert mpmath.mpf(elo[i]) <= e <= mpmath.mpf(ehi[i])
            assert mpmath.mpf(slo[i]) <= 1 / (1 + mpmath.exp(-mpmath.mpf(v))) <= mpmath.mpf(shi[i])
            assert mpmath.mpf(tlo[i]) <= mpmath.tanh(mpmath.mpf(v)) <= mpmath.mpf(thi[i])
            if abs(v) < 700 and elo[i] > 1e-300:
                assert (ehi[i] - elo[i]) / elo[i] < 1e-11  # and tight (width ~ |x| ulps)


@given(st.lists(st.floats(-60, 60), min_size=1, max_size=30))
def test_activation_and_derivative_errors(xs):

    g = np.array(xs)
    s, t = expit(g), np.tanh(g)
    es, et = activation_error("sigmoid", g, s), activation_error("tanh", g, t)
    d1s, d1t = s * (1 - s), 1 - t * t
    ds, dt = derivative_error("sigmoid", g, d1s), derivative_error("tanh", g, d1t)
    with mpmath.workdps(60):
        for i, v in enumerate(xs):
            x = mpmath.mpf(v)
            sig = 1 / (1 + mpmath.exp(-x))
            assert abs(mpmath.mpf(s[i]) - sig) <= es[i]
            assert abs(mpmath.mpf(t[i]) - mpmath.tanh(x)) <= et[i]
            assert abs(mpmath.mpf(d1s[i]) - sig * (1 - sig)) <= ds[i]
            assert abs(mpmath.mpf(d1t[i]) - 1 / mpmath.cosh(x) ** 2) <= dt[i]
    assert activation_error("softplus", g, g) is None
