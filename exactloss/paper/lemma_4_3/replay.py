"""Lemma 4.3 replayed: construction, certified alpha_0, det sweep and witness, as one :class:`Result`.

``lemma_4_3(...)`` builds the construction (:mod:`exactloss.paper.lemma_4_3.construction`),
certifies alpha_0 (:mod:`exactloss.paper.lemma_4_3.alpha0`: the perturbation/dominance
argument in ball arithmetic, and the exact route when it applies), sweeps
det E(alpha) (:mod:`exactloss.paper.lemma_4_3.sweep`) and returns the witness
``(W_l, b_l)_{l <= k}`` with a certificate that ``rank([F_k, 1_N]) = N``.  Registers the ``lemma-4.3``
check (``exactloss check lemma-4.3 --samples N --dim d --activation A [--data FILE] [--layer k --widths ...]
[--beta B] [--plot FILE.png|.pdf|.svg [--dpi D]] [--witness OUT.json] [--json]``) and the options Lemma 4.4, Corollary 4.5 and the
deep-linear check share with it (:func:`opt_dim`, :func:`opt_points`, :func:`opt_widths`).

>>> r = lemma_4_3(samples=4, dim=1, activation="sigmoid", sweep_points=3)
>>> r.holds, r.level, r.details["alpha0_level"]
(True, 'proved', 'proved')
"""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from exactloss.arith.systems import Ball, parse_rational, rational_matrix
from exactloss.errors import InputError, PrecisionError
from exactloss.arith import progress
from exactloss.evidence import Result, Verdict, weakest
from exactloss.floatpath.datasets import load, named_set
from exactloss.floatpath.transfer import certify_layer_float
from exactloss.net.figures import DEFAULT_DPI, check_dpi, image_path
from exactloss.net.files import as_data, output_path, save_parameters
from exactloss.net.rank import certify_full_row_rank, with_ones
from exactloss.paper.lemma_4_3.alpha0 import Alpha0, cauchy_alpha0, certify_alpha0
from exactloss.paper.lemma_4_3.cauchy_witness import cauchy_witness
from exactloss.paper.lemma_4_3.construction import Construction, build
from exactloss.paper.lemma_4_3.exact_alpha0 import exact_alpha0
from exactloss.paper.lemma_4_3.figure import det_figure
from exactloss.paper.lemma_4_3.latex import lemma_4_3_from_result
from exactloss.paper.lemma_4_3.sweep import log_grid, sweep
from exactloss.registry import Instance, Option, opt_activation, opt_layer, opt_samples, opt_seed, register

STATEMENT = ("Assumptions 3.2 and n_k >= N - 1: there are parameters (W_l, b_l)_{l<=k} with rank([F_k, 1_N]) = N; "
             "the construction's det E(alpha) is non-zero for every alpha >= alpha_0")


def sample_points(samples: int, dim: int, kind: str = "integer", seed: int = 0) -> np.ndarray:
    """Seeded distinct sample points: ``integer`` (a box just big enough), ``rational`` (denominators up to 7),
    or ``grid`` (1-D: 0, 1, ..., N-1; in d dimensions the first coordinate is the grid, the rest 0)."""
    N, d = int(samples), int(dim)
    if N < 1 or d < 1:
        raise InputError(f"need --samples >= 1 and --dim >= 1, got N = {N}, d = {d}")
    rng = random.Random(seed)
    if kind == "grid":
        return np.array([[Fraction(i)] + [Fraction(0)] * (d - 1) for i in range(N)], dtype=object)
    R = 1
    while (2 * R + 1) ** d < 4 * N:
        R += 1
    rows: list[tuple[Fraction, ...]] = []
    seen: set = set()
    while len(rows) < N:
        if kind == "integer":
            row = tuple(Fraction(rng.randint(-R, R)) for _ in range(d))
        elif kind == "rational":
            row = tuple(Fraction(rng.randint(-7 * R, 7 * R), rng.randint(1, 7)) for _ in range(d))
        else:
            raise InputError(f"unknown --points {kind!r}; use integer, rational or grid")
        if row not in seen:
            seen.add(row)
            rows.append(row)
    return np.array(rows, dtype=object).reshape(N, d)


def layer_index(layer: Any) -> int:
    """The layer k of Lemma 4.3 (default 1); k < 1 is refused (layers are numbered 1..L)."""
    k = 1 if layer is None else int(layer)
    if k < 1:
        raise InputError(f"--layer must be >= 1 (hidden layers are numbered 1..L), got {k}")
    return k


