r"""Lemma 3.5, quantitative form: a certified bound on the loss at an *approximate* critical point.

The paper's Lemma 3.5 needs ``grad_{W_{k+1}} Phi = 0`` exactly; a trained
network only has a small gradient.  Conditions (1)-(2) still turn the
gradient of layer ``k+1`` into a rigorous bound on how far Phi is from its
global minimum.

Derivation (norms are Frobenius; ``E_k = [F_k, 1_N]`` is ``N x (n_k + 1)``).

1. Lemma 2.1: ``[grad_{W_{k+1}} Phi; grad_{b_{k+1}} Phi^T] = E_k^T Delta_{k+1}``.  Write
   ``g_{k+1}`` for this stacked gradient.  If ``rank E_k = N`` (condition (1)),
   ``E_k^T`` is injective with ``||E_k^T v|| >= s_k ||v||``, ``s_k = sigma_min(E_k) > 0``
   (the N-th singular value); applied column by column::

       ||Delta_{k+1}|| <= ||g_{k+1}|| / s_k.

2. For ``l = k+1..L-1``: ``Delta_l = (Delta_{l+1} W_{l+1}^T) o sigma'(G_l)``, so entrywise
   ``Delta_{l+1} W_{l+1}^T = Delta_l / sigma'(G_l)`` and, with ``m_l = min_ij |sigma'(G_l)_ij| > 0``,
   ``||Delta_{l+1} W_{l+1}^T|| <= ||Delta_l|| / m_l``.  If ``W_{l+1}`` has full column rank
   (condition (2)), every row ``d`` of ``Delta_{l+1}`` has ``||W_{l+1} d|| >= sigma_min(W_{l+1}) ||d||``::

       ||Delta_{l+1}|| <= ||Delta_l|| / (m_l sigma_min(W_{l+1})).

3. ``Delta_L = l'(F_L - Y) o sigma'(G_L)`` gives ``||l'(F_L - Y)|| <= ||Delta_L|| / m_L``.

Together::

    ||l'(F_L - Y)||_F <= ||g_{k+1}||_F / ( s_k * prod_{l=k+1}^{L-1} m_l sigma_min(W_{l+1}) * m_L ).

4. Squared loss: ``l'(a) = 2a`` and ``Phi = ||F_L - Y||_F^2 = ||l'(F_L - Y)||_F^2 / 4``; the global
   minimum value is ``>= 0``, so ``Phi - min Phi <= Phi <= loss_bound`` with::

       loss_bound = ( ||g_{k+1}||_F / (2 s_k prod_{l=k+1}^{L-1} (m_l sigma_min(W_{l+1})) m_L) )^2.

   At an exact critical point the bound is 0: Lemma 3.5 is the case ``g_{k+1} = 0``.
   Other losses: only the bound on ``||l'(F_L - Y)||_F`` is reported.

5. Direct form (tighter, used when ``N m`` is small).  Steps 1-3 compose linear maps:
   ``g_{k+1} = A(l'(F_L - Y))`` with ``A(Z) = E_k^T T(Z)`` and ``T`` Lemma 2.1's recursion from
   ``Delta_L = Z o sigma'(G_L)`` down to ``Delta_{k+1}``.  Conditions (1), (2) and ``sigma' != 0`` make
   ``A`` injective (this *is* the proof of Lemma 3.5), so ``sigma_min(A) > 0`` and
   ``||l'(F_L - Y)||_F <= ||g_{k+1}||_F / sigma_min(A)``; ``sigma_min(A)`` is at least the product of step
   1-3's factors, so this is never worse.  ``A`` is assembled column by column (``N m`` columns) in ball
   arithmetic and ``sigma_min(A)`` certified as below.  The smaller of the two bounds is reported
   (``details.method``), with the chain bound alongside.

Every factor is certified: ``||g_{k+1}||`` is an upper end of an arb ball
(Lemma 2.1 in ball arithmetic at the exact rational parameters); ``s_k`` and
``sigma_min(W_l)`` are lower bounds: full rank from :mod:`exactloss.net.rank`, then
``sigma_min(M)^2 = lambda_min(M M^T) >= mu`` proved by an arb Cholesky factorisation
of ``M M^T - mu I`` (:func:`gram_sigma_min_lower`; the submatrix bound
``1/||B^{-1}||_F`` of :mod:`exactloss.net.rank` when that fails); ``m_l`` is the lower end
of ``min |sigma'(G_l)|`` in balls; the final division is done in arb with
these rigorous ends.  The level is ``certified``.

>>> from exactloss.paper.instances import global_minimum_instance
>>> P, X, Y = global_minimum_instance((2, 4, 1), N=5, seed=2)
>>> r = lemma_3_5_bound(P, (X, Y), activation="t + t**3", layer=1)
>>> r.holds, r.details["loss_bound"]
(True, 0.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from fractions import Fraction

from flint import arb, fmpq

from exactloss.arith.entries import upper_float
from exactloss.arith.systems import Ball
from exactloss.evidence import Result, Verdict
from exactloss.net.rank import full_column_rank, full_row_rank, with_ones
from exactloss.paper.premises import choose_layer, load_point

STATEMENT = ("quantitative Lemma 3.5: if rank([F_k, 1_N]) = N and rank(W_l) = n_l (l in [k+2, L]) then "
             "||l'(F_L - Y)||_F <= ||grad_{k+1}||_F / (s_k prod m_l sigma_min(W_{l+1}) m_L), and for the squared "
             "loss Phi - min Phi <= Phi <= (that / 2)^2")


def _arb_from_float(x: float) -> arb:
    """The float's exact binary value as a radius-0 ball (no decimal round trip)."""
    return arb(float(x))


