"""Assumptions 5.2 clause by clause and the assumption-5.2 check (exactloss.paper.assumption_5_2)."""

import exactloss as xl
from exactloss.paper.assumption_5_2 import assumption_5_2
from exactloss.surfaces.cli import main


def test_assumption_5_2():
    r = assumption_5_2()
    assert r.holds is True and r.level == "proved"
    assert assumption_5_2("relu").holds is False
    assert assumption_5_2("t**3").holds is True          # C^1 and strictly increasing suffice in 5.2
    r = assumption_5_2("sigmoid", "l2", "l1")            # swapped
    assert r.holds is False
    r = assumption_5_2("tanh", "squared", "l2")
    assert r.holds is False and "5.2.2" in r.failed_hypothesis


def test_registered_check():
    r = xl.check("assumption-5.2")
    assert r.holds is True, ("assumption-5.2", r.reason)


def test_cli_check_command(capsys):
    assert main(["check", "assumption-5.2", "--activation", "relu"]) == 1
