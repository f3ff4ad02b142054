"""Corollary 3.9 (exactloss.paper.corollary_3_9) on its default instances."""

from __future__ import annotations

import pytest

from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("corollary-3.9",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
    ("corollary-3.9", "degenerate"): "non-degenerate",
    ("corollary-3.9", "gradient not 0"): "critical point",
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)
