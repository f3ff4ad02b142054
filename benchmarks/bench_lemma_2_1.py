"""Benchmark: the symbolic confirmation of Lemma 2.1 (generic sigma, l) vs the naive SymPy baseline.

Baseline (measured in the same run): build Phi with SymPy, ``diff`` it with respect to every
parameter, ``expand`` the difference with the lemma's formula.  Ours: ``layerwise`` (one-layer
identities, the default) and ``full`` (SymPy's derivative of the whole Phi, compared after
replacing shared atoms by symbols).  The baseline runs in a subprocess with a time limit.

    python benchmarks/bench_lemma_2_1.py [--timeout 150]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

from exactloss.net.backprop import confirm_lemma_2_1, naive_confirmation

CASES = [((3, 4, 3, 2), 4), ((4, 5, 5, 3), 5), ((5, 6, 6, 4), 6)]


def _naive(widths, N, q):
    t0 = time.perf_counter()
    ok = naive_confirmation(widths, N)
    q.put((ok, time.perf_counter() - t0))


def naive_timed(widths, N, timeout):
    q = mp.Queue()
    p = mp.Process(target=_naive, args=(widths, N, q))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        return None, timeout
    return q.get()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=150.0)
    args = ap.parse_args()
    print(f"{'widths':<14} {'N':>2} {'params':>6} {'layerwise s':>12} {'full s':>8} {'naive s':>10} "
          f"{'naive/layerwise':>16} {'naive/full':>11}")
    for widths, N in CASES:
        params = sum(widths[k - 1] * widths[k] + widths[k] for k in range(1, len(widths)))
        t0 = time.perf_counter()
        r1 = confirm_lemma_2_1(widths, N, method="layerwise")
        t_lw = time.perf_counter() - t0
        t0 = time.perf_counter()
        r2 = confirm_lemma_2_1(widths, N, method="full")
        t_full = time.perf_counter() - t0
        assert r1.holds and r2.holds
        ok, t_naive = naive_timed(widths, N, args.timeout)
        naive_s = f"{t_naive:.1f}" if ok is not None else f">{args.timeout:.0f}"
        bound = "" if ok is not None else ">"
        print(f"{str(widths):<14} {N:>2} {params:>6} {t_lw:>12.2f} {t_full:>8.2f} {naive_s:>10} "
              f"{bound + format(t_naive / t_lw, '.0f') + 'x':>16} {bound + format(t_naive / t_full, '.1f') + 'x':>11}")


if __name__ == "__main__":
    main()
