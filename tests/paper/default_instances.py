"""The default instances of a check (those `exactloss check all` runs) give the paper's verdict.

Shared by the tests of the theorem checkers: each test module lists its checks (``MINE``) and, for every
instance whose verdict is "fails", the hypothesis it must name (``EXPECTED_FAILURE``, a substring of
``failed_hypothesis`` by (check, label)).
"""

from __future__ import annotations

import json
from typing import Any

from exactloss import registry


def default_instances(*names: str) -> list[tuple[registry.Check, registry.Instance]]:
    """Every (check, instance) pair of the named checks, in the registry's order."""
    return [(c, i) for c in registry.checks() if c.name in names for i in c.instances]


def instance_id(x: Any) -> str:
    return getattr(x, "name", None) or getattr(x, "label", "")


def assert_default_instance(chk: registry.Check, inst: registry.Instance,
                            expected_failure: dict[tuple[str, str], str]) -> None:
    """The instance's verdict is the expected one, at proved/certified when it holds; a failure names its hypothesis."""
    r = chk.run(**inst.kwargs)
    assert r.holds is inst.expect, r.explain()
    if inst.expect:
        assert r.level in ("proved", "certified") and r.failed_hypothesis is None
    else:
        assert expected_failure[(chk.name, inst.label)] in r.failed_hypothesis, (inst.label, r.failed_hypothesis)
    json.dumps(r.to_json())
