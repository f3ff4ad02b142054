"""Lemma 4.3 at scale (issue 14): the whole default ``check lemma-4.3`` for sigmoid and tanh, N = 256 .. 4096.

Prints the seconds of ``lemma_4_3(samples=N, dim=2, activation=A)`` (the default 20-point sweep) and, as a
baseline measured in the same run, one ``numpy.linalg.slogdet`` of the float64 N x N matrix E(alpha) at the
witness alpha; the ratio is replay / baseline.  No assertions (the targets are read off the output): sigmoid
and tanh N = 4096 within 60 s on 2 cores.  ``python benchmarks/bench_lemma_4_3_scale.py [N ...]``.
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

import numpy as np

from exactloss.arith.systems import Float
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.replay import lemma_4_3, sample_points


def main(sizes: list[int]) -> None:
    print(f"{'sigma':8} {'N':>5} {'replay s':>9} {'slogdet s':>10} {'ratio':>7}  verdict")
    for act in ("sigmoid", "tanh"):
        for N in sizes:
            t0 = time.perf_counter()
            r = lemma_4_3(samples=N, dim=2, activation=act)
            t_rep = time.perf_counter() - t0


            cons = build(sample_points(N, 2), f"2,{N - 1}", 1, act, None, 0)
            E = cons.E(Fraction(r.details["witness"]["at_alpha0"]["alpha"]), Float())
            t0 = time.perf_counter()
            np.linalg.slogdet(E)
            t_base = time.perf_counter() - t0
            print(f"{act:8} {N:5d} {t_rep:9.2f} {t_base:10.3f} {t_rep / t_base:7.0f}  {r.holds} ({r.level})",
                  flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [256, 512, 1024, 2048, 4096])
