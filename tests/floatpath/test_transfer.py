"""exactloss.floatpath.transfer: the float-to-exact transfer certifies the exact matrix or says what is missing
(issue 11, class 2)."""

from __future__ import annotations

import numpy as np

from exactloss.floatpath.transfer import certify_exact
from tests.floatpath.helpers import sigma_min_at_least


def test_certify_exact_transfer_rules():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    c = certify_exact(A, 0.0, "M")
    assert c.full is True and c.level == "certified" and c.certifies.startswith("M")
    assert sigma_min_at_least(A, c.sigma_min_lower)
    c = certify_exact(A, None, "M", missing="a transfer to M")
    assert c.full is None and c.missing == "a transfer to M" and c.sigma_min_lower is None
    assert c.float_matrix["certified"] and "NOT M" in c.float_matrix["about"]
    c = certify_exact(A, 10.0, "M")  # the rounding bound exceeds sigma_min(A): undecided, never certified
    assert c.full is None and "transfer" in c.missing
    c = certify_exact(np.ones((3, 2)), 0.0, "M")  # the shape: true of M as well
    assert c.full is False and c.level == "proved"


# ---------------------------------------------------------------------------
# issue 14: the transfer with the cache-blocked enclosures, against adversarial layers and mpmath
# ---------------------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from exactloss import Network, Parameters  # noqa: E402
from exactloss.floatpath.transfer import certify_layer_float  # noqa: E402


@settings(max_examples=20, deadline=None)
@given(st.integers(5, 12), st.integers(1, 3), st.integers(0, 10**6))
def test_affine_layer_never_certified_full(N, d, seed):
    """Adversarial: sigma(t) = t makes [X W + 1 b^T, 1_N] of exact rank <= d + 2 < N, while its float64 image
    (rounded products) can look regular; the certificate about the exact matrix must never say full."""
    import exactloss.floatpath.enclosures as enc

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, d))
    net = Network((d, N - 1), "t")
    P = Parameters((rng.standard_normal((d, N - 1)) / 3,), (rng.standard_normal(N - 1),))
    saved = enc.CHUNK
    try:
        enc.CHUNK = 5  # small pieces: the blocked path
        c, info = certify_layer_float(net, P, X, 1, estimate=False)
        c0, info0 = certify_layer_float(net, P, X, 1, estimate=False, exact_fallback=False)
    finally:
        enc.CHUNK = saved
    assert c.full is not True
    assert c0.full is None and c0.level == "numerical"  # the forward-error transfer alone refuses
    if c0.float_matrix:  # the float64 image was certified regular (it usually is): labelled as such only
        assert "NOT" in c0.float_matrix["about"] and c0.sigma_min_lower is None and c0.missing


@settings(max_examples=20, deadline=None)
@given(st.integers(3, 9), st.integers(0, 10**6), st.sampled_from(["sigmoid", "tanh"]))
def test_layer_certificate_against_mpmath(N, seed, act):
    """Property: a certified sigma_min lower bound of the EXACT [F_1, 1_N] (computed with the enclosures cut in
    pieces of 7 entries) is below sigma_min of [F_1, 1_N] recomputed in mpmath at 200 bits from the float64
    parameters and data (exact binary rationals)."""
    import mpmath

    import exactloss.floatpath.enclosures as enc

    rng = np.random.default_rng(seed)
    d = 2
    X = rng.standard_normal((N, d))
    net = Network((d, N - 1), act)
    P = Parameters((rng.standard_normal((d, N - 1)),), (rng.standard_normal(N - 1),))
    saved = enc.CHUNK
    try:
        enc.CHUNK = 7
        c, info = certify_layer_float(net, P, X, 1, estimate=False, exact_fallback=False)
    finally:
        enc.CHUNK = saved
    if not c.full:
        return
    f = {"sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)), "tanh": mpmath.tanh}[act]
    with mpmath.workprec(200):
        M = mpmath.matrix(N, N)
        for i in range(N):
            for j in range(N - 1):
                g = sum(mpmath.mpf(float(X[i, q])) * mpmath.mpf(float(P.W[0][q, j])) for q in range(d))
                M[i, j] = f(g + mpmath.mpf(float(P.b[0][j])))
            M[i, N - 1] = 1
        smin = min(mpmath.svd_r(M, compute_uv=False))
    assert c.sigma_min_lower <= smin
