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
import os
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
from exactloss.net.losses import loss as _loss
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
                      layers: Sequence[int] | None = None, block: int | None = None,
                      kernel: bool | None = None) -> tuple[FloatGradients, Any]:
    """Lemma 2.1's gradients and one Hessian-vector product from one pass per row block.

    For the catalogue activations sigmoid, tanh and softplus with the squared loss
    (``kernel=None``, the default) a dedicated float64 kernel (:func:`_kernel_block`)
    evaluates the very formulas of :class:`exactloss.net.hessian.SecondOrder` and
    :func:`exactloss.net.backprop.backprop` with fused matrix products and
    preallocated buffers; anything else (``kernel=False``, user activations, other
    losses) goes through the generic code: each block builds one
    :class:`exactloss.net.hessian.SecondOrder` (whose primal pass *is*
    :func:`exactloss.net.backprop.backprop`) and reads the gradients off it, so the
    forward and backward passes are not repeated for the HVP.
    """
    Pf, Xf, Yf = _float_inputs(net, P, X, Y)
    N = Xf.shape[0]
    ls = hessian.chosen_layers(net, layers)
    flat = isinstance(V, np.ndarray) and V.ndim == 1
    pairs = hessian.unflatten(net, V, ls) if flat else list(V)
    act = _kernel_activation(net, loss) if kernel is not False else None
    if kernel and act is None:
        raise InputError("kernel=True: the float64 kernel covers sigmoid, tanh and softplus with the squared loss only")
    if act is not None:
        g, total = _kernel_gradients_and_hvp(act, net, Pf, Xf, Yf, pairs, ls, block)
        return g, (hessian.flatten(total) if flat else total)
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


# ---------------------------------------------------------------------------
# the dedicated float64 kernel: gradients + one HVP, catalogue activations, squared loss
# ---------------------------------------------------------------------------


def _kernel_activation(net: Network, loss: Any) -> tuple[str, float] | None:
    """``(name, alpha)`` when the float64 kernel covers ``net``'s activation with ``loss``, else None.

    Covered: the catalogue's sigmoid, tanh and softplus (any alpha) -- recognised by name *and* expression,
    so a user function that merely borrows a name is not -- with the catalogue's squared loss ``a^2``."""
    try:
        ell = _loss(loss)
    except Exception:
        return None
    if ell.generic or ell.name != "squared" or ell.expr != _loss("squared").expr:
        return None
    sigma = net.activation
    if sigma.generic or sigma.name not in ("sigmoid", "tanh", "softplus"):
        return None
    try:
        ref = activation(sigma.name, **dict(sigma.params))
    except Exception:
        return None
    if ref.expr != sigma.expr:
        return None
    return sigma.name, float(sigma.params.get("alpha", 1))


