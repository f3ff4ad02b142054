"""Lemma 3.5, exact form (exactloss.paper.lemma_3_5.exact) and the check ``lemma-3.5`` on its default instances."""

from __future__ import annotations

import pytest

import exactloss as xl
from exactloss.net.backprop import backprop
from exactloss.paper.instances import global_minimum_instance, top_layer_solved_instance
from exactloss.paper.lemma_3_5.exact import lemma_3_5
from exactloss.surfaces.cli import main
from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("lemma-3.5",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("lemma-3.5", "(1) fails: narrow, Phi > 0"): "(1)",
    ("lemma-3.5", "(2) fails: W_3 = 0"): "(2) rank(W_3)",
    ("lemma-3.5", "(3) fails: gradient not 0"): "(3)",
    ("lemma-3.5", "relu breaks Assumption 3.2"): "3.2.2",
    ("lemma-3.5", "quantitative, narrow: no bound"): "(1)",
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)


def test_lemma_3_5_top_solved_is_layer_critical_with_positive_loss():
    P, X, Y = top_layer_solved_instance((2, 2, 1), 5, seed=1)
    g = backprop(xl.Network((2, 2, 1), "identity"), P, X, Y, "squared", "exact")
    assert all(v == 0 for v in list(g.grad_W[1].flat) + list(g.grad_b[1].flat)) and g.phi > 0
    r = lemma_3_5(P, (X, Y), "identity")
    assert r.holds is False and r.failed_hypothesis.startswith("(1)")


def test_cli_params_not_fitting_the_data(tmp_path, capsys):
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=1)
    xl.save_parameters(P, tmp_path / "p.json")
    xl.save_data(X[:, :2], Y, tmp_path / "d.json")
    code = main(["check", "lemma-3.5", "--params", str(tmp_path / "p.json"), "--data", str(tmp_path / "d.json")])
    err = capsys.readouterr().err
    assert code == 2 and "X has shape" in err and err.count("\n") == 1
