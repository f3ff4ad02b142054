"""The deep-linear counterpoint (the remark before Lemma 4.3): without nonlinearity the rank is capped.

With sigma the identity, ``F_k = F_{k-1} W_k + 1_N b_k^T``, so
``rank(F_k) <= min(rank(F_{k-1}), rank(W_k)) + 1`` and, by induction,
``rank(F_k) <= rank(W_l) + k - l + 1`` for every ``l <= k``.  This module

* checks that chain with exact ranks (python-flint ``fmpq_mat``) at seeded
  random rational parameters -- proved for the instance;
* proves with SymPy that Lemma 4.3's construction cannot work: for the
  identity, column j of A(alpha) is ``(alpha t_j + beta) 1_N - alpha t``, so every
  column of ``E(alpha)`` lies in ``span{1_N, t}`` and ``det E(alpha) = 0``
  identically for N >= 3 (for every alpha, beta and points t);
* contrasts it with sigmoid on the same widths: Lemma 4.3's witness reaches
  rank N even through a layer of width 1.

Registers the ``deep-linear-rank`` check.

>>> r = deep_linear_rank(samples=4, widths="2,1,3,3")
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from exactloss.arith.systems import Exact
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.net.files import as_data
from exactloss.net.network import Network, parse_widths, random_parameters
from exactloss.net.rank import with_ones
from exactloss.paper.lemma_4_3.replay import lemma_4_3, opt_points, sample_points
from exactloss.registry import Instance, Option, opt_data, opt_samples, opt_seed, register


def identity_family_rank(N: int) -> dict:
    """SymPy: for sigma = id, ``E(alpha) = [1_N, A]`` with ``A_ij = alpha (t_j - t_i) + beta`` has every
    column in span{1_N, t}; hence rank <= 2 and det E = 0 for N >= 3 (proved for all alpha, beta, t)."""
    alpha, beta = sp.symbols("alpha beta", real=True)
    t = sp.symbols(f"t1:{N + 1}", real=True)
    ones = sp.Matrix([1] * N)
    tv = sp.Matrix(t)
    E = sp.Matrix(N, N, lambda i, j: 1 if j == 0 else alpha * (t[j - 1] - t[i]) + beta)
    residues = [sp.expand(E[:, j] - (alpha * t[j - 1] + beta) * ones + alpha * tv) for j in range(1, N)]
    # (the identity is checked at this N; symbolically it is the same line for every N)
    in_span = all(r == sp.zeros(N, 1) for r in residues)
    out = {"columns_in_span_1_t": in_span,
           "column_identity": "A[:, j] = (alpha t_j + beta) 1_N - alpha t",
           "rank_bound": 2}
    if N <= 4:  # the determinant itself (SymPy's cost grows fast; the span identity covers every N)
        out["det"] = str(sp.expand(E.det(method="berkowitz")))
    return out


def deep_linear_rank(samples: int = 6, widths: str = "3,1,5,5", data: Any = None, seed: int = 0,
                     points: str = "integer", contrast: bool = True) -> Result:
    """The deep-linear rank cap, proved with exact ranks, the identity family's vanishing det, and the contrast."""
    ws = parse_widths(widths)
    X = as_data(data)[0] if data is not None else sample_points(samples, ws[0], points, seed)
    if X.shape[1] != ws[0]:
        raise InputError(f"the data have d = {X.shape[1]} columns but widths start with n_0 = {ws[0]}")
    N = X.shape[0]
    L = len(ws) - 1
    net = Network(ws, "identity")
    P = random_parameters(ws, seed, entry=lambda g: Fraction(g.randint(-9, 9), g.randint(1, 4)), by_layer=True)
    E = Exact()
    fw = net.forward(P, X, E)
    rF = [E.rank(fw.F[k]) for k in range(L + 1)]
    rW = [None] + [E.rank(E.array(P.W[l - 1])) for l in range(1, L + 1)]
    rF1 = [E.rank(with_ones(fw.F[k], E)) for k in range(L + 1)]
    table, ok = [], True
    for k in range(1, L + 1):
        for l in range(1, k + 1):
            bound = rW[l] + k - l + 1
            good = rF[k] <= bound
            ok &= good
            table.append({"k": k, "l": l, "rank_F_k": rF[k], "rank_W_l": rW[l], "bound": bound, "holds": good})
    fam = identity_family_rank(min(max(N, 3), 24))
    clauses = [
        Verdict("rank(F_k) <= rank(W_l) + k - l + 1 for all l <= k", ok, "proved",
                f"exact ranks: rank F_k = {rF[1:]}, rank W_l = {rW[1:]}, rank [F_k, 1_N] = {rF1[1:]}"),
        Verdict("Lemma 4.3's family degenerates for sigma = id: every column of E(alpha) in span{1_N, t}",
                fam["columns_in_span_1_t"], "proved",
                "SymPy: A[:, j] - (alpha t_j + beta) 1_N + alpha t expands to 0; rank E <= 2 < N, det E = 0 "
                "identically for N >= 3" + (f" (det = {fam['det']})" if "det" in fam else "")),
    ]
    details: dict[str, Any] = {"ranks": table, "rank_F": rF, "rank_F_with_ones": rF1, "rank_W": rW[1:],
                               "identity_family": fam, "parameters": P.to_json()}
    narrow = min(range(1, L), key=lambda l: ws[l], default=None)
    if contrast and L >= 2 and ws[L] >= N - 1:
        r = lemma_4_3(data=(X, None), widths=",".join(map(str, ws)), layer=L, activation="sigmoid", sweep_points=0)
        cap = min(rW[l] + L - l + 1 for l in range(1, L + 1))
        clauses.append(Verdict(f"contrast: sigmoid on the same widths reaches rank([F_{L}, 1_N]) = N = {N} "
                               f"(identity: rank F_{L} <= {cap})", r.holds, r.level, r.reason))
        details["contrast_sigmoid"] = {"holds": r.holds, "level": r.level, "alpha0": r.details["alpha0"]}
    holds = ok and fam["columns_in_span_1_t"]
    return Result(result="Deep linear rank", holds=holds, level="proved", statement="sigma = identity: rank(F_k) <= rank(W_l) + k - l + 1 for every l in [k]; "
                  "Lemma 4.3's construction fails (det E(alpha) = 0 identically for N >= 3)",
                  reason=f"exact ranks at seeded rational parameters; narrowest hidden layer n_{narrow} = "
                         f"{ws[narrow] if narrow else '-'}; SymPy span identity",
                  instance={"samples": N, "widths": list(ws), "seed": seed}, details=details,
                  clauses=tuple(clauses))


register(
    "deep-linear-rank", "Deep linear (Sec. 4)", deep_linear_rank,
    "sigma = id: rank(F_k) <= rank(W_l) + k - l + 1 and Lemma 4.3's det E vanishes identically",
    options=(opt_samples(6), Option("--widths", "widths", str, "3,1,5,5", "layer widths n_0,...,n_L"), opt_data(),
             opt_points(), opt_seed(0)),
    instances=(Instance({"samples": 6, "widths": "3,1,5,5"}, label="widths 3,1,5,5 (narrow layer 1)"),),
    order=4.0029,
)