#: above this many samples the witness rank is certified by the float path first (ball LU as the fallback)
FLOAT_WITNESS_MIN_N = 128
#: ... and the ball fallback runs only up to this many samples
BALL_WITNESS_MAX_N = 256


def witness_certificate(cons: Construction, alpha: Fraction, a0: Alpha0 | None, independent: bool = True) -> dict:
    """The witness at ``alpha`` and why ``rank([F_k, 1_N]) = N`` there.

    k = 1: the witness *is* the family at alpha, and the first N-1 units with the
    ones column form E(alpha) (rows permuted), so an alpha_0 certificate with
    ``alpha >= alpha_0`` already gives the rank at its level.  k > 1, sigmoid and tanh: the witness is a
    bordered Cauchy matrix, its rank proved from the parameters by
    :func:`exactloss.paper.lemma_4_3.cauchy_witness.cauchy_witness`.  Independently (and
    always for k > 1, whose biases are rational approximations), the forward pass
    in ball arithmetic and :func:`exactloss.net.rank.certify_full_row_rank` certify it; above
    :data:`FLOAT_WITNESS_MIN_N` samples the float64 forward pass certifies it first
    (:func:`exactloss.floatpath.transfer.certify_layer_float`: the float matrix's sigma_min lower bound minus
    the rigorous forward-error bound, Weyl), with the ball route as the fallback up to :data:`BALL_WITNESS_MAX_N`.
    """
    P = cons.parameters(alpha)
    net = cons.network()
    out: dict[str, Any] = {"alpha": str(alpha), "parameters": P.to_json()}
    levels = []
    if cons.k == 1 and a0 is not None and a0.alpha0 is not None and alpha >= a0.alpha0 and \
            (alpha > 0 or not a0.for_all_positive):
        out["by_alpha0"] = {"level": a0.level, "reason": f"alpha = {alpha} >= alpha_0 = {a0.alpha0}: the first "
                            f"{cons.N - 1} units and 1_N form E(alpha), non-singular by the alpha_0 certificate"}
        levels.append(a0.level)
    if cons.k > 1:  # sigmoid, tanh: proved in closed form from the parameters themselves (bordered Cauchy)
        cw = cauchy_witness(cons, alpha, P)
        if cw["holds"]:
            out["by_closed_form"] = cw
            levels.append(cw["level"])
    if independent or not levels:
        X = cons.X
        fc = None
        if cons.N > FLOAT_WITNESS_MIN_N:
            # at scale: the float64 [F_k, 1_N], certified and transferred to the exact matrix by the rigorous
            # forward-error bound (Weyl); a ball LU of an N x N matrix costs minutes at N ~ 600
            with progress.task(f"witness rank([F_{cons.k}, 1_N]) = N, float64 with forward-error transfer"):
                fc, finfo = certify_layer_float(net, P, X, cons.k, exact_fallback=False)
            out["rank_certificate"] = {**fc.to_json(), "path": "float64 + forward-error transfer (Weyl)",
                                       "forward_error_F_bound": finfo.get("forward_error_F_bound")}
        if fc is not None and fc.full:
            levels.append(fc.level)
        elif fc is not None and cons.N > BALL_WITNESS_MAX_N:
            levels.append(None)  # undecided by the float path, too large for ball LU: no certificate
        else:
            def build_M(S):
                F = net.forward(P, X, S).F[cons.k]
                return with_ones(F, S)

            try:
                c = certify_full_row_rank(build_M, prec=128, max_prec=4096)
            except PrecisionError as exc:  # undecided at every precision tried: no certificate, not an error
                out["rank_certificate"] = {"full": None, "level": None, "note": str(exc)}
                levels.append(None)
            else:
                out["rank_certificate"] = c.to_json()
                levels.append(c.level if c.full else None)
    best = max(levels, key=lambda lv: {"proved": 2, "certified": 1}.get(lv, 0))
    out["level"] = best
    out["rank"] = cons.N if best is not None else None
    return out


def _write(write: Any, path: Any, option: str) -> None:
    """Run ``write()``; an OS failure (the folder vanished, the disk is full) is a one-line InputError."""
    try:
        write()
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot write ({exc.strerror or exc}); choose a writable location") from None


