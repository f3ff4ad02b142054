"""Assumption 3.2.3 for a loss, clause by clause: the paper's robust losses, losses that fail, parameter ranges
(exactloss.paper.assumption_3_2.loss)."""

import pytest

from exactloss.errors import InputError
from exactloss.paper.assumption_3_2.activation import activation_conditions
from exactloss.paper.assumption_3_2.loss import loss_conditions


@pytest.mark.parametrize("spec", ["squared", "pseudo-huber", "blake-zisserman", "corrupted-gaussian", "cauchy",
                                  "cauchy:delta=-2", "pseudo-huber:delta=1/3", "blake-zisserman:delta=2"])
def test_catalogue_losses_hold(spec):
    r = loss_conditions(spec)
    assert r.holds is True and r.level == "proved"


@pytest.mark.parametrize("spec, clause, words", [
    ("l1", 0, "not C^2 at a = 0"), ("l2", 0, "not C^2 at a = 0"),
    ("a**3", 1, "not a global minimum"), ("a**4 - a**2", 1, "not a global minimum"),
    ("blake-zisserman:delta=-1/2", 0, "not real-valued"),
    ("corrupted-gaussian:alpha=2,w=6", 0, "not real-valued"),
])
def test_losses_that_fail(spec, clause, words):
    r = loss_conditions(spec, explore=False)
    assert r.holds is False and r.clauses[clause].holds is False
    assert words in r.clauses[clause].reason


def test_loss_in_t_and_more_known_losses():
    assert loss_conditions("t**2").holds is True
    assert loss_conditions("a**4").holds is True
    assert loss_conditions("log(cosh(a))").holds is not False


def test_parameter_ranges_and_breaking_values():
    r = loss_conditions("blake-zisserman")
    assert r.details["range"] == {"paper": "delta > 0", "inside": True}
    broken = [o for o in r.details["outside"] if o["holds"] is False]
    assert broken and "not real-valued" in broken[0]["reason"]
    r = loss_conditions("corrupted-gaussian:alpha=2,w=6", explore=False)
    assert r.details["range"]["inside"] is False
    r = loss_conditions("cauchy")
    assert any("delta != 0" in o["reason"] for o in r.details["outside"])


def test_loss_bad_input():
    with pytest.raises(InputError):
        loss_conditions("x**2")
    assert loss_conditions("generic").holds is None      # no concrete verdict: undecided, not an error
    assert activation_conditions("generic").holds is None