def _threads() -> int:
    """Threads for the elementwise work of the kernel (NumPy ufuncs release the GIL): ``OMP_NUM_THREADS``
    when set, else the CPUs this process may use; at most 8."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    try:
        want = int(os.environ.get("OMP_NUM_THREADS") or cpus)
    except ValueError:
        want = cpus
    return max(1, min(want, cpus, 8))


_POOL: dict[int, Any] = {}
if hasattr(os, "register_at_fork"):  # a forked child (verify's replays) has none of the parent's threads
    os.register_at_fork(after_in_child=_POOL.clear)
_CHUNK = 1 << 15  # elements per row chunk of one elementwise buffer (256 KiB of float64)


def _by_rows(fn: Any, m: int, width: int) -> None:
    """``fn(r0, r1)`` over the rows ``0..m`` -- in equal row chunks on a thread pool when the work is large
    (the elementwise passes are memory-bound and single-threaded in NumPy), else in one call."""
    t = _threads()
    step = max(1, _CHUNK // max(int(width), 1))  # rows per chunk: the chained passes stay in cache

    def run(r0: int, r1: int) -> None:
        for a in range(r0, r1, step):
            fn(a, min(a + step, r1))

    if t == 1 or m < 2 * t or m * width < (1 << 16):
        run(0, m)
        return
    from concurrent.futures import ThreadPoolExecutor

    pool = _POOL.get(t)
    if pool is None:
        pool = _POOL[t] = ThreadPoolExecutor(max_workers=t, thread_name_prefix="exactloss-fastpath")
    cuts = [m * i // t for i in range(t + 1)]
    for f in [pool.submit(run, cuts[i], cuts[i + 1]) for i in range(t)]:
        f.result()


def _activate(name: str, alpha: float, G: np.ndarray, F: np.ndarray, DS: np.ndarray, Q: np.ndarray) -> None:
    """``F = sigma(G)``, ``DS = sigma'(G)``, ``Q = sigma''(G) / sigma'(G)`` in place (G may be overwritten).

    sigmoid: ``s``, ``s(1 - s)``, ``1 - 2s``; tanh: ``t``, ``1 - t^2``, ``-2t``; softplus(alpha):
    ``log(1 + e^{alpha G})/alpha``, ``s = expit(alpha G)``, ``alpha (1 - s)`` (so ``DS * Q = sigma''``)."""
    with np.errstate(over="ignore", under="ignore"):
        if name == "sigmoid":
            # 1/(1 + e^{-G}): a few ulps, like scipy's expit, at about half its cost (SIMD exp)
            np.negative(G, out=F)
            np.exp(F, out=F)
            F += 1.0
            np.reciprocal(F, out=F)
            np.multiply(F, F, out=DS)
            np.subtract(F, DS, out=DS)
            np.multiply(F, -2.0, out=Q)
            Q += 1.0
        elif name == "tanh":
            np.tanh(G, out=F)
            np.multiply(F, F, out=DS)
            np.subtract(1.0, DS, out=DS)
            np.multiply(F, -2.0, out=Q)
        else:  # softplus
            if alpha != 1.0:
                G *= alpha
            np.negative(G, out=DS)
            np.exp(DS, out=DS)
            DS += 1.0
            np.reciprocal(DS, out=DS)
            np.logaddexp(0.0, G, out=F)
            np.subtract(1.0, DS, out=Q)
            if alpha != 1.0:
                F /= alpha
                Q *= alpha


def _kernel_gradients_and_hvp(act: tuple[str, float], net: Network, P: Parameters, X: np.ndarray, Y: np.ndarray,
                              pairs: Sequence[tuple[Any, Any]], ls: Sequence[int],
                              block: int | None) -> tuple[FloatGradients, list[tuple[np.ndarray, np.ndarray]]]:
    """Gradients (Lemma 2.1) and ``H_S v`` (the R-operator of :mod:`exactloss.net.hessian`) in float64.

    The formulas are :class:`exactloss.net.hessian.SecondOrder`'s with ``l = a^2`` (``l' = 2a``, ``l'' = 2``)
    and ``sigma'' = sigma' o Q`` (:func:`_activate`); layers outside ``ls`` have direction 0.  What is fused:

    * biases ride in the products: ``[X, 1] [[W_1, V_W1], [b_1, V_b1]]`` gives ``G_1`` and ``R{G_1}`` at once;
      above, ``[F_{k-1}, 1, R{F_{k-1}}]`` lives in one buffer, ``G_k = [F_{k-1}, 1] [W_k; b_k]`` and
      ``R{G_k} = [F_{k-1}, 1, R{F_{k-1}}] [V_Wk; V_bk; W_k]``;
    * ``[Delta_k, R{Delta_k}]`` lives in one buffer: ``[F_{k-1}, 1]^T [Delta_k, R{Delta_k}]`` gives the
      gradient, the bias gradient and two of the three HVP terms in one product, and
      ``R{Delta_{k+1}} W_{k+1}^T + Delta_{k+1} V_{W_{k+1}}^T = [Delta_{k+1}, R{Delta_{k+1}}] [V_W^T; W^T]``;
    * every block reuses one set of preallocated buffers (``out=`` everywhere).
    """
    name, alpha = act
    L = len(P.W)
    widths = [X.shape[1]] + [w.shape[1] for w in P.W]
    VW = [np.zeros((widths[k - 1], widths[k])) for k in range(1, L + 1)]
    Vb = [np.zeros(widths[k]) for k in range(1, L + 1)]
    for l, a, b in hessian.direction_blocks(net, pairs, ls):
        VW[l - 1], Vb[l - 1] = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    W, b = list(P.W), list(P.b)
    # stacked operands, once per call
    first = np.empty((widths[0] + 1, 2 * widths[1]))          # [[W_1, V_W1], [b_1, V_b1]]
    first[:-1, :widths[1]], first[:-1, widths[1]:] = W[0], VW[0]
    first[-1, :widths[1]], first[-1, widths[1]:] = b[0], Vb[0]
    Waug = [None] + [np.vstack([W[k], b[k][None, :]]) for k in range(1, L)]              # [W_k; b_k]
    Mfwd = [None] + [np.vstack([VW[k], Vb[k][None, :], W[k]]) for k in range(1, L)]     # [V_Wk; V_bk; W_k]
    WT = [np.ascontiguousarray(W[k].T) for k in range(L)]
    Mbwd = [np.vstack([VW[k].T, W[k].T]) for k in range(L)]                                # [V_W^T; W^T]
    N = X.shape[0]
    blk = max(1, min(int(block or default_block(max(widths))), N))
    # buffers (0-based layer index j = k - 1)
    XA = np.empty((blk, widths[0] + 1))
    GG1 = np.empty((blk, 2 * widths[1]))
    FF = [np.empty((blk, 2 * widths[k] + 1)) for k in range(1, L + 1)]  # [F_k, 1, R{F_k}]
    for j, A in enumerate(FF):
        A[:, widths[j + 1]] = 1.0
    Gb = [None] + [np.empty((blk, widths[k])) for k in range(2, L + 1)]
    RGb = [None] + [np.empty((blk, widths[k])) for k in range(2, L + 1)]
    DS = [np.empty((blk, widths[k])) for k in range(1, L + 1)]
    Q = [np.empty((blk, widths[k])) for k in range(1, L + 1)]
    DD = [np.empty((blk, 2 * widths[k])) for k in range(1, L + 1)]     # [Delta_k, R{Delta_k}]
    UP = [np.empty((blk, widths[k])) for k in range(1, L + 1)]
    BK = [np.empty((blk, widths[k])) for k in range(1, L + 1)]
    acc = [np.zeros((widths[k - 1] + 1, 2 * widths[k])) for k in range(1, L + 1)]   # [[gW, HW], [gb, Hb]]
    accR = [None] + [np.zeros((widths[k - 1], widths[k])) for k in range(2, L + 1)]  # R{F_{k-1}}^T Delta_k
    tmp = [np.empty_like(a) for a in acc]
    tmpR = [None if a is None else np.empty_like(a) for a in accR]
    phi = 0.0
    nb = 0
    for s in range(0, N, blk):
        e = min(s + blk, N)
        m = e - s
        xa = XA[:m]
        xa[:, :-1] = X[s:e]
        xa[:, -1] = 1.0
        # forward and R-forward
        for j in range(L):
            n = widths[j + 1]
            F, RF = FF[j][:m, :n], FF[j][:m, n + 1:]
            if j == 0:
                gg = GG1[:m]
                np.matmul(xa, first, out=gg)
                G, RG = gg[:, :n], gg[:, n:]
            else:
                G, RG = Gb[j][:m], RGb[j][:m]
                low = FF[j - 1][:m]
                np.matmul(low[:, :widths[j] + 1], Waug[j], out=G)
                np.matmul(low, Mfwd[j], out=RG)

            def fwd(r0: int, r1: int, G=G, RG=RG, F=F, RF=RF, ds=DS[j], q=Q[j]) -> None:
                _activate(name, alpha, G[r0:r1], F[r0:r1], ds[r0:r1], q[r0:r1])
                np.multiply(ds[r0:r1], RG[r0:r1], out=RF[r0:r1])

            _by_rows(fwd, m, n)
        # top: R = F_L - Y, Delta_L = 2 R o sigma', R{Delta_L} = 2 R{F_L} o sigma' + Delta_L o Q o R{G_L}
        j = L - 1
        n = widths[L]
        F, RF = FF[j][:m, :n], FF[j][:m, n + 1:]
        RG = GG1[:m, n:] if L == 1 else RGb[j][:m]
        D, RD = DD[j][:m, :n], DD[j][:m, n:]
        R = UP[j][:m]
        np.subtract(F, Y[s:e], out=R)
        phi += float(np.vdot(R, R))
        np.multiply(R, DS[j][:m], out=D)
        D *= 2.0
        np.multiply(RF, DS[j][:m], out=RD)
        RD *= 2.0
        t = BK[j][:m]
        np.multiply(D, Q[j][:m], out=t)
        t *= RG
        RD += t
        # backward and R-backward
        for j in range(L - 2, -1, -1):
            n = widths[j + 1]
            up, back = UP[j][:m], BK[j][:m]
            above = DD[j + 1][:m]
            np.matmul(above[:, :widths[j + 2]], WT[j + 1], out=up)       # Delta_{k+1} W_{k+1}^T
            np.matmul(above, Mbwd[j + 1], out=back)                       # R{Delta} W^T + Delta V_W^T
            RG = GG1[:m, n:] if j == 0 else RGb[j][:m]
            D, RD = DD[j][:m, :n], DD[j][:m, n:]

            def bwd(r0: int, r1: int, up=up, back=back, RG=RG, D=D, RD=RD, ds=DS[j], q=Q[j]) -> None:
                u, d, rd, dsr = up[r0:r1], D[r0:r1], RD[r0:r1], ds[r0:r1]
                np.multiply(u, dsr, out=d)
                np.multiply(back[r0:r1], dsr, out=rd)
                np.multiply(d, q[r0:r1], out=u)
                u *= RG[r0:r1]
                rd += u

            _by_rows(bwd, m, n)
        # accumulate [[gW, HW], [gb, Hb]] += [F_{k-1}, 1]^T [Delta_k, R{Delta_k}];  HW += R{F_{k-1}}^T Delta_k
        for j in range(L):
            low = xa if j == 0 else FF[j - 1][:m, :widths[j] + 1]
            target = acc[j] if nb == 0 else tmp[j]
            np.matmul(low.T, DD[j][:m], out=target)
            if nb:
                acc[j] += target
            if j:
                targetR = accR[j] if nb == 0 else tmpR[j]
                np.matmul(FF[j - 1][:m, widths[j] + 1:].T, DD[j][:m, :widths[j + 1]], out=targetR)
                if nb:
                    accR[j] += targetR
        nb += 1
    gW, gb, out = [], [], []
    for j in range(L):
        n = widths[j + 1]
        gW.append(acc[j][:-1, :n].copy())
        gb.append(acc[j][-1, :n].copy())
    for l in ls:
        j = l - 1
        n = widths[l]
        HW = acc[j][:-1, n:].copy()
        if j:
            HW += accR[j]
        out.append((HW, acc[j][-1, n:].copy()))
    return FloatGradients(phi, tuple(gW), tuple(gb), nb), out


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
