"""exactloss.paper.rank_at_scale: the rank-scale check (Lemma 4.4 at scale)."""

from __future__ import annotations

from exactloss.registry import check


def test_rank_scale_check():
    r = check("rank-scale", samples=120, dim=4)
    assert r.holds is True and r.level == "certified"
    r = check("rank-scale", samples=20, width=10)
    assert r.holds is False and r.level == "proved"