def _min_abs_lower(A: np.ndarray) -> float:
    best = math.inf
    for x in A.flat:
        lo = x.abs_lower()
        v = float(lo.mid()) if isinstance(lo, arb) else float(lo)
        v = float(np.nextafter(v, -np.inf)) if v > 0 else 0.0
        best = min(best, v)
    return max(best, 0.0)


def _cholesky_pd(G: list[list[arb]]) -> bool:
    """arb Cholesky: True only if every pivot is certified > 0 (then the symmetric G is positive definite)."""
    n = len(G)
    Lm = [[arb(0)] * n for _ in range(n)]
    for j in range(n):
        d = G[j][j] - sum((Lm[j][q] * Lm[j][q] for q in range(j)), arb(0))
        if not d > 0:
            return False
        Lm[j][j] = d.sqrt()
        for i in range(j + 1, n):
            Lm[i][j] = (G[i][j] - sum((Lm[i][q] * Lm[j][q] for q in range(j)), arb(0))) / Lm[j][j]
    return True


def gram_sigma_min_lower(M: np.ndarray, S: Ball) -> float | None:
    """A rigorous lower bound of the smallest singular value of a full-row-rank ``M`` (rows <= cols).

    ``sigma_min(M)^2 = lambda_min(M M^T)``; for a trial ``mu`` just below the float estimate of
    ``lambda_min``, ``M M^T - mu I`` is proved positive definite by a Cholesky factorisation in arb
    (every pivot certified > 0), so ``sigma_min(M) >= sqrt(mu)``.  Much tighter than the
    ``1/||B^{-1}||_F`` bound of an N x N submatrix.  None if no trial succeeds.
    """
    with S.scope():
        A = [[x if isinstance(x, arb) else S.scalar(x) for x in row] for row in M.tolist()]
        n, c = len(A), len(A[0])
        G = [[sum((A[i][q] * A[j][q] for q in range(c)), arb(0)) for j in range(n)] for i in range(n)]
        Gm = np.array([[float(x.mid()) for x in row] for row in G])
        lam = float(np.linalg.eigvalsh((Gm + Gm.T) / 2)[0])
        if not lam > 0:
            return None
        for frac in (0.999, 0.99, 0.9, 0.5, 0.1):
            mu = Fraction(lam * frac)
            Gs = [[G[i][j] - (arb(fmpq(mu.numerator, mu.denominator)) if i == j else 0) for j in range(n)]
                  for i in range(n)]
            if _cholesky_pd(Gs):
                return float(np.nextafter(math.sqrt(float(mu)), 0.0)) * (1 - 1e-15)
    return None


