"""Lemma 3.5, quantitative form, at scale: a certified bound on Phi from float64 work with rigorous error bounds.

The derivation is :mod:`exactloss.paper.lemma_3_5.quantitative`'s (``g_{k+1} = [F_k, 1_N]^T Delta_{k+1}``,
``s_k = sigma_min([F_k, 1_N])``, ``m_l = min |sigma'(G_l)|``)::

    Phi - min Phi <= Phi <= ( ||g_{k+1}||_F / (2 s_k prod_{l=k+1}^{L-1} (m_l sigma_min(W_{l+1})) m_L) )^2;

here every factor comes from float64 work whose rounding is bounded (:mod:`exactloss.floatpath`), so
networks with thousands of samples are in reach (:func:`lemma_3_5_float`, the check
``lemma-3.5-scale``).  Memory: the layers below ``k`` and the forward pass's copies of ``F_k``, ``e_{F_k}`` are
freed before the ``O(N^3)`` certificate of ``s_k``, and the enclosures run on cache-sized pieces, so at
``N = 4096`` (widths ``(10, N, 3)``) the peak is about 7 ``N x N`` float64 matrices instead of 23.  The
theorem seen acting, wide beside narrow: :func:`scale_demo` (float64, a
scikit-learn data set, the ``demo`` command) and :func:`wide_and_narrow` (small, ball arithmetic).

>>> r = lemma_3_5_scale(samples=20, dim=2)
>>> r.holds, r.level
(True, 'certified')
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.arith.systems import rational_matrix
from exactloss.errors import InputError
from exactloss.evidence import Result
from exactloss.floatpath.certificates import full_column_rank_float
from exactloss.floatpath.datasets import dataset, synthetic
from exactloss.floatpath.enclosures import derivative_error, enclosure_name
from exactloss.floatpath.fastpath import FLOAT, as_float_matrix, float_parameters
from exactloss.floatpath.forward_error import forward_with_errors
from exactloss.floatpath.rounding import U, conversion_error, down, float_up, frobenius_upper, gamma, inflate, up
from exactloss.floatpath.training import fit_top_layer, train, train_float
from exactloss.floatpath.transfer import certify_exact
from exactloss.net.network import Network, random_float_parameters
from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound
from exactloss.registry import Instance, Option, register

#: ``sup |sigma''|`` (upper bounds): sigmoid 1/(6 sqrt 3) = 0.0962..., tanh 4/(3 sqrt 3) = 0.7698..., identity 0.
LIPSCHITZ_D1 = {"sigmoid": 0.1, "tanh": 0.77, "identity": 0.0}


def lemma_3_5_float(net: Any, P: Any, X: Any, Y: Any, k: int | None = None,
                    activation_ulps: int | None = None) -> Result:
    """Quantitative Lemma 3.5 at scale (squared loss): ``Phi <= (||g_{k+1}||_F / (2 s_k prod_l m_l s(W_{l+1}) m_L))^2``.

    The derivation is :mod:`exactloss.paper.lemma_3_5.quantitative`'s (``g_{k+1} = [F_k, 1_N]^T Delta_{k+1}``,
    ``s_k = sigma_min([F_k, 1_N])``, ``m_l = min |sigma'(G_l)|``); here every factor comes from float64
    work with rigorous error bounds: ``s_k`` from :func:`exactloss.floatpath.transfer.certify_exact` (exact
    ``F_k``), ``sigma_min(W_l)`` from :func:`exactloss.floatpath.certificates.full_column_rank_float`, and
    ``||g_{k+1}||_F``, ``m_l`` from the float values plus entrywise bounds of their distance to the exact ones,
    propagated through the forward maps (:func:`exactloss.floatpath.forward_error.forward_with_errors`) and back
    through Lemma 2.1:

    * ``e(sigma'(G))  <= sup|sigma''| e_G + (2c+4) u`` (absolute: ``s(1-s)`` cancels where the unit saturates;
      c: the activation accuracy assumption),
    * ``e(l'(F_L - Y)) = 2 (e_{F_L} + 2u |F_L~ - Y|)`` (``Y`` float, exact),
    * products ``|ab - a~b~| <= |a~| e_b + e_a |b~| + e_a e_b`` plus ``2u |fl(a~ b~)|``,
    * matrix products ``gamma_n |A~||B~| + e_A |B~| + (|A~| + e_A) e_B + 2 n eta``.

    ``P``, ``X``, ``Y``: the given inputs; the statement is about the exact ``Phi`` at these numbers.
    Float64 arrays are exact; inputs that are not float64 numbers (1/3) make the statement undecided
    (``missing`` names their conversion; the bound for the rounded inputs is kept in
    ``details["loss_bound_for_rounded_inputs"]``).  ``s_k`` is transferred from the float matrix
    to the exact ``[F_k, 1_N]`` by :func:`exactloss.floatpath.transfer.certify_exact` with the forward errors
    ``e_{F_k}``.
    ``holds`` True with ``details["loss_bound"]`` when every factor is certified (sigmoid, tanh,
    identity: no assumption unless ``activation_ulps`` is stated); None with ``missing`` otherwise;
    False (proved) when condition (1) fails by the shape of ``[F_k, 1_N]``.
    """
    t0 = time.perf_counter()

    if all(isinstance(w, np.ndarray) and w.dtype == np.float64 for w in P.W + P.b):
        Pf, rounded = P, []
    else:
        Pf, rnd = float_parameters(P)
        rounded = [f"W_{i + 1}" for i, r in enumerate(rnd["W"]) if r is not None] + \
                  [f"b_{i + 1}" for i, r in enumerate(rnd["b"]) if r is not None]
    Xf, Yf = as_float_matrix(X, "X"), as_float_matrix(Y, "Y")
    for M, Mf, nm in ((X, Xf, "X"), (Y, Yf, "Y")):
        if not (isinstance(M, np.ndarray) and M.dtype.kind in "f"):
            if conversion_error(rational_matrix(M, nm), Mf) is not None:
                rounded.append(nm)
    net.check_parameters(Pf)
    net.check_data(Xf, Yf)
    L, N = net.L, Xf.shape[0]
    k = L - 1 if k is None else int(k)
    if not 0 <= k <= L - 1:
        raise InputError(f"layer k = {k}: Lemma 3.5 needs k in [0, L-1] = [0, {L - 1}]")
    sigma = net.activation
    name = enclosure_name(sigma) or ("identity" if not sigma.generic and sigma.expr == sigma.var else sigma.name)
    inst = {"widths": list(net.widths), "samples": N, "k": k, "activation": net.activation.describe(),
            "loss": "squared", "numbers": "float"}
    fw = forward_with_errors(net, Pf, Xf, L, activation_ulps) if name in LIPSCHITZ_D1 else None
    if fw is None or name not in LIPSCHITZ_D1:
        return Result("Lemma 3.5 (quantitative, float)", None, None, reason=f"no error model for {name}: use the "
                      "ball-arithmetic lemma-3.5 check", instance=inst, seconds=time.perf_counter() - t0)
    c = fw["activation_ulps"]
    two_u = float_up(2 * Fraction(U))
    lip2 = LIPSCHITZ_D1[name]
    # sigma'(G~) in float: sigmoid s (1 - s) and tanh 1 - t^2 lose *relative* accuracy where the unit saturates
    # (cancellation in 1 - s), so their error is bounded in absolute terms: with |s - sigma| <= c u,
    # |s(1 - s) - sigma(1 - sigma)| <= |s - sigma| |1 - s - sigma| <= c u, plus 2 roundings; tanh: 2 c u + 3 u.
    # For sigmoid/tanh the float derivative is checked against a rigorous enclosure instead (derivative_error).
    abs_d1 = float_up(Fraction(2 * c + 4) * Fraction(U)) if c > 0 else 0.0
    sd, esd = {}, {}
    for l in range(k + 1, L + 1):
        d1 = np.asarray(net.activation.d(FLOAT, fw["G"][l - 1]))
        sd[l] = d1
        dev = derivative_error(name, fw["G"][l - 1], d1) if c < 0 else None
        esd[l] = inflate(lip2 * fw["eG"][l - 1] + (dev if dev is not None else abs_d1), 2)
    Rr = fw["F"][L] - Yf
    eR = inflate(fw["eF"][L] + two_u * np.abs(Rr), 2)
    lp, elp = 2.0 * Rr, 2.0 * eR  # exact scalings
    D = lp * sd[L]
    eD = inflate(np.abs(lp) * esd[L] + elp * np.abs(sd[L]) + elp * esd[L] + two_u * np.abs(D), 8)
    for l in range(L - 1, k, -1):
        W = np.asarray(Pf.W[l], dtype=np.float64)  # W_{l+1}
        n = W.shape[1]
        Pm = D @ W.T
        absWT = np.abs(W.T)
        eP = inflate(gamma(n) * (np.abs(D) @ absWT) + eD @ absWT, 3 + 2 * n)
        D = Pm * sd[l]
        eD = inflate(np.abs(Pm) * esd[l] + eP * np.abs(sd[l]) + eP * esd[l] + two_u * np.abs(D), 8)
    Fk, eFk = fw["F"][k], fw["eF"][k]
    for l in range(k):  # the layers below k are not needed any more (N x n_l arrays: free them)
        fw["G"][l] = fw["eG"][l] = None
        if l > 0:
            fw["F"][l] = fw["eF"][l] = None
    absD = np.abs(D)
    gW, gb = Fk.T @ D, D.sum(axis=0)
    absF = np.abs(Fk)  # one N x n_k temporary: |F_k|, then |F_k| + e_{F_k} in place (the same values)
    t1 = absF.T @ absD
    absF += eFk
    egW = inflate(gamma(N) * t1 + eFk.T @ absD + absF.T @ eD, 4 + 3 * N)
    del absF, t1
    egb = inflate(gamma(N) * absD.sum(axis=0) + eD.sum(axis=0), 2 + 2 * N)
    g_up = float(up(frobenius_upper(np.concatenate([gW.ravel(), gb])) +
                    frobenius_upper(np.concatenate([egW.ravel(), egb]))))
    factors: dict[str, Any] = {f"||grad_{k + 1}||_F (upper)": g_up,
                               f"||grad_{k + 1}||_F (float)": float(np.sqrt(np.sum(gW ** 2) + np.sum(gb ** 2)))}
    # s_k: sigma_min of the exact [F_k, 1_N] at (Pf, Xf), from the float matrix and the entrywise forward error
    # e_{F_k} already bounded above (k = 0: [X, 1_N] is exact)
    delta = frobenius_upper(eFk) if k else 0.0
    A = np.concatenate([Fk, np.ones((N, 1))], axis=1)
    if k:  # F_k lives on in A: free the forward pass's copies before the O(N^3) certificate
        fw["F"][k] = fw["eF"][k] = None
        del Fk, eFk
    about = f"the exact [F_{k}, 1_N]" if k else "[X, 1_N]"
    ck = certify_exact(A, delta, about, assumption=fw["assumption"], estimate=False)
    del A
    cinfo = {"certifies": ck.certifies}
    factors[f"s_{k} = sigma_min([F_{k}, 1_N]) (lower)"] = ck.sigma_min_lower if ck.full else None
    if ck.float_matrix and not ck.full:
        factors[f"s_{k} of the float64 matrix only (lower; not the exact matrix)"] = ck.float_matrix["sigma_min_lower"]
    failed = None if ck.full else f"(1) rank([F_{k}, 1_N]) = N: {ck.missing or ck.note or 'not certified'}"
    denom = ck.sigma_min_lower if ck.full else 0.0
    for l in range(k + 1, L + 1):
        m_l = float(down(np.min(down(np.abs(sd[l]) - esd[l]))))
        m_l = max(m_l, 0.0)
        factors[f"m_{l} = min |sigma'(G_{l})| (lower)"] = m_l
        denom = float(down(denom * m_l))
        if m_l <= 0 and failed is None:
            failed = f"m_{l} = min |sigma'(G_{l})| is not certified positive"
        if l < L:
            W = np.asarray(Pf.W[l], dtype=np.float64)
            cw = full_column_rank_float(W)
            factors[f"sigma_min(W_{l + 1}) (lower)"] = cw.sigma_min_lower if cw.full else None
            if not cw.full and failed is None:
                failed = f"(2) rank(W_{l + 1}) = n_{l + 1}: {cw.note or 'not certified'}"
            denom = float(down(denom * (cw.sigma_min_lower if cw.full else 0.0)))
    phi = float(np.sum(Rr * Rr))
    details: dict[str, Any] = {"factors": factors, "Phi_float": phi, "certifies": cinfo.get("certifies"),
                               "assumption": fw["assumption"], "inputs_rounded": rounded}
    if failed is not None or not denom > 0:
        details["loss_bound"] = None
        refuted = ck.full is False  # condition (1) fails by the shape of [F_k, 1_N]: proved
        return Result("Lemma 3.5 (quantitative, float)", False if refuted else None, "proved" if refuted else None,
                      reason=f"no bound: {failed}", instance=inst, details=details,
                      failed_hypothesis=failed if refuted else None, missing=None if refuted else failed,
                      seconds=time.perf_counter() - t0)
    lp_bound = float(up(g_up / denom))
    bound = float(up(up(lp_bound * 0.5) ** 2))
    if rounded:
        # every factor is rigorous for the float64-rounded inputs, which are not the given ones: the bound is
        # not transferred to the given rationals, so the statement about them is undecided
        missing = (f"the float64 conversion of the inputs {', '.join(rounded)} (not float64 numbers, e.g. 1/3): the "
                   "bound is certified for the rounded inputs only; use the ball-arithmetic lemma-3.5 check")
        details.update({"loss_bound": None, "loss_bound_for_rounded_inputs": bound,
                        "about": "loss_bound_for_rounded_inputs is about the float64-rounded inputs, NOT the given"})
        return Result("Lemma 3.5 (quantitative, float)", None, None, reason=f"undecided: missing {missing}",
                      instance=inst, details=details, missing=missing, seconds=time.perf_counter() - t0)
    details.update({"l_prime_norm_bound": lp_bound, "loss_bound": bound,
                    "ratio_bound_over_Phi": bound / phi if phi > 0 else None})
    return Result("Lemma 3.5 (quantitative, float)", True, "certified",
                  statement="Phi - min Phi <= Phi <= (||grad_{k+1}||_F / (2 s_k prod m_l sigma_min(W_{l+1}) m_L))^2",
                  reason=(f"Phi <= {bound:.6g} (float Phi = {phi:.6g}); ||grad_{k + 1}||_F <= {g_up:.3g}, "
                          f"s_{k} >= {ck.sigma_min_lower:.3g}; every factor from float64 with rigorous rounding "
                          f"bounds; assumption: {fw['assumption']}"),
                  instance=inst, details=details, seconds=time.perf_counter() - t0)


def lemma_3_5_scale(samples: int = 200, dim: int = 5, width: int | None = None, activation: str = "sigmoid",
                    seed: int = 0, fit: bool = True) -> Result:
    """Quantitative Lemma 3.5 on the float path: a wide network ``(d, n_1, 2)`` (``n_1 = N`` by default) on
    synthetic data, its top layer fitted by least squares (``fit``) to an approximate critical point, then
    :func:`lemma_3_5_float` (every factor certified by float64 bounds)."""
    N = int(samples)
    if N < 2:
        raise InputError(f"samples = {samples}: need at least 2")
    n1 = N if width is None else int(width)
    X, Y = synthetic(N, int(dim), 2, seed=seed)
    net = Network((int(dim), n1, 2), activation)
    P = random_float_parameters(net.widths, seed=seed, scale=1.0)
    if fit:
        P = fit_top_layer(net, P, X, Y)
    return lemma_3_5_float(net, P, X, Y, k=1)


register(
    "lemma-3.5-scale", "Lemma 3.5 (scale)", lemma_3_5_scale,
    "quantitative Lemma 3.5 at scale: certified bound on Phi at an approximate critical point (float64 bounds)",
    options=(Option("--samples", "samples", int, 200, "number of samples N"),
             Option("--dim", "dim", int, 5, "input dimension d"),
             Option("--width", "width", int, None, "width n_1 (default N)"),
             Option("--activation", "activation", str, "sigmoid", "activation (sigmoid, tanh)"),
             Option("--seed", "seed", int, 0, "seed")),
    instances=(Instance({"samples": 300, "dim": 5}, label="N=300, sigmoid, n_1=N, lstsq critical point"),
               Instance({"samples": 100, "dim": 4, "width": 20}, expect=False, label="n_1 < N - 1: condition (1) fails")),
    order=3.0051,
)


# ---------------------------------------------------------------------------
# wide beside narrow: the theorem seen acting on trained networks
# ---------------------------------------------------------------------------


def scale_demo(name: str = "digits", samples: int | None = None, narrow: int = 32, maxiter: int = 200,
               seed: int = 0, progress: bool | None = None, out: Any = None) -> dict:
    """Lemma 3.5 at scale on a scikit-learn data set (default digits, N = 1797), wide beside narrow.

    *Wide*: widths ``(d, N, m)`` (``n_1 = N >= N - 1``), a random first layer
    (``N(0, 1)`` weights), the top layer fitted by least squares then polished
    by L-BFGS (:func:`exactloss.floatpath.training.train_float`); then the certified rank of ``[F_1, 1_N]`` and
    the quantitative Lemma 3.5 bound (:func:`lemma_3_5_float`).
    *Narrow*: widths ``(d, narrow, m)`` trained by L-BFGS from random; its
    ``rank [F_1, 1_N] <= narrow + 1 < N`` (by shape), so Lemma 3.5 gives
    nothing and the loss stays above zero.  Prints a side-by-side summary
    (to ``out``, default stdout) and returns the figures.
    """
    out = out or sys.stdout
    X, Y, info = dataset(name, samples, seed=seed)
    N, d = X.shape
    m = Y.shape[1]
    print(f"data: {info['name']}, N = {N}, d = {d}, m = {m} ({info.get('source', 'synthetic')}; "
          f"{info.get('duplicates_removed', 0)} duplicate rows removed)", file=out)
    res: dict[str, Any] = {"data": info}
    # wide
    net = Network((d, N, m), "sigmoid")
    t0 = time.perf_counter()
    P0 = random_float_parameters(net.widths, seed=seed, scale=1.0)
    Pw, tw = train_float(net, X, Y, P0=P0, layers=[net.L], init="lstsq", maxiter=min(maxiter, 50), progress=progress)
    rw = lemma_3_5_float(net, Pw, X, Y, k=1)
    res["wide"] = {"widths": list(net.widths), "train": tw, "lemma_3_5": rw.to_json(), "seconds": time.perf_counter() - t0}
    # narrow
    netn = Network((d, int(narrow), m), "sigmoid")
    t0 = time.perf_counter()
    Pn, tn = train_float(netn, X, Y, P0=random_float_parameters(netn.widths, seed=seed), maxiter=maxiter, progress=progress)
    rn = lemma_3_5_float(netn, Pn, X, Y, k=1)
    res["narrow"] = {"widths": list(netn.widths), "train": tn, "lemma_3_5": rn.to_json(),
                     "seconds": time.perf_counter() - t0}
    fw = rw.details.get("factors", {})
    print(f"{'':30} {'wide (d, N, m)':>24} {'narrow (d, ' + str(narrow) + ', m)':>24}", file=out)
    rows = [
        ("widths", str(tuple(net.widths)), str(tuple(netn.widths))),
        ("Phi after training", f"{tw['phi']:.3e}", f"{tn['phi']:.3e}"),
        ("||grad Phi|| (float)", f"{tw['grad_norm']:.3e}", f"{tn['grad_norm']:.3e}"),
        ("rank [F_1, 1_N] = N", f"{'certified' if fw.get('s_1 = sigma_min([F_1, 1_N]) (lower)') else 'no'}",
         f"no: rank <= {narrow + 1} < {N}"),
        ("sigma_min([F_1, 1_N]) >=", f"{fw.get('s_1 = sigma_min([F_1, 1_N]) (lower)') or 0:.3e}", "-"),
        ("Lemma 3.5 bound on Phi", f"{rw.details.get('loss_bound') or float('nan'):.3e}",
         "none (condition (1) fails)"),
    ]
    for a, b, c in rows:
        print(f"{a:30} {b:>24} {c:>24}", file=out)
    print(f"wide: {rw.verdict} [{rw.level}] {rw.reason}", file=out)
    print(f"narrow: {rn.verdict} [{rn.level}] {rn.reason}", file=out)
    return res


def wide_and_narrow(N: int = 6, seed: int = 0, iterations: int = 2000) -> dict:
    """Train ``(1, N - 1, 1)`` (wide: n_1 = N - 1) and ``(1, 1, 1)`` (narrow: its output is monotone in x)
    on the same one-dimensional data with non-monotone targets; certify both with the quantitative Lemma 3.5
    (:func:`exactloss.paper.lemma_3_5.quantitative.lemma_3_5_bound`, ball arithmetic).  The wide one is driven
    to a tiny loss with a certified bound; the narrow one (``n_1 = 1``: its output is monotone in x, the
    targets zig-zag) stalls at a positive loss and condition (1) of Lemma 3.5 fails by shape."""
    X = np.array([[Fraction(i - N // 2, 2)] for i in range(N)], dtype=object)
    Y = np.array([[Fraction(2 + 5 * (i % 2), 10)] for i in range(N)], dtype=object)  # zig-zag: 1/5, 7/10, ...
    out = {}
    for label, widths in (("wide", (1, N - 1, 1)), ("narrow", (1, 1, 1))):
        P, _, _, info = train(widths, X=X, Y=Y, seed=seed, iterations=iterations)
        r = lemma_3_5_bound(P, (X, Y), "sigmoid", "squared", layer=1)
        out[label] = {"widths": list(widths), "train": info, "certificate": r}
    return out
