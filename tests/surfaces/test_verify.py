"""exactloss.surfaces.verify: saved certificates re-checked without trusting their verdicts."""

import json

import pytest

import exactloss as xl
from exactloss.errors import FileFormatError
from exactloss.surfaces.verify import verify


def test_replay_agrees():
    r = xl.check("lemma-2.1", widths="2,2,1", samples=2)
    assert r.source == {"check": "lemma-2.1", "arguments": {"widths": "2,2,1", "samples": 2}}
    v = verify(r.to_json())
    assert v.holds is True and v.level == "proved"


def test_tampered_verdict_and_overclaimed_level():
    rec = xl.check("assumption-3.2", activation="relu", loss="squared").to_json()
    assert rec["holds"] is False
    rec["holds"] = True
    assert verify(rec).holds is False
    rec2 = xl.check("lemma-3.5").to_json()
    if rec2["level"] != "proved":
        rec2["level"] = "proved"
        assert verify(rec2).holds is False


def test_python_objects_are_not_replayable():
    r = xl.check("lemma-2.1", widths=(2, 2), samples=1)
    assert r.source["arguments"] == {"widths": [2, 2], "samples": 1}
    r2 = xl.Result("Lemma 2.1", True, "proved")
    assert verify(r2).holds is False


def test_newer_version_is_refused():
    rec = xl.check("lemma-2.1", widths="2,2", samples=2).to_json()
    rec["version"] = 2
    with pytest.raises(FileFormatError, match="newer"):
        verify(rec)


def test_every_claim_field_is_compared():
    rec = xl.check("lemma-2.1", widths="2,2,1", samples=2).to_json()
    for field, value in [("result", "Theorem 3.8"), ("statement", "anything"), ("level", "certified"),
                         ("failed_hypothesis", "3.2.1"), ("reason", "by inspection")]:
        t = json.loads(json.dumps(rec))
        t[field] = value
        v = verify(t)
        assert v.holds is False and field in v.details["fields"], field
    rec = xl.check("theorem-3.4", instance="global-min").to_json()
    t = json.loads(json.dumps(rec))
    t["clauses"][0]["level"] = "numerical"
    assert verify(t).details["fields"] == ["clauses[0].level"]
    t = json.loads(json.dumps(rec))
    t["clauses"].pop()
    assert "clauses" in verify(t).details["fields"]
