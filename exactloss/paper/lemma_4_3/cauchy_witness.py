"""The Lemma 4.3 witness at a layer k > 1, proved in closed form for sigmoid and tanh (the bordered Cauchy matrix).

At layer k > 1 the construction's biases ``b_j = alpha t'_j + beta`` use rational approximations ``t'_j`` of the
transcendental inputs ``t_j``, so ``[F_k, 1_N]`` is not E(alpha) and the alpha_0 certificate does not apply to it.
It is still a bordered Cauchy matrix.  Write ``t_i = (F_{k-1})_{i1}``, the first unit of layer k - 1; the
witness's layer k has ``(W_k)_{1j} = -alpha``, every other row of ``W_k`` zero in the first N - 1 columns. Then

    sigmoid(b_j - alpha t_i) = y_j / (x_i + y_j),   x_i = e^{alpha t_i},  y_j = e^{b_j},

and Cauchy's determinant of the bordered matrix (:func:`exactloss.paper.lemma_4_3.alpha0.cauchy_alpha0`) gives

    det [1_N, (F_k)_{:, 1..N-1}] = (-1)^{N-1} prod_j y_j prod_{i<l} (x_l - x_i) prod_{j<l} (y_l - y_j) / prod (x_i + y_j).

It is non-zero as soon as the ``x_i`` are pairwise distinct, and the ``y_j`` too, since all are positive.
tanh is ``2 sigmoid(2z) - 1``: column operations with ``1_N`` reduce it to sigmoid at ``(2 alpha, 2 b_j)``.
So ``rank [F_k, 1_N] = N`` for every ``alpha > 0`` when

1. the ``b_j`` (j < N) are pairwise distinct: exact rationals, compared exactly;
2. the ``t_i`` are pairwise distinct: ``t_i`` is the first unit of layer k - 1.  Layer 1's first unit is
   ``sigma(X_i W_1[:, 1] + b_1[1])``, and above it each first unit depends on the first unit below alone
   (``W_p[r, 1] = 0`` for r > 1, ``W_p[1, 1] != 0``).  sigma is strictly increasing, hence injective, so the
   ``t_i`` are distinct iff the exact projections ``X_i W_1[:, 1]`` are.

:func:`cauchy_witness` checks all of this on the **given parameters** (not on how the construction meant to build
them), in exact rational arithmetic, in O(N d + N log N) work.  It reports ``proved`` only when every condition
holds, and otherwise None with the failing condition.  The identity itself is pinned by
tests/paper/lemma_4_3/test_alpha0.py: SymPy for N <= 3, numbers beyond.

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> from exactloss.paper.lemma_4_3.construction import build
>>> c = build(np.array([[Q(i)] for i in range(4)], dtype=object), widths=(1, 3, 3), k=2, activation="sigmoid")
>>> cauchy_witness(c, Q(5))["level"]
'proved'
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.net.network import Parameters
from exactloss.paper.lemma_4_3.construction import Construction

FAMILIES = ("sigmoid", "tanh")


def _distinct(values: list[Fraction]) -> tuple[int, int] | None:
    """Indices of two equal values, or None when all are pairwise distinct (exact)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    for a, b in zip(order, order[1:]):
        if values[a] == values[b]:
            return a, b
    return None


def cauchy_witness(cons: Construction, alpha: Any, P: Parameters | None = None) -> dict:
    """``rank [F_k, 1_N] = N`` at ``P`` (default: the construction's parameters at ``alpha``), k > 1, proved.

    Returns ``{"holds": True, "level": "proved", "reason": ...}`` or ``{"holds": None, "level": None, "reason":
    why not}``.  The reason names the condition that failed or does not apply.  Nothing is claimed then: the
    float or ball routes decide.
    """
    alpha = Fraction(alpha)
    k, N = cons.k, cons.N

    def no(why: str) -> dict:
        return {"holds": None, "level": None, "route": "bordered Cauchy determinant", "reason": why}

    if cons.info.family not in FAMILIES:
        return no(f"sigma = {cons.sigma.describe()}: the closed form covers sigmoid and tanh only")
    if k < 2:
        return no("k = 1: the witness is E(alpha) itself (the alpha_0 certificate covers it)")
    if not alpha > 0:
        return no(f"alpha = {alpha} is not positive")
    if N < 2:
        return no("N < 2")
    P = cons.parameters(alpha) if P is None else P
    # only the entries the argument uses become Fractions: row/zero checks compare the objects as they are
    # (a 1796 x 1796 layer is 3.2 million entries)
    Ws = [np.asarray(W, dtype=object) for W in P.W[:k]]
    Wk = Ws[k - 1]
    if Wk.ndim != 2 or Wk.shape[0] < 1 or Wk.shape[1] < N - 1:
        return no(f"layer {k} has fewer than N - 1 = {N - 1} units")
    try:
        bk = [Fraction(x) for x in list(P.b[k - 1])[: N - 1]]
        col = [Fraction(x) for x in Ws[0][:, 0]]
    except (TypeError, ValueError):
        return no("the parameters are not exact rationals")
    if len(bk) < N - 1:
        return no(f"b_{k} has fewer than N - 1 = {N - 1} entries")
    # layer k: first row -alpha, the other rows zero, in the first N - 1 columns
    head = Wk[:, : N - 1]
    off = np.flatnonzero(head[0] != -alpha)
    if off.size:
        j = int(off[0])
        return no(f"(W_{k})_{{1,{j + 1}}} = {head[0, j]} is not -alpha = {-alpha}")
    off = np.argwhere(head[1:] != 0)
    if off.size:
        r, j = (int(v) for v in off[0])
        return no(f"(W_{k})_{{{r + 2},{j + 1}}} = {head[r + 1, j]} is not 0")
    dup = _distinct(bk)
    if dup is not None:
        a, b = dup
        return no(f"b_{k} has equal entries at units {a + 1} and {b + 1} ({bk[a]}): two equal columns")
    # layers 2..k-1: the first unit depends on the first unit below alone, injectively
    for p in range(2, k):
        first = Ws[p - 1][:, 0]
        if first[0] == 0:
            return no(f"(W_{p})_{{1,1}} = 0: the first unit of layer {p} is constant")
        off = np.flatnonzero(first[1:] != 0)
        if off.size:
            r = int(off[0]) + 1
            return no(f"(W_{p})_{{{r + 1},1}} = {first[r]} is not 0")
    # layer 1: exact projections X_i W_1[:, 1] pairwise distinct
    X = cons.X
    proj = [sum((Fraction(x) * c for x, c in zip(row, col) if c), Fraction(0)) for row in X]
    dup = _distinct(proj)
    if dup is not None:
        a, b = dup
        return no(f"samples {a + 1} and {b + 1} have the same layer-1 projection {proj[a]}: equal t_i")
    red = "" if cons.info.family == "sigmoid" else "tanh = 2 sigmoid(2z) - 1 with column operations on 1_N; "
    return {"holds": True, "level": "proved", "route": "bordered Cauchy determinant",
            "reason": (f"{red}sigmoid(b_j - alpha t_i) = y_j/(x_i + y_j) with x_i = e^(alpha t_i), y_j = e^(b_j): "
                       f"[1_N, (F_{k})_(:, 1..N-1)] is a Cauchy matrix bordered by 1_N, with det != 0 because the "
                       f"t_i are distinct (exact layer-1 projections distinct, first units injective through "
                       f"layers 1..{k - 1}) and b_{k}'s first N - 1 entries are distinct (exact), for alpha = "
                       f"{alpha} > 0; checked on the given parameters")}
