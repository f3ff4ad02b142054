"""The float64 path at scale: lean forward maps, batched networks, row-blocked Lemma 2.1 and HVPs.

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
* **a rigorous forward-error bound** (:func:`forward_error_bound`): an upper
  bound of ``||F_k^float - F_k^exact||_F`` at the given (exact) parameters,
  with Higham's ``gamma_n`` for every matrix product (see
  :mod:`exactloss.floatpath.verified`), the conversion of non-float inputs (1/3)
  included; sigmoid and tanh values are checked against rigorous enclosures
  of ``exp`` built from IEEE operations only, softplus and user expressions
  against arb ball enclosures entrywise (:func:`activation_model`);
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
import sys
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from exactloss.errors import InputError, ShapeError
from exactloss.net.network import Network, Parameters
from exactloss.arith.systems import Float, rational_matrix

FLOAT = Float()

#: Lipschitz constants sup |sigma'| of the catalogue activations (for the forward-error bound).
LIPSCHITZ = {"sigmoid": 0.25, "tanh": 1.0, "softplus": 1.0, "identity": 1.0}
#: Assumed accuracy (in units of u = 2^-53, relative to the value) of the float64 activation:
#: scipy's expit = 1/(1 + exp(-x)), np.tanh, np.logaddexp(0, a x)/a.  glibc documents
#: max errors of 1-2 ulp for exp/tanh/log1p; 16 leaves a wide margin.  IEEE does not
#: guarantee it, which is why a bound using it says so.
ACTIVATION_ULPS = {"sigmoid": 16, "tanh": 16, "softplus": 16, "identity": 0}


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


def progress_bar(total: int, desc: str = "", enable: bool | None = None) -> Any:
    """A tqdm progress bar when tqdm is installed and ``enable`` (default: stderr is a terminal)."""
    if enable is None:
        enable = bool(getattr(sys.stderr, "isatty", lambda: False)())
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


def _rounding_bound(exact: np.ndarray, approx: np.ndarray) -> np.ndarray | None:
    """Entrywise float upper bounds of ``|exact - approx|`` (exact: object array of rationals); None when 0."""
    if exact.dtype != object:
        return None
    from exactloss.floatpath.verified import float_up

    out = np.zeros(approx.shape)
    nonzero = False
    for idx in np.ndindex(exact.shape):
        q = Fraction(exact[idx]) if not isinstance(exact[idx], Fraction) else exact[idx]
        diff = abs(q - Fraction(float(approx[idx])))
        if diff:
            out[idx] = float_up(diff)
            nonzero = True
    return out if nonzero else None


def float_parameters(P: Parameters) -> tuple[Parameters, dict]:
    """``(P_float, rounding)``: the parameters as float64 arrays (nearest) and entrywise bounds of the
    rounding ``|P_exact - P_float|`` (``rounding["W"][k-1]`` / ``["b"][k-1]``, None where exact)."""
    Ws = tuple(FLOAT.array(w) for w in P.W)
    bs = tuple(FLOAT.array(v) for v in P.b)
    rounding = {"W": tuple(_rounding_bound(np.asarray(w), wf) for w, wf in zip(P.W, Ws)),
                "b": tuple(_rounding_bound(np.asarray(v), vf) for v, vf in zip(P.b, bs))}
    return Parameters(Ws, bs), rounding


def default_block(width: int, target_bytes: int = 16 << 20) -> int:
    """Rows per block so that one ``block x width`` float64 array is about ``target_bytes``."""
    return max(64, int(target_bytes // (8 * max(int(width), 1))))


def _apply_in_place(sigma: Any, A: np.ndarray) -> None:
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
        _apply_in_place(net.activation, G)
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
            _apply_in_place(net.activation, t)
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
        _apply_in_place(sigma, G)
        out.append(G)
        F = G
    return out


def batched_layer_with_ones(sigma: Any, Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], X: np.ndarray) -> np.ndarray:
    """``[F_k, 1_N]`` for a batch of ``B`` networks (k = len(Ws)): a ``B x N x (n_k + 1)`` array."""
    from exactloss.net.activations import activation as _activation

    sigma = _activation(sigma)
    if not Ws or len(Ws) != len(bs):
        raise InputError("batched forward: give one weight stack and one bias stack per layer")
    X = np.asarray(X, dtype=np.float64)
    B = Ws[0].shape[0]
    F = X
    for W, b in zip(Ws[:-1], bs[:-1]):
        G = np.matmul(F, W)
        G += b[:, None, :]
        _apply_in_place(sigma, G)
        F = G
    n = Ws[-1].shape[2]
    out = np.empty((B, X.shape[0], n + 1))
    np.matmul(F, Ws[-1], out=out[:, :, :n])
    out[:, :, :n] += bs[-1][:, None, :]
    _apply_in_place(sigma, out[:, :, :n])
    out[:, :, n] = 1.0
    return out


# ---------------------------------------------------------------------------
# the rigorous forward-error bound
# ---------------------------------------------------------------------------


def _nonneg_matmul_upper(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Entrywise upper bounds of the exact ``P Q`` for non-negative float P, Q ((L3) of verified)."""
    from exactloss.floatpath.verified import ETA, sum_factor, up_fast as up

    n = P.shape[1]
    return up(up(P @ Q + 2 * n * ETA) * sum_factor(n))


