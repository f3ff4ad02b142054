"""Benchmark: the whole certified Lemma 4.3 replay vs one mpmath determinant, measured in the same run.

Replay = construction + certified alpha_0 (perturbation/dominance argument, every alpha >= alpha_0) +
a 20-point ball sweep of det E(alpha) (each sign certified, precision raised when needed); the exact
polynomial route and the independent witness inverse are switched off (``exact=False,
independent=False``) so that the replay is what the issue describes; the full default check is timed too.
Baseline: one ``mpmath.det`` of the same E(alpha_0) at 50 digits (mpmath only, no certificate).

    python benchmarks/bench_lemma_4_3.py [--large 512] [--budget 60] [--skip-mpmath-above 256]

No assertions on time: it prints a table of seconds and ratios (replay / mpmath.det).
"""

from __future__ import annotations

import argparse
import time
from fractions import Fraction

import mpmath

from exactloss.paper.lemma_4_3.replay import lemma_4_3, sample_points
from exactloss.paper.lemma_4_3.construction import build
from exactloss.arith.systems import MP


def mp_det_seconds(X, activation: str, alpha: Fraction, dps: int = 50) -> tuple[float, str]:
    cons = build(X, activation=activation)
    M = MP(dps)
    E = cons.E(alpha, M)  # building the matrix is not timed: only the determinant
    with M.scope():
        A = mpmath.matrix(E.tolist())
        t0 = time.perf_counter()
        d = mpmath.det(A)
        return time.perf_counter() - t0, mpmath.nstr(d, 8)


def replay(X, activation: str, **kw) -> tuple[float, object]:
    t0 = time.perf_counter()
    r = lemma_4_3(data=(X, None), activation=activation, sweep_points=20, exact=False, independent=False, **kw)
    return time.perf_counter() - t0, r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--large", type=int, nargs="*", default=[256, 384, 512])
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--skip-mpmath-above", type=int, default=128)
    args = ap.parse_args()
    cases = [(128, 1, "integer", "sigmoid"), (128, 3, "integer", "sigmoid"),
             (128, 1, "integer", "softplus"), (128, 3, "integer", "softplus"),
             (128, 1, "integer", "tanh")]
    print(f"{'N':>4} {'d':>2} {'points':<8} {'sigma':<9} {'alpha_0':>9} {'level':<9} {'replay s':>9} "
          f"{'full check s':>12} {'mpmath.det s':>12} {'replay/mpmath':>13}  sweep signs")
    base_128 = None
    from exactloss.paper.lemma_4_3.sigma import classify

    for act in ("sigmoid", "tanh", "softplus"):  # Assumption 3.2 checks (SymPy limits, ~1 s each) are cached
        classify(act)                              # per process; warm them so every row times the same work
    for N, d, kind, act in cases:
        X = sample_points(N, d, kind, seed=1)
        t_rep, r = replay(X, act)
        t0 = time.perf_counter()
        full = lemma_4_3(data=(X, None), activation=act, sweep_points=20)
        t_full = time.perf_counter() - t0
        a0 = Fraction(r.details["alpha0_certified"]["alpha0"])
        t_mp, _ = mp_det_seconds(X, act, a0)
        base_128 = t_mp if base_128 is None else base_128
        signs = sum(1 for p in r.details["sweep"] if p["sign"] is not None)
        print(f"{N:>4} {d:>2} {kind:<8} {act:<9} {str(r.details['alpha0']):>9} {str(r.level):<9} {t_rep:>9.2f} "
              f"{t_full:>12.2f} {t_mp:>12.2f} {t_rep / t_mp:>13.2f}  {signs}/{len(r.details['sweep'])} certified"
              f"  [full: {full.level}, alpha_0 {full.details['alpha0']}]", flush=True)
    largest = None
    for N in args.large:
        X = sample_points(N, 1, "integer", seed=1)
        t_rep, r = replay(X, "sigmoid")
        if N <= args.skip_mpmath_above:
            t_mp, _ = mp_det_seconds(X, "sigmoid", Fraction(r.details["alpha0_certified"]["alpha0"]))
            mp_txt = f"{t_mp:>12.2f} {t_rep / t_mp:>13.2f}"
        else:
            est = base_128 * (N / 128) ** 3
            mp_txt = f"{'~' + format(est, '.0f'):>12} {t_rep / est:>13.2f}"
        signs = sum(1 for p in r.details["sweep"] if p["sign"] is not None)
        print(f"{N:>4} {1:>2} {'integer':<8} {'sigmoid':<9} {str(r.details['alpha0']):>9} {str(r.level):<9} "
              f"{t_rep:>9.2f} {'-':>12} {mp_txt}  {signs}/{len(r.details['sweep'])} certified", flush=True)
        if r.holds and t_rep <= args.budget:
            largest = N
    print(f"largest N certified (whole replay) within {args.budget:.0f} s: {largest}")
    print("(~: mpmath.det extrapolated as N^3 from the first N = 128 measurement, not run)")


if __name__ == "__main__":
    main()
