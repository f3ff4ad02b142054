"""Networks, parameters and the forward maps of Section 2.

``F_0 = X``, ``G_k = F_{k-1} W_k + 1_N b_k^T``, ``F_k = sigma(G_k)`` for
``k = 1..L`` (sigma is applied at the output layer too, as in the paper), and
the objective (1) ``Phi = sum_{i,j} l((F_L)_{ij} - Y_{ij})``.  Arrays are
``N x n`` as in the paper; ``W_k`` is ``n_{k-1} x n_k``.

One implementation serves every number system (:mod:`exactloss.arith.systems`):
parameters and data are stored as exact rationals and converted on use.

>>> from exactloss import Network, Parameters, Exact
>>> net = Network((1, 2, 1), "t + t**3")
>>> P = Parameters.from_lists(W=[[[1, -1]], [[1], [2]]], b=[[0, 1], [0]])
>>> X = [[1], ["1/2"]]
>>> [str(v) for v in net.forward(P, X, Exact()).F[-1][:, 0]]
['10', '4335/512']
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np
import sympy as sp

from exactloss.net.activations import activation as _activation
from exactloss.errors import InputError, ShapeError
from exactloss.evidence import jsonable
from exactloss.arith.functions import ScalarFunction
from exactloss.net.losses import loss as _loss
from exactloss.arith.systems import NumberSystem, rational_matrix, system as _system


def parse_widths(widths: Sequence[int] | str) -> tuple[int, ...]:
    """``"3,4,3,2"`` or a sequence -> ``(n_0, ..., n_L)``; at least one layer, all widths >= 1."""
    if isinstance(widths, str):
        try:
            ws = tuple(int(w) for w in widths.replace(" ", "").split(",") if w)
        except ValueError:
            raise InputError(f"widths {widths!r}: write whole numbers separated by commas, e.g. 3,4,3,2") from None
    else:
        try:
            ws = tuple(int(w) for w in widths)
        except (TypeError, ValueError):
            raise InputError(f"widths {widths!r}: expected a sequence of whole numbers") from None
    if len(ws) < 2:
        raise InputError(f"widths {ws}: need n_0 (input dimension) and at least one layer width, e.g. 3,4,2")
    if any(w < 1 for w in ws):
        raise InputError(f"widths {ws}: every width must be at least 1")
    return ws


@dataclass(frozen=True)
class Forward:
    """The forward pass: ``G[k-1] = G_k`` and ``F[k] = F_k`` (``F[0] = X``), in one number system."""

    G: tuple[np.ndarray, ...]
    F: tuple[np.ndarray, ...]
    system: NumberSystem


@dataclass(frozen=True)
class Parameters:
    """Weights ``W_k`` (``n_{k-1} x n_k``) and biases ``b_k`` (``n_k``), k = 1..L, as exact rationals
    (object arrays of Fractions) or as arrays of one number system (e.g. SymPy symbols)."""

    W: tuple[np.ndarray, ...]
    b: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        if len(self.W) != len(self.b):
            raise ShapeError(f"parameters: {len(self.W)} weight matrices but {len(self.b)} bias vectors; give one of each per layer")
        if not self.W:
            raise ShapeError("parameters: no layers; give W_1..W_L and b_1..b_L")

    @classmethod
    def from_lists(cls, W: Sequence[Any], b: Sequence[Any]) -> "Parameters":
        """Read lists of rows (entries: numbers or exact strings like "-3/7")."""
        if not isinstance(W, (list, tuple)) or not isinstance(b, (list, tuple)):
            raise InputError("parameters: W and b must be lists (one matrix / vector per layer)")
        Ws = tuple(rational_matrix(w, f"W_{k + 1}") for k, w in enumerate(W))
        bs = tuple(rational_matrix(v, f"b_{k + 1}", ndim=1) for k, v in enumerate(b))
        return cls(Ws, bs)

    @property
    def L(self) -> int:
        return len(self.W)

    @property
    def widths(self) -> tuple[int, ...]:
        return (self.W[0].shape[0],) + tuple(w.shape[1] for w in self.W)

    def layer(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(W_k, b_k)`` with the paper's 1-based index."""
        return self.W[k - 1], self.b[k - 1]

    def replace_layer(self, k: int, W: np.ndarray, b: np.ndarray) -> "Parameters":
        Ws, bs = list(self.W), list(self.b)
        Ws[k - 1], bs[k - 1] = W, b
        return Parameters(tuple(Ws), tuple(bs))

    def count(self) -> int:
        return sum(w.size + v.size for w, v in zip(self.W, self.b))

    def to_json(self) -> dict:
        return {"W": [jsonable(w) for w in self.W], "b": [jsonable(v) for v in self.b]}