def lemma_4_3(samples: int = 8, dim: int = 1, activation: str = "sigmoid", data: Any = None, layer: int = 1,
              widths: str | None = None, beta: Any = None, points: str = "integer", seed: int = 0,
              sweep_points: int = 20, alpha: Any = None, plot: str | None = None, witness: str | None = None,
              exact: bool = True, independent: bool | None = None, max_prec: int = 4096,
              alpha_min: Any = None, alpha_max: Any = None, latex: bool = False, dpi: int = DEFAULT_DPI) -> Result:
    """Lemma 4.3 on one instance: construction, alpha_0 (proved or certified), sweep, witness.

    ``latex=True`` also puts ``E(alpha)`` for this N, its limit, ``lim det E``, alpha_0 and the witness rank,
    each with its level, in ``details["latex"]`` (an amsmath fragment,
    :func:`exactloss.paper.lemma_4_3.latex.lemma_4_3_from_result`).
    """
    # every input that can be refused is refused here, before any expensive step
    if plot:
        image_path(plot, "--plot")
        check_dpi(dpi)
    if witness:
        wp = output_path(witness, (".json", ".npz"), "--witness")
        if alpha is not None:
            output_path(wp.with_name(wp.stem + "-alpha" + wp.suffix), (".json", ".npz"), "--witness (at --alpha)")
    a_user = parse_rational(alpha, "--alpha") if alpha is not None else None
    if a_user is not None and a_user <= 0:
        raise InputError(f"--alpha must be positive, got {a_user}")
    if int(sweep_points) < 0:
        raise InputError(f"--sweep-points must be >= 0, got {sweep_points}")
    if not 16 <= int(max_prec) <= 1 << 16:
        raise InputError(f"--max-prec must be between 16 and 65536 bits, got {max_prec}")
    data_name = named_set(data)
    if data_name is not None:  # --data digits / breast-cancer: scikit-learn's set, its floats as exact rationals
        X = rational_matrix(load(data_name)[0], "X")
    else:
        X = as_data(data)[0] if data is not None else sample_points(samples, dim, points, seed)
    N, d = X.shape
    k = layer_index(layer)
    ws = ",".join([str(d)] + [str(max(N - 1, 1))] * k) if widths is None else widths
    cons = build(X, ws, k, activation, beta, seed)
    # alpha_0: the certified perturbation/dominance argument, and the exact route where it applies
    cau = cauchy_alpha0(cons)  # the closed form first: sigmoid/tanh, every alpha > 0, no computation
    cert = certify_alpha0(cons)
    # the exact route (bounded, issue 11) only where the closed form did not already prove every alpha > 0
    ex = exact_alpha0(cons) if exact and not (cau is not None and cau.for_all_positive) else None
    best = cert
    for cand in (cau, ex):  # proved routes: the exact computation first, then the closed form
        if cand is not None and cand.alpha0 is not None and (best.alpha0 is None or cand.alpha0 <= best.alpha0):
            best = cand
    ref = cert.alpha0 if cert.alpha0 is not None and cert.alpha0 > 0 else (best.alpha0 or Fraction(1))
    lo = parse_rational(alpha_min, "--alpha-min") if alpha_min is not None else ref / 10
    hi = parse_rational(alpha_max, "--alpha-max") if alpha_max is not None else ref * 4
    if not 0 < lo < hi:
        raise InputError(f"sweep range [{lo}, {hi}] is empty; give 0 < --alpha-min < --alpha-max")
    grid = log_grid(Fraction(lo), Fraction(hi), int(sweep_points)) if sweep_points else []
    # above BALL_SWEEP_MAX_N a sign proved in closed form replaces the sweep's ball determinants (see sweep)
    closed = cau.sign if cau is not None and cau.for_all_positive and cau.alpha0 is not None else None
    pts = sweep(cons, grid, max_prec=max_prec, closed_sign=closed) if cons.N > 1 else []
    limit, sign, limit_how = cons.limit_certified()
    sign = cons.limit_sign()  # refuses when unknown (build already did)
    # the witness: at alpha_0 (or the certified one when alpha_0 = 0 means "every alpha > 0") and at a given alpha
    a_w = best.alpha0 if best.alpha0 else (cert.alpha0 or Fraction(1))
    indep = (N <= 256) if independent is None else bool(independent)  # k > 1 without a closed form: always
    wit = {"at_alpha0": witness_certificate(cons, a_w, best, indep)}
    if a_user is not None:
        wit["at_alpha"] = witness_certificate(cons, a_user, best, True)
    if witness:
        _write(lambda: save_parameters(cons.parameters(a_w), wp), wp, "--witness")
        wit["file"] = str(witness)
        if a_user is not None:  # the witness at the user's alpha beside it: w.json -> w-alpha.json
            other = wp.with_name(wp.stem + "-alpha" + wp.suffix)
            _write(lambda: save_parameters(cons.parameters(a_user), other), other, "--witness")
            wit["file_at_alpha"] = str(other)
    # verdict
    alpha_ok = best.alpha0 is not None
    wit_levels = [w["level"] for w in wit.values() if isinstance(w, dict) and "level" in w]
    wit_ok = all(lv is not None for lv in wit_levels)
    sweep_bad = [p for p in pts if p.certified and p.alpha >= (best.alpha0 or Fraction(0)) and p.sign != sign
                 and best.alpha0 is not None]
    ass = cons.info.assumption_holds
    holds = True if alpha_ok and wit_ok and not sweep_bad and ass else (False if sweep_bad else None)
    level = weakest(best.level, *wit_levels) if holds else None
    clauses = (
        Verdict("Assumption 3.2 (samples distinct; sigma analytic, strictly increasing, case "
                f"({cons.case}))", ass, "proved" if ass else None,
                f"duplicate_rows found none; {cons.info.assumption}"),
        Verdict("layers 1..k-1 keep distinct rows; projections t_1 < ... < t_N",
                True if cons.k == 1 or ass else None, "proved" if cons.k == 1 or ass else None,
                cons.direction_how + ("" if cons.k == 1 else "; layers 2..k: first unit sigma(c_p (t - m_p)), "
                                      "c_p > 0, order kept because sigma is strictly increasing")),
        Verdict(f"lim det E(alpha) = {'(mu - sigma(beta))' if cons.case == 'a' else 'sigma(beta)'}^(N-1) != 0",
                True, "proved" if cons.det_limit_exact().is_Rational or limit_how.startswith("proved") else "certified",
                f"= {cons.det_limit_exact()} = {limit.str(10, radius=True)} ({limit_how})"),
        Verdict("det E(alpha) != 0 for every alpha >= alpha_0", alpha_ok or None, best.level,
                f"alpha_0 = {best.alpha0}: {best.argument}"),
        Verdict("witness: rank([F_k, 1_N]) = N", wit_ok or None, weakest(*wit_levels),
                f"at alpha = {a_w}"),
    )
    details = {
        "points": [[str(x) for x in cons.X[i]] for i in cons.order],
        "order": list(cons.order),
        "projections": ([str(x) for x in cons.t_exact] if cons.k == 1
                        else [x.str(15, radius=True) for x in cons.t_in(Ball(128))]),
        "direction": list(cons.direction),
        "direction_layer1": list(cons.a1),
        "direction_how": cons.direction_how,
        "layers_below": [{"layer": p, "c": str(c), "m": str(m)} for p, (c, m) in enumerate(cons.rescale, 1)],
        "other_units": "units N..n_k of layer k and units 2..n_p of layers p < k: weight 0, bias 0",
        "beta": str(cons.beta),
        "case": cons.case,
        "alpha0": None if best.alpha0 is None else str(best.alpha0),
        "alpha0_level": best.level,
        "alpha0_for_every_positive_alpha": best.for_all_positive,
        "alpha0_argument": best.argument,
        "alpha0_certified": cert.to_json(),
        "alpha0_proved": ex.to_json() if ex is not None else None,
        "alpha0_cauchy": cau.to_json() if cau is not None else None,
        "det_limit": str(cons.det_limit_exact()),
        "det_limit_ball": limit.str(20, radius=True),
        "det_limit_sign": sign,
        "sweep": [p.to_json() for p in pts],
        "witness": wit,
    }
    if sweep_bad:
        details["sweep_contradiction"] = [p.to_json() for p in sweep_bad]
    if plot:
        title = f"Lemma 4.3: {cons.sigma.describe()}, N = {N}, d = {d}, k = {cons.k}"
        _write(lambda: det_figure(pts, limit, best.alpha0, plot, title, dpi), plot, "--plot")
        details["plot"] = plot
    a0_text = (f"alpha_0 = {best.alpha0} ({best.level}" + (", det E != 0 for every alpha > 0" if best.for_all_positive
                                                           else "") if alpha_ok
               else f"no alpha_0 certified ({best.argument}")
    reason = ("" if ass else "Assumption 3.2.2 undecided for this sigma, so the lemma is not claimed; ") + (
              a0_text
              + (f"); witness rank N at alpha = {a_w} ({weakest(*wit_levels)})" if wit_ok else
                 f"); witness rank N at alpha = {a_w} not certified (details.witness says why)"))
    missing = None
    if holds is None and not ass:
        missing = clauses[0].claim  # Assumption 3.2.2 undecided: the alpha_0 argument rests on it
    r = Result(result="Lemma 4.3", holds=holds, level=level, statement=STATEMENT, reason=reason,
               instance={**cons.describe(), "points": points if data is None else (data_name or "file")},
               details=details, clauses=clauses, missing=missing)
    if latex:
        user_sigma = cons.info.family is None  # the catalogue's limits are known to the renderer
        tex = lemma_4_3_from_result(r, mu=cons.info.mu if user_sigma else None,
                                    gamma=cons.info.gamma if user_sigma else None)
        r = replace(r, details={**details, "latex": tex})
    return r


