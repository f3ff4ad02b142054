"""Lemma 4.3 above the ball-sweep threshold (issue 14): the closed-form sweep keeps each claim at its level."""

from __future__ import annotations

import math

import pytest

from fractions import Fraction

from flint import arb

from exactloss.paper.lemma_4_3.figure import det_figure
from exactloss.paper.lemma_4_3.replay import lemma_4_3
from exactloss.paper.lemma_4_3.sweep import BALL_SWEEP_MAX_N, DetPoint


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


def test_no_closed_form_keeps_ball_sweep() -> None:
    # softplus has no closed form: its sweep points stay ball points (certified or not computed), never numerical
    r = lemma_4_3(samples=BALL_SWEEP_MAX_N + 2, dim=1, activation="softplus", sweep_points=1, exact=False)
    for p in r.details["sweep"]:
        assert "sign_level" not in p
        assert p["status"] == "certified sign" or p["sign"] is None


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