@dataclass(frozen=True, eq=False)
class Network:
    """A feed-forward network with widths ``(n_0 = d, n_1, ..., n_L = m)`` and one activation sigma."""

    widths: tuple[int, ...]
    activation: ScalarFunction = field(default=None)  # type: ignore[assignment]

    def __init__(self, widths: Sequence[int] | str, activation: ScalarFunction | str = "sigmoid") -> None:
        object.__setattr__(self, "widths", parse_widths(widths))
        object.__setattr__(self, "activation", _activation(activation))

    @property
    def L(self) -> int:
        return len(self.widths) - 1

    @property
    def sigma(self) -> ScalarFunction:
        return self.activation

    def n(self, k: int) -> int:
        """Width ``n_k`` (``n_0 = d``)."""
        return self.widths[k]

    # -- validation -------------------------------------------------------
    def check_parameters(self, P: Parameters) -> None:
        """Raise :class:`ShapeError` naming the matrix and dimension that does not fit the widths."""
        if P.L != self.L:
            raise ShapeError(f"parameters have {P.L} layer(s) but widths {self.widths} have L = {self.L}")
        for k in range(1, self.L + 1):
            W, b = P.layer(k)
            want = (self.widths[k - 1], self.widths[k])
            if W.ndim != 2 or W.shape != want:
                raise ShapeError(f"W_{k} has shape {W.shape} but widths need n_{k - 1} x n_{k} = {want[0]} x {want[1]}")
            if b.shape != (self.widths[k],):
                raise ShapeError(f"b_{k} has length {b.shape[0] if b.ndim else b.shape} but n_{k} = {self.widths[k]}")

    def check_data(self, X: np.ndarray, Y: np.ndarray | None = None) -> None:
        if X.ndim != 2 or X.shape[1] != self.widths[0]:
            raise ShapeError(f"X has shape {X.shape} but needs N x n_0 = N x {self.widths[0]} (one sample per row)")
        if X.shape[0] < 1:
            raise ShapeError("X has no samples; give at least one row")
        if Y is not None and (Y.ndim != 2 or Y.shape != (X.shape[0], self.widths[-1])):
            raise ShapeError(f"Y has shape {Y.shape} but needs N x n_L = {X.shape[0]} x {self.widths[-1]}")

    # -- the maps of Section 2 ---------------------------------------------
    def forward(self, P: Parameters, X: Any, numbers: NumberSystem | str = "exact") -> Forward:
        """Section 2: ``G_k = F_{k-1} W_k + 1_N b_k^T`` and ``F_k = sigma(G_k)``, k = 1..L."""
        S = _system(numbers)
        Xs = S.array(X if isinstance(X, np.ndarray) else rational_matrix(X, "X"))
        self.check_parameters(P)
        self.check_data(Xs)
        F: list[np.ndarray] = [Xs]
        G: list[np.ndarray] = []
        with S.scope():
            for k in range(1, self.L + 1):
                W, b = S.array(P.W[k - 1]), S.array(P.b[k - 1])
                Gk = F[-1] @ W + b[None, :]  # 1_N b_k^T by broadcasting
                G.append(Gk)
                F.append(self.activation.value(S, Gk))
        return Forward(tuple(G), tuple(F), S)

    def phi(self, P: Parameters, X: Any, Y: Any, loss: ScalarFunction | str = "squared",
            numbers: NumberSystem | str = "exact") -> Any:
        """Objective (1): ``Phi = sum_{i,j} l((F_L)_{ij} - Y_{ij})``."""
        S = _system(numbers)
        fw = self.forward(P, X, S)
        Ys = S.array(Y if isinstance(Y, np.ndarray) else rational_matrix(Y, "Y"))
        self.check_data(fw.F[0], Ys)
        ell = _loss(loss)
        with S.scope():
            return ell.value(S, fw.F[-1] - Ys).sum()

    # -- random instances ---------------------------------------------------
    def random_parameters(self, seed: int = 0, denominator: int = 8, scale: int = 2) -> Parameters:
        """Seeded random exact-rational parameters ``p/denominator`` with ``|p| <= scale*denominator``
        (:func:`random_parameters` for this network's widths)."""
        return random_parameters(self.widths, seed, denominator, scale)

    def symbolic_parameters(self) -> Parameters:
        """Parameters as SymPy symbols ``W1_i_j``, ``b1_j`` (1-based, as in the paper)."""
        Ws, bs = [], []
        for k in range(1, self.L + 1):
            W = np.empty((self.widths[k - 1], self.widths[k]), dtype=object)
            for i, j in np.ndindex(W.shape):
                W[i, j] = sp.Symbol(f"W{k}_{i + 1}_{j + 1}", real=True)
            b = np.array([sp.Symbol(f"b{k}_{j + 1}", real=True) for j in range(self.widths[k])], dtype=object)
            Ws.append(W)
            bs.append(b)
        return Parameters(tuple(Ws), tuple(bs))

    def describe(self) -> dict:
        return {"widths": list(self.widths), "activation": self.activation.describe()}