# --------------------------------------------------------------------------
# the check, and the options the Section 4 checks share
# --------------------------------------------------------------------------


def opt_data_or_set() -> Option:
    """``--data``: a data file, or the name of a scikit-learn set (``digits``, ``breast-cancer``, ...)."""
    return Option("--data", "data", str, None, "data file (.json or .npz) with X, or a scikit-learn set by name: "
                  "digits (1797 x 64), breast-cancer (569 x 30), iris, wine (needs the data extra; standardised, "
                  "duplicates removed, floats taken exactly)")


def opt_dim(default: int) -> Option:
    """``--dim``: the dimension d of the random sample points."""
    return Option("--dim", "dim", int, default, "dimension d of the random sample points")


def opt_points() -> Option:
    """``--points``: the kind of random sample points (:func:`sample_points`)."""
    return Option("--points", "points", str, "integer", "random points: integer, rational, or grid (0..N-1)",
                  choices=("integer", "rational", "grid"))


def opt_widths() -> Option:
    """``--widths``: the layer widths, by default d, then N - 1 up to layer k."""
    return Option("--widths", "widths", str, None, "layer widths n_0,...,n_L (default: d, then N-1 up to layer k)")


def check_lemma_4_3(no_exact: bool = False, **kw: Any) -> Result:
    """Lemma 4.3 (see :func:`lemma_4_3`); ``no_exact`` skips the exact alpha_0 route."""
    return lemma_4_3(exact=not no_exact, **kw)


