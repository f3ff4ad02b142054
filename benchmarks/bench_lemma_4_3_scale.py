"""Lemma 4.3 at scale (issue 14): the whole default ``check lemma-4.3``, synthetic and real data, in one run.

Rows, each the seconds of one ``lemma_4_3(...)`` call (the default 20-point sweep) beside a baseline measured in
the same run -- one ``numpy.linalg.slogdet`` of the float64 N x N matrix E(alpha) at the witness alpha -- and
their ratio (replay / baseline):

* sigmoid and tanh, N = 256 .. 4096 (target: N = 4096 within 60 s on 2 cores, proved: the bordered Cauchy
  determinant, no ball determinant above N = 128);
* softplus, N = 256 .. 1024 (target: N = 1024 within 60 s, certified: the O(N) alpha_0 certificate; the
  sweep above N = 128 is float64 views, numerical);
* real data when scikit-learn is installed (the ``data`` extra): ``--data digits`` (1797 x 61 after dropping
  constant pixels) and ``--data breast-cancer`` (569 x 30), layer 1 and layer 2 (target: each under 2 minutes,
  certified; the layer-2 witness by the float path with the forward-error transfer).

No assertions (the targets are read off the output).  ``python benchmarks/bench_lemma_4_3_scale.py [--quick]``
(``--quick``: N up to 512, no real data).
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

import numpy as np

from exactloss.arith.systems import Float
from exactloss.paper.lemma_4_3.construction import build
from exactloss.paper.lemma_4_3.replay import lemma_4_3, sample_points


def row(label: str, N: int, kw: dict, X=None, widths: str | None = None, layer: int = 1) -> None:
    t0 = time.perf_counter()
    r = lemma_4_3(**kw)
    t_rep = time.perf_counter() - t0
    if X is None:
        X = sample_points(N, kw.get("dim", 1))
    d = X.shape[1]
    cons = build(X, widths or ",".join([str(d)] + [str(N - 1)] * layer), layer, kw.get("activation", "sigmoid"))
    E = cons.E(Fraction(r.details["witness"]["at_alpha0"]["alpha"]), Float())
    t0 = time.perf_counter()
    np.linalg.slogdet(E)
    t_base = time.perf_counter() - t0
    print(f"{label:24} {N:5d} {t_rep:9.2f} {t_base:10.3f} {t_rep / t_base:7.0f}  {r.holds} ({r.level})", flush=True)


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    print(f"{'instance':24} {'N':>5} {'replay s':>9} {'slogdet s':>10} {'ratio':>7}  verdict")
    for act, sizes in (("sigmoid", [256, 512, 1024, 2048, 4096]), ("tanh", [256, 512, 1024, 2048, 4096]),
                       ("softplus", [256, 512, 1024])):
        for N in sizes if not quick else [n for n in sizes if n <= 512]:
            dim = 2 if act != "softplus" else 1
            row(f"{act}, d = {dim}", N, {"samples": N, "dim": dim, "activation": act})
    if quick:
        return
    try:
        from exactloss.floatpath.datasets import load
        sets = {name: load(name)[0] for name in ("breast_cancer", "digits")}
    except Exception as exc:  # scikit-learn absent: the data extra
        print(f"real data skipped: {exc}")
        return
    from exactloss.arith.systems import rational_matrix
    for name, X in sets.items():
        Xq = rational_matrix(X, "X")
        for k in (1, 2):
            row(f"--data {name.replace('_', '-')}, k = {k}", X.shape[0], {"data": name, "layer": k}, Xq, layer=k)


if __name__ == "__main__":
    main(sys.argv[1:])
