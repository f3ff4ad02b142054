"""Which results apply at a point (exactloss.paper.certify): the float path, and undecided premises kept."""

from __future__ import annotations

from exactloss.floatpath.training import train
from exactloss.paper.certify import certify
from exactloss.paper.instances import global_minimum_instance


def test_certify_float_path_is_numerical():
    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=800)
    r = certify(P, (X, Y), "sigmoid", "squared", numbers="float")
    assert r.level in ("numerical", None)


def test_certify_never_drops_an_undecided_premise():
    """certify on the issue's example: the rows and the summary say undecided (missing: ...)."""
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=0)
    r = certify(P, (X, Y), "t + t**3", "a**2 - a**3/10", numbers="exact")
    assert r.holds is None and r.level is None and r.outcome.startswith("undecided (missing: Assumption 3.2.3")
    assert all(c["holds"] is not True for c in r.details["checks"] if "quantitative" not in c["check"])


def _point(N=8, d=2, seed=0, dup_columns=False, third=False):
    """A sigmoid (d, N - 1, 1) point with dyadic parameters and data (float64 numbers exactly), optionally with two
    equal hidden units (rank [F_1, 1_N] < N exactly) or a non-float64 datum 1/3."""
    from fractions import Fraction as Q

    import numpy as np

    from exactloss import Parameters

    rng = np.random.default_rng(seed)
    dy = lambda *s: np.vectorize(lambda v: Q(int(v), 8), otypes=[object])(rng.integers(-16, 17, size=s))  # noqa: E731
    W1, b1, W2, b2 = dy(d, N - 1), dy(N - 1), dy(N - 1, 1), dy(1)
    if dup_columns:
        W1[:, 1], b1[1] = W1[:, 0], b1[0]
    X = np.array([[Q(i, 4), Q((i * i) % 7, 8)] for i in range(N)], dtype=object)
    if third:
        X[0, 0] = Q(1, 3)
    Y = np.array([[Q(1, 4) + Q(i % 3, 4)] for i in range(N)], dtype=object)
    return Parameters((W1, W2), (b1, b2)), X, Y


def _ball_rank_full(P, X):
    from exactloss import Network
    from exactloss.arith.systems import Ball
    from exactloss.net.rank import full_row_rank, with_ones

    S = Ball(256)
    net = Network((X.shape[1], P.W[0].shape[1], 1), "sigmoid")
    return full_row_rank(with_ones(net.forward(P, X, S).F[1], S), S, 256).full


def _spy(monkeypatch):
    import exactloss.paper.certify as mod

    calls = []
    real = mod.certify_layer_float
    monkeypatch.setattr(mod, "certify_layer_float", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_float_certify_reuses_the_bounds_rank_only_for_float64_inputs(monkeypatch):
    """certify --numbers float certifies sigma_min of the exact [F_1, 1_N] once: the Lemma 3.5 bound's own
    certificate is reused for float64 inputs, and re-checked here by an independent ball rank."""
    calls = _spy(monkeypatch)
    P, X, Y = _point()
    r = certify(P, (X, Y), "sigmoid", "squared", layer=1, numbers="float")
    rank = r.details["checks"][0]
    assert calls == [] and rank["holds"] is True and rank["level"] == "certified"
    assert _ball_rank_full(P, X) is True


def test_float_certify_with_non_float64_inputs_transfers_the_rank_itself(monkeypatch):
    """Adversarial: with X containing 1/3 the bound's factors are about the rounded inputs, so the rank of the
    exact matrix at the given inputs must come from certify_layer_float (which counts the conversion)."""
    calls = _spy(monkeypatch)
    P, X, Y = _point(third=True)
    r = certify(P, (X, Y), "sigmoid", "squared", layer=1, numbers="float")
    assert calls == [1]
    if r.details["checks"][0]["holds"]:
        assert _ball_rank_full(P, X) is True
    assert r.level != "certified" or "rounded" not in r.reason


def test_float_certify_never_certifies_a_rank_deficient_point():
    """Adversarial: two equal hidden units make rank [F_1, 1_N] = N false exactly; nothing is certified."""
    P, X, Y = _point(dup_columns=True)
    r = certify(P, (X, Y), "sigmoid", "squared", layer=1, numbers="float")
    rank = r.details["checks"][0]
    assert rank["holds"] is not True and r.level != "certified"
    assert r.details["loss_bound"] is None or r.level == "numerical"
