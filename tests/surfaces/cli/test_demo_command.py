"""The ``exactloss demo`` command (exactloss.surfaces.cli.demo) on synthetic data."""

from __future__ import annotations

from exactloss.surfaces.cli import main


def test_demo_command_on_synthetic_data(capsys):
    assert main(["demo", "--data", "synthetic", "--samples", "40", "--narrow", "5", "--maxiter", "20"]) == 0
    out = capsys.readouterr().out
    assert "Lemma 3.5 bound on Phi" in out and "rank <= 6 < 40" in out