def conversion_error(exact: Any, approx: np.ndarray) -> np.ndarray | None:
    """Entrywise float upper bounds of ``|exact - approx|`` for the float64 image ``approx`` of an exact
    (object) array of rationals; None when the conversion was exact (a float64 input, or a rational
    such as 1/2 that is a binary64 number).  ``1/3`` or ``1/10`` give a positive bound: their rounding
    is part of every transfer from a float64 computation to the exact inputs."""
    return _rounding_bound(np.asarray(exact), approx)


@dataclass(frozen=True)
class ActivationModel:
    """How the float64 values of ``sigma`` are related to its exact values (for the forward-error bound).

    ``kind``: ``"enclosure"`` (sigmoid/tanh: checked entrywise against the IEEE-only enclosures of
    :mod:`exactloss.floatpath.verified`), ``"ball"`` (any other activation with an arb counterpart: ``sigma`` is
    evaluated in arb on the ball ``[G~ - e_G, G~ + e_G]`` entrywise, which contains ``sigma`` of the exact
    ``G``), ``"exact"`` (``sigma(t) = t``: no rounding), ``"ulps"`` (a libm accuracy the caller stated).
    ``lipschitz``: ``sup |sigma'|`` where the kind needs it.  ``assumption``: in words.
    """

    kind: str
    lipschitz: float
    ulps: int
    assumption: str
    rel: float = 0.0


def enclosure_name(sigma: Any) -> str | None:
    """``"sigmoid"``/``"tanh"`` when ``sigma`` *is* that function (its SymPy expression equals the catalogue
    one, whatever it is called, e.g. the expression ``1/(1+exp(-t))``), else None."""
    from exactloss.net.activations import activation as _activation
    from exactloss.floatpath.verified import ENCLOSURES

    if getattr(sigma, "generic", False):
        return None
    for name in ENCLOSURES:
        if sigma.expr == _activation(name).expr:
            return name
    return None


def activation_model(sigma: Any, activation_ulps: int | None = None) -> tuple[ActivationModel | None, str]:
    """``(model, reason)``: the rigorous relation between the float64 activation and the exact one, or
    ``(None, why there is none)``.  Used by :func:`forward_error_bound` and :func:`forward_with_errors`."""
    from exactloss.floatpath.verified import U, float_up

    if getattr(sigma, "generic", False):
        return None, "the generic activation has no values: no forward-error model"
    if sigma.expr == sigma.var:
        return ActivationModel("exact", 1.0, 0, "none (the activation is the identity: exact in floating "
                               "point)"), ""
    name = sigma.name
    if activation_ulps is not None and int(activation_ulps) > 0:
        if name not in LIPSCHITZ:
            return None, (f"no Lipschitz constant for {sigma.describe()}: a stated libm accuracy cannot be "
                          "used; leave activation_ulps unset for the ball-arithmetic enclosure")
        c = int(activation_ulps)
        return ActivationModel("ulps", LIPSCHITZ[name], c,
                               f"the float activation {name} is within {c} ulp of its exact value (libm accuracy; "
                               "not guaranteed by IEEE 754)", float_up(Fraction(c + 1) * Fraction(U))), ""
    fast = enclosure_name(sigma)
    if fast is not None:
        return ActivationModel("enclosure", LIPSCHITZ[fast], -1,
                               "none: the float64 activation values are checked against rigorous IEEE-only "
                               "enclosures (exactloss.floatpath.verified.exp_enclosure)"), ""
    from exactloss.floatpath.verified import ball_enclosure_function

    f, why = ball_enclosure_function(sigma)
    if f is None:
        return None, f"no forward-error model for the activation {sigma.describe()}: {why}"
    return ActivationModel("ball", math.inf, -2,
                           "none: the float64 activation values are checked entrywise against arb ball "
                           f"enclosures of {sigma.describe()} over the forward-error interval of G"), ""


