"""The float64 path at scale: lean forward maps of Section 2, batched networks, row-blocked Lemma 2.1 and HVPs.

Contract.  Everything here is float64 (numerical) unless a function says it
returns a rigorous bound.  The mathematics is not re-implemented: the row
blocks are fed to :func:`exactloss.net.backprop.backprop` (Lemma 2.1) and to
:func:`exactloss.net.hessian.hvp` (Pearlmutter's R-operator), with
``numbers="float"``.  What this module adds is what the float path needs at
scale:

* **row blocks**.  Phi is a sum over samples, so its gradient and every
  Hessian-vector product are sums of the same quantities over any partition
  of the rows of ``X``/``Y``.  :func:`gradients` and :func:`hvp` run the
  foundation's code on blocks of ``block`` rows and add up, so memory is
  ``O(block x max width)`` instead of ``O(N x max width)``;
* **in-place construction** of ``[F_k, 1_N]`` (:func:`layer_with_ones`):
  one ``N x (n_k + 1)`` buffer, the activation applied in place;
* **batches of networks** (:func:`batched_layer_with_ones`): ``B`` parameter
  draws at once through broadcast ``matmul`` (Monte-Carlo sweeps for Lemma
  4.4), memory linear in ``B``;
* :func:`float_parameters`: exact parameters rounded to float64, with entrywise
  bounds of the rounding (the first term of the rigorous forward-error bound of
  :mod:`exactloss.floatpath.forward_error`);
* :func:`progress_bar`: tqdm when installed, a silent stand-in otherwise.

>>> import numpy as np
>>> from exactloss import Network
>>> net = Network((2, 3, 1), "sigmoid")
>>> P = float_parameters(net.random_parameters(seed=1))[0]
>>> X = np.array([[0.0, 1.0], [1.0, 0.0]])
>>> A = layer_with_ones(net, P, X, 1)
>>> A.shape, bool(np.all(A[:, -1] == 1))
((2, 4), True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Sequence

import numpy as np

from exactloss.arith import progress
from exactloss.arith.systems import Float, rational_matrix
from exactloss.errors import InputError, ShapeError
from exactloss.floatpath.rounding import conversion_error
from exactloss.net import hessian
from exactloss.net.activations import activation
from exactloss.net.backprop import backprop
from exactloss.net.network import Network, Parameters

FLOAT = Float()


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def set_postfix_str(self, s: str) -> None:
        pass


class _TaskBar:
    """The tqdm-like face (``update``, ``set_postfix_str``, ``close``) of a :mod:`exactloss.arith.progress` task."""

    def __init__(self, total: int, desc: str) -> None:
        self.task = progress.task(desc or "work", total)

    def update(self, n: int = 1) -> None:
        self.task.advance(n)

    def set_postfix_str(self, s: str) -> None:
        pass

    def close(self) -> None:
        self.task.close()


def progress_bar(total: int, desc: str = "", enable: bool | None = None) -> Any:
    """Progress of a loop: ``enable=None`` (default) reports to :mod:`exactloss.arith.progress` (the command
    line draws it on a terminal); ``True`` draws a tqdm bar when tqdm is installed; ``False`` nothing."""
    if enable is None:
        return _TaskBar(total, desc) if progress.active() else _NoBar()
    if not enable:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _NoBar()
    return tqdm(total=total, desc=desc, leave=False)


def as_float_matrix(M: Any, what: str = "matrix") -> np.ndarray:
    """A float64 matrix from floats, ints, Fractions or exact strings (nearest rounding)."""
    if isinstance(M, np.ndarray) and M.dtype == np.float64:
        A = M
    elif isinstance(M, np.ndarray) and M.dtype.kind in "iuf":
        A = M.astype(np.float64)
    else:
        A = FLOAT.array(M if isinstance(M, np.ndarray) else rational_matrix(M, what))
    if A.ndim != 2:
        raise ShapeError(f"{what}: expected a matrix, got shape {A.shape}")
    if A.size and not np.all(np.isfinite(A)):
        raise InputError(f"{what}: NaN/inf entries; remove them")
    return A


def float_parameters(P: Parameters) -> tuple[Parameters, dict]:
    """``(P_float, rounding)``: the parameters as float64 arrays (nearest) and entrywise bounds of the
    rounding ``|P_exact - P_float|`` (``rounding["W"][k-1]`` / ``["b"][k-1]``, None where exact)."""
    Ws = tuple(FLOAT.array(w) for w in P.W)
    bs = tuple(FLOAT.array(v) for v in P.b)
    rounding = {"W": tuple(conversion_error(w, wf) for w, wf in zip(P.W, Ws)),
                "b": tuple(conversion_error(v, vf) for v, vf in zip(P.b, bs))}
    return Parameters(Ws, bs), rounding


def default_block(width: int, target_bytes: int = 16 << 20) -> int:
    """Rows per block so that one ``block x width`` float64 array is about ``target_bytes``."""
    return max(64, int(target_bytes // (8 * max(int(width), 1))))


def apply_in_place(sigma: Any, A: np.ndarray) -> None:
    """``A <- sigma(A)`` in float64, in place when ``sigma`` has a NumPy ufunc (else through ``sigma.value``)."""
    f = sigma.numpy.get(0) if not sigma.generic else None
    if isinstance(f, np.ufunc):
        with np.errstate(over="ignore", under="ignore"):
            f(A, out=A)
    else:
        A[...] = sigma.value(FLOAT, A)


# ---------------------------------------------------------------------------
# forward maps
# ---------------------------------------------------------------------------


def layer_with_ones(net: Network, P: Parameters, X: Any, k: int) -> np.ndarray:
    """``[F_k, 1_N]`` in float64, built in one ``N x (n_k + 1)`` buffer (Section 2's forward map).

    Layers below k are computed with ordinary temporaries; layer k is
    written into the buffer by ``matmul(out=...)`` and the activation applied
    in place, so the peak is about one copy of the result plus the layer below.
    """
    Xf = as_float_matrix(X, "X")
    net.check_data(Xf)
    if not 0 <= int(k) <= net.L:
        raise InputError(f"layer k = {k}: need 0 <= k <= L = {net.L}")
    k = int(k)
    Ws = [FLOAT.array(w) for w in P.W]
    bs = [FLOAT.array(v) for v in P.b]
    net.check_parameters(Parameters(tuple(Ws), tuple(bs)))
    N = Xf.shape[0]
    F = Xf
    for l in range(1, k):
        G = F @ Ws[l - 1]
        G += bs[l - 1]
        apply_in_place(net.activation, G)
        F = G
    n = net.widths[k]
    out = np.empty((N, n + 1))
    if k == 0:
        out[:, :n] = Xf
    else:
        # row blocks through a small contiguous buffer: no N x n temporary besides the result
        block = default_block(n)
        tmp = np.empty((min(block, N), n))
        for s in range(0, N, block):
            e = min(s + block, N)
            t = tmp[: e - s]
            np.matmul(F[s:e], Ws[k - 1], out=t)
            t += bs[k - 1]
            apply_in_place(net.activation, t)
            out[s:e, :n] = t
    out[:, n] = 1.0
    return out


def batched_forward(sigma: Any, Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], X: np.ndarray) -> list[np.ndarray]:
    """``F_1..F_L`` for ``B`` networks at once: ``Ws[l]`` is ``B x n_l x n_{l+1}``, ``bs[l]`` is ``B x n_{l+1}``;
    returns arrays ``B x N x n_l``.  Memory linear in ``B``."""
    F = np.asarray(X, dtype=np.float64)
    out = []
    for W, b in zip(Ws, bs):
        G = np.matmul(F, W)  # (N x d) @ (B x d x n) broadcasts to B x N x n
        G += b[:, None, :]
        apply_in_place(sigma, G)
        out.append(G)
        F = G
    return out


def batched_layer_with_ones(sigma: Any, Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], X: np.ndarray) -> np.ndarray:
    """``[F_k, 1_N]`` for a batch of ``B`` networks (k = len(Ws)): a ``B x N x (n_k + 1)`` array."""
    sigma = activation(sigma)
    if not Ws or len(Ws) != len(bs):
        raise InputError("batched forward: give one weight stack and one bias stack per layer")
    X = np.asarray(X, dtype=np.float64)
    B = Ws[0].shape[0]
    F = X
    for W, b in zip(Ws[:-1], bs[:-1]):
        G = np.matmul(F, W)
        G += b[:, None, :]
        apply_in_place(sigma, G)
        F = G
    n = Ws[-1].shape[2]
    out = np.empty((B, X.shape[0], n + 1))
    np.matmul(F, Ws[-1], out=out[:, :, :n])
    out[:, :, :n] += bs[-1][:, None, :]
    apply_in_place(sigma, out[:, :, :n])
    out[:, :, n] = 1.0
    return out



# ---------------------------------------------------------------------------
# row-blocked Lemma 2.1 and Hessian-vector products
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FloatGradients:
    """Phi and the gradients of Lemma 2.1 in float64 (summed over row blocks)."""

    phi: float
    grad_W: tuple[np.ndarray, ...]
    grad_b: tuple[np.ndarray, ...]
    blocks: int

    def norm(self, layers: Sequence[int] | None = None) -> float:
        ks = range(1, len(self.grad_W) + 1) if layers is None else layers
        return math.sqrt(sum(float(np.sum(self.grad_W[k - 1] ** 2) + np.sum(self.grad_b[k - 1] ** 2)) for k in ks))


def _float_inputs(net: Network, P: Parameters, X: Any, Y: Any) -> tuple[Parameters, np.ndarray, np.ndarray]:
    Pf = P if all(isinstance(w, np.ndarray) and w.dtype == np.float64 for w in P.W + P.b) else float_parameters(P)[0]
    Xf = as_float_matrix(X, "X")
    Yf = as_float_matrix(Y, "Y")
    net.check_parameters(Pf)
    net.check_data(Xf, Yf)
    return Pf, Xf, Yf


def gradients(net: Network, P: Parameters, X: Any, Y: Any, loss: Any = "squared", block: int | None = None,
              progress: bool | None = None) -> FloatGradients:
    """Lemma 2.1 in float64, in row blocks: ``grad_{W_k} Phi = sum_blocks F_{k-1}^T Delta_k``, etc.

    Each block runs :func:`exactloss.net.backprop.backprop` with ``numbers="float"``.
    """
    Pf, Xf, Yf = _float_inputs(net, P, X, Y)
    N = Xf.shape[0]
    block = block or default_block(max(net.widths))
    phi = 0.0
    gW = [np.zeros(w.shape) for w in Pf.W]
    gb = [np.zeros(v.shape) for v in Pf.b]
    nb = 0
    bar = progress_bar(total=math.ceil(N / block), desc="gradients", enable=progress if N > 20000 else False)
    for s in range(0, N, block):
        g = backprop(net, Pf, Xf[s:s + block], Yf[s:s + block], loss, FLOAT)
        phi += float(g.phi)
        for k in range(net.L):
            gW[k] += g.grad_W[k]
            gb[k] += g.grad_b[k]
        nb += 1
        bar.update(1)
    bar.close()
    return FloatGradients(phi, tuple(gW), tuple(gb), nb)


def hvp(net: Network, P: Parameters, X: Any, Y: Any, loss: Any, V: Any, layers: Sequence[int] | None = None,
        block: int | None = None) -> Any:
    """A Hessian-vector product of Phi in float64, summed over row blocks of the data.

    ``V`` is the direction in :func:`exactloss.net.hessian.hvp`'s format (the R-operator
    is theirs; this adds the row blocks: ``H v = sum_blocks H_block v`` since Phi is
    a sum over samples).  The output has the same structure as one block's output.
    """
    Pf, Xf, Yf = _float_inputs(net, P, X, Y)
    N = Xf.shape[0]
    block = block or default_block(max(net.widths))
    total = None
    for s in range(0, N, block):
        h = hessian.hvp(net, Pf, Xf[s:s + block], Yf[s:s + block], loss, V, FLOAT, layers=layers)
        total = h if total is None else _tree_add(total, h)
    return total


def gradients_and_hvp(net: Network, P: Parameters, X: Any, Y: Any, loss: Any, V: Any,
                      layers: Sequence[int] | None = None, block: int | None = None) -> tuple[FloatGradients, Any]:
    """Lemma 2.1's gradients and one Hessian-vector product from one pass per row block.

    Each block builds one :class:`exactloss.net.hessian.SecondOrder` (whose primal
    pass *is* :func:`exactloss.net.backprop.backprop`) and reads the gradients off
    it, so the forward and backward passes are not repeated for the HVP.
    """
    Pf, Xf, Yf = _float_inputs(net, P, X, Y)
    N = Xf.shape[0]
    ls = hessian.chosen_layers(net, layers)
    flat = isinstance(V, np.ndarray) and V.ndim == 1
    pairs = hessian.unflatten(net, V, ls) if flat else list(V)
    block = block or default_block(max(net.widths))
    phi = 0.0
    gW = [np.zeros(w.shape) for w in Pf.W]
    gb = [np.zeros(v.shape) for v in Pf.b]
    total = None
    nb = 0
    for s in range(0, N, block):
        so = hessian.SecondOrder(net, Pf, Xf[s:s + block], Yf[s:s + block], loss, FLOAT)
        phi += float(so.g.phi)
        for k in range(net.L):
            gW[k] += so.g.grad_W[k]
            gb[k] += so.g.grad_b[k]
        h = so.hvp(pairs, ls)
        total = h if total is None else _tree_add(total, h)
        nb += 1
    return FloatGradients(phi, tuple(gW), tuple(gb), nb), (hessian.flatten(total) if flat else total)


def _tree_add(a: Any, b: Any) -> Any:
    if isinstance(a, np.ndarray) or np.isscalar(a):
        return a + b
    if isinstance(a, tuple) and hasattr(a, "_fields"):
        return type(a)(*(_tree_add(x, y) for x, y in zip(a, b)))
    if isinstance(a, (list, tuple)):
        return type(a)(_tree_add(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return {k: _tree_add(a[k], b[k]) for k in a}
    if hasattr(a, "__dataclass_fields__"):
        return replace(a, **{f.name: _tree_add(getattr(a, f.name), getattr(b, f.name)) for f in fields(a)
                             if f.init and _addable(getattr(a, f.name))})
    return a + b


def _addable(x: Any) -> bool:
    return isinstance(x, (np.ndarray, float, int, list, tuple, dict)) or hasattr(x, "__dataclass_fields__")
