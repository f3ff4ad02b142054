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


# --- display: notebooks and scripts ------------------------------------------------------------------------

EVIL = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


def _evil_result(holds=False, level="proved", **kw):
    return Result(EVIL, holds, level, statement=EVIL, reason=EVIL, instance={"sigma": EVIL},
                  details={EVIL: EVIL}, clauses=(Verdict(EVIL, holds, level, EVIL),), **kw)


def test_html_escapes_untrusted_text():
    for r in (_evil_result(failed_hypothesis=EVIL), _evil_result(None, None, missing=EVIL)):
        page = r._repr_html_()
        assert "<script" not in page and "<img" not in page and "onerror=alert(1)>" not in page
        assert "&lt;script&gt;" in page and "&amp;" in page
        md = r._repr_markdown_()
        assert "<script" not in md and "<img" not in md and "&lt;script&gt;" in md
    assert "<script" not in Verdict(EVIL, True, "proved", EVIL)._repr_html_()


def test_markdown_quotes_markup():
    r = Result("Lemma *x*", False, "proved", statement="a | b with $x$ and n_k", clauses=(Verdict("c|d", True, "proved"),))
    md = r._repr_markdown_()
    assert r"a \| b with \$x\$ and n\_k" in md and r"| c\|d |" in md and r"Lemma \*x\*" in md


@pytest.mark.parametrize("holds, level, badge, colour", [
    (True, "certified", "holds", "#1a7f37"), (False, "proved", "fails", "#cf222e"), (None, None, "undecided", "#9a6700")])
def test_badges(holds, level, badge, colour):
    r = Result("Lemma 4.3", holds, level, statement="s", reason="why", seconds=0.42,
               missing="Assumption 3.2.3" if holds is None else None)
    page = r._repr_html_()
    assert f"background:{colour};color:#fff;" in page and f">{badge}</span>" in page
    assert f">{level or 'no level'}</span>" in page and "0.42 s" in page
    assert "**" + badge + "**" in r._repr_markdown_()
    if holds is None:
        assert "Missing (undecided premise):</em> Assumption 3.2.3" in page


def test_html_has_statement_how_clauses_and_folded_evidence():
    r = Result("Theorem 3.4", False, "proved", statement="rank [F_k, 1_N] = N", reason="rank 2 < 3",
               failed_hypothesis="n_k >= N - 1", clauses=(Verdict("n_k >= N - 1", False, "proved", "2 < 3"),),
               details={"rank": 2})
    page = r._repr_html_()
    assert "<em>Statement:</em> rank [F_k, 1_N] = N" in page
    assert "<em>How we know:</em> proved (exact or symbolic arithmetic): rank 2 &lt; 3" in page
    assert "<em>Failed hypothesis:</em> n_k &gt;= N - 1" in page
    assert page.count("<table") == 2 and "<th " in page and "<details><summary>Evidence (1 items)" in page


def test_large_details_are_summarised():
    import numpy as np
    from flint import arb

    balls = np.array([[arb(i) / 3 for i in range(300)] for _ in range(300)], dtype=object)
    r = Result("Big", True, "certified", details={"balls": balls, "sweep": list(range(10_000)),
                                                  "text": "x" * 50_000, "nested": {"k": list(range(500))}})
    page, md = r._repr_html_(), r._repr_markdown_()
    assert len(page) < 5_000 and len(md) < 3_000
    assert "array (300, 300) of object: [" in page and "list of 10000: [0, 1, 2, 3, \u2026]" in page
    assert "(50000 characters)" in page and "list of 500" in page
    assert len(repr(r)) < 100 and len(str(r)) < 1_000


def test_repr_and_str():
    r = Result("Lemma 4.3", True, "certified", statement="s", reason="why", seconds=0.42)
    assert repr(r) == "<Result Lemma 4.3: holds [certified] 0.42 s>"
    assert str(r) == r.explain()
    u = Result("Theorem 3.8", None, None, missing="Assumption 3.2.3")
    assert repr(u) == "<Result Theorem 3.8: undecided (missing: Assumption 3.2.3) 0.00 s>"
    f = Result("Theorem 3.4", False, "proved", failed_hypothesis="n_k >= N - 1")
    assert repr(f) == "<Result Theorem 3.4: fails [proved] (failed: n_k >= N - 1) 0.00 s>"
    v = Verdict("3.2.1 distinct samples", True, "proved", "no duplicates")
    assert repr(v) == "<Verdict 3.2.1 distinct samples: holds [proved]>"
    assert str(v) == "3.2.1 distinct samples: holds [proved] no duplicates"


@pytest.mark.parametrize("holds", [True, False, None])
def test_no_truth_value(holds):
    r = Result("Lemma 4.3", holds, "proved" if holds is not None else None)
    with pytest.raises(TypeError, match=r"\.holds"):
        bool(r)
    with pytest.raises(TypeError, match=r"\.holds"):
        assert r
    with pytest.raises(TypeError, match=r"\.holds"):
        bool(Verdict("c", holds, None))
    # what does not need a truth value keeps working
    assert r == Result("Lemma 4.3", holds, r.level) and r in [r] and r is not None
    assert Result.from_json(json.loads(r.dumps())).holds is holds
