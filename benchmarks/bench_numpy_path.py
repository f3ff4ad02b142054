"""Benchmark of the float64 path (issue 6, "Performance"): ratios measured in one run, printed as a table.

1. certified full row rank of ``[F_1, 1_N]`` (sigmoid, d = 10, n_1 = N - 1, standard normal weights)
   by :func:`exactloss.floatpath.certificates.full_row_rank_float` vs ``numpy.linalg.matrix_rank`` (an SVD that
   certifies nothing) on the same matrix -- target: at most 3x;
2. Lemma 2.1 gradients + one Hessian-vector product (all layers) at widths (10, N, 100, 10)
   (row-blocked :func:`exactloss.floatpath.fastpath.gradients_and_hvp`: one :class:`exactloss.net.hessian.SecondOrder`
   per row block, gradients read off its primal pass; also the separate ``gradients`` + ``hvp``)
   vs the bare ``@`` calls those maps need -- target: within 2x;
3. peak resident memory of each of the two jobs at N = 4096, each in a fresh subprocess, vs the largest
   matrix involved (``N x N`` / ``N x 4096`` float64) -- target: at most 3x (the interpreter with NumPy,
   SciPy, SymPy and python-flint imported is reported separately as the baseline);
4. how cost grows with N: exponent of a least-squares fit of log(time) on log(N), N = 512..8192.

No timed assertions.  Usage::

    OMP_NUM_THREADS=2 python benchmarks/bench_numpy_path.py            # the full run (a few minutes)
    python benchmarks/bench_numpy_path.py --quick                      # N up to 1024, seconds
    python benchmarks/bench_numpy_path.py --sizes 512,1024,2048 --svd-max 2048
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time

import numpy as np

D = 10


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB: VmHWM from /proc (reset by exec, unlike
    ru_maxrss, which Linux carries over from the parent process across execve)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mib() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # pragma: no cover - not Linux
        return float("nan")


def best_of(f, repeat: int) -> float:
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts)


# ---------------------------------------------------------------------------
# the two jobs
# ---------------------------------------------------------------------------


def rank_instance(N: int, seed: int = 0):
    from exactloss import Network, Parameters

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    net = Network((D, N - 1), "sigmoid")
    P = Parameters((rng.standard_normal((D, N - 1)),), (rng.standard_normal(N - 1),))
    return net, P, X


def grad_instance(N: int, width: int | None = None, seed: int = 0):
    from exactloss import Network, Parameters

    widths = (D, width or N, 100, 10)
    rng = np.random.default_rng(seed)
    net = Network(widths, "sigmoid")
    P = Parameters(tuple(rng.standard_normal((widths[k - 1], widths[k])) / math.sqrt(widths[k - 1])
                         for k in range(1, 4)),
                   tuple(rng.standard_normal(widths[k]) for k in range(1, 4)))
    X = rng.standard_normal((N, D))
    Y = rng.uniform(0.1, 0.9, size=(N, widths[-1]))
    return net, P, X, Y


def bench_rank(N: int, svd: bool, repeat: int = 1) -> dict:
    from exactloss.floatpath.fastpath import layer_with_ones
    from exactloss.floatpath.certificates import full_row_rank_float
    from exactloss.floatpath.transfer import certify_layer_float

    net, P, X = rank_instance(N)
    t0 = time.perf_counter()
    A = layer_with_ones(net, P, X, 1)
    t_build = time.perf_counter() - t0
    out = {"N": N, "build_s": t_build}
    cert = {}

    def run():
        cert["c"] = full_row_rank_float(A, estimate=False)

    out["certificate_s"] = best_of(run, repeat)
    c = cert["c"]
    out.update(level=c.level, sigma_min_lower=c.sigma_min_lower, residual_bound=c.residual_inf,
               residual_computed=c.residual_computed)
    t0 = time.perf_counter()
    ce, info = certify_layer_float(net, P, X, 1, A=A, estimate=False)
    out["certificate_exact_F_s"] = time.perf_counter() - t0
    out["exact_F_level"] = ce.level
    out["forward_error_bound"] = info.get("forward_error_F_bound")
    if svd:
        rank = {}

        def run_svd():
            rank["r"] = int(np.linalg.matrix_rank(A))

        out["matrix_rank_s"] = best_of(run_svd, repeat)
        out["matrix_rank"] = rank["r"]
        out["ratio"] = out["certificate_s"] / out["matrix_rank_s"]
    return out


def bare_products(net, P, X, Y, repeat: int) -> float:
    """Time of the matrix products Lemma 2.1 + one R-operator HVP (all layers) need, as bare ``@`` calls.

    Forward: F_{k-1} W_k (3).  Backward: Delta_{k+1} W_{k+1}^T (2).  Gradients: F_{k-1}^T Delta_k (3).
    R-forward: R{F_{k-1}} W_k (2), F_{k-1} V_k (3).  R-backward: R{Delta_{k+1}} W_{k+1}^T (2),
    Delta_{k+1} V_{k+1}^T (2).  HVP blocks: F_{k-1}^T R{Delta_k} (3), R{F_{k-1}}^T Delta_k (2).  22 products.
    """
    rng = np.random.default_rng(1)
    W = [np.asarray(w, dtype=float) for w in P.W]
    V = [rng.standard_normal(w.shape) for w in W]
    N = X.shape[0]
    F = [X] + [rng.random((N, w.shape[1])) for w in W]  # operands of the right shapes
    Dl = [None] + [rng.random((N, w.shape[1])) for w in W]
    RF = [None] + [rng.random((N, w.shape[1])) for w in W]
    RD = [None] + [rng.random((N, w.shape[1])) for w in W]
    L = len(W)

    def run():
        for k in range(1, L + 1):
            F[k - 1] @ W[k - 1]
            F[k - 1].T @ Dl[k]
            F[k - 1] @ V[k - 1]
            F[k - 1].T @ RD[k]
        for k in range(1, L):
            Dl[k + 1] @ W[k].T
            RD[k + 1] @ W[k].T
            Dl[k + 1] @ V[k].T
        for k in range(2, L + 1):
            RF[k - 1] @ W[k - 1]
            RF[k - 1].T @ Dl[k]

    return best_of(run, repeat)


def bench_grad(N: int, repeat: int = 2, width: int | None = None) -> dict:
    from exactloss.net import hessian
    from exactloss.floatpath.fastpath import gradients, gradients_and_hvp, hvp

    net, P, X, Y = grad_instance(N, width)
    v = np.random.default_rng(2).standard_normal(hessian.block_size(net))
    out = {"N": N, "widths": list(net.widths)}
    out["gradients_s"] = best_of(lambda: gradients(net, P, X, Y, "squared"), repeat)
    out["hvp_s"] = best_of(lambda: hvp(net, P, X, Y, "squared", v), repeat)
    out["both_s"] = best_of(lambda: gradients_and_hvp(net, P, X, Y, "squared", v), repeat)
    out["bare_products_s"] = bare_products(net, P, X, Y, repeat)
    out["ratio"] = out["both_s"] / out["bare_products_s"]
    out["ratio_separate"] = (out["gradients_s"] + out["hvp_s"]) / out["bare_products_s"]
    return out


# ---------------------------------------------------------------------------
# memory, in a fresh subprocess
# ---------------------------------------------------------------------------


def memory_child(job: str, N: int) -> dict:
    import exactloss.floatpath.fastpath  # noqa: F401  (the imports every job pays)
    import exactloss.net.hessian  # noqa: F401
    import exactloss.floatpath.transfer  # noqa: F401  (imported for the baseline)

    base = current_rss_mib()
    if job == "rank":
        from exactloss.floatpath.fastpath import layer_with_ones
        from exactloss.floatpath.certificates import full_row_rank_float

        net, P, X = rank_instance(N)
        A = layer_with_ones(net, P, X, 1)
        c = full_row_rank_float(A, estimate=False)
        largest = A.nbytes
        ok = c.level
    else:
        from exactloss.net import hessian
        from exactloss.floatpath.fastpath import gradients_and_hvp

        net, P, X, Y = grad_instance(N)
        v = np.random.default_rng(2).standard_normal(hessian.block_size(net))
        gradients_and_hvp(net, P, X, Y, "squared", v)
        largest = 8 * N * max(net.widths)  # F_1 (N x n_1), never formed whole by the row-blocked path
        ok = "numerical"
    return {"job": job, "N": N, "baseline_mib": base, "peak_mib": rss_mib(), "largest_mib": largest / 2**20,
            "level": ok}


def memory(job: str, N: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", job, "--child-n", str(N)], capture_output=True,
                         text=True, env=os.environ.copy(), timeout=3600)
    if out.returncode != 0:
        return {"job": job, "N": N, "error": out.stderr.strip()[-400:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def fit_exponent(ns, ts) -> float | None:
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if t and t > 0]
    if len(pts) < 2:
        return None
    x, y = np.array(pts).T
    return float(np.polyfit(x, y, 1)[0])


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="512,1024,2048,4096,8192", help="N values for the exponent fits")
    ap.add_argument("--svd-max", type=int, default=4096, help="largest N for numpy.linalg.matrix_rank")
    ap.add_argument("--target", type=int, default=4096, help="N of the headline ratios and the memory runs")
    ap.add_argument("--quick", action="store_true", help="N = 256, 512, 1024 only")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child-n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(memory_child(args.child, args.child_n)))
        return 0
    sizes = [256, 512, 1024] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    target = 1024 if args.quick else args.target
    svd_max = min(args.svd_max, 1024) if args.quick else args.svd_max
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    print(f"exactloss float-path benchmark: numpy {np.__version__}, BLAS threads {threads}, {os.cpu_count()} CPUs")
    rank_rows, grad_rows = [], []
    print("\n[1] certified full row rank of [F_1, 1_N] (sigmoid, d = 10, n_1 = N - 1) vs numpy.linalg.matrix_rank")
    print(f"{'N':>6} {'build':>8} {'certify':>9} {'+exact F':>9} {'matrix_rank':>12} {'ratio':>7} "
          f"{'level':>10} {'sigma_min >=':>13} {'||I-RA|| <=':>12}")
    for N in sizes:
        r = bench_rank(N, svd=N <= svd_max)
        rank_rows.append(r)
        mr = f"{r['matrix_rank_s']:10.3f} s" if "matrix_rank_s" in r else f"{'-':>12}"
        ratio = f"{r['ratio']:7.2f}" if "ratio" in r else f"{'-':>7}"
        print(f"{N:>6} {r['build_s']:7.3f}s {r['certificate_s']:8.3f}s {r['certificate_exact_F_s']:8.3f}s {mr} {ratio} "
              f"{r['level']:>10} {r['sigma_min_lower'] or float('nan'):13.3e} {r['residual_bound']:12.3e}", flush=True)
    print("\n[2] Lemma 2.1 gradients + one HVP (all layers), widths (10, N, 100, 10), vs the 22 bare @ calls")
    print(f"{'N':>6} {'gradients':>10} {'hvp':>9} {'grad+hvp':>9} {'bare @':>9} {'ratio':>7} {'separate':>9}")
    for N in sizes:
        g = bench_grad(N)
        grad_rows.append(g)
        print(f"{N:>6} {g['gradients_s']:9.3f}s {g['hvp_s']:8.3f}s {g['both_s']:8.3f}s {g['bare_products_s']:8.3f}s "
              f"{g['ratio']:7.2f} {g['ratio_separate']:9.2f}", flush=True)
    print(f"\n[3] peak resident memory at N = {target} (fresh subprocess per job)")
    mem = [memory("rank", target), memory("grad", target)]
    print(f"{'job':>6} {'baseline':>10} {'peak':>10} {'largest matrix':>15} {'peak/largest':>13} {'(peak-base)/largest':>20}")
    for m in mem:
        if "error" in m:
            print(f"{m['job']:>6} error: {m['error']}")
            continue
        m["ratio_total"] = m["peak_mib"] / m["largest_mib"]
        m["ratio_above_baseline"] = (m["peak_mib"] - m["baseline_mib"]) / m["largest_mib"]
        print(f"{m['job']:>6} {m['baseline_mib']:8.0f}Mi {m['peak_mib']:8.0f}Mi {m['largest_mib']:13.0f}Mi "
              f"{m['ratio_total']:13.2f} {m['ratio_above_baseline']:20.2f}")
    print("\n[4] cost exponents (least-squares fit of log time on log N)")
    ns = [r["N"] for r in rank_rows]
    exps = {
        "certificate": fit_exponent(ns, [r["certificate_s"] for r in rank_rows]),
        "certificate (N >= 1024)": fit_exponent([n for n in ns if n >= 1024],
                                                [r["certificate_s"] for r in rank_rows if r["N"] >= 1024]),
        "matrix_rank": fit_exponent([r["N"] for r in rank_rows if "matrix_rank_s" in r],
                                    [r["matrix_rank_s"] for r in rank_rows if "matrix_rank_s" in r]),
        "gradients + hvp": fit_exponent([g["N"] for g in grad_rows], [g["both_s"] for g in grad_rows]),
        "bare @ (grad + hvp)": fit_exponent([g["N"] for g in grad_rows], [g["bare_products_s"] for g in grad_rows]),
    }
    for k, v in exps.items():
        print(f"  {k:<26} {'-' if v is None else f'{v:.2f}'}")
    head = next((r for r in rank_rows if r["N"] == target and "ratio" in r), None)
    ghead = next((g for g in grad_rows if g["N"] == target), None)
    print("\nheadline (targets from the issue):")
    if head:
        print(f"  certified rank / matrix_rank at N = {target}: {head['ratio']:.2f}x (target <= 3x)")
    if ghead:
        print(f"  gradients + HVP / bare @ at N = {target}: {ghead['ratio']:.2f}x (target <= 2x)")
    for m in mem:
        if "ratio_total" in m:
            print(f"  peak RSS / largest matrix ({m['job']}): {m['ratio_total']:.2f}x total, "
                  f"{m['ratio_above_baseline']:.2f}x above the import baseline (target <= 3x)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rank": rank_rows, "grad": grad_rows, "memory": mem, "exponents": exps}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
