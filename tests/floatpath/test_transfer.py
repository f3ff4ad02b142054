"""exactloss.floatpath.transfer: the float-to-exact transfer certifies the exact matrix or says what is missing
(issue 11, class 2)."""

from __future__ import annotations

import numpy as np

from exactloss.floatpath.transfer import certify_exact
from tests.floatpath.helpers import sigma_min_at_least


def test_certify_exact_transfer_rules():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    c = certify_exact(A, 0.0, "M")
    assert c.full is True and c.level == "certified" and c.certifies.startswith("M")
    assert sigma_min_at_least(A, c.sigma_min_lower)
    c = certify_exact(A, None, "M", missing="a transfer to M")
    assert c.full is None and c.missing == "a transfer to M" and c.sigma_min_lower is None
    assert c.float_matrix["certified"] and "NOT M" in c.float_matrix["about"]
    c = certify_exact(A, 10.0, "M")  # the rounding bound exceeds sigma_min(A): undecided, never certified
    assert c.full is None and "transfer" in c.missing
    c = certify_exact(np.ones((3, 2)), 0.0, "M")  # the shape: true of M as well
    assert c.full is False and c.level == "proved"
