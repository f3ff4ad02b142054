"""Definitions 3.6/3.7 (exactloss.paper.definition_3_7) on their default instances."""

from __future__ import annotations

import pytest

from tests.paper.default_instances import assert_default_instance, default_instances, instance_id


MINE = ("definition-3.7",)

# what each broken default instance must name (a substring of failed_hypothesis), by (check, label)
EXPECTED_FAILURE = {
}


@pytest.mark.parametrize("chk,inst", default_instances(*MINE), ids=instance_id)
def test_default_instances(chk, inst):
    assert_default_instance(chk, inst, EXPECTED_FAILURE)
