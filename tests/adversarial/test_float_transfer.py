"""Issue 11, class 2: a float-matrix fact is never reported as the paper's statement about the exact matrix.

Every float certificate of ``rank [F_k, 1_N] = N`` (or ``rank W_l = n_l``) is about the exact matrix of
the given inputs only when the transfer (input conversion, forward-pass rounding, an enclosure of sigma)
is rigorous (:func:`exactloss.floatpath.transfer.certify_exact`).  Each verdict here is re-checked by a path that
shares no code with the one under test: the exact matrix built in the test itself, its rank by
python-flint ``fmpq_mat`` (rational sigma), or mpmath at escalating precision (transcendental sigma).
"""

from __future__ import annotations

import json
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from flint import fmpq, fmpq_mat
from hypothesis import given, settings, strategies as st

from exactloss.surfaces.cli import main
from exactloss.net.network import Network, Parameters
from exactloss.registry import check
from exactloss.floatpath.transfer import certify_exact_column_rank, certify_layer_float
from exactloss.paper.rank_at_scale import certify_rank

# ---------------------------------------------------------------------------
# independent references
# ---------------------------------------------------------------------------


def fq(x) -> fmpq:
    f = Fraction(x)
    return fmpq(f.numerator, f.denominator)


def exact_rank(rows) -> int:
    """fmpq_mat rank of a matrix of rationals (lists of Fractions)."""
    return int(fmpq_mat(len(rows), len(rows[0]), [fq(x) for r in rows for x in r]).rank())


def exact_layer(X, W, b, sigma):
    """[sigma(X W + 1 b^T), 1_N] with rational X, W, b and an exact rational map ``sigma`` (Fractions)."""
    N, d, n = len(X), len(W), len(W[0])
    return [[sigma(sum(Fraction(X[i][a]) * Fraction(W[a][j]) for a in range(d)) + Fraction(b[j])) for j in range(n)]
            + [Fraction(1)] for i in range(N)]


MP_SIGMA = {
    "sigmoid": lambda g: 1 / (1 + mpmath.exp(-g)),
    "tanh": mpmath.tanh,
    "softplus": lambda g: mpmath.log(1 + mpmath.exp(g)),
}


def mp_gram_min(X, W, b, sigma: str, dps: int) -> mpmath.mpf:
    """The smallest eigenvalue of M M^T for the exact M = [sigma(X W + 1 b^T), 1_N], at ``dps`` digits."""
    f = MP_SIGMA[sigma]
    with mpmath.workdps(dps):
        N, d, n = len(X), len(W), len(W[0])
        q = lambda x: mpmath.mpf(Fraction(x).numerator) / Fraction(x).denominator  # noqa: E731
        M = mpmath.matrix(N, n + 1)
        for i in range(N):
            for j in range(n):
                M[i, j] = f(sum(q(X[i][a]) * q(W[a][j]) for a in range(d)) + q(b[j]))
            M[i, n] = 1
        ev = mpmath.eigsy(M * M.T, eigvals_only=True)
        return min(ev)


def mp_singular(X, W, b, sigma: str) -> bool:
    """Escalating precision: the exact M M^T is singular when its smallest eigenvalue falls with the precision
    (below 10^-(dps-10) at 30, 60 and 120 digits)."""
    return all(abs(mp_gram_min(X, W, b, sigma, dps)) < mpmath.mpf(10) ** (10 - dps) for dps in (30, 60, 120))


def mp_sigma_min_at_least(X, W, b, sigma: str, s: float) -> bool:
    """sigma_min(M)^2 >= s^2 for the exact M, stable at 40 and 80 digits (an eigenvalue bound, not float)."""
    vals = [mp_gram_min(X, W, b, sigma, dps) for dps in (40, 80)]
    with mpmath.workdps(80):
        return all(v >= mpmath.mpf(s) ** 2 for v in vals) and abs(vals[0] - vals[1]) <= mpmath.mpf(10) ** -30


def params(W, b) -> Parameters:
    return Parameters.from_lists(W=[[[str(x) for x in row] for row in W]], b=[[str(x) for x in b]])


def write(tmp_path, W, b, X, name="p"):
    pp, dp = tmp_path / f"{name}.json", tmp_path / f"{name}_data.json"
    pp.write_text(json.dumps({"W": [[[str(x) for x in r] for r in W], [["1"]] * len(W[0])],
                              "b": [[str(x) for x in b], ["0"]]}))
    dp.write_text(json.dumps({"X": [[str(x) for x in r] for r in X]}))
    return str(pp), str(dp)


# ---------------------------------------------------------------------------
# the examples
# ---------------------------------------------------------------------------


