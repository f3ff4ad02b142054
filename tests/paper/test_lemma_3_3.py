"""Lemma 3.3: sigmoid, tanh, softplus(alpha) satisfy Assumption 3.2.2, each clause proved; the lemma-3.3 check
(exactloss.paper.lemma_3_3)."""

import exactloss as xl
from exactloss.paper.lemma_3_3 import lemma_3_3
from exactloss.surfaces.cli import main


def test_lemma_3_3_proved():
    r = lemma_3_3()
    assert r.holds is True and r.level == "proved"
    assert all(c.holds and c.level == "proved" for c in r.clauses)


def test_registered_check():
    r = xl.check("lemma-3.3")
    assert r.holds is True, ("lemma-3.3", r.reason)


def test_cli_check_command(capsys):
    assert main(["check", "lemma-3.3", "--alphas", "1,3"]) == 0
    assert "rho = (1/3, 3, 1, log(2)/3) = the paper's" in capsys.readouterr().out
