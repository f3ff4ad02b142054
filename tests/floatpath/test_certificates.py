"""exactloss.floatpath.certificates: float certificates never certify what exact arithmetic shows singular, and
every certified bound holds against exact rational recomputation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg
from hypothesis import assume, given, strategies as st

from exactloss import Network
from exactloss.errors import InputError
from exactloss.arith.systems import Ball, Exact
from exactloss.net.rank import full_row_rank, with_ones
from exactloss.floatpath.certificates import full_column_rank_float, full_row_rank_float, residual_bounds, \
    verified_nonsingular
from exactloss.net.network import random_data
from exactloss.floatpath.fastpath import float_parameters, layer_with_ones
from exactloss.floatpath.transfer import certify_exact_matrix
from tests.floatpath.helpers import exact_rank, fr, sigma_min_at_least, sound

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------
# the residual bounds vs exact rationals
# ---------------------------------------------------------------------------


@given(st.integers(2, 7), st.integers(0, 10**6), st.sampled_from([1.0, 1e-8, 1e8, 1e-300]))
def test_residual_bounds_hold_exactly(n, seed, scale):
    """Every bound of residual_bounds against E = I - R A recomputed in exact rationals."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) * scale
    R = np.linalg.inv(A)
    assume(np.all(np.isfinite(R)))
    b = residual_bounds(A, R, block=3)
    Af, Rf = fr(A), fr(R)

    def ge(bound, exact):  # inf is a (useless but valid) upper bound
        return bound == np.inf or Fraction(bound) >= exact

    E = [[(1 if i == j else 0) - sum(Rf[i][k] * Af[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
    assert ge(b["inf"], max(sum(abs(x) for x in row) for row in E))
    assert ge(b["one"], max(sum(abs(E[i][j]) for i in range(n)) for j in range(n)))
    assert ge(b["R_inf"], max(sum(abs(x) for x in row) for row in Rf))
    assert ge(b["R_one"], max(sum(abs(Rf[i][j]) for i in range(n)) for j in range(n)))
    assert b["R_fro"] == np.inf or Fraction(b["R_fro"]) ** 2 >= sum(x * x for row in Rf for x in row)


# ---------------------------------------------------------------------------
# near singularity: never certify a singular matrix; certified bounds are true
# ---------------------------------------------------------------------------


@given(st.integers(2, 6), st.integers(0, 10**6), st.sampled_from([0.0, 1e-300, 1e-17, 1e-15, 1e-12, 1e-8]))
def test_rank_deficient_plus_tiny_perturbation(n, seed, eps):
    """Integer matrices of exact rank n - 1, perturbed by eps: the float certificate is right or silent."""
    rng = np.random.default_rng(seed)
    U = rng.integers(-5, 6, size=(n, n - 1)).astype(float)
    V = rng.integers(-5, 6, size=(n - 1, n)).astype(float)
    M = U @ V  # exact: small integers
    M = M + eps * rng.standard_normal((n, n))
    c = verified_nonsingular(M)
    sound(c, M)
    if exact_rank(M) < n:
        assert c.level != "certified" and c.full is not True


@given(st.integers(2, 5), st.integers(3, 9), st.integers(0, 10**6), st.sampled_from([0.0, 1e-16, 1e-10]))
def test_wide_rank_deficient(N, extra, seed, eps):
    """N x n (n > N) of rank N - 1, perturbed: full_row_rank_float never certifies a rank-deficient matrix."""
    rng = np.random.default_rng(seed)
    n = N + extra - 2
    assume(n >= N)
    M = rng.integers(-4, 5, size=(N, N - 1)).astype(float) @ rng.integers(-4, 5, size=(N - 1, n)).astype(float)
    M = M + eps * rng.standard_normal((N, n))
    c = full_row_rank_float(M, ball_fallback=0)
    sound(c, M)
    if exact_rank(M) < N:
        assert not c.full


@given(st.integers(2, 5), st.integers(0, 10**6), st.integers(0, 150))
def test_badly_scaled_rows(n, seed, e):
    """Rows scaled by up to 10^(+-e): bounds stay sound (or give up) across the exponent range."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, n)) * (10.0 ** rng.integers(-e, e + 1, size=n))[:, None]
    c = verified_nonsingular(M)
    sound(c, M, dps=60 + 2 * e)


@pytest.mark.parametrize("n", range(2, 15))
def test_hilbert_matrices(n):
    H = scipy.linalg.hilbert(n)
    c = verified_nonsingular(H)
    sound(c, H)
    if n <= 9:
        assert c.level == "certified"
    if n >= 13:
        assert c.level == "numerical" and c.full is None and "ball" in c.note


def test_hilbert_ball_fallback_certifies_the_same_matrix():
    H = scipy.linalg.hilbert(14)[:13]
    c = full_row_rank_float(H, ball_fallback=0)
    assert c.level == "numerical"
    c2 = full_row_rank_float(H, ball_fallback=20)
    assert c2.level == "certified" and "arb" in c2.method
    sound(c2, H)


def test_sigma_min_exact_reference():
    """The exact check used by ``sound`` (mpmath's SVD at 60 digits was wrong by 3e-12 relative here)."""
    M = np.array([[0.0, 6.66471850132927e-51, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 1.0]])  # sigma_min = M[0, 1]
    assert sigma_min_at_least(M, 6.66471850132927e-51)
    assert not sigma_min_at_least(M, 6.66471850132927e-51 * (1 + 1e-9))
    sound(verified_nonsingular(M), M)


@given(st.lists(st.lists(finite, min_size=3, max_size=3), min_size=3, max_size=3))
def test_arbitrary_3x3(rows):
    M = np.array(rows)
    c = verified_nonsingular(M)
    sound(c, M)
    if exact_rank(M) < 3:
        assert c.full is not True


def test_exactly_singular_is_never_certified():
    for M in (np.zeros((3, 3)), np.ones((4, 4)), np.array([[1.0, 2.0], [2.0, 4.0]]),
              np.array([[1.0, 1e-300], [1.0, 1e-300]])):
        c = verified_nonsingular(M)
        assert c.level == "numerical" and c.full is None


# ---------------------------------------------------------------------------
# agreement with ball / exact certificates on small networks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "softplus", "t + t**3"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_float_agrees_with_ball_on_small_layers(activation, seed):
    N, d = 6, 2
    net = Network((d, N - 1 + seed, 2), activation)
    P = net.random_parameters(seed=seed)
    X, _ = random_data(N, d, seed=seed)
    A = layer_with_ones(net, float_parameters(P)[0], X, 1)
    cf = full_row_rank_float(A, ball_fallback=0)
    S = Ball(200)
    cb = full_row_rank(with_ones(net.forward(P, X, S).F[1], S), S)
    sound(cf, A)
    if cf.full:
        assert cb.full is not False
    if cb.full:  # a well-conditioned small instance: the float path should certify too
        assert cf.full, cf.note


def test_float_never_certifies_exactly_singular_layer():
    """Identity activation, d = 1: rank [F_1, 1_N] <= 2 < N exactly; the float path must not certify."""
    N = 5
    net = Network((1, N - 1), "identity")
    P = net.random_parameters(seed=3)
    X, _ = random_data(N, 1, seed=3)
    S = Exact()
    ce = full_row_rank(with_ones(net.forward(P, X, S).F[1], S), S)
    assert ce.full is False
    A = layer_with_ones(net, float_parameters(P)[0], X, 1)
    assert not full_row_rank_float(A, ball_fallback=0).full


def test_full_column_rank_and_shape():
    W = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    c = full_column_rank_float(W)
    assert c.full and c.level == "certified" and c.shape == (3, 2)
    sound(full_row_rank_float(W.T), W.T)
    c = full_column_rank_float(W.T)  # 2 x 3: rank <= 2 < 3 columns, by shape
    assert c.full is False and c.level == "proved"
    assert not full_column_rank_float(np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), ball_fallback=0).full


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.array([[1.0, np.nan], [0.0, 1.0]]), np.array([1.0, 2.0]),
                                 np.array([["a", "b"], ["c", "d"]]), np.ones((2, 3))])
def test_verified_nonsingular_bad_input(bad):
    with pytest.raises(InputError):
        verified_nonsingular(bad)


def test_full_row_rank_bad_columns():
    with pytest.raises(InputError):
        full_row_rank_float(np.eye(2, 3), columns=[0, 0])
    with pytest.raises(InputError):
        full_row_rank_float(np.zeros((0, 3)))


def test_float_matrix_functions_refuse_entries_that_are_not_floats():
    M = np.array([[Fraction(1, 3), Fraction(1)], [Fraction(1), Fraction(3)]], dtype=object)  # det 0
    with pytest.raises(InputError, match="not a float64 number"):
        full_row_rank_float(M)
    c = certify_exact_matrix(M)
    assert c.full is False and c.level == "proved"
    ok = np.array([[Fraction(1, 2), Fraction(1)], [Fraction(1), Fraction(3)]], dtype=object)
    assert full_row_rank_float(ok).full is True  # binary rationals are float64 numbers: accepted
    big = np.array([[2 ** 53 + 1, 0], [0, 1]], dtype=object)
    with pytest.raises(InputError):
        verified_nonsingular(big)


# ---------------------------------------------------------------------------
# issue 14 (certificates at scale): the block size of fl(R A), the column choice without copies
# ---------------------------------------------------------------------------


def _sigma_min_mpmath(M: np.ndarray, prec: int = 200):
    """sigma_min of the float matrix (exact binary rationals) in mpmath at ``prec`` bits (an independent
    re-check: mpmath's SVD, sharing no code with exactloss)."""
    import mpmath

    with mpmath.workprec(prec):
        A = mpmath.matrix([[mpmath.mpf(float(x)) for x in row] for row in M])
        return min(mpmath.svd_r(A, compute_uv=False))


def test_residual_block_sizes():
    from exactloss.floatpath.certificates import residual_block

    assert residual_block(1000) == 524 and residual_block(2048) == 256 and residual_block(4095) == 128
    assert residual_block(4096) == residual_block(16384) == 512
    assert residual_block(1) >= 16 and residual_block(0) >= 16


@given(st.integers(2, 7), st.integers(0, 10**6), st.sampled_from([1, 2, 5, 512]),
       st.sampled_from([0.0, 1e-300, 1e-16, 1e-12, 1e-6, 1.0]))
def test_certificate_any_block_against_mpmath(n, seed, block, eps):
    """Property: with any block size of fl(R A) (one row, a few, all rows at once as from n = 4096 on), a
    certified sigma_min lower bound is below sigma_min recomputed in mpmath at 200 bits, and an exactly
    singular matrix (an integer matrix of rank n - 1, eps = 0) is never certified."""
    rng = np.random.default_rng(seed)
    U = rng.integers(-3, 4, size=(n, n - 1)).astype(float)
    V = rng.integers(-3, 4, size=(n - 1, n)).astype(float)
    A = U @ V + eps * rng.standard_normal((n, n))  # U V exact (small integers); rank n - 1 when eps = 0
    c = verified_nonsingular(A, block=block, estimate=False)
    if eps == 0.0:
        assert exact_rank(A) <= n - 1 and c.full is not True
    if c.full:
        assert c.level == "certified"
        assert c.sigma_min_lower <= _sigma_min_mpmath(A)
        b1 = residual_bounds(A, np.linalg.inv(A), block=block)
        bn = residual_bounds(A, np.linalg.inv(A), block=n)
        assert b1["R_inf"] == bn["R_inf"]  # a row quantity of R: free of the blocking (fl(R A) is not: dgemm
        # may round differently for different numbers of rows, which the bound covers either way)


@given(st.integers(2, 6), st.integers(1, 4), st.integers(0, 10**6))
def test_choose_columns_lu_without_the_copy(N, extra, seed):
    """choose_columns_lu (LU in place on the Fortran-ordered transpose) picks the columns of the former
    implementation (a C-ordered copy handed to LAPACK), for C- and F-ordered inputs."""
    from scipy.linalg import lapack

    from exactloss.floatpath.certificates import choose_columns_lu

    rng = np.random.default_rng(seed)
    M = rng.standard_normal((N, N + extra))
    M[:, rng.integers(0, N + extra)] = 0.0
    scale = np.max(np.abs(M), axis=0)
    scale[scale == 0] = 1.0
    lu, piv, info = lapack.dgetrf(np.ascontiguousarray((M / scale).T), overwrite_a=True)
    perm = np.arange(N + extra)
    for i, p in enumerate(piv[:N]):
        perm[i], perm[p] = perm[p], perm[i]
    old = tuple(sorted(int(i) for i in perm[:N]))
    M0 = M.copy()
    assert choose_columns_lu(M) == old and choose_columns_lu(np.asfortranarray(M)) == old
    assert np.array_equal(M, M0)  # the input is not overwritten


@given(st.integers(3, 8), st.integers(0, 10**6))
def test_full_row_rank_float_rank_deficient_wide_never_certified(N, seed):
    """Adversarial (wide, the Lemma 3.5 shape N x (N + 1)): an exactly rank-deficient float matrix (integer
    entries, rank N - 1, so no rounding anywhere) is never certified; a certified random one is true at 200 bits."""
    rng = np.random.default_rng(seed)
    U = rng.integers(-4, 5, size=(N, N - 1)).astype(float)
    V = rng.integers(-4, 5, size=(N - 1, N + 1)).astype(float)
    M = U @ V
    assert exact_rank(M) <= N - 1
    assert full_row_rank_float(M, ball_fallback=0, estimate=False).full is not True
    R = rng.standard_normal((N, N + 1))
    c = full_row_rank_float(R, ball_fallback=0, estimate=False)
    if c.full:
        import mpmath

        with mpmath.workprec(200):
            Rm = mpmath.matrix([[mpmath.mpf(float(x)) for x in row] for row in R])
            smin = min(mpmath.svd_r(Rm, compute_uv=False))
        assert c.sigma_min_lower <= smin
