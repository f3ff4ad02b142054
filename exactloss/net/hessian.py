"""Block Hessians of Phi (Definitions 3.6/3.7) and the exact Hessian-vector product.

Contract.  :func:`hvp` computes ``H v`` -- the Hessian of the objective (1)
``Phi = sum_ij l((F_L)_ij - Y_ij)`` with respect to the parameters of the
chosen ``layers`` (``(W_l, b_l)``, paper's 1-based indices), applied to a
direction ``v`` of those parameters -- by **second-order backpropagation**
(Pearlmutter's R-operator, ``R{x} = d/dr x(theta + r v)|_{r=0}``).  It is written
with array operations only (``@``, ``*``, ``.T``, ``.sum``), so the same code
runs on NumPy object arrays of any number system (``exact`` -> proved,
``ball`` -> certified, ``symbolic``, ``mpmath``) and on ``float64`` arrays
(fast, numerical).  Cost: about two forward/backward passes.

The R-operator applied to Section 2 and Lemma 2.1 (``o`` Hadamard, ``V_W, V_b`` the
direction; layers outside ``layers`` have ``V = 0``; ``R{F_0} = 0``)::

    R{G_k}     = R{F_{k-1}} W_k + F_{k-1} V_{W_k} + 1_N V_{b_k}^T
    R{F_k}     = sigma'(G_k) o R{G_k}
    R{Delta_L} = l''(F_L - Y) o R{F_L} o sigma'(G_L) + l'(F_L - Y) o sigma''(G_L) o R{G_L}
    R{Delta_k} = (R{Delta_{k+1}} W_{k+1}^T + Delta_{k+1} V_{W_{k+1}}^T) o sigma'(G_k)
                 + (Delta_{k+1} W_{k+1}^T) o sigma''(G_k) o R{G_k}
    (H v)_{W_k} = R{F_{k-1}}^T Delta_k + F_{k-1}^T R{Delta_k}
    (H v)_{b_k} = R{Delta_k}^T 1_N

**Parameter order** (rows/columns of block Hessians, flat vectors): for each
chosen layer ``l`` in increasing order, ``vec(W_l)`` row by row (entry
``(i, j)``, ``i`` over ``n_{l-1}``, ``j`` over ``n_l``), then ``b_l``.
:func:`parameter_names` lists them (``"W2[1,3]"``, ``"b2[1]"``, 1-based).

:func:`block_hessian` builds ``nabla^2_S Phi`` column by column from ``hvp``;
:func:`exactloss.floatpath.nonsingularity.nonsingularity` certifies (or refutes,
exactly) that it is non-singular (Definition 3.7).

>>> from exactloss import Network, Parameters, Exact
>>> net = Network((1, 1, 1), "identity")
>>> P = Parameters.from_lists(W=[[[2]], [[3]]], b=[[0], [0]])
>>> H = block_hessian(net, P, [[1]], [[0]], "squared", "exact", layers=[2])
>>> [[str(x) for x in row] for row in H]
[['8', '4'], ['4', '2']]
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import sympy as sp

from exactloss.net.backprop import backprop
from exactloss.errors import InputError, ShapeError
from exactloss.arith.functions import ScalarFunction
from exactloss.net.losses import loss as _loss
from exactloss.net.network import Network, Parameters
from exactloss.arith.exprparse import parse
from exactloss.arith.systems import NumberSystem, rational_matrix, system as _system


def chosen_layers(net: Network, layers: Sequence[int] | None) -> tuple[int, ...]:
    """The layers ``layers`` (1-based, as in the paper) as sorted distinct indices; all of ``1..L`` for None.

    :class:`InputError` for an empty choice or a layer outside ``1..L``."""
    if layers is None:
        return tuple(range(1, net.L + 1))
    out = tuple(sorted({int(l) for l in layers}))
    if not out:
        raise InputError("layers: choose at least one layer")
    bad = [l for l in out if not 1 <= l <= net.L]
    if bad:
        raise InputError(f"layers {bad}: layers are numbered 1..L = 1..{net.L}")
    return out


def parameter_names(net: Network, layers: Sequence[int] | None = None) -> list[str]:
    """Names of the block's parameters in the documented order (1-based: ``W2[i,j]``, ``b2[j]``)."""
    names = []
    for l in chosen_layers(net, layers):
        n_in, n_out = net.widths[l - 1], net.widths[l]
        names += [f"W{l}[{i + 1},{j + 1}]" for i in range(n_in) for j in range(n_out)]
        names += [f"b{l}[{j + 1}]" for j in range(n_out)]
    return names


