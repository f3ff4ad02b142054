"""Figure 1, the activations (exactloss.surfaces.plots) and the ``plot`` command: returned Figures, files by
extension, --dpi, text size, labels with the paper's symbols, legends clear of the curves, global state untouched."""

import pytest

from exactloss.errors import InputError
from exactloss.surfaces.cli import main
from exactloss.surfaces.plots import activations_figure, det_figure, figure_1
from tests.figure_checks import foreign_pyplot_state, legends_covering_data, png_size, small_texts

FIGS = {"losses": figure_1, "activations": activations_figure}


@pytest.mark.parametrize("name", FIGS)
def test_returns_a_figure_without_touching_pyplot_or_the_backend(name, tmp_path):
    from matplotlib.figure import Figure

    with foreign_pyplot_state():
        fig = FIGS[name](verdicts=False)
        FIGS[name](tmp_path / "f.png", verdicts=False)
    assert isinstance(fig, Figure) and not list(tmp_path.glob("*.svg"))
    assert (tmp_path / "f.png").stat().st_size > 10_000
    assert fig._repr_png_()[:4] == b"\x89PNG"  # shows inline in a notebook without pyplot


def test_separate_figures_with_the_paper_symbols():
    losses, acts = figure_1(verdicts=False), activations_figure(verdicts=False)
    assert len(losses.axes) == 4 and len(acts.axes) == 5
    assert {(ax.get_xlabel(), ax.get_ylabel()) for ax in losses.axes} == {("$a$", "$l(a)$")}
    assert {(ax.get_xlabel(), ax.get_ylabel()) for ax in acts.axes} == {("$t$", r"$\sigma(t)$")}
    assert r"$\delta = 0.1$" in losses.axes[0].get_title()
    assert "Figure 1" in losses.get_suptitle() and "3.2.2" in acts.get_suptitle()


def test_verdicts_in_the_titles():
    titles = [ax.get_title() for ax in figure_1().axes] + [ax.get_title() for ax in activations_figure().axes]
    assert all("Assumption 3.2.3 holds [proved]" in t for t in titles[:4])
    assert "Assumption 3.2.2 fails [proved]" in titles[-1] and "ReLU" in titles[-1]
    assert "Assumption 3.2.2 holds [proved]" in titles[4]


@pytest.mark.parametrize("name", FIGS)
def test_text_at_least_10_pt_and_legends_clear_of_the_curves(name):
    fig = FIGS[name](verdicts=False)
    assert small_texts(fig) == []
    assert legends_covering_data(fig) == []
    assert sum(ax.get_legend() is not None for ax in fig.axes) == 1  # pseudo-Huber + squared / softplus alphas


@pytest.mark.parametrize("suffix, magic", [(".pdf", (b"%PDF",)), (".svg", (b"<?xml", b"<svg"))])
def test_pdf_and_svg_by_extension(tmp_path, suffix, magic):
    out = tmp_path / ("fig" + suffix)
    figure_1(out, verdicts=False)
    assert out.read_bytes().startswith(magic)


def test_dpi_sets_the_png_resolution(tmp_path):
    figure_1(tmp_path / "a.png", verdicts=False, dpi=40)
    activations_figure(tmp_path / "b.png", verdicts=False, dpi=20)
    assert png_size((tmp_path / "a.png").read_bytes()) == (400, 300)  # 10 x 7.5 inches
    assert png_size((tmp_path / "b.png").read_bytes()) == (260, 150)  # 13 x 7.5 inches
    for bad in (0, 5000, "x", 1.5):
        with pytest.raises(InputError, match="--dpi"):
            figure_1(tmp_path / "c.png", verdicts=False, dpi=bad)
    assert not (tmp_path / "c.png").exists()


def test_det_figure_is_re_exported():
    import exactloss as xl

    assert xl.det_figure is det_figure and xl.activations_figure is activations_figure


@pytest.mark.parametrize("argv", [["plot", "losses"], ["plot", "figure-1", "--no-verdicts"],
                                  ["plot", "activations", "--dpi", "30", "--no-verdicts"]])
def test_plot_command_in_process(tmp_path, capsys, argv):
    out = tmp_path / "fig.png"
    with foreign_pyplot_state():
        assert main([*argv[:2], str(out), *argv[2:]]) == 0
    assert out.exists() and "wrote" in capsys.readouterr().out
    if "--dpi" in argv:
        assert png_size(out.read_bytes()) == (390, 225)


def test_plot_command_svg_and_bad_dpi(tmp_path, capsys):
    assert main(["plot", "activations", str(tmp_path / "a.svg"), "--no-verdicts"]) == 0
    assert (tmp_path / "a.svg").read_bytes().lstrip()[:5] in (b"<?xml", b"<svg ")
    capsys.readouterr()
    assert main(["plot", "losses", str(tmp_path / "b.png"), "--dpi", "0"]) == 2
    assert capsys.readouterr().err.startswith("error: --dpi")


def test_check_plot_in_process_leaves_pyplot_alone(tmp_path, capsys):
    out = tmp_path / "det.svg"
    with foreign_pyplot_state():
        assert main(["check", "lemma-4.3", "--samples", "4", "--sweep-points", "3", "--plot", str(out)]) == 0
    assert out.read_bytes().lstrip()[:5] in (b"<?xml", b"<svg ")
    out = tmp_path / "det.png"
    assert main(["check", "lemma-4.3", "--samples", "4", "--sweep-points", "3", "--plot", str(out),
                 "--dpi", "20"]) == 0
    assert png_size(out.read_bytes()) == (200, 120)  # 10 x 6 inches


@pytest.mark.parametrize("name", ["fig.txt", "missing_dir/fig.png"])
def test_bad_paths(tmp_path, name, capsys):
    with pytest.raises(InputError):
        figure_1(tmp_path / name)
    assert main(["plot", "losses", str(tmp_path / name)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_missing_folder_message_names_path_and_fix(tmp_path, capsys):
    out = tmp_path / "nope" / "fig.png"
    assert main(["plot", "losses", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(out) in err and "mkdir -p" in err and err.count("\n") == 1
