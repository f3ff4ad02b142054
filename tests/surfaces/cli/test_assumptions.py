"""The ``exactloss assumptions`` command: the per-clause table, --json, --data, and bad input (exit 2)
(exactloss.surfaces.cli.assumptions)."""

import json

import pytest

from exactloss.surfaces.cli import main


def test_cli_assumptions(capsys, tmp_path):
    assert main(["assumptions", "--activation", "tanh", "--loss", "cauchy"]) == 0
    out = capsys.readouterr().out
    assert "3.2.2 sigma is real-analytic on R" in out and "proved" in out
    assert main(["assumptions", "--activation", "relu", "--loss", "squared"]) == 1
    assert "not differentiable" in capsys.readouterr().out
    assert main(["assumptions", "--activation", "softplus:alpha=2", "--loss", "none", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["holds"] is True and rec["details"]["Assumption 3.2.2"]["rho"]["rho_4"] == "log(2)/2"
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": [[0, 1], [2, 2], [0, 1]]}))
    assert main(["assumptions", "--activation", "sigmoid", "--data", str(data)]) == 1
    assert "rows 1 and 3" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["--activation", "sin((t"], ["--activation", "x + 1"], ["--activation", "t + I"],
                                  ["--activation", "sigmoid", "--loss", "y**2"],
                                  ["--activation", "sigmoid", "--data", "/nonexistent/d.json"]])
def test_cli_bad_input_exit_2(args, capsys):
    assert main(["assumptions", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
