"""Assumption 3.2.1: duplicate training samples found exactly and named 1-based
(exactloss.paper.assumption_3_2.samples)."""

from hypothesis import given, settings, strategies as st

from exactloss.paper.assumption_3_2.samples import samples_condition


def test_samples_duplicates_named_one_based():
    r = samples_condition([[0, 1], [2, 3], [0, 1], ["1/2", 0], [0.5, 0]])
    assert r.holds is False and r.level == "proved"
    assert r.details["duplicates"] == [[1, 3], [4, 5]]
    assert "rows 1 and 3" in r.reason
    assert samples_condition([[0, 1], [1, 0]]).holds is True


@settings(max_examples=15)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=2, max_size=8, unique=True),
       st.data())
def test_random_duplicates_are_found(rows, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    j = data.draw(st.integers(0, len(rows)))
    X = list(rows)
    X.insert(j, rows[i])
    r = samples_condition([list(x) for x in X])
    assert r.holds is False
    pos = [k + 1 for k, x in enumerate(X) if x == rows[i]]
    assert pos in r.details["duplicates"]
    assert samples_condition([list(x) for x in rows]).holds is True