def lemma_3_5_bound(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared",
                    layer: int | None = None, digits: int = 40, max_columns: int = 64) -> Result:
    """The certified bound of the module docstring at the given (approximate) critical point."""
    B = Ball.from_digits(digits)
    pt = load_point(params, data, activation, loss, B, digits)
    k = choose_layer(pt, layer, need_wide=False)
    L, S = pt.L, pt.S
    g = pt.g
    factors: dict[str, Any] = {}
    clauses = []
    with S.scope():
        sq = arb(0)
        for x in list(g.grad_W[k].flat) + list(g.grad_b[k].flat):
            sq += x * x
        gnorm = sq.sqrt()
        g_up = upper_float(gnorm)
        factors[f"||grad_{k + 1}||_F (upper)"] = g_up
        rc = full_row_rank(with_ones(g.forward.F[k], S), S)
        ok1 = bool(rc.full)
        clauses.append(Verdict(f"(1) rank([F_{k}, 1_N]) = N = {pt.N}", True if ok1 else (False if rc.full is False else None),
                               rc.level if rc.full is not None else None,
                               f"sigma_min([F_{k}, 1_N]) >= {rc.sigma_min_lower}" if ok1 else (rc.note or "not certified")))
        s_k = rc.sigma_min_lower if ok1 else None
        if ok1:  # tighter: Cholesky of [F_k,1][F_k,1]^T - mu I in arb
            sg = gram_sigma_min_lower(with_ones(g.forward.F[k], S), S)
            if sg is not None and sg > s_k:
                s_k = sg
        factors[f"s_{k} = sigma_min([F_{k}, 1_N]) (lower)"] = s_k
        denom = _arb_from_float(s_k) if s_k else None
        ok2 = True
        for l in range(k + 1, L + 1):
            m_l = _min_abs_lower(pt.net.activation.d(S, g.forward.G[l - 1]))
            factors[f"m_{l} = min |sigma'(G_{l})| (lower)"] = m_l
            if not m_l > 0:  # the derivation divides by m_l: a ball of sigma'(G_l) containing 0 gives no bound
                clauses.append(Verdict(f"m_{l} = min |sigma'(G_{l})| > 0", None, None,
                                       "a ball of sigma'(G) contains 0: the lower bound of min |sigma'| is 0"))
            if denom is not None:
                denom = denom * _arb_from_float(m_l)
            if l < L:
                W = pt.P.W[l]
                if W.shape[0] < W.shape[1]:
                    ok2 = False
                    clauses.append(Verdict(f"(2) rank(W_{l + 1}) = n_{l + 1}", False, "proved",
                                           f"W_{l + 1} is {W.shape[0]} x {W.shape[1]}: not pyramidal"))
                    continue
                wc = full_column_rank(W, S)
                sw = wc.sigma_min_lower if wc.full else None
                if wc.full:
                    sg = gram_sigma_min_lower(S.array(W).T, S)
                    if sg is not None and sg > sw:
                        sw = sg
                factors[f"sigma_min(W_{l + 1}) (lower)"] = sw
                clauses.append(Verdict(f"(2) rank(W_{l + 1}) = n_{l + 1}", True if wc.full else None,
                                       wc.level if wc.full else None,
                                       f"sigma_min >= {sw}" if wc.full else (wc.note or "not certified")))
                if not wc.full:
                    ok2 = False
                elif denom is not None:
                    denom = denom * _arb_from_float(sw)
        phi = g.phi
    phi_str = phi.str(10, radius=True)
    instance = pt.describe()
    instance["k"] = k
    usable = ok1 and ok2 and denom is not None and denom > 0 and all(c.holds is True for c in clauses)
    if not usable:
        bad = next((c for c in clauses if c.holds is False), None)
        if bad is None:
            bad = next((c for c in clauses if c.holds is not True), None)
        failed = bad.claim if bad is not None else "(1)/(2)"
        refuted = bad is not None and bad.holds is False
        how = "fails" if refuted else "is not certified"
        return Result("Lemma 3.5 (quantitative)", False if refuted else None,
                      bad.level if refuted else None, STATEMENT,
                      f"no bound: {failed} {how}" + (f" ({bad.reason})" if bad is not None else "") +
                      f", so the gradient of layer {k + 1} does not control the loss",
                      instance, {"factors": factors, "Phi": phi_str, "loss_bound": None}, tuple(clauses),
                      failed_hypothesis=failed if refuted else None, missing=None if refuted else failed)
    with S.scope():
        lprime_chain = gnorm / denom
        sA = operator_sigma_min_lower(pt, k, max_columns=max_columns)
        factors["sigma_min(A) (lower), A: l'(F_L - Y) -> grad_{k+1}"] = sA
        lprime = lprime_chain
        method = "chain"
        if sA is not None and sA > 0:
            direct = gnorm / _arb_from_float(sA)
            if upper_float(direct) < upper_float(lprime_chain):
                lprime, method = direct, "direct"
        lp_up = upper_float(lprime)
        details: dict[str, Any] = {"k": k, "factors": factors, "l_prime_norm_bound": lp_up, "Phi": phi_str,
                                   "method": method, "l_prime_norm_bound_chain": upper_float(lprime_chain)}
        if pt.ell.name == "squared" and not pt.ell.params:
            bound = (lprime / 2) ** 2
            b_up = upper_float(bound)
            phi_up = upper_float(phi)
            details["loss_bound"] = b_up
            details["loss_bound_chain"] = upper_float((lprime_chain / 2) ** 2)
            details["Phi_upper"] = phi_up
            phi_lo = float(phi.lower().mid()) if isinstance(phi.lower(), arb) else float(phi.lower())
            details["ratio_bound_over_Phi"] = (b_up / phi_lo) if phi_lo > 0 else None
            consistent = phi_lo <= b_up * (1 + 1e-12) + 1e-300
            reason = (f"certified: Phi - min Phi <= Phi <= {b_up:.6g} (Phi = {phi.str(6, radius=False)}; "
                      f"||grad_{k + 1}||_F <= {g_up:.3g}; {method} bound)")
            if not consistent:  # pragma: no cover - would be a bug in the derivation
                raise AssertionError(f"quantitative Lemma 3.5: bound {b_up} below Phi {phi_lo}")
        else:
            details["loss_bound"] = None
            reason = (f"certified: ||l'(F_L - Y)||_F <= {lp_up:.6g}; a bound on Phi itself is derived for the squared "
                      f"loss only ({pt.ell.describe()} given)")
    return Result("Lemma 3.5 (quantitative)", True, "certified", STATEMENT, reason, instance, details, tuple(clauses))


