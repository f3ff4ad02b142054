"""Which results apply at a point (exactloss.paper.certify): the float path, and undecided premises kept."""

from __future__ import annotations

from exactloss.floatpath.training import train
from exactloss.paper.certify import certify
from exactloss.paper.instances import global_minimum_instance


def test_certify_float_path_is_numerical():
    P, X, Y, _ = train((2, 5, 1), N=6, seed=1, iterations=800)
    r = certify(P, (X, Y), "sigmoid", "squared", numbers="float")
    assert r.level in ("numerical", None)


def test_certify_never_drops_an_undecided_premise():
    """certify on the issue's example: the rows and the summary say undecided (missing: ...)."""
    P, X, Y = global_minimum_instance((3, 3, 2), 3, seed=0)
    r = certify(P, (X, Y), "t + t**3", "a**2 - a**3/10", numbers="exact")
    assert r.holds is None and r.level is None and r.outcome.startswith("undecided (missing: Assumption 3.2.3")
    assert all(c["holds"] is not True for c in r.details["checks"] if "quantitative" not in c["check"])
