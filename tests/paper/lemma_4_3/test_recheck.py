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