def operator_sigma_min_lower(pt: Any, k: int, max_columns: int = 64) -> float | None:
    """A certified lower bound of ``sigma_min(A)`` for the linear map ``A: Z -> E_k^T T(Z)`` (derivation, step 5).

    ``T(Z)`` runs Lemma 2.1's recursion from ``Delta_L = Z o sigma'(G_L)`` down to ``Delta_{k+1}``; ``A`` is
    built column by column (one unit ``Z`` per column, ``N m`` columns) in ball arithmetic and
    ``sigma_min`` is certified by :func:`gram_sigma_min_lower`.  None if ``A`` has more columns than rows,
    more than ``max_columns`` columns, or the certificate fails.
    """
    S = pt.S
    g, L, N = pt.g, pt.L, pt.N
    m = pt.net.widths[-1]
    rows = (pt.net.widths[k] + 1) * pt.net.widths[k + 1]
    if N * m > rows or N * m > max_columns:
        return None
    with S.scope():
        E = with_ones(g.forward.F[k], S)
        ds = [pt.net.activation.d(S, G) for G in g.forward.G]
        Ws = [S.array(W) for W in pt.P.W]
        cols = []
        zero, one = S.scalar(0), S.scalar(1)
        for idx in np.ndindex(N, m):
            Z = np.empty((N, m), dtype=object)
            Z[:, :] = zero
            Z[idx] = one
            D = Z * ds[L - 1]
            for l in range(L - 1, k, -1):  # Delta_l = (Delta_{l+1} W_{l+1}^T) o sigma'(G_l), l = L-1..k+1
                D = (D @ Ws[l].T) * ds[l - 1]
            cols.append((E.T @ D).reshape(-1))
        A = np.array(cols, dtype=object)  # (N m) x rows = A^T
    return gram_sigma_min_lower(A, S)
