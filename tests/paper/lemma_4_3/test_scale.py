"""Lemma 4.3 above the ball-sweep threshold (issue 14): the closed-form sweep keeps each claim at its level."""

from __future__ import annotations

import math

import pytest

from fractions import Fraction

from flint import arb

from exactloss.paper.lemma_4_3.figure import det_figure
from exactloss.paper.lemma_4_3.replay import lemma_4_3
from exactloss.paper.lemma_4_3.sweep import BALL_SWEEP_MAX_N, DetPoint
from tests.tolerance import close


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_large_n_closed_form_sweep(act: str) -> None:
    N = 300
    assert N > BALL_SWEEP_MAX_N
    r = lemma_4_3(samples=N, dim=2, activation=act, sweep_points=5)
    assert r.holds is True and r.level == "proved"
    assert r.details["alpha0"] == "0" and r.details["alpha0_level"] == "proved"
    sign = r.details["det_limit_sign"]
    pts = r.details["sweep"]
    assert len(pts) == 5
    for p in pts:
        # the sign is the proved closed-form sign; the magnitude is numerical; no ball is claimed
        assert p["sign"] == sign and p["sign_level"] == "proved"
        assert p["log10_abs_det_level"] == "numerical" and p["det"] is None and p["prec_bits"] is None
        assert p["log10_abs_det"] is not None and math.isfinite(p["log10_abs_det"])
        assert "numerical" in p["status"] and "proved" in p["status"]


def test_no_closed_form_above_threshold_is_numerical_only() -> None:
    """softplus has no closed form: above the threshold its sweep points are float64 views, labelled numerical,
    their sign never certified; the verdict rests on the certified alpha_0 alone."""
    N = BALL_SWEEP_MAX_N + 2
    r = lemma_4_3(samples=N, dim=1, activation="softplus", sweep_points=3, exact=False)
    assert r.holds is True and r.level == "certified" and r.details["alpha0_level"] == "certified"
    for p in r.details["sweep"]:
        assert p["sign"] is None and p["sign_level"] is None and p["det"] is None
        assert p["log10_abs_det_level"] == "numerical" and "numerical" in p["status"]
    # independent re-check of one magnitude: the same E(alpha) in 256-bit ball arithmetic
    from exactloss.arith.systems import Ball
    from exactloss.paper.lemma_4_3.construction import build
    from exactloss.paper.lemma_4_3.replay import sample_points
    from flint import arb_mat
    p = r.details["sweep"][-1]
    cons = build(sample_points(N, 1), f"1,{N - 1}", 1, "softplus")
    S = Ball(256)
    with S.scope():
        d = arb_mat(cons.E(Fraction(p["alpha"]), S).tolist()).det()
        ref = float((abs(d).log() / arb(10).log()).mid())
    assert d > 0 and p["sign_numerical"] == 1
    assert close(p["log10_abs_det"], ref, rtol=1e-9)


def test_numerical_points_are_never_certified() -> None:
    from exactloss.paper.lemma_4_3.construction import build
    from exactloss.paper.lemma_4_3.replay import sample_points
    from exactloss.paper.lemma_4_3.sweep import numerical_point
    N = BALL_SWEEP_MAX_N + 1
    p = numerical_point(build(sample_points(N, 1), f"1,{N - 1}", 1, "softplus"), Fraction(1, 10))
    assert not p.certified and p.sign == 0 and p.to_json()["sign"] is None


def test_small_n_unchanged() -> None:
    r = lemma_4_3(samples=BALL_SWEEP_MAX_N, dim=2, activation="sigmoid", sweep_points=2)
    assert all("sign_level" not in p and p["det"] is not None for p in r.details["sweep"])



def test_large_n_figure_draws_the_closed_form_points(tmp_path) -> None:
    """Above the threshold the det figure draws the closed-form points (there are no balls), not an empty plot."""
    r = lemma_4_3(samples=BALL_SWEEP_MAX_N + 20, dim=2, activation="sigmoid", sweep_points=4,
                  plot=str(tmp_path / "det.png"))
    assert r.holds is True and (tmp_path / "det.png").stat().st_size > 0
    pts = [DetPoint(Fraction(a), arb("nan"), 0, None, None, closed_sign=-1, log10_numerical=-10.0 * a)
           for a in (1, 2, 4)]
    fig = det_figure(pts, arb(-1), Fraction(0))
    labels = [ln.get_label() for ax in fig.axes for ln in ax.get_lines()]
    assert any("closed form" in lab for lab in labels)
    top = fig.axes[0]
    line = next(ln for ln in top.get_lines() if "closed form" in ln.get_label())
    assert list(line.get_ydata()) == [-10.0, -20.0, -40.0]


@pytest.mark.parametrize("act", ["atan(t)", "sigmoid"])
def test_large_n_witness_at_layer_two_by_the_float_path(act) -> None:
    """Above FLOAT_WITNESS_MIN_N the layer-2 witness is certified by the float64 forward pass with the rigorous
    forward-error transfer (not a ball LU), and says so; for sigmoid the closed form proves it as well (and the
    level is the better of the two), for a user sigma (atan) the float path is the certificate."""
    from exactloss.paper.lemma_4_3.replay import FLOAT_WITNESS_MIN_N
    N = FLOAT_WITNESS_MIN_N + 8
    r = lemma_4_3(samples=N, dim=2, activation=act, layer=2, sweep_points=0)
    w = r.details["witness"]["at_alpha0"]
    rc = w["rank_certificate"]
    want = "proved" if act == "sigmoid" else "certified"
    assert r.holds is True and w["level"] == want and w["rank"] == N
    assert ("by_closed_form" in w) == (act == "sigmoid")
    assert rc["full"] is True and rc["level"] == "certified" and "forward-error" in rc["path"]
    assert rc["forward_error_F_bound"] is not None and rc["sigma_min_lower"] > 0
    assert "exact [F_2, 1_N]" in rc["certifies"]


def test_float_witness_undecided_is_not_certified(monkeypatch) -> None:
    """Adversarial: when the float path cannot transfer (bound withheld), a large witness is undecided, never
    certified from the float matrix alone."""
    import exactloss.paper.lemma_4_3.replay as rep
    from exactloss.floatpath import transfer
    real = transfer.certify_layer_float
    monkeypatch.setattr(rep, "certify_layer_float", lambda *a, **k: real(*a, forward_bound=False, **k))
    monkeypatch.setattr(rep, "BALL_WITNESS_MAX_N", 0)
    N = rep.FLOAT_WITNESS_MIN_N + 4
    r = lemma_4_3(samples=N, dim=2, activation="atan(t)", layer=2, sweep_points=0)  # no closed form
    w = r.details["witness"]["at_alpha0"]
    assert w["level"] is None and w["rank"] is None and r.holds is None and r.level is None
    assert w["rank_certificate"]["full"] is None and w["rank_certificate"]["missing"]


def test_named_data_set_needs_no_file(tmp_path, monkeypatch) -> None:
    pytest.importorskip("sklearn")
    from exactloss.floatpath.datasets import named_set
    assert named_set("breast-cancer") == "breast_cancer" and named_set("digits") == "digits"
    assert named_set("no-such-set") is None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "digits").write_text("{}")
    assert named_set("digits") is None  # an existing file of that name wins