def random_parameters(widths: Sequence[int], seed: int = 0, denominator: int = 8, scale: int = 2,
                      by_layer: bool = False, entry: Callable[[random.Random], Fraction] | None = None) -> Parameters:
    """Seeded random exact-rational parameters ``W_k``, ``b_k`` for the widths ``(n_0, ..., n_L)``.

    Entries ``p/denominator`` with ``|p| <= scale*denominator`` (or ``entry(rng)``), drawn from
    ``random.Random(seed)`` row by row: ``W_1..W_L`` then ``b_1..b_L``, or ``W_1, b_1, W_2, ...`` when
    ``by_layer``.  The float path's Gaussian draws are :func:`random_float_parameters`."""
    rng = random.Random(seed)
    r = scale * denominator
    draw = entry or (lambda g: Fraction(g.randint(-r, r), denominator))

    def mat(rows: int, cols: int) -> np.ndarray:
        out = np.empty((rows, cols), dtype=object)
        for idx in np.ndindex(rows, cols):
            out[idx] = draw(rng)
        return out

    L = len(widths) - 1
    if by_layer:
        layers = [(mat(widths[k - 1], widths[k]), mat(1, widths[k])[0]) for k in range(1, L + 1)]
        return Parameters(tuple(W for W, _ in layers), tuple(b for _, b in layers))
    Ws = tuple(mat(widths[k - 1], widths[k]) for k in range(1, L + 1))
    bs = tuple(mat(1, widths[k])[0] for k in range(1, L + 1))
    return Parameters(Ws, bs)


def random_float_parameters(widths: Sequence[int], seed: Any = 0, scale: str | float = "glorot") -> Parameters:
    """Seeded float64 parameters: ``W_k ~ N(0, s^2)`` with ``s = 1/sqrt(n_{k-1})`` ("glorot") or a given ``s``;
    biases ``N(0, s^2)`` (``N(0, 1)`` for "glorot").  ``seed``: anything ``numpy.random.default_rng`` takes
    (e.g. ``[seed, j]`` for the ``j``-th of many draws); drawn ``W_1, b_1, W_2, ...``."""
    rng = np.random.default_rng(seed)
    Ws, bs = [], []
    for k in range(1, len(widths)):
        s = 1.0 / math.sqrt(widths[k - 1]) if scale == "glorot" else float(scale)
        Ws.append(rng.standard_normal((widths[k - 1], widths[k])) * s)
        bs.append(rng.standard_normal(widths[k]) * (s if scale != "glorot" else 1.0))
    return Parameters(tuple(Ws), tuple(bs))


def random_data(N: int, d: int, m: int | None = None, seed: int = 0, denominator: int = 4,
                scale: int = 2) -> tuple[np.ndarray, np.ndarray | None]:
    """Seeded random exact-rational data: ``X`` (N x d) with distinct rows, and ``Y`` (N x m) if m is given."""
    if N < 1 or d < 1:
        raise InputError(f"random data needs N >= 1 and d >= 1, got N = {N}, d = {d}")
    rng = random.Random(seed)
    r = scale * denominator
    # enough distinct rows exist when (2r+1)^d >= N; widen the range otherwise
    while (2 * r + 1) ** d < N:
        r *= 2
    rows: list[tuple[Fraction, ...]] = []
    seen: set[tuple[Fraction, ...]] = set()
    while len(rows) < N:
        row = tuple(Fraction(rng.randint(-r, r), denominator) for _ in range(d))
        if row not in seen:
            seen.add(row)
            rows.append(row)
    X = np.array(rows, dtype=object).reshape(N, d)
    Y = None
    if m is not None:
        Y = np.empty((N, m), dtype=object)
        for idx in np.ndindex(N, m):
            Y[idx] = Fraction(rng.randint(-r, r), 2 * denominator)
    return X, Y


def duplicate_rows(X: np.ndarray) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j`` (0-based), of identical rows of an exact matrix (Assumption 3.2.1)."""
    first: dict[tuple, int] = {}
    pairs = []
    for i, row in enumerate(X):
        key = tuple(row)
        if key in first:
            pairs.append((first[key], i))
        else:
            first[key] = i
    return pairs