def _layer_step(sigma: Any, F: np.ndarray, eF: np.ndarray | None, W: np.ndarray, b: np.ndarray,
                dW: np.ndarray | None, db: np.ndarray | None, model: ActivationModel,
                keep_G: bool) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """One layer of :func:`forward_error_bound`: ``(G~ or None, F~', e_G, e_F')`` (see its docstring)."""
    from exactloss.floatpath.verified import ETA, activation_error, ball_activation_error, gamma, sum_factor, up_fast as up

    n_in = W.shape[0]
    absF, absW = np.abs(F), np.abs(W)
    terms = [up(gamma(n_in + 1) * up(_nonneg_matmul_upper(absF, absW) + np.abs(b)))]
    if eF is not None:
        terms.append(_nonneg_matmul_upper(eF, absW))
    if dW is not None:
        terms.append(_nonneg_matmul_upper(absF if eF is None else up(absF + eF), dW))
    if db is not None:
        terms.append(np.broadcast_to(db, terms[0].shape))
    eG = terms[0]
    for t in terms[1:]:
        eG = eG + t
    eG = up(up(eG + 2 * (n_in + 1) * ETA) * sum_factor(len(terms) + 1))
    G = F @ W
    G += b
    Gk = G.copy()
    _apply_in_place(sigma, G)
    with np.errstate(all="ignore"):
        if model.kind == "enclosure":  # |F~ - sigma(G)| <= |F~ - sigma(G~)| + Lip e_G
            eFn = up(up(model.lipschitz * eG) + activation_error(enclosure_name(sigma), Gk, G))
        elif model.kind == "ball":  # sigma over the ball [G~ +- e_G], which holds the exact G, in arb
            eFn = ball_activation_error(sigma, Gk, eG, G)
        elif model.kind == "exact":  # F~ = G~ (checked: any difference is added)
            eFn = eG if np.array_equal(G, Gk) else up(eG + up(np.abs(G - Gk)))
        else:
            eFn = up(up(up(model.lipschitz * eG) + up(model.rel * np.abs(G))) + ETA)
        eFn = np.where(np.isnan(eFn), np.inf, eFn)  # a NaN float value is at an unknown distance
    return (Gk if keep_G else None), G, eG, eFn


def forward_with_errors(net: Network, P: Parameters, X: np.ndarray, k: int | None = None,
                        activation_ulps: int | None = None) -> dict | None:
    """Float64 ``G_l``, ``F_l`` (l = 1..k, default L) with entrywise error bounds ``e_G``, ``e_F`` against the
    exact maps at ``P``, ``X`` (float64 arrays, taken as exact), as in :func:`forward_error_bound` but
    keeping every layer (whole arrays: for moderate N).  None when the activation has no error model."""
    model, _ = activation_model(net.activation, activation_ulps)
    if model is None:
        return None
    k = net.L if k is None else int(k)
    F, eF = np.asarray(X, dtype=np.float64), None
    out: dict[str, list] = {"G": [], "F": [F], "eG": [], "eF": [np.zeros_like(F)]}
    for l in range(1, k + 1):
        G, F, eG, eF = _layer_step(net.activation, F, eF, np.asarray(P.W[l - 1], dtype=np.float64),
                                   np.asarray(P.b[l - 1], dtype=np.float64), None, None, model, keep_G=True)
        out["G"].append(G)
        out["F"].append(F)
        out["eG"].append(eG)
        out["eF"].append(eF)
    out["activation_ulps"] = model.ulps
    out["activation_model"] = model.kind
    out["assumption"] = model.assumption
    return out


