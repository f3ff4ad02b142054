"""Lemma 4.4 and Corollary 4.5: full rank of ``[F_k, 1_N]`` is generic.

**Lemma 4.4** (the chain reported as the certificate): under Assumptions 3.2
every N x N minor of ``[F_k, 1_N]`` is a real-analytic function of the
parameters (Lemma 4.1: sigma is analytic, so is every composition); the
Lemma 4.3 witness shows that one minor -- the first N-1 units with the ones
column -- is non-zero at one point, hence not identically zero; by Lemma 4.2
its zero set has Lebesgue measure zero, and the rank-deficient set lies inside
it.  The level is the witness's.  A Monte-Carlo view (M random draws, each rank
certified) illustrates the statement; it is not part of the proof.

**Corollary 4.5**: from a rank-deficient point (every layer-k unit equal to
the first: identical columns of ``F_k``, rank <= 2 < N, proved by that
structure) a perturbation of Euclidean norm < epsilon (checked exactly with
rationals) reaches certified full rank.

>>> r = lemma_4_4(samples=4, dim=1, draws=2)
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.errors import AssumptionError, InputError
from exactloss.evidence import Result, Verdict, weakest
from exactloss.net.files import as_data, as_parameters
from exactloss.paper.lemma_4_3.replay import layer_index, lemma_4_3, sample_points
from exactloss.net.network import Network, Parameters, parse_widths
from exactloss.arith.systems import parse_rational
from exactloss.net.rank import certify_full_row_rank, with_ones

STATEMENT_44 = ("Assumptions 3.2 and n_k >= N - 1: the parameters with rank([F_k, 1_N]) < N form a set of "
                "Lebesgue measure zero")
STATEMENT_45 = ("Assumptions 3.2 and n_k >= N - 1: every epsilon-ball in parameter space contains parameters "
                "with rank([F_k, 1_N]) = N")


def _instance(samples: int, dim: int, data: Any, layer: int, widths: str | None, points: str,
              seed: int) -> tuple[np.ndarray, str, int]:
    X = as_data(data)[0] if data is not None else sample_points(samples, dim, points, seed)
    N, d = X.shape
    k = layer_index(layer)
    ws = widths or ",".join([str(d)] + [str(max(N - 1, 1))] * k)
    return X, ws, k


def random_parameters(widths: tuple[int, ...], k: int, seed: int, den: int = 1 << 10, scale: int = 2) -> Parameters:
    """Seeded random rational parameters for layers 1..k (entries ``p/den``, ``|p| <= scale den``)."""
    rng = random.Random(seed)
    r = scale * den
    Ws, bs = [], []
    for p in range(1, k + 1):
        W = np.empty((widths[p - 1], widths[p]), dtype=object)
        for idx in np.ndindex(W.shape):
            W[idx] = Fraction(rng.randint(-r, r), den)
        b = np.array([Fraction(rng.randint(-r, r), den) for _ in range(widths[p])], dtype=object)
        Ws.append(W)
        bs.append(b)
    return Parameters(tuple(Ws), tuple(bs))


def _rank_of(net: Network, P: Parameters, X: np.ndarray, k: int):
    def build(S):
        return with_ones(net.forward(P, X, S).F[k], S)

    return certify_full_row_rank(build, prec=128, max_prec=8192)


def lemma_4_4(samples: int = 6, dim: int = 2, activation: str = "sigmoid", data: Any = None, layer: int = 1,
              widths: str | None = None, numbers: str = "ball", draws: int = 5, seed: int = 0,
              points: str = "integer") -> Result:
    """Lemma 4.4: the chain Lemma 4.1 + Lemma 4.3 witness + Lemma 4.2, and a Monte-Carlo view of ``draws`` draws."""
    X, ws, k = _instance(samples, dim, data, layer, widths, points, seed)
    N = X.shape[0]
    if int(draws) < 0:
        raise InputError(f"--draws must be >= 0, got {draws}")
    r43 = lemma_4_3(data=(X, None), widths=ws, layer=k, activation=activation, sweep_points=0)
    # the chain needs sigma analytic (Assumption 3.2.2, clause 1 of Lemma 4.3) and one certified witness; it does
    # not need alpha_0 (a single non-zero minor suffices for Lemma 4.2)
    ass_ok = r43.clauses[0].holds
    wit_level = r43.details["witness"]["at_alpha0"]["level"] if ass_ok and r43.holds is not False else None
    chain = (
        Verdict("Lemma 4.1: every N x N minor of [F_k, 1_N] is real-analytic in the parameters", ass_ok,
                "proved" if ass_ok else None,
                f"sigma = {activation} is real-analytic (Assumption 3.2.2); sums, products and compositions of "
                "analytic functions are analytic" if ass_ok else r43.clauses[0].reason),
        Verdict("Lemma 4.3: one minor is non-zero at the witness", True if wit_level else None, wit_level,
                f"first N-1 units of layer k and 1_N at alpha = {r43.details['witness']['at_alpha0']['alpha']}"
                if wit_level else r43.reason),
        Verdict("Lemma 4.2: a non-zero analytic function vanishes on a null set only", True, "proved",
                "the rank-deficient set lies in the zero set of that minor"),
    )
    mc: dict[str, Any] = {"numbers": numbers, "draws": int(draws)}
    widths_t = parse_widths(ws)
    if numbers == "float":
        try:
            from exactloss.floatpath.verified import monte_carlo_full_rank  # type: ignore[attr-defined]
        except (ImportError, AttributeError):
            raise InputError("--numbers float needs exactloss.floatpath.verified.monte_carlo_full_rank, which is not "
                             "available yet; use --numbers ball") from None
        mres = monte_carlo_full_rank(activation=activation, samples=N, dim=X.shape[1], width=widths_t[k],
                                     draws=int(draws), seed=seed, layer=k, data=X)
        mc.update({"holds": mres.holds, "level": mres.level, "reason": mres.reason})
        mc_ok, mc_level = mres.holds, mres.level
    elif numbers in ("ball", "exact"):
        net = Network(widths_t[: k + 1], activation)
        rows = []
        for m in range(int(draws)):
            P = random_parameters(widths_t, k, seed * 1000 + m)
            if numbers == "exact":
                from exactloss.net.rank import full_row_rank

                F = net.forward(P, X, "exact").F[k]  # NotExactError for a transcendental sigma
                c = full_row_rank(with_ones(F, None), "exact")
            else:
                c = _rank_of(net, P, X, k)
            rows.append({"draw": m, "full": c.full, "level": c.level, "prec_bits": c.prec})
        n_ok = sum(1 for r in rows if r["full"])
        mc.update({"certified_full": n_ok, "draws_detail": rows})
        mc_ok = True if n_ok == len(rows) else None
        mc_level = weakest(*(r["level"] for r in rows)) if rows and mc_ok else None
    else:
        raise InputError(f"--numbers {numbers!r}: use exact, ball or float")
    mc_clause = Verdict(f"Monte-Carlo: {draws} random draws have rank N (illustration, not part of the proof)",
                        mc_ok, mc_level, str({k_: v for k_, v in mc.items() if k_ != 'draws_detail'}))
    holds = True if wit_level else None
    level = wit_level if holds else None
    missing = None if holds else next(v.claim for v in chain if v.holds is not True)
    return Result(result="Lemma 4.4", holds=holds, level=level, statement=STATEMENT_44, missing=missing,
                  reason=("Lemma 4.1 (analytic minors) + Lemma 4.3 witness (" + str(wit_level) + ") + Lemma 4.2 "
                          "(null zero sets)") if holds else f"the Lemma 4.3 witness was not certified: {r43.reason}",
                  instance={"samples": N, "dim": int(X.shape[1]), "widths": list(widths_t), "layer": k,
                            "activation": activation},
                  details={"witness": r43.details["witness"]["at_alpha0"], "alpha0": r43.details["alpha0"],
                           "alpha0_level": r43.details["alpha0_level"], "monte_carlo": mc},
                  clauses=chain + (mc_clause,))


def _equal_units(P: Parameters, k: int) -> Parameters:
    """Every unit of layer k replaced by the first: identical columns of W_k, equal entries of b_k."""
    W, b = P.layer(k)
    W2 = np.repeat(W[:, :1], W.shape[1], axis=1)
    b2 = np.full(b.shape, b[0], dtype=object)
    return P.replace_layer(k, W2, b2)


def corollary_4_5(samples: int = 5, dim: int = 2, activation: str = "sigmoid", data: Any = None, layer: int = 1,
                  widths: str | None = None, epsilon: Any = "1/1000", params: Any = None, seed: int = 0,
                  points: str = "integer", tries: int = 5) -> Result:
    """Corollary 4.5: from a rank-deficient point, a perturbation of norm < epsilon with certified rank N."""
    X, ws, k = _instance(samples, dim, data, layer, widths, points, seed)
    N = X.shape[0]
    eps = parse_rational(epsilon, "--epsilon")
    if eps <= 0:
        raise InputError(f"--epsilon must be positive, got {eps}")
    widths_t = parse_widths(ws)
    if params is not None:
        P0 = as_parameters(params)
        if P0.L < k:
            raise InputError(f"--params has {P0.L} layer(s) but the layer is k = {k}")
        P0 = Parameters(P0.W[:k], P0.b[:k])
        widths_t = P0.widths
        base_how = "the given parameters"
        base_cert = None
    else:
        from exactloss.paper.lemma_4_3.alpha0 import certify_alpha0
        from exactloss.paper.lemma_4_3.construction import build

        cons = build(X, ws, k, activation)
        a0 = certify_alpha0(cons).alpha0 or Fraction(1)
        P0 = _equal_units(cons.parameters(a0), k)
        base_how = ("Lemma 4.3's parameters with every layer-k unit set equal to the first: F_k has identical "
                    "columns, so rank([F_k, 1_N]) <= 2" + (f" < N = {N}" if N > 2 else ""))
        base_cert = True if N > 2 else None
    if widths_t[k] < N - 1:
        raise AssumptionError(f"Corollary 4.5 needs n_k >= N - 1: layer {k} has width {widths_t[k]} but N = {N} "
                              f"samples need at least {N - 1} units")
    net = Network(widths_t[: k + 1], activation)
    rng = random.Random(seed)
    found = None
    last = "no attempt"
    for attempt in range(int(tries)):
        # a random direction with rational entries, scaled so that ||delta||_2 < epsilon (exactly)
        raw = [Fraction(rng.randint(-1000, 1000), 1000) for _ in range(P0.count())]
        norm2 = sum(x * x for x in raw) or Fraction(1)
        # scale = eps/2 / ceil(sqrt(norm2)) keeps ||delta|| < eps with rationals only
        root = Fraction(int(float(norm2) ** 0.5) + 1)
        scale = eps / 2 / root
        delta = [x * scale for x in raw]
        if not sum(x * x for x in delta) < eps * eps:  # pragma: no cover - by the choice of scale
            continue
        it = iter(delta)
        Ws = tuple(np.vectorize(lambda w: w + next(it), otypes=[object])(W) for W in P0.W)
        bs = tuple(np.vectorize(lambda v: v + next(it), otypes=[object])(b) for b in P0.b)
        P1 = Parameters(Ws, bs)
        try:
            c = _rank_of(net, P1, X, k)
        except Exception as exc:  # PrecisionError: try another direction
            last = str(exc)
            continue
        found = (attempt, P1, c, sum(x * x for x in delta))
        break
    if found is None:
        return Result(result="Corollary 4.5", holds=None, level=None, statement=STATEMENT_45,
                      reason=f"no perturbation certified in {tries} tries ({last})",
                      instance={"samples": N, "widths": list(widths_t), "layer": k, "epsilon": str(eps)})
    attempt, P1, c, n2 = found
    clauses = (
        Verdict("base point is rank-deficient", base_cert, "proved" if base_cert else None, base_how),
        Verdict("||delta||_2 < epsilon", True, "proved", f"||delta||^2 = {float(n2):.3e} < epsilon^2 = {eps * eps} "
                "(exact rationals)"),
        Verdict("rank([F_k, 1_N]) = N at the perturbed point", c.full, c.level,
                f"{c.method} at {c.prec} bits; sigma_min >= {c.sigma_min_lower}"),
    )
    return Result(result="Corollary 4.5", holds=True if c.full else None, level=c.level if c.full else None,
                  statement=STATEMENT_45,
                  reason=f"perturbation of norm < {eps} (try {attempt + 1}) reaches rank N, {c.level} -- a witness: "
                         "the conclusion is checked directly on this epsilon-ball, so it rests on no premise "
                         "(Assumption 3.2 is what makes it hold for every ball)",
                  instance={"samples": N, "dim": int(X.shape[1]), "widths": list(widths_t), "layer": k,
                            "activation": activation, "epsilon": str(eps)},
                  details={"base": base_how, "perturbed_parameters": P1.to_json(), "norm2": str(n2),
                           "rank_certificate": c.to_json()},
                  clauses=clauses)
