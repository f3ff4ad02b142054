"""exactloss.evidence: results carry their level; nothing upgrades silently."""

import json
from fractions import Fraction

import pytest

from exactloss.evidence import Result, Verdict, at_least, jsonable, level_rank, weakest


def test_level_order():
    assert level_rank("proved") > level_rank("certified") > level_rank("numerical") > level_rank(None)
    assert at_least("proved", "certified") and not at_least("numerical", "certified")
    assert weakest("proved", "numerical", "certified") == "numerical"
    with pytest.raises(ValueError):
        level_rank("sure")


def test_undecided_cannot_be_proved():
    r = Result("X", holds=None, level="proved")
    assert r.level is None and r.verdict == "undecided"


def test_round_trip_and_explain():
    r = Result("Lemma 2.1", True, "proved", statement="s", reason="why", instance={"N": 3},
               details={"q": Fraction(-3, 7)}, clauses=(Verdict("c", False, "certified", "because"),))
    rec = json.loads(r.dumps())
    assert rec["details"]["q"] == "-3/7" and rec["format"] == "exactloss-result"
    back = Result.from_json(rec)
    assert back.holds is True and back.clauses[0].holds is False
    text = r.explain()
    assert "holds -- proved" in text and "c: fails [certified] because" in text


def test_frozen():
    r = Result("X", True, "proved")
    with pytest.raises(Exception):
        r.holds = False  # type: ignore[misc]


def test_jsonable_numbers():
    from flint import arb, fmpq

    out = jsonable({"a": fmpq(1, 3), "b": arb(2), "c": [1.5, Fraction(1, 2)]})
    assert out["a"] == "1/3" and out["c"] == [1.5, "1/2"] and "2" in out["b"]