register(
    "lemma-4.3", "Lemma 4.3", check_lemma_4_3,
    "construction with rank([F_k, 1_N]) = N; certified/proved alpha_0, det sweep, witness",
    options=(opt_samples(8), opt_dim(1), opt_activation("sigmoid"), opt_data_or_set(), opt_layer(1), opt_widths(),
             Option("--beta", "beta", str, None, "beta of the construction (default 0; case (b) needs sigma(beta) != 0)"),
             opt_points(), opt_seed(0),
             Option("--sweep-points", "sweep_points", int, 20, "number of alpha values in the det sweep"),
             Option("--alpha-min", "alpha_min", str, None, "smallest alpha of the sweep (default alpha_0/10)"),
             Option("--alpha-max", "alpha_max", str, None, "largest alpha of the sweep (default 4 alpha_0)"),
             Option("--alpha", "alpha", str, None, "also certify the witness at this alpha"),
             Option("--max-prec", "max_prec", int, 4096, "largest ball precision (bits) of the sweep"),
             Option("--plot", "plot", str, None, "draw det E(alpha): certified balls beside float64 and 15-digit "
                    "mpmath, float64 failures in red (.png, .pdf or .svg, by the extension)"),
             Option("--dpi", "dpi", int, DEFAULT_DPI, "resolution of a .png --plot (dots per inch)"),
             Option("--witness", "witness", str, None, "write the witness parameters at alpha_0 (.json or .npz; "
                    "with --alpha also FILE-alpha.json at that alpha)"),
             Option("--no-exact", "no_exact", action="store_true", help="skip the exact (proved) alpha_0 route"),
             Option("--latex", "latex", help="print E(alpha) for this N, its limit, lim det E, alpha_0 and the witness "
                    "rank (each with its level) as a LaTeX fragment (amsmath) instead of the explanation",
                    action="store_true")),
    instances=(Instance({"samples": 4, "dim": 1, "points": "grid"}, label="sigmoid, N=4, 1-D grid (proved)"),
               Instance({"samples": 16, "dim": 3, "activation": "tanh"}, label="tanh, N=16, 3-D integer"),
               Instance({"samples": 16, "dim": 1, "activation": "softplus"}, label="softplus, N=16, 1-D"),
               Instance({"samples": 6, "dim": 2, "layer": 2, "widths": "2,1,5", "points": "rational"},
                        label="sigmoid, layer 2 through width 1")),
)
