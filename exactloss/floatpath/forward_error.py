"""The rigorous forward-error bound: how far the float64 forward pass is from the exact ``F_k`` (Section 2).

:func:`forward_error_bound` gives an upper bound of ``||F_k^float - F_k^exact||_F`` at the given (exact)
parameters and data, with Higham's ``gamma_n`` for every matrix product
(:mod:`exactloss.floatpath.rounding`) and the conversion of non-float inputs (1/3) included; it is the
``delta`` of the float-to-exact transfer (:mod:`exactloss.floatpath.transfer`).
:func:`forward_with_errors` keeps every layer with its entrywise error bounds (for the quantitative
Lemma 3.5 at scale).  How the float activation relates to the exact one is an
:class:`ActivationModel` (:func:`activation_model`): sigmoid and tanh values are checked against
rigorous enclosures of ``exp`` built from IEEE operations only, softplus and user expressions against
arb ball enclosures entrywise (:mod:`exactloss.floatpath.enclosures`), the identity is exact.

>>> import numpy as np
>>> from exactloss import Network
>>> net = Network((2, 3, 1), "sigmoid")
>>> bound, info = forward_error_bound(net, net.random_parameters(seed=1), np.array([[0.5, 1.0]]), 1)
>>> 0 < bound < 1e-14, info["assumption"].startswith("none")
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.arith.systems import rational_matrix
from exactloss.errors import ShapeError
from exactloss.floatpath.enclosures import activation_error, ball_activation_error, ball_enclosure_function, \
    enclosure_name
from exactloss.floatpath.fastpath import apply_in_place, as_float_matrix, default_block, float_parameters
from exactloss.floatpath.rounding import ETA, U, conversion_error, dot_upper, float_up, gamma, sum_factor, up, \
    up_fast
from exactloss.net.network import Network, Parameters

#: Lipschitz constants sup |sigma'| of the catalogue activations (for the forward-error bound).
LIPSCHITZ = {"sigmoid": 0.25, "tanh": 1.0, "softplus": 1.0, "identity": 1.0}
#: Assumed accuracy (in units of u = 2^-53, relative to the value) of the float64 activation:
#: scipy's expit = 1/(1 + exp(-x)), np.tanh, np.logaddexp(0, a x)/a.  glibc documents
#: max errors of 1-2 ulp for exp/tanh/log1p; 16 leaves a wide margin.  IEEE does not
#: guarantee it, which is why a bound using it says so.
ACTIVATION_ULPS = {"sigmoid": 16, "tanh": 16, "softplus": 16, "identity": 0}


@dataclass(frozen=True)
class ActivationModel:
    """How the float64 values of ``sigma`` are related to its exact values (for the forward-error bound).

    ``kind``: ``"enclosure"`` (sigmoid/tanh: checked entrywise against the IEEE-only enclosures of
    :mod:`exactloss.floatpath.enclosures`), ``"ball"`` (any other activation with an arb counterpart: ``sigma`` is
    evaluated in arb on the ball ``[G~ - e_G, G~ + e_G]`` entrywise, which contains ``sigma`` of the exact
    ``G``), ``"exact"`` (``sigma(t) = t``: no rounding), ``"ulps"`` (a libm accuracy the caller stated).
    ``lipschitz``: ``sup |sigma'|`` where the kind needs it.  ``assumption``: in words.
    """

    kind: str
    lipschitz: float
    ulps: int
    assumption: str
    rel: float = 0.0


def activation_model(sigma: Any, activation_ulps: int | None = None) -> tuple[ActivationModel | None, str]:
    """``(model, reason)``: the rigorous relation between the float64 activation and the exact one, or
    ``(None, why there is none)``.  Used by :func:`forward_error_bound` and :func:`forward_with_errors`."""
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
                               "enclosures (exactloss.floatpath.enclosures.exp_enclosure)"), ""
    f, why = ball_enclosure_function(sigma)
    if f is None:
        return None, f"no forward-error model for the activation {sigma.describe()}: {why}"
    return ActivationModel("ball", math.inf, -2,
                           "none: the float64 activation values are checked entrywise against arb ball "
                           f"enclosures of {sigma.describe()} over the forward-error interval of G"), ""


def column_gammas(W: np.ndarray) -> np.ndarray:
    """``gamma_{m_j + 1}`` for every column j of the float ``W``, ``m_j`` = its number of non-zero entries.

    The computed ``(F W)_ij + b_j`` is a sum of ``m_j`` rounded products and ``b_j``: a product with an
    exact zero is an exact zero and adding an exact zero is exact, so in any summation order (BLAS blocks,
    FMA) at most ``m_j`` of the additions and multiplications on a term's way to the result round
    (Higham's argument, Section 3.1, counted on the non-zero terms only).  A sparse layer (Lemma 4.3's
    construction: one non-zero row in a 1796-unit layer) gets ``gamma_2`` instead of ``gamma_1797``.
    """
    nnz = np.count_nonzero(W, axis=0)
    table = {int(m): gamma(int(m) + 1) for m in np.unique(nnz)}
    return np.asarray([table[int(m)] for m in nnz], dtype=np.float64)


def layer_step(sigma: Any, F: np.ndarray, eF: np.ndarray | None, W: np.ndarray, b: np.ndarray,
               dW: np.ndarray | None, db: np.ndarray | None, model: ActivationModel,
               keep_G: bool) -> tuple[np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """One layer of :func:`forward_error_bound`: ``(G~ or None, F~', e_G, e_F')`` (see its docstring)."""
    n_in = W.shape[0]
    absF, absW = np.abs(F), np.abs(W)
    terms = [up_fast(column_gammas(W) * up_fast(dot_upper(absF, absW, fast=True) + np.abs(b)))]
    if eF is not None:
        terms.append(dot_upper(eF, absW, fast=True))
    if dW is not None:
        terms.append(dot_upper(absF if eF is None else up_fast(absF + eF), dW, fast=True))
    if db is not None:
        terms.append(np.broadcast_to(db, terms[0].shape))
    eG = terms[0]
    for t in terms[1:]:
        eG = eG + t
    eG = up_fast(up_fast(eG + 2 * (n_in + 1) * ETA) * sum_factor(len(terms) + 1))
    G = F @ W
    G += b
    Gk = G.copy()
    apply_in_place(sigma, G)
    with np.errstate(all="ignore"):
        if model.kind == "enclosure":  # |F~ - sigma(G)| <= |F~ - sigma(G~)| + Lip e_G
            eFn = up_fast(up_fast(model.lipschitz * eG) + activation_error(enclosure_name(sigma), Gk, G))
        elif model.kind == "ball":  # sigma over the ball [G~ +- e_G], which holds the exact G, in arb
            eFn = ball_activation_error(sigma, Gk, eG, G)
        elif model.kind == "exact":  # F~ = G~ (checked: any difference is added)
            eFn = eG if np.array_equal(G, Gk) else up_fast(eG + up_fast(np.abs(G - Gk)))
        else:
            eFn = up_fast(up_fast(up_fast(model.lipschitz * eG) + up_fast(model.rel * np.abs(G))) + ETA)
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
        G, F, eG, eF = layer_step(net.activation, F, eF, np.asarray(P.W[l - 1], dtype=np.float64),
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
    :mod:`exactloss.floatpath.rounding`):

        e_G <= gamma_{n+1} (|F~| |W~| + |b~|) + e_F |W~| + (|F~| + e_F) d_W + d_b + 2 (n+1) eta
        e_F' <= Lip(sigma) e_G + |F~' - sigma(G~)|           (sigmoid, tanh: IEEE-only enclosures)
        e_F' <= max |F~' - sigma([G~ - e_G, G~ + e_G])|      (any other sigma: arb balls, entrywise)

    where ``d_W``, ``d_b`` bound the rounding of the inputs (``1/3`` is not a float: its conversion
    counts) and ``Lip(sigma) = sup |sigma'|``.  No assumption is left on libm: sigmoid and tanh values
    are checked against :func:`exactloss.floatpath.enclosures.activation_error`, every other activation
    (softplus, user expressions) against ball arithmetic
    (:func:`exactloss.floatpath.enclosures.ball_activation_error`); the identity is exact.  A caller may
    instead state a libm accuracy ``activation_ulps`` (then ``(c + 1) u |F~'|``, and every result says
    so).  With ``A`` given, ``|A - F~|`` is added entrywise: the bound is about ``A``.
    Each non-negative matrix product and sum is bounded above as in (L2)/(L3).
    Rows are independent, so the work runs in row blocks.
    """
    model, why = activation_model(net.activation, activation_ulps)
    if model is None and int(k) > 0:
        return None, {"reason": why}
    k = int(k)
    Pf, rnd = float_parameters(P)
    Xexact = X if isinstance(X, np.ndarray) else rational_matrix(X, "X")
    Xf = as_float_matrix(Xexact, "X")
    dX = conversion_error(Xexact, Xf)
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
            _, F, _, eF = layer_step(net.activation, F, eF, Pf.W[l - 1], Pf.b[l - 1], rnd["W"][l - 1],
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
