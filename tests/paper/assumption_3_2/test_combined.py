"""Assumptions 3.2 combined, the guard require_assumption_3_2 and the assumption-3.2 check
(exactloss.paper.assumption_3_2.combined)."""

import pytest

import exactloss as xl
from exactloss.errors import AssumptionError, InputError
from exactloss.paper.assumption_3_2 import assumption_3_2, require_assumption_3_2


def test_assumption_3_2_combined():
    r = assumption_3_2("softplus:alpha=2", "blake-zisserman", [[0, 1], [1, 0]])
    assert r.holds is True and r.level == "proved"
    assert [c.claim[:5] for c in r.clauses][:1] == ["3.2.1"]
    r = assumption_3_2("sigmoid", "squared", [[0, 1], [0, 1]])
    assert r.holds is False
    r = assumption_3_2("sigmoid")
    assert r.holds is True and all(not c.claim.startswith("3.2.3") for c in r.clauses)


def test_require_raises_one_line():
    with pytest.raises(AssumptionError) as e:
        require_assumption_3_2("relu")
    msg = str(e.value)
    assert msg.startswith("Assumption 3.2.2 fails: relu is not differentiable at t = 0")
    assert "not analytic" in msg and "use sigmoid, tanh or softplus" in msg and "\n" not in msg
    with pytest.raises(AssumptionError, match="3.2.2 fails: t\\*\\*2 is not strictly increasing"):
        require_assumption_3_2("t**2")
    with pytest.raises(AssumptionError, match="neither bounded"):
        require_assumption_3_2("t**3")
    with pytest.raises(AssumptionError, match="3.2.3 fails"):
        require_assumption_3_2("sigmoid", "a**3")
    with pytest.raises(AssumptionError, match="3.2.1 fails: .*rows 1 and 2"):
        require_assumption_3_2("sigmoid", None, [[1, 1], [1, 1]])
    assert require_assumption_3_2("tanh", "cauchy").holds is True
    assert isinstance(AssumptionError("x"), InputError)


def test_require_returns_undecided():
    r = require_assumption_3_2("t + sqrt(1 + t**2)")
    assert r.holds is None


def test_registered_check():
    r = xl.check("assumption-3.2")
    assert r.holds is True, ("assumption-3.2", r.reason)
    assert xl.check("assumption-3.2", activation="relu").holds is False