def test_rank_scale_affine_sigma_is_refuted_not_certified():
    r = check("rank-scale", samples=40, dim=2, activation="t")
    assert r.holds is not True
    # independent: the same instance in exact rationals (rank-scale's seeded construction, floats are exact)
    from exactloss.floatpath.datasets import synthetic

    X, _ = synthetic(40, 2, seed=0)
    rng = np.random.default_rng(1)
    W, b = rng.standard_normal((2, 39)), rng.standard_normal(39)
    rk = exact_rank(exact_layer(X.tolist(), W.tolist(), b.tolist(), lambda g: g))
    assert rk == 3  # d + 1
    assert r.holds is False and r.level == "proved"  # the exact fallback decides it


ANTI_W = [["1", "-1", "2"]]
ANTI_b = ["1/2", "-1/2", "1/3"]
ANTI_X = [["0"], ["1"], ["2"], ["-1"]]


@pytest.mark.parametrize("activation", ["sigmoid", "1/(1+exp(-t))"])
@pytest.mark.parametrize("no_forward", [False, True])
def test_rank_antisymmetric_sigmoid_pair(tmp_path, capsys, activation, no_forward):
    """Units (w, b) and (-w, -b): sigma(g) + sigma(-g) = 1, so [F_1, 1_N] is exactly singular."""
    assert mp_singular(ANTI_X, ANTI_W, ANTI_b, "sigmoid")
    pp, dp = write(tmp_path, ANTI_W, ANTI_b, ANTI_X)
    argv = ["rank", "--params", pp, "--data", dp, "--layer", "1", "--activation", activation, "--json"]
    code = main(argv + (["--no-forward-bound"] if no_forward else []))
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["holds"] is None and out["level"] != "certified"
    assert out["missing"] and "transfer" in out["missing"]
    if no_forward:
        assert "not requested" in out["missing"]
    fm = out["details"]["float_matrix"]
    if fm is not None:  # the float-matrix fact is reported as such
        assert "NOT" in fm["about"] and "float64 matrix" in fm["about"]
    assert out["details"]["sigma_min_lower"] is None


