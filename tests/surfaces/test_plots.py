"""Figure 1 (exactloss.surfaces.plots) and the ``plot`` command: the file is written (pixels are not asserted)."""

import pytest

from exactloss.surfaces.cli import main
from exactloss.errors import InputError
from exactloss.surfaces.plots import figure_1


def test_figure_1_writes_png(tmp_path):
    out = figure_1(tmp_path / "fig1.png", verdicts=False)
    assert out.exists() and out.stat().st_size > 10_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_command(tmp_path, capsys):
    out = tmp_path / "losses.png"
    assert main(["plot", "losses", str(out)]) == 0
    assert out.exists() and "wrote" in capsys.readouterr().out


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
