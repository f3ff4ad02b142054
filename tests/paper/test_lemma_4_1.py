"""Lemma 4.1: each layer output is real-analytic in the parameters; the lemma-4.1 check (exactloss.paper.lemma_4_1)."""

import exactloss as xl
from exactloss.paper.lemma_4_1 import lemma_4_1
from exactloss.surfaces.cli import main


def test_lemma_4_1():
    r = lemma_4_1("2,3,2", "sigmoid")
    assert r.holds is True and r.level == "proved"
    assert r.details["entries_checked"] > 0
    r = lemma_4_1("2,2,1", "relu")
    assert r.holds is False and r.failed_hypothesis
    assert lemma_4_1(xl.Network("2,2,2,1", "softplus:alpha=3")).holds is True


def test_registered_check():
    r = xl.check("lemma-4.1")
    assert r.holds is True, ("lemma-4.1", r.reason)


def test_cli_check_command(capsys):
    assert main(["check", "lemma-4.1", "--widths", "2,2,1", "--activation", "tanh"]) == 0
