"""Lemma 3.5 at a certified nearby point: an exact layer-critical point near approximate parameters.

A trained network has only a small gradient.  Krawczyk's test (interval Newton) on ``v -> Phi(u_0, v)``,
``v = (W_{k+1}, b_{k+1})`` and every other layer ``u_0`` fixed, certifies a unique exact zero ``v*`` of
``grad_v Phi`` in a box of radius r around the given ``v_0``.  Conditions (1) ``rank([F_k, 1_N]) = N`` and (2)
``rank(W_l) = n_l``, ``l in [k+2, L]``, involve only the unchanged layers, and ``sigma'(G_l) != 0``,
``l >= k+1``, is checked over the whole box; so Lemma 3.5 (exact form, :mod:`exactloss.paper.lemma_3_5.exact`)
proves ``(u_0, v*)`` a global minimum.  The premises are :mod:`exactloss.paper.premises`'s; an undecided one
(a clause of Assumption 3.2 the proof uses) leaves the conclusion undecided, whatever Krawczyk says.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from flint import arb, fmpq

from exactloss.arith.systems import Ball
from exactloss.evidence import Result, Verdict
from exactloss.net.hessian import SecondOrder
from exactloss.paper.premises import (Point, assumption_clause, choose_layer, load_point, rank_with_ones_clause,
                                      sigma_prime_clause, weight_rank_clause)

STATEMENT_NEARBY = ("Lemma 3.5 at a certified nearby point: an exact zero of grad_{W_{k+1}, b_{k+1}} Phi exists "
                    "within radius r of the given layer k+1 (other layers unchanged); conditions (1)-(2) and "
                    "sigma' != 0 hold there, so that point is a global minimum")


def _box_parameters(P: Any, k: int, v0: list, r: Any, S: Ball) -> Any:
    """Parameters with layer k+1 replaced by balls ``v0_i +- r`` (every other layer exact)."""
    n_in, n_out = P.W[k].shape
    with S.scope():
        flat = np.array([arb(fmpq(x.numerator, x.denominator), r) if r else arb(fmpq(x.numerator, x.denominator))
                         for x in v0], dtype=object)
    W = flat[:n_in * n_out].reshape(n_in, n_out)
    b = flat[n_in * n_out:]
    return P.replace_layer(k + 1, W, b)


def lemma_3_5_nearby(params: Any, data: Any, activation: Any = "sigmoid", loss: Any = "squared",
                     layer: int | None = None, digits: int = 40) -> Result:
    """Krawczyk's test certifies a unique exact critical point ``v*`` of ``v -> Phi(u_0, v)`` (v = layer k+1)
    in a box around the given parameters; Lemma 3.5 then proves ``(u_0, v*)`` a global minimum.

    Krawczyk: with ``B = v_0 + [-r, r]^p``, ``C ~ H(v_0)^{-1}`` (any matrix) and ``H(B)`` the block Hessian
    on layer k+1 enclosed over the box (ball arithmetic), ``K = v_0 - C grad(v_0) + (I - C H(B))(B - v_0)``;
    ``K`` strictly inside ``B`` proves a unique zero of the gradient in ``B``.  Conditions (1)-(2) involve
    only layers ``<= k`` and ``>= k+2`` (unchanged), and ``sigma'(G_l) != 0``, ``l >= k+1``, is checked over
    the whole box.
    """
    B = Ball.from_digits(digits)
    pt = load_point(params, data, activation, loss, B, digits)
    k = choose_layer(pt, layer, need_wide=False)
    inst = {**pt.describe(), "k": k}
    p = (pt.net.widths[k] + 1) * pt.net.widths[k + 1]
    Wk, bk = pt.P.layer(k + 1)
    v0 = [Fraction(x) for x in list(Wk.flat) + list(bk.flat)]
    clauses = []
    av, hard, amissing, _ = assumption_clause(pt.net.activation, pt.ell, pt.X, strict_growth=False)
    clauses.append(av)
    if hard:
        return Result("Lemma 3.5 (nearby)", False, av.level, STATEMENT_NEARBY, f"not applicable: {hard}", inst, {},
                      tuple(clauses), failed_hypothesis=hard)
    if amissing:  # the conclusion (a global minimum nearby) rests on this premise: undecided, whatever Krawczyk says
        return Result("Lemma 3.5 (nearby)", None, None, STATEMENT_NEARBY,
                      f"undecided: {amissing} is undecided ({av.reason})", inst, {}, tuple(clauses), missing=amissing)
    rv, _ = rank_with_ones_clause(pt, k)
    clauses.append(rv)
    for l in range(k + 2, pt.L + 1):
        clauses.append(weight_rank_clause(pt, l)[0])
    bad = next((c for c in clauses[1:] if c.holds is False), None) or \
        next((c for c in clauses[1:] if c.holds is not True), None)
    if bad is not None:
        return Result("Lemma 3.5 (nearby)", False if bad.holds is False else None, bad.level, STATEMENT_NEARBY,
                      f"{bad.claim}: {bad.reason}", inst, {}, tuple(clauses),
                      failed_hypothesis=bad.claim if bad.holds is False else None,
                      missing=None if bad.holds is False else bad.claim)
    so = SecondOrder(pt.net, pt.P, pt.X, pt.Y, pt.ell, B)
    with B.scope():
        g0 = np.concatenate([so.g.grad_W[k].reshape(-1), so.g.grad_b[k]])
        H0 = so.block([k + 1])
        Hm = np.array([[float(x.mid()) for x in row] for row in H0])
        try:
            Cf = np.linalg.inv(Hm)
        except np.linalg.LinAlgError:
            return Result("Lemma 3.5 (nearby)", None, None, STATEMENT_NEARBY,
                          f"the block Hessian on layer {k + 1} is numerically singular ({p} x {p}; more parameters "
                          f"than N m = {pt.N * pt.net.widths[-1]} residuals?): Krawczyk needs it invertible",
                          inst, {}, tuple(clauses),
                          missing=f"an exact critical point of layer {k + 1} nearby (Krawczyk: block Hessian singular)")
        C = np.array([[arb(repr(float(x))) for x in row] for row in Cf], dtype=object)
        step = C @ g0
        base = max(float(abs(x).upper().mid()) if isinstance(abs(x).upper(), arb) else float(abs(x).upper())
                   for x in step)
        tried = []
        for factor in (2.0, 8.0, 64.0, 1024.0):
            r = max(base * factor, 1e-300)
            rb = arb(repr(r))
            Pbox = _box_parameters(pt.P, k, v0, rb, B)
            sob = SecondOrder(pt.net, Pbox, pt.X, pt.Y, pt.ell, B)
            HB = sob.block([k + 1])
            I_CH = -(C @ HB)
            for i in range(p):
                I_CH[i, i] = I_CH[i, i] + 1
            box = np.array([arb(0, rb) for _ in range(p)], dtype=object)
            K = -step + I_CH @ box
            inside = all(abs(x) < rb for x in K)
            tried.append({"r": r, "inside": inside})
            if inside:
                # sigma' != 0 over the whole box for the layers the proof divides by
                ptb = Point(pt.net, Pbox, pt.X, pt.Y, pt.ell, B, sob.g)
                sig = [sigma_prime_clause(ptb, l)[0] for l in range(k + 1, pt.L + 1)]
                if not all(s.holds for s in sig):
                    return Result("Lemma 3.5 (nearby)", None, None, STATEMENT_NEARBY,
                                  "sigma' could not be certified non-zero over the box", inst, {"krawczyk": tried},
                                  tuple(clauses + sig),
                                  missing=next(s.claim for s in sig if not s.holds) + " over the Krawczyk box")
                phi_box = sob.g.phi
                clauses.append(Verdict(f"Krawczyk: a unique v* with grad_{{W_{k + 1}, b_{k + 1}}} Phi(u_0, v*) = 0 "
                                       f"within max-norm {r:.3g}", True, "certified",
                                       f"K(B) strictly inside B = v_0 + [-r, r]^{p} ({B.prec} bits)"))
                clauses.extend(sig)
                return Result("Lemma 3.5 (nearby)", True, "certified", STATEMENT_NEARBY,
                              f"certified: an exact critical point of layer {k + 1} lies within {r:.3g} (max-norm) of "
                              f"the given W_{k + 1}, b_{k + 1}, and by Lemma 3.5 it is a global minimum"
                              + ("" if av.holds else f". Note: {av.reason}"),
                              inst, {"radius": r, "krawczyk": tried, "Phi_given": pt.g.phi.str(8, radius=True),
                                     "Phi_over_box": phi_box.str(8, radius=True)}, tuple(clauses))
    return Result("Lemma 3.5 (nearby)", None, None, STATEMENT_NEARBY,
                  "Krawczyk's test did not succeed for the radii tried (gradient not small enough, or the block "
                  "Hessian too ill-conditioned); use the quantitative bound", inst, {"krawczyk": tried}, tuple(clauses),
                  missing=f"an exact critical point of layer {k + 1} nearby (Krawczyk's test did not succeed)")
