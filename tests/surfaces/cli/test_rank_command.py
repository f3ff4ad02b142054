"""The ``exactloss rank`` command (exactloss.surfaces.cli.rank): float and ball certificates agree."""

from __future__ import annotations

import json

from exactloss import Network, save_data, save_parameters
from exactloss.surfaces.cli import main
from exactloss.net.network import random_data
from exactloss.floatpath.fastpath import float_parameters, layer_with_ones
from tests.floatpath.helpers import sigma_min_at_least


def test_rank_command_float_and_ball_agree(tmp_path, capsys):
    net = Network((3, 6, 2), "sigmoid")
    P = net.random_parameters(seed=1)
    X, Y = random_data(7, 3, 2, seed=1)
    pp, dp = tmp_path / "p.json", tmp_path / "d.json"
    save_parameters(P, pp)
    save_data(X, Y, dp)
    out = {}
    for numbers in ("float", "ball"):
        assert main(["rank", "--params", str(pp), "--data", str(dp), "--layer", "1", "--numbers", numbers,
                     "--json"]) == 0
        out[numbers] = json.loads(capsys.readouterr().out)
        assert out[numbers]["level"] == "certified" and out[numbers]["details"]["sigma_min_lower"] > 0
    # the float bound is a lower bound of sigma_min of the float64 matrix it certifies
    A = layer_with_ones(net, float_parameters(P)[0], X, 1)
    assert sigma_min_at_least(A, out["float"]["details"]["sigma_min_lower_float_matrix"])
    assert main(["rank", "--params", str(pp), "--data", str(dp), "--weights", "2"]) == 0
    capsys.readouterr()
    assert main(["rank", "--params", str(pp), "--data", str(dp)]) == 2  # neither --layer nor --weights
    assert "error:" in capsys.readouterr().err
    assert main(["rank", "--params", str(pp), "--data", str(dp), "--layer", "5"]) == 2
