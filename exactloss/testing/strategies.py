"""Hypothesis strategies for exactloss inputs: data, widths, parameters, activations, losses, networks.

Contract.  Every strategy draws **valid** inputs for the public API (exact
rationals unless asked otherwise) and stays small by default, so that a
property test runs in seconds on a laptop.  Sizes (``N``, ``d``, ``m``, ``L``,
widths) are given as whole numbers or as hypothesis strategies of them.

* :func:`datasets` -- ``(X, Y)`` like :func:`exactloss.random_data`: ``X`` is
  ``N x d`` with **distinct rows** (Assumption 3.2.1), ``Y`` is ``N x m`` or
  ``None``; entries are :class:`fractions.Fraction` (``exact=True``) or floats.
* :func:`widths` -- ``(n_0, ..., n_L)``, optionally with a wide layer
  ``n_k >= N - 1`` (Lemma 4.3 / Theorem 3.8) and/or a pyramid above it.
* :func:`parameters` -- exact rational :class:`exactloss.Parameters` for given widths.
* :func:`activations` / :func:`losses` -- catalogue names (or the
  :class:`~exactloss.arith.functions.ScalarFunction` objects with ``objects=True``);
  by default the ones Lemma 3.3 / Figure 1 name as satisfying Assumption 3.2.
* :func:`networks` -- :class:`exactloss.Network` objects; :func:`instances` --
  a whole consistent problem (network, parameters, data, loss).

>>> from hypothesis import given
>>> from exactloss.testing import strategies as xst
>>> @given(xst.instances(N=3, wide_layer=True))
... def test_shapes(case):
...     assert case.X.shape == (3, case.widths[0])
...     case.network.check_parameters(case.params)
>>> test_shapes()
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
from hypothesis import assume, strategies as st
from hypothesis.strategies import SearchStrategy

from exactloss.errors import InputError
from exactloss.arith.functions import ScalarFunction
from exactloss.net import activations as net_activations, losses as net_losses
from exactloss.net.network import Network, Parameters

__all__ = ["datasets", "widths", "parameters", "activations", "losses", "networks", "instances",
           "NetworkInstance", "ASSUMPTION_ACTIVATIONS", "ASSUMPTION_LOSSES"]

#: Lemma 3.3's activations (satisfy Assumption 3.2.2).
ASSUMPTION_ACTIVATIONS = ("sigmoid", "tanh", "softplus")
#: Figure 1's losses (satisfy Assumption 3.2.3).
ASSUMPTION_LOSSES = ("squared", "pseudo-huber", "blake-zisserman", "corrupted-gaussian", "cauchy")


def _sizes(value: int | SearchStrategy[int], name: str, minimum: int = 1) -> SearchStrategy[int]:
    """A whole number or a strategy of them, as a strategy (ints are checked now)."""
    if isinstance(value, SearchStrategy):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"{name}={value!r}: give a whole number or a hypothesis strategy of whole numbers")
    if value < minimum:
        raise InputError(f"{name}={value}: must be at least {minimum}")
    return st.just(int(value))


def _entries(denominator: int, bound: int) -> SearchStrategy[Fraction]:
    if denominator < 1 or bound < 0:
        raise InputError(f"denominator={denominator}, bound={bound}: need denominator >= 1 and bound >= 0")
    r = bound * denominator
    return st.integers(-r, r).map(lambda p: Fraction(p, denominator))


def _object_matrix(rows: Sequence[Sequence[Any]], shape: tuple[int, int]) -> np.ndarray:
    M = np.empty(shape, dtype=object)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            M[i, j] = v
    return M


# -- data ------------------------------------------------------------------------

@st.composite
def datasets(draw: Any, N: int | SearchStrategy[int] = st.integers(1, 4),
             d: int | SearchStrategy[int] = st.integers(1, 3), m: int | SearchStrategy[int] | None = None,
             exact: bool = True, distinct: bool = True, denominator: int = 4,
             bound: int = 2) -> tuple[np.ndarray, np.ndarray | None]:
    """``(X, Y)``: ``X`` N x d with distinct rows (``distinct=False`` allows duplicates), ``Y`` N x m or None.

    Entries are ``p/denominator`` with ``|p/denominator| <= bound`` (the range
    widens by itself when it has fewer than N distinct rows).  ``exact=True``
    gives object arrays of :class:`~fractions.Fraction` (as ``random_data``),
    ``exact=False`` float64 arrays (the same dyadic values when ``denominator``
    is a power of two, so nothing is rounded).
    """
    n = draw(_sizes(N, "N"))
    dim = draw(_sizes(d, "d"))
    k = None if m is None else draw(_sizes(m, "m"))
    b = bound if bound > 0 else 1
    while (2 * b * denominator + 1) ** dim < 2 * n:  # room for N distinct rows
        b *= 2
    row = st.tuples(*[_entries(denominator, b)] * dim)
    rows = draw(st.lists(row, min_size=n, max_size=n, unique=distinct))
    X = _object_matrix(rows, (n, dim))
    Y = None
    if k is not None:
        Y = _object_matrix(draw(st.lists(st.tuples(*[_entries(2 * denominator, bound or 1)] * k),
                                         min_size=n, max_size=n)), (n, k))
    if not exact:
        X = X.astype(float)
        Y = None if Y is None else Y.astype(float)
        if distinct and len({tuple(r) for r in X.tolist()}) < n:  # pragma: no cover - dyadic values are exact
            raise InputError("rows became equal in float64; use a power-of-two denominator")
    return X, Y


# -- widths ------------------------------------------------------------------------

@st.composite
def widths(draw: Any, L: int | SearchStrategy[int] = st.integers(1, 3),
           d: int | SearchStrategy[int] = st.integers(1, 3), m: int | SearchStrategy[int] = st.integers(1, 2),
           min_width: int = 1, max_width: int = 4, wide_layer: int | bool | None = None, N: int | None = None, pyramid: bool = False) -> tuple[int, ...]:
    """Widths ``(n_0 = d, n_1, ..., n_L = m)``.

    ``wide_layer=k`` (or ``True`` for some drawn ``k in [1, L-1]``, which needs
    ``L >= 2``; a drawn ``L = 1`` is rejected) with ``N`` given: ``n_k >= N - 1``, the width Lemma 4.3 and
    Theorem 3.8 need.  ``pyramid=True``: ``n_{k+1} >= n_{k+2} >= ... >= n_L``
    above the wide layer (or above layer 1 without one), so ``W_{k+2..L}`` can
    have full column rank.  Hidden widths lie in ``[min_width, max_width]``
    except where the wide layer needs more.
    """
    if min_width < 1 or max_width < min_width:
        raise InputError(f"min_width={min_width}, max_width={max_width}: need 1 <= min_width <= max_width")
    depth = draw(_sizes(L, "L"))
    if wide_layer is not None and wide_layer is not False:
        if N is None or isinstance(N, SearchStrategy) or isinstance(N, bool) or int(N) < 1:
            raise InputError("wide_layer needs N (a whole number >= 1, the number of samples) to make n_k >= N - 1")
        if wide_layer is True:
            if depth < 2 and isinstance(L, SearchStrategy):
                assume(False)  # a drawn L = 1 has no hidden layer: draw again
            if depth < 2:
                raise InputError(f"wide_layer=True needs a hidden layer k in [1, L-1], but L = {depth}; ask for L >= 2")
            k = draw(st.integers(1, depth - 1))
        else:
            k = int(wide_layer)
            if not 1 <= k <= depth - 1:
                raise InputError(f"wide_layer={k}: the wide layer is a hidden layer k in [1, L-1] = [1, {depth - 1}]")
    else:
        k = None
    ws = [draw(_sizes(d, "d"))]
    for layer in range(1, depth):
        lo = max(min_width, int(N) - 1) if layer == k else min_width
        ws.append(draw(st.integers(lo, max(lo, max_width))))
    ws.append(draw(_sizes(m, "m")))
    if pyramid:
        start = k if k is not None else 1  # n_{start+1} >= ... >= n_L
        for layer in range(depth - 1, start, -1):  # hidden layers above, top down: n_layer >= n_{layer+1}
            ws[layer] = max(ws[layer], ws[layer + 1])
    return tuple(ws)


_widths = widths


# -- parameters ----------------------------------------------------------------------

@st.composite
def parameters(draw: Any, widths: Sequence[int] | SearchStrategy[Sequence[int]], denominator: int = 8,
               bound: int = 2, full_column_rank_from: int | None = None) -> Parameters:
    """Exact rational :class:`~exactloss.Parameters` for ``widths`` (a tuple or a strategy of tuples).

    Entries are ``p/denominator`` with ``|p/denominator| <= bound``.
    ``full_column_rank_from=l``: ``W_l, ..., W_L`` have full column rank
    (``rank W_j = n_j``; needs ``n_{j-1} >= n_j`` there, e.g. ``widths(pyramid=True)``).
    """
    ws = draw(widths) if isinstance(widths, SearchStrategy) else tuple(int(w) for w in widths)
    L = len(ws) - 1
    if L < 1:
        raise InputError(f"widths {ws}: need n_0 and at least one layer")
    entry = _entries(denominator, bound)
    Ws, bs = [], []
    for k in range(1, L + 1):
        shape = (ws[k - 1], ws[k])
        rows = draw(st.lists(st.lists(entry, min_size=shape[1], max_size=shape[1]),
                             min_size=shape[0], max_size=shape[0]))
        W = _object_matrix(rows, shape)
        if full_column_rank_from is not None and k >= full_column_rank_from:
            if shape[0] < shape[1]:
                raise InputError(f"W_{k} is {shape[0]} x {shape[1]}: full column rank needs n_{k - 1} >= n_{k}; "
                                 "use widths(pyramid=True)")
            if _rank(W) < shape[1]:
                W = W + _object_matrix(np.eye(*shape, dtype=int).tolist(), shape) * Fraction(bound or 1)
                if _rank(W) < shape[1]:  # still singular: a fixed full-rank matrix, rarely reached
                    W = _object_matrix(np.eye(*shape, dtype=int).tolist(), shape) * Fraction(1)
        Ws.append(W)
        bs.append(np.array(draw(st.lists(entry, min_size=ws[k], max_size=ws[k])), dtype=object).reshape(ws[k]))
    return Parameters(tuple(Ws), tuple(bs))


def _rank(M: np.ndarray) -> int:
    """Exact rank of a small Fraction matrix (Gaussian elimination)."""
    A = [[Fraction(v) for v in row] for row in M.tolist()]
    rank, rows, cols = 0, len(A), len(A[0]) if A else 0
    for c in range(cols):
        pivot = next((r for r in range(rank, rows) if A[r][c] != 0), None)
        if pivot is None:
            continue
        A[rank], A[pivot] = A[pivot], A[rank]
        for r in range(rows):
            if r != rank and A[r][c] != 0:
                f = A[r][c] / A[rank][c]
                A[r] = [a - f * b for a, b in zip(A[r], A[rank])]
        rank += 1
    return rank


# -- activations and losses ------------------------------------------------------------

def _catalogue(kind: str, include: Any, exclude: Sequence[str], objects: bool) -> SearchStrategy[Any]:
    module = net_activations if kind == "activation" else net_losses
    default = ASSUMPTION_ACTIVATIONS if kind == "activation" else ASSUMPTION_LOSSES
    if include is None:
        names = list(default)
    elif include == "all":
        names = [n for n in module.known() if n != "generic"]
    elif isinstance(include, str):
        names = [include]
    else:
        names = list(include)
    names = [n for n in names if n not in set(exclude)]
    if not names:
        raise InputError(f"no {kind}s left to draw from (include={include!r}, exclude={list(exclude)!r})")
    make = module.activation if kind == "activation" else module.loss
    built = {n: make(n) for n in names}  # unknown names raise UnknownNameError/InputError now, not mid-test
    if objects:
        return st.sampled_from([built[n] for n in names])
    return st.sampled_from(names)


def activations(include: Sequence[str] | str | None = None, exclude: Sequence[str] = (),
                objects: bool = False) -> SearchStrategy[str | ScalarFunction]:
    """Activation names (``objects=True``: the :class:`ScalarFunction` objects).

    Default: Lemma 3.3's ``sigmoid``, ``tanh``, ``softplus``.  ``include="all"``
    adds ``identity`` and ``relu`` (which fail Assumption 3.2.2); any catalogue
    spec such as ``"softplus:alpha=2"`` or an expression in ``t`` may be listed.
    """
    return _catalogue("activation", include, exclude, objects)


def losses(include: Sequence[str] | str | None = None, exclude: Sequence[str] = (),
           objects: bool = False) -> SearchStrategy[str | ScalarFunction]:
    """Loss names (``objects=True``: the :class:`ScalarFunction` objects).

    Default: Figure 1's ``squared``, ``pseudo-huber``, ``blake-zisserman``,
    ``corrupted-gaussian``, ``cauchy``; ``include="all"`` adds Section 5's ``l1``, ``l2``.
    """
    return _catalogue("loss", include, exclude, objects)


# -- networks and whole instances -----------------------------------------------------------

@st.composite
def networks(draw: Any, widths: Sequence[int] | SearchStrategy[Sequence[int]] | None = None,
             activation: str | ScalarFunction | SearchStrategy[Any] | None = None) -> Network:
    """An :class:`exactloss.Network` (default: small widths, a Lemma 3.3 activation)."""
    ws = draw(widths) if isinstance(widths, SearchStrategy) else widths
    if ws is None:
        ws = draw(_widths())
    if activation is None:
        activation = activations()
    act = draw(activation) if isinstance(activation, SearchStrategy) else activation
    return Network(ws, act)


@dataclass(frozen=True)
class NetworkInstance:
    """A consistent problem: a network, exact parameters, data ``X`` (distinct rows), targets ``Y``, a loss."""

    network: Network
    params: Parameters
    X: np.ndarray
    Y: np.ndarray
    loss: str | ScalarFunction

    @property
    def widths(self) -> tuple[int, ...]:
        return self.network.widths

    @property
    def N(self) -> int:
        return int(self.X.shape[0])


@st.composite
def instances(draw: Any, N: int | SearchStrategy[int] = st.integers(1, 4), L: int | SearchStrategy[int] | None = None,
              d: int | SearchStrategy[int] = st.integers(1, 3), m: int | SearchStrategy[int] = st.integers(1, 2),
              wide_layer: int | bool | None = None, pyramid: bool = False, max_width: int = 4,
              activation: Any = None, loss: Any = None) -> NetworkInstance:
    """A whole problem: widths (with ``n_k >= N - 1`` if ``wide_layer``), exact parameters, data, a loss.

    ``L`` defaults to 1..3 layers (2..3 with a wide layer, which must be a hidden layer).
    """
    n = draw(_sizes(N, "N"))
    if L is None:
        L = st.integers(2, 3) if wide_layer else st.integers(1, 3)
    ws = draw(widths(L=L, d=d, m=m, wide_layer=wide_layer, N=n if wide_layer else None, pyramid=pyramid,
                     max_width=max_width))
    net = draw(networks(widths=ws, activation=activation))
    P = draw(parameters(ws))
    X, Y = draw(datasets(N=n, d=ws[0], m=ws[-1]))
    ell = draw(loss) if isinstance(loss, SearchStrategy) else loss
    if ell is None:
        ell = draw(losses())
    return NetworkInstance(net, P, X, Y, ell)

