"""Lemma 4.3, steps 1-2: a direction ``a`` whose projections ``a^T z_i`` of the samples are pairwise distinct.

:func:`choose_direction` searches small-integer directions (every one with entries in ``[-3, 3]`` when
``d <= 4``, seeded random ones otherwise) and keeps the one with the largest gap per unit length; the
moment direction ``(1, M, ..., M^{d-1})`` is the fallback that always works.  Distinctness is *proved*
with exact integers (the rows scaled by their common denominator).

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> Z = np.array([[Q(0), Q(0)], [Q(1), Q(0)], [Q(0), Q(1)]], dtype=object)
>>> a, how = choose_direction(Z)
>>> len({sum(ai * z for ai, z in zip(a, row)) for row in Z})   # three distinct projections
3
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Sequence

import numpy as np


def _integer_rows(Z: np.ndarray) -> tuple[list[list[int]], int]:
    den = 1
    for q in Z.flat:
        den = den * q.denominator // math.gcd(den, q.denominator)
    return [[int(q * den) for q in row] for row in Z], den


def _min_gap(values: Sequence[int]) -> int:
    s = sorted(values)
    return min((b - a for a, b in zip(s, s[1:])), default=1)


def choose_direction(Z: np.ndarray, seed: int = 0) -> tuple[tuple[int, ...], str]:
    """Lemma 4.3 step 1/2: a small-integer ``a`` with pairwise distinct projections ``a^T z_i`` (proved exactly).

    Searches every integer vector with entries in ``[-K, K]`` (K = 1, 2, 3; first
    nonzero entry positive) when ``d <= 4``, else 400 seeded random ones, and
    keeps the one maximising ``min gap / ||a||_2``; falls back to the moment
    vector ``(1, M, ..., M^{d-1})``, which separates any distinct integer rows
    when ``M > 2 max |z|``.
    """
    Zi, den = _integer_rows(Z)
    N, d = len(Zi), (len(Zi[0]) if Zi else 0)
    if d == 1:
        return (1,), "d = 1: a = (1); distinct samples have distinct projections"
    M = np.array(Zi, dtype=object)
    cands: list[tuple[int, ...]] = []
    if d <= 4:
        for K in (1, 2, 3):
            for a in itertools.product(range(-K, K + 1), repeat=d):
                if any(a) and next(x for x in a if x) > 0 and max(map(abs, a)) == K:
                    cands.append(a)
    else:
        rng = random.Random(seed)
        cands = [tuple(rng.randint(-3, 3) for _ in range(d)) for _ in range(400)]
        cands = [a for a in cands if any(a)]
    best, best_score = None, -1.0
    for a in cands:
        proj = list(M @ np.array(a, dtype=object)) if N else []
        g = _min_gap(proj)
        if g > 0:
            score = g / math.sqrt(sum(x * x for x in a))
            if score > best_score:
                best, best_score = a, score
    if best is not None:
        return best, (f"searched {len(cands)} small-integer directions; kept the one with the largest "
                      f"min gap / ||a||_2; projections proved pairwise distinct with exact integers")
    big = 2 * max((abs(x) for row in Zi for x in row), default=0) + 1
    a = tuple(big ** i for i in range(d))
    return a, (f"moment direction (1, M, ..., M^(d-1)) with M = {big} > 2 max|z|: distinct integer rows "
               "have distinct projections (base-M digits); proved with exact integers")
