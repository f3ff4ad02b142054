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


# ---------------------------------------------------------------------------
# the enclosures on cache-sized pieces (issue 14): the same values as one whole-array call, and rigorous
# ---------------------------------------------------------------------------

_SPECIAL = [0.0, -0.0, 5e-324, -5e-324, 709.0, 709.78, 710.0, -745.0, -745.2, -746.0, 800.0, -800.0, 0.3466, -0.3466]


@given(st.integers(0, 10**6), st.sampled_from([1.0, 40.0, 800.0]), st.integers(1, 5))
def test_chunked_enclosures_equal_one_piece_and_enclose(seed, scale, rows):
    """With small pieces (CHUNK = 7, so arrays are cut mid-row), every enclosure has exactly the values of a
    single call on the whole array, and a sample of its entries is checked against mpmath at 60 digits."""
    import exactloss.floatpath.enclosures as enc

    rng = np.random.default_rng(seed)
    g = rng.standard_normal((rows, 11)) * scale
    g.flat[: min(g.size, len(_SPECIAL))] = _SPECIAL[: g.size]
    with np.errstate(all="ignore"):
        s, t = expit(g), np.tanh(g)
        d1s, d1t = s * (1 - s), 1 - t * t

        def all_of() -> list:
            return [*enc.exp_enclosure(g), *enc.sigmoid_enclosure(g), *enc.tanh_enclosure(g),
                    enc.activation_error("sigmoid", g, s), enc.activation_error("tanh", g, t),
                    enc.derivative_error("sigmoid", g, d1s), enc.derivative_error("tanh", g, d1t)]

        saved = enc.CHUNK
        try:
            enc.CHUNK = 1 << 30
            whole = all_of()
            enc.CHUNK = 7
            pieces = all_of()
        finally:
            enc.CHUNK = saved
    for a, b in zip(whole, pieces):
        assert a.shape == g.shape and np.array_equal(a, b, equal_nan=True)
    elo, ehi, slo, shi, tlo, thi, es, et = pieces[:8]
    with mpmath.workdps(60):
        for i in rng.choice(g.size, size=min(g.size, 12), replace=False):
            v = mpmath.mpf(float(g.flat[i]))
            assert mpmath.mpf(elo.flat[i]) <= mpmath.exp(v) <= mpmath.mpf(ehi.flat[i])
            sig = 1 / (1 + mpmath.exp(-v))
            assert mpmath.mpf(slo.flat[i]) <= sig <= mpmath.mpf(shi.flat[i])
            assert mpmath.mpf(tlo.flat[i]) <= mpmath.tanh(v) <= mpmath.mpf(thi.flat[i])
            assert abs(mpmath.mpf(float(s.flat[i])) - sig) <= mpmath.mpf(es.flat[i])
            assert abs(mpmath.mpf(float(t.flat[i])) - mpmath.tanh(v)) <= mpmath.mpf(et.flat[i])


def test_chunked_enclosure_of_a_wrong_activation_is_wide():
    """Adversarial: float 'sigmoid' values that are off by 1e-9 (a wrong libm) get an error bound >= 1e-9 on
    every piece, so no transfer can hide them."""
    import exactloss.floatpath.enclosures as enc

    g = np.linspace(-30, 30, 1000).reshape(10, 100)
    wrong = expit(g) + 1e-9
    saved = enc.CHUNK
    try:
        enc.CHUNK = 64
        e = enc.activation_error("sigmoid", g, wrong)
    finally:
        enc.CHUNK = saved
    assert np.all(e >= 1e-9)
