"""exactloss.floatpath.verified: float certificates never certify what exact arithmetic shows singular, and every
rounding-error bound holds against exact rational recomputation."""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import scipy.linalg
from flint import fmpq, fmpq_mat
from hypothesis import assume, given, strategies as st

from exactloss import Network, save_data, save_parameters
from exactloss.errors import InputError
from exactloss.arith.systems import Ball, Exact
from exactloss.net.rank import full_row_rank, with_ones
from exactloss.floatpath.verified import (FloatCertificate, dot_upper, frobenius_upper, full_column_rank_float,
                                full_row_rank_float, gamma, hessian_nonsingular_float,
                                hessian_smallest_eigenvalue_lanczos, monte_carlo_full_rank, nonsingular,
                                residual_bounds, sum_upper, verified_nonsingular)

# ---------------------------------------------------------------------------
# exact helpers
# ---------------------------------------------------------------------------


def fr(M: np.ndarray) -> list[list[Fraction]]:
    return [[Fraction(float(x)) for x in row] for row in np.atleast_2d(M)]


def exact_rank(M: np.ndarray) -> int:
    """The exact rank of a float matrix read as binary rationals."""
    rows = fr(M)
    return int(fmpq_mat(len(rows), len(rows[0]), [fmpq(x.numerator, x.denominator) for r in rows for x in r]).rank())


def sigma_min_at_least(M: np.ndarray, s: float) -> bool:
    """Exactly: sigma_min(M) >= s for an N x n float matrix (N <= n), i.e. M M^T - s^2 I is positive
    semidefinite; checked as positive definiteness of M M^T - (s (1 - 2^-40))^2 I by its leading
    principal minors in exact rationals (a hair below s, so that sigma_min = s exactly also passes)."""
    rows = fr(M if M.shape[0] <= M.shape[1] else M.T)
    N = len(rows)
    t = Fraction(s) * (1 - Fraction(1, 2**40))
    G = [[sum(a * b for a, b in zip(rows[i], rows[j])) - (t * t if i == j else 0) for j in range(N)]
         for i in range(N)]
    for r in range(1, N + 1):
        m = fmpq_mat(r, r, [fmpq(G[i][j].numerator, G[i][j].denominator) for i in range(r) for j in range(r)])
        if m.det() <= 0:
            return False
    return True


def sound(c: FloatCertificate, M: np.ndarray, dps: int = 60) -> None:
    """A certificate must be true of the float matrix: full rank and a valid sigma_min lower bound (both
    checked in exact rational arithmetic; ``dps`` is unused, kept for the callers)."""
    if c.level == "certified" and c.full:
        assert exact_rank(M) == min(M.shape)
        assert c.sigma_min_lower is not None and c.sigma_min_lower > 0
        assert sigma_min_at_least(M, c.sigma_min_lower)


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------
# rounding-error bounds vs exact rationals
# ---------------------------------------------------------------------------


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
    from exactloss.net.network import random_data

    X, _ = random_data(N, d, seed=seed)
    from exactloss.floatpath.fastpath import float_parameters, layer_with_ones

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
    from exactloss.net.network import random_data

    X, _ = random_data(N, 1, seed=3)
    S = Exact()
    ce = full_row_rank(with_ones(net.forward(P, X, S).F[1], S), S)
    assert ce.full is False
    from exactloss.floatpath.fastpath import float_parameters, layer_with_ones

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
# block Hessians
# ---------------------------------------------------------------------------


def test_hessian_certificates():
    H = np.array([[2.0, 1.0], [1.0, -3.0]])
    c = hessian_nonsingular_float(H)
    assert c.full and mpmath.mpf(c.sigma_min_lower) <= min(abs(np.linalg.eigvalsh(H)))
    assert nonsingular(np.array([[1.0, 1.0], [1.0, 1.0]])).holds is None
    with pytest.raises(InputError):
        hessian_nonsingular_float(np.ones((2, 3)))
    lan = hessian_smallest_eigenvalue_lanczos(lambda v: np.diag([3.0, -2.0, 0.5, 4.0, 5.0]) @ v, 5)
    assert lan.level == "numerical" and lan.full is None
    assert abs(lan.sigma_min_estimate - 0.5) < 1e-6


