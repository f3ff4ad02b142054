"""exactloss.net.losses: Figure 1's catalogue, Section 5's pair, user losses."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from exactloss import loss
from exactloss.errors import InputError
from exactloss.arith.systems import Ball, Exact, Float
from tests.tolerance import close

NAMES = ["squared", "pseudo-huber", "blake-zisserman", "corrupted-gaussian", "cauchy", "l1", "l2"]


def test_figure_1_defaults():
    assert loss("blake-zisserman").params == {"delta": Fraction(1, 10)}
    assert loss("corrupted-gaussian").params == {"alpha": Fraction(1, 2), "w": Fraction(6)}
    assert loss("cauchy").params == {"delta": Fraction(1)}
    assert loss("pseudo-huber").params == {"delta": Fraction(1)}


@pytest.mark.parametrize("name", NAMES)
def test_ball_and_float_agree(name):
    ell = loss(name)
    xs = [-2.5, -0.5, 0.75, 3.0]
    B = Ball(128)
    for order, f in ((0, ell.value), (1, ell.d)):
        fb = f(B, B.array(xs))
        ff = f(Float(), np.array(xs))
        assert close([float(v.mid()) for v in fb], ff)


def test_squared_hinge_pair():
    E = Exact()
    x = E.array(["-2", "0", "3"])
    assert [str(v) for v in loss("l1").value(E, x)] == ["4", "0", "0"]
    assert [str(v) for v in loss("l2").value(E, x)] == ["0", "0", "9"]
    assert [str(v) for v in loss("l1").d(E, x)] == ["-4", "0", "0"]


def test_user_loss_in_a_or_t():
    assert loss("a**4").expr == sp.Symbol("a", real=True) ** 4
    assert loss("t**4").expr == sp.Symbol("a", real=True) ** 4
    with pytest.raises(InputError, match="mixes a and t"):
        loss("a + t")


@pytest.mark.parametrize("bad,msg", [("hinge", "unknown loss"), ("cauchy:delta=0", "delta != 0"),
                                     ("corrupted-gaussian:w=0", "w != 0"), ("x**2", "only a")])
def test_bad_losses(bad, msg):
    with pytest.raises(InputError, match=msg):
        loss(bad)
