"""exactloss.paper.lemma_4_3.sweep: ball determinants with certified signs beside float64 / 15-digit mpmath."""

from fractions import Fraction as Q

import mpmath
import numpy as np

from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.figure import det_figure
from exactloss.paper.lemma_4_3.sweep import det_point, log_grid, sweep
from exactloss.arith.systems import Ball, MP


def col(xs):
    return np.array([[Q(x)] for x in xs], dtype=object)


def test_tiny_determinant_float_cannot_see_it():
    """N = 32 points 0..31, alpha = 1/10: det E is about -4.0e-444, below float64's range (float64 says -0.0,
    15-digit mpmath about -1e-340); the ball certifies its sign and an mpmath evaluation at 3x the digits
    lies inside the ball."""
    c = build(col(range(32)))
    p = det_point(c, Q(1, 10))
    assert p.certified and p.sign == -1
    assert p.float64 is None or abs(p.float64) < 1e-300  # float64 sees 0 (or garbage), never the value
    assert -444 < p.log10_abs() < -443
    assert p.mpmath15 is not None and 'e-444' not in p.mpmath15  # low precision is wrong
    M = MP(3 * p.ball.rel_accuracy_bits() // 3 + 200)
    E = c.E(Q(1, 10), M)
    with M.scope():
        d = mpmath.det(mpmath.matrix(E.tolist()))
    with Ball(4096).scope():
        from tests.tolerance import ball_contains

        assert ball_contains(p.ball, d)


def test_precision_raised_until_sign_certified():
    c = build(col(range(6)))
    p = det_point(c, Q(1, 1000), prec=32)
    assert p.certified and p.prec >= 32


def test_not_certified_is_reported_not_zero():
    c = build(col(range(12)))
    p = det_point(c, Q(1, 10**6), prec=32, max_prec=32)
    if not p.certified:
        assert p.sign == 0 and "not certified" in p.to_json()["status"]
        assert p.to_json()["sign"] is None


def test_grid_and_json():
    g = log_grid(0.1, 10, 5)
    assert g[0] >= Q(1, 10) and g[-1] >= 10 and all(a < b for a, b in zip(g, g[1:]))
    c = build(col(range(4)), activation="tanh")
    pts = sweep(c, g)
    js = [p.to_json() for p in pts]
    assert all(j["det"].startswith("[") and "+/-" in j["det"] or j["det"].startswith("[") for j in js)
    assert all(j["mpmath_15_digits"] is not None and j["float64"] is not None for j in js)


def test_plot(tmp_path):
    c = build(col(range(5)))
    pts = sweep(c, log_grid(0.05, 20, 6))
    fig = det_figure(pts, c.det_limit(Ball(64)), Q(3), str(tmp_path / "p.png"))
    assert (tmp_path / "p.png").stat().st_size > 1000 and len(fig.axes) == 2
