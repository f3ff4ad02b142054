"""exactloss.surfaces.record_diff: which saved values a re-derivation confirms."""


def test_record_diff_rules():
    from exactloss.surfaces.record_diff import diff_records

    def d(s, r, higher=False):
        return [x.path for x in diff_records({"holds": True, "details": {"x": s}},
                                             {"holds": True, "details": {"x": r}}, higher=higher)]

    assert d("[1.5 +/- 0.01]", "[1.5 +/- 1e-9]") == []            # a saved ball contains the narrower one
    assert d("[1.5 +/- 1e-12]", "[1.5 +/- 1e-9]") == ["details.x"]  # narrowed: not confirmed
    assert d("[1.6 +/- 0.01]", "[1.5 +/- 1e-9]") == ["details.x"]   # moved
    assert d("2/4", "1/2") == [] and d("1/2", "1/3") == ["details.x"]
    assert d("0.3333", "0.33333333") == [] and d("0.3334", "0.33333333") == ["details.x"]
    assert d(1.0, 1.0 + 1e-12) == [] and d(1.0, 1.001) == ["details.x"] and d(float("nan"), float("nan")) == []
    assert d(3, 4) == ["details.x"] and d(True, 1) == ["details.x"] and d(None, False) == ["details.x"]
    assert d("rank 5 at 143 bits", "rank 5 at 276 bits", higher=True) == []
    assert d("rank 5 at 143 bits", "rank 5 at 276 bits") == ["details.x"]
    assert d("rank 5 at 143 bits", "rank 4 at 276 bits", higher=True) == ["details.x"]
    assert d("Phi in [1.5 +/- 0.01]", "Phi in [1.50001 +/- 1e-9]") == []
    assert d({"a": 1}, {"a": 1, "b": 2}) == ["details.x.b"] and d([1, 2], [1]) == ["details.x"]
    # more precision may decide an undecided record; a decided one must keep its verdict and level
    assert diff_records({"holds": None, "level": None}, {"holds": True, "level": "certified"}, higher=True) == []
    assert [x.path for x in diff_records({"holds": True, "level": "certified"},
                                         {"holds": True, "level": "numerical"}, higher=True)] == ["level"]
