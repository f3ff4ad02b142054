"""`exactloss certify` (exactloss.surfaces.cli.certify) and `check theorem-3.4` on files, as a user runs them."""

from __future__ import annotations

import json

import exactloss as xl
from exactloss.floatpath.training import train
from exactloss.paper.instances import global_minimum_instance
from exactloss.surfaces.cli import main


def _files(tmp_path, P, X, Y):
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X, Y, tmp_path / "d.json")
    return str(tmp_path / "p.json"), str(tmp_path / "d.json")


def test_cli_check_and_certify_json(tmp_path, capsys):
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    p, d = _files(tmp_path, P, X, Y)
    assert main(["check", "theorem-3.4", "--params", p, "--data", d, "--activation", "t + t**3", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["holds"] is True and rec["level"] == "proved"
    P, X, Y, _ = train((2, 5, 1), N=5, seed=0, iterations=800)
    p, d = _files(tmp_path, P, X, Y)
    assert main(["certify", "--params", p, "--data", d, "--activation", "sigmoid", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["details"]["loss_bound"] is not None and rec["level"] == "certified"
    assert main(["certify", "--params", p, "--data", d, "--activation", "sigmoid"]) == 0
    assert "loss bound" in capsys.readouterr().out