@pytest.mark.parametrize("activation", ["sigmoid", "1/(1+exp(-t))"])
def test_rank_antisymmetric_pair_in_balls_is_undecided(tmp_path, capsys, activation):
    """The same singular matrix in ball arithmetic: no precision certifies it, and that is undecided (exit 1),
    not a refusal (exit 2) -- balls prove full rank or nothing."""
    pp, dp = write(tmp_path, ANTI_W, ANTI_b, ANTI_X)
    code = main(["rank", "--params", pp, "--data", dp, "--layer", "1", "--activation", activation,
                 "--numbers", "ball", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["holds"] is None and out["level"] is None
    assert "ball certificate" in out["missing"]


def test_rank_softplus_pair_dependency(tmp_path, capsys):
    """softplus(g) - softplus(-g) = g: units x, -x, 2x, -2x give sp(2x) - sp(-2x) = 2 (sp(x) - sp(-x))."""
    W, b, X = [["1", "-1", "2", "-2"]], ["0"] * 4, [["0"], ["1"], ["2"], ["-1"], ["3"]]
    assert mp_singular(X, W, b, "softplus")
    pp, dp = write(tmp_path, W, b, X)
    code = main(["rank", "--params", pp, "--data", dp, "--layer", "1", "--activation", "softplus", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["holds"] is None and out["missing"]


def test_rank_weights_rounded_third(tmp_path, capsys):
    """W = [[1/3, 1], [1, 3]] has det 0; fl(1/3) makes the float matrix regular: not certified, refuted exactly."""
    W = [["1/3", "1"], ["1", "3"]]
    assert exact_rank([[Fraction(x) for x in r] for r in W]) == 1
    pp, dp = tmp_path / "w.json", tmp_path / "d.json"
    pp.write_text(json.dumps({"W": [W, [["1"], ["1"]]], "b": [["0", "0"], ["0"]]}))
    dp.write_text(json.dumps({"X": [["0", "1"], ["1", "0"]]}))
    code = main(["rank", "--params", str(pp), "--data", str(dp), "--weights", "1", "--numbers", "float", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["holds"] is False and out["level"] == "proved"


# ---------------------------------------------------------------------------
# hypothesis families
# ---------------------------------------------------------------------------

small_q = st.fractions(-3, 3, max_denominator=10)
AFFINE = {  # the expression and the exact map it denotes (the test's own reading)
    "t": lambda g: g,
    "2*t+1": lambda g: 2 * g + 1,
    "(t+1)**2 - t**2": lambda g: 2 * g + 1,
    "log(exp(t))": lambda g: g,
    "identity": lambda g: g,
}


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(sorted(AFFINE)), st.integers(4, 8), st.integers(1, 2), st.integers(0, 10 ** 6),
       st.booleans())
def test_affine_sigma_never_certified(expr, N, d, seed, rational_inputs):
    """An affine sigma: rank [F_1, 1_N] <= d + 1 < N exactly, whatever rounding does to the float matrix."""
    rng = np.random.default_rng(seed)
    n = N - 1
    if rational_inputs:  # non-dyadic rationals: their conversion must be counted
        mk = lambda *s: [[Fraction(int(v), 7) for v in r] for r in rng.integers(-9, 9, size=s)]  # noqa: E731
        X, W, b = mk(N, d), mk(d, n), mk(1, n)[0]
    else:
        X, W, b = rng.standard_normal((N, d)).tolist(), rng.standard_normal((d, n)).tolist(), rng.standard_normal(n).tolist()
    rk = exact_rank(exact_layer(X, W, b, AFFINE[expr]))
    assert rk <= d + 1 < N
    net = Network((d, n), expr)
    P = params(W, b)
    Xq = np.array([[Fraction(x) for x in r] for r in X], dtype=object)
    c, info = certify_layer_float(net, P, Xq, 1)
    assert c.full is not True
    if c.full is False:
        assert c.level == "proved"


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["sigmoid", "1/(1+exp(-t))", "tanh"]), st.lists(small_q, min_size=2, max_size=2),
       st.integers(4, 6), st.integers(0, 10 ** 6))
def test_antisymmetric_pairs_never_certified(activation, wb, N, seed):
    """(w, b) and (-w, -b): sigmoid(g) + sigmoid(-g) = 1 (a combination with 1_N); tanh(g) + tanh(-g) = 0."""
    w, bb = wb
    if w == 0 and bb == 0:
        w = Fraction(1)
    rng = np.random.default_rng(seed)
    extra = [Fraction(int(v), 4) for v in rng.integers(-8, 8, size=2 * max(N - 3, 1))]
    W = [[w, -w] + extra[: N - 3]]
    b = [bb, -bb] + extra[N - 3: 2 * (N - 3)]
    X = [[Fraction(i, 3)] for i in range(N)]
    ref = "tanh" if activation == "tanh" else "sigmoid"
    assert mp_singular(X, W, b, ref)
    c, _ = certify_layer_float(Network((1, len(W[0])), activation), params(W, b),
                               np.array(X, dtype=object), 1)
    assert c.full is not True


@settings(max_examples=15, deadline=None)
@given(st.lists(small_q, min_size=2, max_size=2), st.integers(0, 10 ** 6))
def test_softplus_pairs_never_certified(wb, seed):
    """softplus(g) - softplus(-g) = g = w x + b, and with x itself from a (1, 0), (-1, 0) pair:
    sp(w x + b) - sp(-w x - b) - w (sp(x) - sp(-x)) - b 1_N = 0."""
    w, bb = wb
    W = [[Fraction(1), Fraction(-1), w, -w]]
    b = [Fraction(0), Fraction(0), bb, -bb]
    rng = np.random.default_rng(seed)
    X = [[Fraction(int(v), 5)] for v in rng.choice(np.arange(-20, 20), size=5, replace=False)]
    assert mp_singular(X, W, b, "softplus")
    c, _ = certify_layer_float(Network((1, 4), "softplus"), params(W, b), np.array(X, dtype=object), 1)
    assert c.full is not True


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["sigmoid", "tanh", "softplus", "atan(t)"]), st.integers(3, 6), st.integers(0, 10 ** 6),
       st.sampled_from(["unit", "sample"]))
def test_duplicated_units_and_samples_never_certified(activation, N, seed, what):
    rng = np.random.default_rng(seed)
    n = N - 1
    X = [[Fraction(int(v), 3)] for v in rng.choice(np.arange(-30, 30), size=N, replace=False)]
    W = [[Fraction(int(v), 3) for v in rng.integers(-6, 6, size=n)]]
    b = [Fraction(int(v), 10) for v in rng.integers(-6, 6, size=n)]
    if what == "unit":
        W[0][1], b[1] = W[0][0], b[0]
    else:
        X[1] = list(X[0])
    c, _ = certify_layer_float(Network((1, n), activation), params(W, b), np.array(X, dtype=object), 1)
    assert c.full is not True  # two equal columns / rows: singular for every sigma


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(["sigmoid", "tanh", "softplus"]), st.integers(3, 5), st.integers(0, 10 ** 6),
       st.sampled_from([2.0 ** -30, 2.0 ** -45, 1e-12]))