def block_size(net: Network, layers: Sequence[int] | None = None) -> int:
    return sum(net.widths[l - 1] * net.widths[l] + net.widths[l] for l in chosen_layers(net, layers))


def unflatten(net: Network, v: np.ndarray, layers: Sequence[int] | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """A flat vector in the documented order -> ``[(V_W_l, V_b_l), ...]`` for the chosen layers."""
    ls = chosen_layers(net, layers)
    v = np.asarray(v) if not isinstance(v, np.ndarray) else v
    if v.ndim != 1 or v.shape[0] != block_size(net, ls):
        raise ShapeError(f"direction has shape {v.shape} but layers {list(ls)} have {block_size(net, ls)} parameters")
    out, pos = [], 0
    for l in ls:
        n_in, n_out = net.widths[l - 1], net.widths[l]
        VW = v[pos:pos + n_in * n_out].reshape(n_in, n_out)
        pos += n_in * n_out
        out.append((VW, v[pos:pos + n_out]))
        pos += n_out
    return out


def direction_blocks(net: Network, V: Sequence[tuple[Any, Any]], ls: Sequence[int]) -> list[tuple[int, Any, Any]]:
    """``[(l, V_W_l, V_b_l) for l in ls]`` from a direction given as one ``(V_W, V_b)`` pair per chosen layer,
    refusing a wrong number of blocks or a block whose shapes are not those of ``W_l``, ``b_l``."""
    if len(V) != len(ls):
        raise ShapeError(f"direction has {len(V)} layer block(s) but layers {list(ls)} were chosen")
    out = []
    for l, (a, b) in zip(ls, V):
        want = (net.widths[l - 1], net.widths[l])
        if np.shape(a) != want or np.shape(b) != (want[1],):
            raise ShapeError(f"direction for layer {l}: shapes {np.shape(a)}, {np.shape(b)} but W_{l}, b_{l} are "
                             f"{want}, ({want[1]},)")
        out.append((l, a, b))
    return out


def flatten(pairs: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """``[(W, b), ...]`` -> one flat vector in the documented order."""
    return np.concatenate([np.concatenate([W.reshape(-1), b.reshape(-1)]) for W, b in pairs])


class SecondOrder:
    """The primal pass (forward + Lemma 2.1) at one point, ready for many Hessian-vector products."""

    def __init__(self, net: Network, P: Parameters, X: Any, Y: Any, loss: ScalarFunction | str = "squared",
                 numbers: NumberSystem | str = "exact") -> None:
        S = _system(numbers)
        self.net, self.S, self.ell = net, S, _loss(loss)
        sigma = net.activation
        self.g = backprop(net, P, X, Y, self.ell, S)
        fw = self.g.forward
        self.F, self.G = fw.F, fw.G
        with S.scope():
            self.W = [S.array(w) for w in P.W]
            Ys = S.array(Y if isinstance(Y, np.ndarray) else rational_matrix(Y, "Y"))
            R = self.F[-1] - Ys
            self.dl = self.g.l_prime
            self.d2l = self.ell.d2(S, R)
            self.ds = list(self.g.sigma_prime)
            self.d2s = [sigma.d2(S, Gk) for Gk in self.G]
            # Delta_{k+1} W_{k+1}^T, k = 1..L-1 (the back-propagated signal before o sigma'(G_k)), from backprop
            self.DWt = list(self.g.upstream)

    def hvp(self, V: Sequence[tuple[np.ndarray, np.ndarray]], layers: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
        """``H_S v`` for ``v = [(V_W_l, V_b_l) for l in layers]`` (R-operator, see the module docstring)."""
        net, S = self.net, self.S
        L = net.L
        ls = chosen_layers(net, layers)
        VW: dict[int, np.ndarray] = {}
        Vb: dict[int, np.ndarray] = {}
        for l, a, b in direction_blocks(net, V, ls):
            VW[l], Vb[l] = S.array(a), S.array(b)
        low = ls[0]
        with S.scope():
            RG: list[Any] = [None] * (L + 1)  # 1-based
            RF: list[Any] = [None] * (L + 1)  # RF[0] = R{F_0} = 0 -> None
            for k in range(low, L + 1):
                terms = []
                if RF[k - 1] is not None:
                    terms.append(RF[k - 1] @ self.W[k - 1])
                if k in VW:
                    terms.append(self.F[k - 1] @ VW[k] + Vb[k][None, :])
                RG[k] = terms[0] if len(terms) == 1 else terms[0] + terms[1]
                RF[k] = self.ds[k - 1] * RG[k]
            RD: list[Any] = [None] * (L + 1)
            RD[L] = self.d2l * RF[L] * self.ds[L - 1] + self.dl * self.d2s[L - 1] * RG[L]
            for k in range(L - 1, low - 1, -1):
                back = RD[k + 1] @ self.W[k].T
                if (k + 1) in VW:
                    back = back + self.g.Delta[k] @ VW[k + 1].T
                RD[k] = back * self.ds[k - 1] + self.DWt[k - 1] * self.d2s[k - 1] * RG[k]
            out = []
            for l in ls:
                HW = self.F[l - 1].T @ RD[l]
                if RF[l - 1] is not None:
                    HW = HW + RF[l - 1].T @ self.g.Delta[l - 1]
                out.append((HW, RD[l].sum(axis=0)))
        return out

    def block(self, layers: Sequence[int] | None = None) -> np.ndarray:
        """``nabla^2_S Phi`` for ``S = {(W_l, b_l) : l in layers}``, one ``hvp`` per unit vector."""
        ls = chosen_layers(self.net, layers)
        p = block_size(self.net, ls)
        S = self.S
        if S.is_float:
            H = np.empty((p, p), dtype=S.dtype)
            E = np.eye(p, dtype=S.dtype)
        else:
            H = np.empty((p, p), dtype=object)
            zero, one = S.scalar(0), S.scalar(1)
        for c in range(p):
            if S.is_float:
                e = E[c]
            else:
                e = np.empty(p, dtype=object)
                e[:] = zero
                e[c] = one
            H[:, c] = flatten(self.hvp(unflatten(self.net, e, ls), ls))
        return H


def hvp(net: Network, P: Parameters, X: Any, Y: Any, loss: ScalarFunction | str, V: Any,
        numbers: NumberSystem | str = "exact", layers: Sequence[int] | None = None) -> Any:
    """Hessian-vector product ``H_S v`` of Phi by second-order backprop (module docstring).

    ``layers``: the layers ``l`` whose ``(W_l, b_l)`` form the block S (default: all).
    ``V``: the direction, either a flat vector in the documented order or a
    sequence ``[(V_W_l, V_b_l), ...]`` (one pair per chosen layer, shaped like
    ``W_l``, ``b_l``).  The result has the same form as ``V``.  Float64
    arrays in, float64 out (vectorised); object arrays of exact/ball/symbolic
    elements in, the same out.  For many products at one point build a
    :class:`SecondOrder` once and call its ``hvp``.
    """
    ls = chosen_layers(net, layers)
    so = SecondOrder(net, P, X, Y, loss, numbers)
    flat = isinstance(V, np.ndarray) and V.ndim == 1
    pairs = unflatten(net, V, ls) if flat else list(V)
    out = so.hvp(pairs, ls)
    return flatten(out) if flat else out


def block_hessian(net: Network, P: Parameters, X: Any, Y: Any, loss: ScalarFunction | str = "squared",
                  numbers: NumberSystem | str = "exact", layers: Sequence[int] | None = None) -> np.ndarray:
    """Definition 3.6: the block Hessian ``nabla^2_S Phi`` on ``S = {(W_l, b_l) : l in layers}``."""
    return SecondOrder(net, P, X, Y, loss, numbers).block(layers)


# ---------------------------------------------------------------------------
# the paper's Definition 3.7 examples
# ---------------------------------------------------------------------------

PAPER_H_X = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
PAPER_H_Y = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]]
# functions whose Hessians (constant) are exactly the paper's matrices
PAPER_F_X = "x1**2/2 + x2**2/2"
PAPER_F_Y = "y1**2/2 + y2**2/2 + y1*y3 + y2*y4"


def sympy_hessian(expr: str, names: Sequence[str]) -> np.ndarray:
    """SymPy's Hessian of a polynomial given as a string in the variables ``names`` (object array of Rationals)."""
    syms = sp.symbols(list(names), real=True)
    f = parse(expr, {str(s): s for s in syms}, "polynomial")  # read as data, never evaluated as code
    H = sp.hessian(f, syms)
    return np.array(H.tolist(), dtype=object)


def principal_block(H: np.ndarray, idx: Sequence[int]) -> np.ndarray:
    """``H_S``: the rows and columns ``idx`` (0-based) of ``H``."""
    ix = list(idx)
    return H[np.ix_(ix, ix)]
