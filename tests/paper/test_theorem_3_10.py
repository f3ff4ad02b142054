"""Theorem 3.10 (exactloss.paper.theorem_3_10): default instances and bad input."""

from __future__ import annotations

import pytest

from exactloss.errors import InputError
from exactloss.paper.theorem_3_10 import theorem_3_10
from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("theorem-3.10",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("theorem-3.10", "w = 0: the degenerate point stays"): "exceptional",
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)


def test_morse_bad_input():
    with pytest.raises(InputError):
        theorem_3_10("exp(x1)")
    with pytest.raises(InputError):
        theorem_3_10("x1**2 + x2**3", w="1")