def test_near_duplicate_samples_certified_only_when_true(activation, N, seed, eps):
    """Rows x and x + eps: the exact matrix is (nearly) singular; a certified sigma_min bound must hold
    for the exact matrix, checked by mpmath at 40 and 80 digits."""
    rng = np.random.default_rng(seed)
    n = N - 1
    X = rng.standard_normal((N, 1))
    X[1, 0] = X[0, 0] + eps
    W, b = rng.standard_normal((1, n)), rng.standard_normal(n)
    net = Network((1, n), activation)
    P = Parameters((W,), (b,))
    c, info = certify_layer_float(net, P, X, 1)
    if c.full:
        assert c.level == "certified" and "exact" in info["certifies"]
        assert mp_sigma_min_at_least(X.tolist(), W.tolist(), b.tolist(), activation, c.sigma_min_lower)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from([Fraction(1, 3), Fraction(1, 10), Fraction(2, 7), Fraction(-5, 3),
                                 Fraction(7, 10), Fraction(1, 2)]), min_size=2, max_size=3),
       st.sampled_from([Fraction(3), Fraction(1, 3), Fraction(10), Fraction(-7, 10)]))
def test_rationals_that_do_not_survive_rounding(row, k):
    """W with a second column k times the first (exactly): rank W < n, whatever fl() does to 1/3, 1/10."""
    W = [[x, k * x] for x in row]
    assert exact_rank([[Fraction(x) for x in r] for r in W]) == 1
    c = certify_exact_column_rank(np.array(W, dtype=object))
    assert c.full is not True
    assert c.full is False and c.level == "proved"  # small: the exact fallback refutes it


def test_rank_layer_with_rational_inputs_counts_conversion():
    """[X, 1_N] with X = 1/3-type entries: the conversion of X is part of the transfer; certified only
    when true (a regular exact matrix, checked by fmpq_mat), never for a singular one."""
    X = [["1/3", "1"], ["2/3", "2"], ["1", "3"]]  # column 2 = 3 x column 1: with 1_N, rank 2 < 3
    Xq = [[Fraction(x) for x in r] for r in X]
    assert exact_rank([r + [Fraction(1)] for r in Xq]) == 2
    r = certify_rank(params([["1", "2"], ["0", "1"]], ["0", "0"]), np.array(Xq, dtype=object), layer=0)
    assert r.holds is not True
    Xg = [["1/3", "1"], ["2/3", "5"], ["1/10", "3"]]
    Xgq = [[Fraction(x) for x in r] for r in Xg]
    assert exact_rank([r + [Fraction(1)] for r in Xgq]) == 3
    r = certify_rank(params([["1", "2"], ["0", "1"]], ["0", "0"]), np.array(Xgq, dtype=object), layer=0)
    assert r.holds is True and r.level == "certified" and "exact" in r.details["certificate"]["certifies"]


def test_lemma_3_5_float_rational_inputs_are_undecided():
    """The quantitative Lemma 3.5 bound is about the exact Phi of the given inputs: 1/3 in Y is not a float."""
    from exactloss.floatpath.datasets import synthetic
    from exactloss.floatpath.training import fit_top_layer
    from exactloss.net.network import random_float_parameters
    from exactloss.paper.lemma_3_5.at_scale import lemma_3_5_float

    X, Y = synthetic(12, 2, 1, seed=0)
    net = Network((2, 14, 1), "sigmoid")
    P = fit_top_layer(net, random_float_parameters(net.widths, seed=1, scale=1.0), X, Y)
    r = lemma_3_5_float(net, P, X, Y)
    assert r.holds is True and r.level == "certified"
    Yq = np.array([[Fraction(1, 3)] for _ in range(12)], dtype=object)
    r = lemma_3_5_float(net, P, X, Yq)
    assert r.holds is None and "conversion" in r.missing and r.details["loss_bound"] is None


def test_lemma_3_5_scale_affine_sigma_never_certified():
    """With sigma(t) = t the exact [F_1, 1_N] has rank <= d + 2 < N: the bound must not be certified."""
    from exactloss.floatpath.datasets import synthetic
    from exactloss.net.network import random_float_parameters
    from exactloss.paper.lemma_3_5.at_scale import lemma_3_5_float

    X, Y = synthetic(20, 2, 1, seed=0)
    net = Network((2, 20, 1), "identity")
    r = lemma_3_5_float(net, random_float_parameters(net.widths, seed=1, scale=1.0), X, Y)
    assert r.holds is not True