def test_hessian_block_from_hvps_certified_against_exact():
    """A float block Hessian (from the R-operator) certified by the float bound; exact arithmetic agrees."""
    hessian = pytest.importorskip("exactloss.net.hessian")
    from exactloss.net.network import random_data

    net = Network((2, 3, 1), "t + t**3/3")
    P = net.random_parameters(seed=5, denominator=4, scale=1)
    X, Y = random_data(4, 2, 1, seed=5)
    He = hessian.block_hessian(net, P, X, Y, "squared", "exact", layers=[2])
    from exactloss.floatpath.fastpath import as_float_matrix, float_parameters

    Hf = hessian.block_hessian(net, float_parameters(P)[0], as_float_matrix(X), as_float_matrix(Y), "squared",
                               "float", layers=[2])
    c = hessian_nonsingular_float(Hf)
    det = Exact().det(He)
    if c.full:
        assert det != 0


# ---------------------------------------------------------------------------
# Monte Carlo (Lemma 4.4)
# ---------------------------------------------------------------------------


def test_monte_carlo_full_rank_certifies_draws():
    r = monte_carlo_full_rank("sigmoid", samples=40, dim=3, draws=6, seed=1, batch=4)
    assert r.holds is True and r.level == "certified"
    assert r.details["certified"] == 6 and r.details["sigma_min_lower_min"] > 0
    r2 = monte_carlo_full_rank("sigmoid", samples=40, dim=3, draws=6, seed=1, batch=1)
    assert r2.details["sigma_min_lower_min"] == r.details["sigma_min_lower_min"]
    r3 = monte_carlo_full_rank("tanh", samples=20, dim=2, width=25, draws=3, seed=0, layer=2)
    assert r3.holds is True and r3.instance["widths"] == [2, 25, 25]
    json.dumps(r.to_json())


def test_monte_carlo_bad_input():
    with pytest.raises(InputError):
        monte_carlo_full_rank(samples=10, dim=2, width=5)
    with pytest.raises(InputError):
        monte_carlo_full_rank(samples=10, dim=2, draws=0)
    with pytest.raises(InputError):
        monte_carlo_full_rank("relu(t", samples=10)


def test_monte_carlo_identity_is_not_certified():
    """A linear layer with d = 1 has rank [F_1, 1_N] <= 2: no draw may be certified."""
    r = monte_carlo_full_rank("identity", samples=6, dim=1, draws=3, seed=0)
    assert r.level != "certified" and r.details["certified"] == 0


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


# ---------------------------------------------------------------------------
# the rank command and the rank-scale check
# ---------------------------------------------------------------------------


def test_rank_command_float_and_ball_agree(tmp_path, capsys):
    from exactloss.surfaces.cli import main
    from exactloss.net.network import random_data

    net = Network((3, 6, 2), "sigmoid")
    P = net.random_parameters(seed=1)
    X, Y = random_data(7, 3, 2, seed=1)
    pp, dp = tmp_path / "p.json", tmp_path / "d.json"
    save_parameters(P, pp)
    save_data(X, Y, dp)
    out = {}
    for numbers in ("float", "ball"):
        assert main(["rank", "--params", str(pp), "--data", str(dp), "--layer", "1", "--numbers", numbers,
                     "--json"]) == 0
        out[numbers] = json.loads(capsys.readouterr().out)
        assert out[numbers]["level"] == "certified" and out[numbers]["details"]["sigma_min_lower"] > 0
    # the float bound is a lower bound of sigma_min of the float64 matrix it certifies
    from exactloss.floatpath.fastpath import float_parameters, layer_with_ones

    A = layer_with_ones(net, float_parameters(P)[0], X, 1)
    assert sigma_min_at_least(A, out["float"]["details"]["sigma_min_lower_float_matrix"])
    assert main(["rank", "--params", str(pp), "--data", str(dp), "--weights", "2"]) == 0
    capsys.readouterr()
    assert main(["rank", "--params", str(pp), "--data", str(dp)]) == 2  # neither --layer nor --weights
    assert "error:" in capsys.readouterr().err
    assert main(["rank", "--params", str(pp), "--data", str(dp), "--layer", "5"]) == 2