def forward_error_bound(net: Network, P: Parameters, X: Any, k: int, activation_ulps: int | None = None,
                        block: int | None = None, A: np.ndarray | None = None) -> tuple[float | None, dict]:
    """An upper bound of ``||F_k^float - F_k^exact||_F`` (hence of the 2-norm), or ``(None, info)``.

    ``P``, ``X``: the exact parameters/data (Fractions, or float arrays taken as
    exact).  ``F_k^float`` is ``A`` (its first ``n_k`` columns; e.g. ``[F_k, 1_N]`` from any float
    computation) or, by default, this function's own float64 forward pass (float-rounded inputs,
    float64 products, the float activation); ``k = 0`` bounds the conversion of ``X`` alone.  Per layer,
    with ``~`` for float values and ``e`` for entrywise error bounds (Higham's model,
    :mod:`exactloss.floatpath.verified`):

        e_G <= gamma_{n+1} (|F~| |W~| + |b~|) + e_F |W~| + (|F~| + e_F) d_W + d_b + 2 (n+1) eta
        e_F' <= Lip(sigma) e_G + |F~' - sigma(G~)|           (sigmoid, tanh: IEEE-only enclosures)
        e_F' <= max |F~' - sigma([G~ - e_G, G~ + e_G])|      (any other sigma: arb balls, entrywise)

    where ``d_W``, ``d_b`` bound the rounding of the inputs (``1/3`` is not a float: its conversion
    counts) and ``Lip(sigma) = sup |sigma'|``.  No assumption is left on libm: sigmoid and tanh values
    are checked against :func:`exactloss.floatpath.verified.activation_error`, every other activation (softplus,
    user expressions) against ball arithmetic (:func:`exactloss.floatpath.verified.ball_activation_error`);
    the identity is exact.  A caller may instead state a libm accuracy ``activation_ulps`` (then
    ``(c + 1) u |F~'|``, and every result says so).  With ``A`` given, ``|A - F~|`` is added
    entrywise: the bound is about ``A``.
    Each non-negative matrix product and sum is bounded above as in (L2)/(L3).
    Rows are independent, so the work runs in row blocks.
    """
    from exactloss.floatpath.verified import sum_factor, up, up_fast

    model, why = activation_model(net.activation, activation_ulps)
    if model is None and int(k) > 0:
        return None, {"reason": why}
    k = int(k)
    Pf, rnd = float_parameters(P)
    Xexact = X if isinstance(X, np.ndarray) else rational_matrix(X, "X")
    Xf = as_float_matrix(Xexact, "X")
    dX = _rounding_bound(np.asarray(Xexact), Xf)
    net.check_parameters(Pf)
    net.check_data(Xf)
    N = Xf.shape[0]
    n_k = net.widths[k]
    if A is not None:
        A = np.asarray(A, dtype=np.float64)
        if A.shape[0] != N or A.shape[1] not in (n_k, n_k + 1):
            raise ShapeError(f"the float matrix has shape {A.shape}; F_{k} is {N} x {n_k}")
    block = block or default_block(max(net.widths[: k + 1]))
    total = 0.0
    nsq = 0
    for s in range(0, N, block):
        F = Xf[s:s + block]
        eF = None if dX is None else dX[s:s + block]
        for l in range(1, k + 1):
            _, F, _, eF = _layer_step(net.activation, F, eF, Pf.W[l - 1], Pf.b[l - 1], rnd["W"][l - 1],
                                      rnd["b"][l - 1], model, keep_G=False)
        if A is not None:
            Ab = A[s:s + block, :n_k]
            if not np.array_equal(Ab, F):
                with np.errstate(all="ignore"):
                    d = up_fast(np.abs(Ab - F))  # one rounded subtraction (L1)
                    d = np.where(np.isnan(d), np.inf, d)
                eF = d if eF is None else up_fast(eF + d)
        if eF is not None:
            with np.errstate(all="ignore"):
                sq = up(eF * eF)  # x^2 <= up(fl(x^2)) (L1)
            total += float(np.sum(sq))
            nsq += sq.size
    if k == 0:
        info = {"activation_ulps": 0, "activation_model": "none", "lipschitz": None,
                "assumption": "none (k = 0: only the conversion of X to float64 is bounded)"}
    else:
        info = {"activation_ulps": model.ulps, "activation_model": model.kind, "lipschitz": model.lipschitz,
                "assumption": model.assumption}
    if nsq == 0:
        return 0.0, info
    if not math.isfinite(total):
        return math.inf, info
    bound = float(up(math.sqrt(float(up(total * sum_factor(nsq))))))
    return bound, info


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
    from exactloss.net.backprop import backprop

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


