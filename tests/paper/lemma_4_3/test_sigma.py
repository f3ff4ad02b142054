"""exactloss.paper.lemma_4_3.sigma: which case of Assumption 3.2.2 sigma is in, and the refusals of Lemma 4.3."""

from fractions import Fraction as Q

import numpy as np
import pytest

from exactloss.errors import AssumptionError, InputError
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.sigma import classify


def col(*xs):
    return np.array([[Q(x)] for x in xs], dtype=object)


@pytest.mark.parametrize("spec", ["relu", "abs(t)", "max(t, t/2)"])
def test_non_analytic_refused(spec):
    with pytest.raises(AssumptionError, match=r"Assumption 3.2.2 fails.*analytic"):
        classify(spec)


@pytest.mark.parametrize("spec", ["sin(t)", "t*exp(-t**2)"])
def test_non_monotone_refused(spec):
    with pytest.raises(AssumptionError, match=r"Assumption 3.2.2 fails.*(increasing|monoton)"):
        classify(spec)


def test_identity_refused_pointing_to_deep_linear():
    with pytest.raises(AssumptionError, match="3.2.2"):
        classify("identity")


def test_generic_refused():
    with pytest.raises(InputError):
        classify("generic")


def test_isolated_zero_of_sigma_prime_is_increasing():
    # atan(t^3): sigma'(0) = 0 at one point only -- strictly increasing (one decision: exactloss.paper.assumption_3_2)
    c = build(col(0, 1, 2), activation="atan(t**3)")
    assert c.info.assumption_holds is True and "exactloss.paper.assumption_3_2" in c.info.assumption
