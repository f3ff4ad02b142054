"""exactloss.paper.corollary_4_5: Corollary 4.5 (a perturbation of norm < epsilon with certified rank N) and its
check."""

import pytest

from exactloss.errors import InputError
from exactloss.paper.corollary_4_5 import corollary_4_5
from tests.cli_helpers import run


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus"])
def test_corollary_4_5(act):
    r = corollary_4_5(samples=5, dim=2, activation=act, epsilon="1/1000")
    assert r.holds is True and r.level == "certified"
    assert r.clauses[0].holds is True and r.clauses[0].level == "proved"  # the start is rank-deficient
    from fractions import Fraction

    assert Fraction(r.details["norm2"]) < Fraction(1, 10**6)


def test_corollary_bad_epsilon():
    with pytest.raises(InputError, match="epsilon"):
        corollary_4_5(samples=3, epsilon="-1")


def test_corollary_width_too_small(tmp_path):
    import numpy as np
    from fractions import Fraction as Q

    from exactloss.errors import AssumptionError
    from exactloss.net.files import save_parameters
    from exactloss.net.network import Parameters

    save_parameters(Parameters((np.array([[Q(1), Q(2)]], dtype=object),), (np.array([Q(0), Q(1)], dtype=object),)),
                    tmp_path / "p.json")
    with pytest.raises(AssumptionError, match="at least 4"):
        corollary_4_5(samples=5, dim=1, params=str(tmp_path / "p.json"))


def test_corollary_from_params(tmp_path):
    import numpy as np
    from fractions import Fraction as Q

    from exactloss.net.files import save_parameters
    from exactloss.net.network import Parameters

    W = np.array([[Q(1), Q(1), Q(1)]], dtype=object)  # equal units: rank-deficient start
    b = np.array([Q(0)] * 3, dtype=object)
    save_parameters(Parameters((W,), (b,)), tmp_path / "p.json")
    r = corollary_4_5(samples=4, dim=1, params=str(tmp_path / "p.json"), widths="1,3")
    assert r.holds is True


# -- the corollary-4.5 check on the command line -----------------------------------------------------------


def test_cli_check_command(capsys):
    assert run(capsys, "check", "corollary-4.5", "--samples", "4")[0] == 0


def test_registered_in_check_all():
    from exactloss import registry

    names = {c.name for c in registry.checks()}
    assert {"corollary-4.5"} <= names