def _hessian_hvp():
    try:
        from exactloss.net.hessian import hvp as _hvp  # the theorems developer's R-operator
    except ImportError:
        return None
    return _hvp


def hvp(net: Network, P: Parameters, X: Any, Y: Any, loss: Any, V: Any, layers: Sequence[int] | None = None,
        block: int | None = None) -> Any:
    """A Hessian-vector product of Phi in float64, summed over row blocks of the data.

    ``V`` is the direction in :func:`exactloss.net.hessian.hvp`'s format (the R-operator
    is theirs; this adds the row blocks: ``H v = sum_blocks H_block v`` since Phi is
    a sum over samples).  The output has the same structure as one block's output.
    """
    _hvp = _hessian_hvp()
    if _hvp is None:
        raise InputError("exactloss.net.hessian is not available in this installation: no R-operator to call")
    Pf, Xf, Yf = _float_inputs(net, P, X, Y)
    N = Xf.shape[0]
    block = block or default_block(max(net.widths))
    total = None
    for s in range(0, N, block):
        h = _hvp(net, Pf, Xf[s:s + block], Yf[s:s + block], loss, V, FLOAT, layers=layers)
        total = h if total is None else _tree_add(total, h)
    return total


def gradients_and_hvp(net: Network, P: Parameters, X: Any, Y: Any, loss: Any, V: Any,
                      layers: Sequence[int] | None = None, block: int | None = None) -> tuple[FloatGradients, Any]:
    """Lemma 2.1's gradients and one Hessian-vector product from one pass per row block.

    Each block builds one :class:`exactloss.net.hessian.SecondOrder` (whose primal
    pass *is* :func:`exactloss.net.backprop.backprop`) and reads the gradients off
    it, so the forward and backward passes are not repeated for the HVP.
    """
    try:
        from exactloss.net.hessian import SecondOrder, _layers, unflatten, flatten
    except ImportError:
        raise InputError("exactloss.net.hessian is not available in this installation: no R-operator to call") from None
    Pf, Xf, Yf = _float_inputs(net, P, X, Y)
    N = Xf.shape[0]
    ls = _layers(net, layers)
    flat = isinstance(V, np.ndarray) and V.ndim == 1
    pairs = unflatten(net, V, ls) if flat else list(V)
    block = block or default_block(max(net.widths))
    phi = 0.0
    gW = [np.zeros(w.shape) for w in Pf.W]
    gb = [np.zeros(v.shape) for v in Pf.b]
    total = None
    nb = 0
    for s in range(0, N, block):
        so = SecondOrder(net, Pf, Xf[s:s + block], Yf[s:s + block], loss, FLOAT)
        phi += float(so.g.phi)
        for k in range(net.L):
            gW[k] += so.g.grad_W[k]
            gb[k] += so.g.grad_b[k]
        h = so.hvp(pairs, ls)
        total = h if total is None else _tree_add(total, h)
        nb += 1
    return FloatGradients(phi, tuple(gW), tuple(gb), nb), (flatten(total) if flat else total)


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
        from dataclasses import fields, replace

        return replace(a, **{f.name: _tree_add(getattr(a, f.name), getattr(b, f.name)) for f in fields(a)
                             if f.init and _addable(getattr(a, f.name))})
    return a + b


def _addable(x: Any) -> bool:
    return isinstance(x, (np.ndarray, float, int, list, tuple, dict)) or hasattr(x, "__dataclass_fields__")