def test_rank_scale_check():
    from exactloss.registry import check

    r = check("rank-scale", samples=120, dim=4)
    assert r.holds is True and r.level == "certified"
    r = check("rank-scale", samples=20, width=10)
    assert r.holds is False and r.level == "proved"


# ---------------------------------------------------------------------------
# quantitative Lemma 3.5 on the float path
# ---------------------------------------------------------------------------


def test_lemma_3_5_float_bound_dominates_the_loss():
    from exactloss.floatpath.datasets import fit_top_layer, random_float_parameters, synthetic, train
    from exactloss.floatpath.verified import lemma_3_5_float

    X, Y = synthetic(25, 3, 2, seed=0)
    net = Network((3, 30, 2), "sigmoid")
    P0 = random_float_parameters(net.widths, seed=1, scale=1.0)
    r = lemma_3_5_float(net, fit_top_layer(net, P0, X, Y), X, Y)
    assert r.holds is True and r.level == "certified"
    assert r.details["loss_bound"] >= r.details["Phi_float"]
    Pt, _ = train(net, X, Y, P0=P0, layers=[2], maxiter=30, progress=False)  # not a critical point
    r = lemma_3_5_float(net, Pt, X, Y)
    assert r.holds is True and r.details["loss_bound"] >= r.details["Phi_float"]
    net3 = Network((3, 30, 4, 2), "tanh")
    r = lemma_3_5_float(net3, random_float_parameters(net3.widths, seed=2, scale=1.0), X, Y, k=1)
    assert r.details["loss_bound"] is None or r.details["loss_bound"] >= r.details["Phi_float"]
    narrow = Network((3, 5, 2), "sigmoid")
    r = lemma_3_5_float(narrow, random_float_parameters(narrow.widths, seed=0), X, Y)
    assert r.holds is False and r.level == "proved" and "rank" in r.failed_hypothesis
    with pytest.raises(InputError):
        lemma_3_5_float(net, P0, X, Y, k=2)


def test_demo_command_on_synthetic_data(capsys):
    from exactloss.surfaces.cli import main

    assert main(["demo", "--data", "synthetic", "--samples", "40", "--narrow", "5", "--maxiter", "20"]) == 0
    out = capsys.readouterr().out
    assert "Lemma 3.5 bound on Phi" in out and "rank <= 6 < 40" in out


# ---------------------------------------------------------------------------
# rigorous exp / sigmoid / tanh enclosures (no libm trust) vs mpmath at 60 digits
# ---------------------------------------------------------------------------


@given(st.lists(st.one_of(st.floats(-800, 800), st.floats(-1e-3, 1e-3), st.floats(-40, 40),
                          st.sampled_from([0.0, 5e-324, -5e-324, 709.0, 709.78, -745.0, -745.2, 0.3466, -0.3466])),
                min_size=1, max_size=30))
def test_exp_sigmoid_tanh_enclosures(xs):
    from exactloss.floatpath.verified import exp_enclosure, sigmoid_enclosure, tanh_enclosure

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
    from scipy.special import expit

    from exactloss.floatpath.verified import activation_error, derivative_error

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


def test_lemma_3_5_scale_check():
    from exactloss.registry import check

    r = check("lemma-3.5-scale", samples=60, dim=3)
    assert r.holds is True and r.level == "certified" and r.details["loss_bound"] >= r.details["Phi_float"]
    r = check("lemma-3.5-scale", samples=30, dim=3, width=10)
    assert r.holds is False and r.failed_hypothesis
    with pytest.raises(InputError):
        check("lemma-3.5-scale", samples=1)


# ---------------------------------------------------------------------------
# the float-to-exact transfer (issue 11, class 2)
# ---------------------------------------------------------------------------


def test_certify_exact_transfer_rules():
    from exactloss.floatpath.verified import certify_exact

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


def test_float_matrix_functions_refuse_entries_that_are_not_floats():
    from exactloss.floatpath.verified import certify_exact_matrix

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
