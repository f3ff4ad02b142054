"""exactloss.paper.lemma_4_3.recheck: the saved Lemma 4.3 evidence itself is re-certified (by `exactloss verify`)."""

import pytest

import exactloss as xl
from exactloss.evidence import Result
from exactloss.paper.lemma_4_3.recheck import recertify_lemma_4_3
from exactloss.surfaces.verify import verify


@pytest.fixture(scope="module")
def lemma_4_3_softplus():
    return xl.check("lemma-4.3", samples=5, dim=2, activation="softplus").to_json()


def test_lemma_4_3_certificate_verifies(lemma_4_3_softplus):
    v = verify(lemma_4_3_softplus)
    assert v.holds is True and v.level == "certified"
    assert any("witness" in c.claim for c in v.clauses)


def _tampered(rec, edit):
    import copy

    out = copy.deepcopy(rec)
    edit(out["details"])
    return out


@pytest.mark.parametrize("label,edit,why,field", [
    ("alpha_0 lowered", lambda d: d.__setitem__("alpha0", "1/10"), "does not hold at the saved alpha_0",
     "details.alpha0"),
    ("alpha_0 zero", lambda d: d.__setitem__("alpha0", "0"), "not positive", "details.alpha0"),
    ("two points equal", lambda d: d["points"].__setitem__(1, d["points"][0]), "are equal", "details.points[1]"),
    ("direction changed", lambda d: d.__setitem__("direction_layer1", [1, 2]), "does not order",
     "details.direction_layer1"),
])
def test_lemma_4_3_tampering_is_caught(lemma_4_3_softplus, label, edit, why, field):
    # verify re-derives the record and names the tampered field ...
    tampered = _tampered(lemma_4_3_softplus, edit)
    v = verify(tampered)
    assert v.holds is False and any(f.startswith(field) for f in v.details["fields"]), (label, v.reason)
    assert field in v.reason
    # ... and the dedicated re-certification, run alone on the tampered evidence, refutes it too
    rc = recertify_lemma_4_3(Result.from_json(tampered), 60)
    assert rc.holds is False and why in rc.reason, label


def test_lemma_4_3_witness_with_rank_drop_is_caught(lemma_4_3_softplus):
    def edit(d):
        P = d["witness"]["at_alpha0"]["parameters"]
        for row in P["W"][0]:
            row[1] = row[0]
        P["b"][0][1] = P["b"][0][0]

    v = verify(_tampered(lemma_4_3_softplus, edit))
    assert v.holds is False and "witness" in v.reason


def test_lemma_4_3_sigmoid_every_alpha():
    v = verify(xl.check("lemma-4.3", samples=6, dim=1).to_json())
    assert v.holds is True


def test_undecided_probe_is_neither_confirmation_nor_refutation():
    """A det E ball that contains 0 at the precision tried is "not certified", never "zero": the probe is listed
    as undecided and the verification neither fails on it nor counts it (issue 14: |det E(1/10)| ~ 1e-27823 at
    N = 569 made `verify` reject a correct record)."""
    from fractions import Fraction as Q

    import numpy as np

    from exactloss.paper.lemma_4_3 import recheck
    from exactloss.paper.lemma_4_3.construction import build

    cons = build(np.array([[Q(i)] for i in range(40)], dtype=object), activation="sigmoid")
    steps = []
    recheck._determinant_signs(cons, [Q(1, 10), Q(100)], True, 24, steps)
    assert [s.holds for s in steps] == [True, None]
    assert "100" in steps[0].claim and "1/10" in steps[1].claim and "not certified non-zero" in steps[1].reason
    assert steps[1].level is None  # no level for an undecided probe


def test_probes_move_to_the_witness_alpha_at_scale():
    from fractions import Fraction as Q

    import numpy as np

    from exactloss.paper.lemma_4_3 import recheck
    from exactloss.paper.lemma_4_3.construction import build

    d = {"alpha0_for_every_positive_alpha": True, "witness": {"at_alpha0": {"alpha": "5000"}}}
    base = [Q(1, 10), Q(1), Q(10)]
    big = build(np.array([[Q(i)] for i in range(recheck.PROBE_MAX_N + 1)], dtype=object), activation="sigmoid")
    small = build(np.array([[Q(i)] for i in range(6)], dtype=object), activation="sigmoid")
    assert recheck._probes_at_scale(big, d, base) == [Q(5000), Q(50000)]
    assert recheck._probes_at_scale(small, d, base) == base
    assert recheck._probes_at_scale(big, {**d, "witness": {"at_alpha0": {"alpha": "x"}}}, base) == base
    assert recheck._probes_at_scale(big, {**d, "alpha0_for_every_positive_alpha": False}, base) == base


@pytest.mark.slow
def test_a_record_above_the_probe_size_verifies_and_a_wrong_sign_still_fails():
    """N = 160 sigmoid: verify confirms it (probes at the witness alpha); a tampered witness is still caught."""
    rec = xl.check("lemma-4.3", samples=160, dim=2).to_json()
    v = verify(rec)
    assert v.holds is True, v.reason

    def edit(d):
        P = d["witness"]["at_alpha0"]["parameters"]
        for row in P["W"][0]:
            row[1] = row[0]
        P["b"][0][1] = P["b"][0][0]

    assert verify(_tampered(rec, edit)).holds is False
