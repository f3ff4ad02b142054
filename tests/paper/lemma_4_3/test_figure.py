"""exactloss.paper.lemma_4_3.figure: det E(alpha) with certified balls beside float64 and 15-digit mpmath,
float64's zeros and wrong signs in red, text >= 10 pt, the legend outside the data, pyplot untouched."""

from fractions import Fraction as Q

import numpy as np
import pytest
from flint import arb

from exactloss.arith.systems import Ball
from exactloss.errors import InputError
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.figure import det_figure, float64_wrong
from exactloss.paper.lemma_4_3.sweep import DetPoint, log_grid, sweep
from tests.figure_checks import foreign_pyplot_state, png_size, small_texts

# N = 32 sigmoid values (the sweep's numbers): float64 and mpmath 0 at 1/100, float64 positive at 1/20
POINTS = [
    DetPoint(Q(1, 100), arb("-2.012239043e-787", "2.62e-797"), 256, 0.0, "0"),
    DetPoint(Q(1, 20), arb("-9.623304e-345", "6.97e-352"), 128, 9.4e-295, "0"),
    DetPoint(Q(1, 5), arb("-1.209680767e-57", "3.34e-67"), 128, -1.2096807665674209e-57, "-1.2096808e-57"),
    DetPoint(Q(1, 2), arb(0, "1e-40"), 128, 1e-41, "1.0e-41"),  # ball contains 0: sign not certified
    DetPoint(Q(10), arb("-4.651541511e-10", "1.23e-20"), 128, -4.651541511122599e-10, "-4.6515415e-10"),
    DetPoint(Q(20), arb(0, float("inf")), 128, None, None, note="not computed: budget"),
]
LIMIT = arb("-4.6566128730773925781e-10", "2.5e-30")


def _line(ax, label):
    return next(line for line in ax.get_lines() if line.get_label() == label)


def test_float64_zero_and_wrong_sign_in_red():
    assert [float64_wrong(p) for p in POINTS] == [True, True, False, False, False, False]
    fig = det_figure(POINTS, LIMIT, Q(1, 10))
    top, bottom = fig.axes
    red = _line(top, "float64 = 0 or wrong sign")
    assert list(red.get_xdata()) == [0.01, 0.05] and red.get_markeredgecolor() == "tab:red"
    floor = red.get_ydata()[0]
    assert floor < -787 and red.get_ydata()[1] == pytest.approx(np.log10(9.4e-295))  # 0 on the bottom edge
    reds = [line for line in bottom.get_lines() if line.get_markeredgecolor() == "tab:red"]
    assert [list(line.get_ydata()) for line in reds] == [[0, 1]]  # float64's sign: 0, then + (wrong)


def test_three_series_and_the_certified_balls_as_error_bars():
    fig = det_figure(POINTS, LIMIT, Q(1, 10))
    top = fig.axes[0]
    labels = [t.get_text() for t in top.get_legend().get_texts()]
    assert labels[0].startswith("ball arithmetic") and "float64 (no guarantee)" in labels
    assert "mpmath, 15 digits (no guarantee)" in labels and "ball contains 0: sign not certified" in labels
    mp = _line(top, "mpmath, 15 digits (no guarantee)")
    assert list(mp.get_xdata()) == [0.01, 0.05, 0.2, 0.5, 10.0]  # the not-computed point is left out
    assert mp.get_ydata()[2] == pytest.approx(np.log10(1.2096808e-57))
    balls = next(c for c in top.containers if c.get_label().startswith("ball arithmetic"))
    assert list(balls.lines[0].get_xdata()) == [0.01, 0.05, 0.2, 10.0]
    assert balls.lines[0].get_ydata()[0] == pytest.approx(-787 + np.log10(2.012239043), abs=1e-6)
    assert r"$\alpha_0 = 1/10$" in labels
    assert fig.axes[1].get_xlabel() == r"$\alpha$" and r"\det E(\alpha)" in top.get_ylabel()


def test_slide_text_and_the_legend_outside_the_data():
    fig = det_figure(POINTS, LIMIT, Q(0), title="N = 32")
    assert small_texts(fig) == []
    top = fig.axes[0]
    leg, box = top.get_legend().get_window_extent(), top.get_window_extent()
    assert leg.x0 >= box.x1  # to the right of the axes: covers no point
    assert any("every" in lab for lab in top.get_legend_handles_labels()[1])  # alpha_0 = 0


def test_from_a_real_sweep_files_by_extension_and_pyplot_untouched(tmp_path):
    c = build(np.array([[Q(i)] for i in range(5)], dtype=object), activation="sigmoid")
    pts = sweep(c, log_grid(0.05, 20, 5))
    with foreign_pyplot_state():
        for suffix in (".png", ".pdf", ".svg"):
            det_figure(pts, c.det_limit(Ball(64)), Q(3), tmp_path / ("d" + suffix), dpi=30)
    assert png_size((tmp_path / "d.png").read_bytes()) == (300, 180)
    assert (tmp_path / "d.pdf").read_bytes()[:4] == b"%PDF"
    assert (tmp_path / "d.svg").read_bytes().lstrip()[:5] in (b"<?xml", b"<svg ")


def test_bad_path_refused_before_drawing(tmp_path):
    with pytest.raises(InputError, match="--plot"):
        det_figure(POINTS, LIMIT, None, tmp_path / "d.jpg")
    with pytest.raises(InputError, match="--dpi"):
        det_figure(POINTS, LIMIT, None, tmp_path / "d.png", dpi=0)
    assert list(tmp_path.iterdir()) == []
