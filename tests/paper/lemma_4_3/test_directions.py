"""exactloss.paper.lemma_4_3.directions: a small-integer direction with pairwise distinct projections, proved
exactly."""

from fractions import Fraction as Q

import numpy as np
from hypothesis import given, strategies as st

from exactloss.paper.lemma_4_3.directions import choose_direction


def test_direction_distinct_projections_exact():
    X = np.array([[Q(0), Q(0)], [Q(1), Q(0)], [Q(0), Q(1)], [Q(1), Q(1)]], dtype=object)
    a, how = choose_direction(X)
    proj = [sum(Q(ai) * x for ai, x in zip(a, row)) for row in X]
    assert len(set(proj)) == 4 and "searched" in how
    assert max(abs(v) for v in a) <= 3


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)), min_size=2, max_size=12,
                unique=True))
def test_direction_property(rows):
    X = np.array([[Q(v) for v in r] for r in rows], dtype=object)
    a, _ = choose_direction(X)
    proj = [sum(Q(ai) * x for ai, x in zip(a, row)) for row in X]
    assert len(set(proj)) == len(rows)


def test_moment_direction_fallback_high_dim():
    X = np.array([[Q(i == j) for j in range(6)] for i in range(6)] + [[Q(0)] * 6], dtype=object)
    a, _ = choose_direction(X)
    proj = [sum(Q(ai) * x for ai, x in zip(a, row)) for row in X]
    assert len(set(proj)) == 7
