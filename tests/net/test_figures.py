"""exactloss.net.figures: Figures on their own Agg canvas (pyplot and the backend untouched), --dpi, formats."""

import pytest

from exactloss.errors import InputError
from exactloss.net.figures import MIN_PT, check_dpi, new_figure, save_figure, style_axes
from tests.figure_checks import foreign_pyplot_state, png_size, small_texts


def test_new_figure_and_save_leave_pyplot_alone(tmp_path):
    with foreign_pyplot_state():
        fig = new_figure(4, 2)
        ax = fig.subplots()
        ax.plot([0, 1], [1, 0])
        style_axes(ax, r"$\alpha$", r"$\sigma(t)$", "title")
        for suffix in (".png", ".pdf", ".svg"):
            save_figure(fig, tmp_path / ("f" + suffix), dpi=25)
    assert png_size((tmp_path / "f.png").read_bytes()) == (100, 50)
    assert (tmp_path / "f.pdf").read_bytes()[:4] == b"%PDF"
    assert small_texts(fig) == [] and MIN_PT == 10


@pytest.mark.parametrize("dpi, ok", [(150, 150), ("72", 72), (300.0, 300), (0, None), (1.5, None), (True, None),
                                     ("x", None), (None, None)])
def test_check_dpi(dpi, ok):
    if ok is None:
        with pytest.raises(InputError, match="--dpi"):
            check_dpi(dpi)
    else:
        assert check_dpi(dpi) == ok


def test_unknown_suffix_refused(tmp_path):
    with pytest.raises(InputError, match="unknown file type"):
        save_figure(new_figure(1, 1), tmp_path / "f.jpg")
