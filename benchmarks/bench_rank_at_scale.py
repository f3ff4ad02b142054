"""Certificates at the size of the machine (issue 14, item 3): the certified rank at N = 16384, Lemma 3.5 at 4096.

1. Certified full row rank of the **exact** ``[F_1, 1_N]`` (sigmoid, d = 10, n_1 = N - 1, standard normal
   weights: :func:`bench_numpy_path.rank_instance`) by
   :func:`exactloss.floatpath.transfer.certify_layer_float`: the float64 matrix certified by
   :func:`exactloss.floatpath.certificates.full_row_rank_float` (approximate inverse, rigorous residual
   bound) *and* transferred to the exact matrix with the rigorous forward-error bound
   (:func:`exactloss.floatpath.forward_error.forward_error_bound`, Weyl).  Each N runs in a fresh
   subprocess; its peak resident memory (VmHWM) is reported beside the size of the ``N x N`` float64 matrix.
   Compared with ``numpy.linalg.matrix_rank`` (an SVD that certifies nothing) on the same float matrix,
   also in a fresh subprocess, for ``N <= --svd-max``; above, the SVD time is extrapolated from the largest
   measured N with the exponent of a least-squares fit of log(time) on log(N) (the measured N >= 1024).
2. The quantitative Lemma 3.5 bound at scale (:func:`exactloss.paper.lemma_3_5.at_scale.lemma_3_5_float`):
   widths (64, N, 3) (``LEMMA_D``), sigmoid, synthetic data, the top layer fitted by least squares (numerical: it
   only chooses the point); the bound on Phi is certified (every factor from float64 with rigorous bounds), and
   printed beside Phi of the best constant output, the scale at which a bound stops saying anything.  With
   d = 10 the features are so ill-conditioned at N = 4096 (s_1 ~ 3e-5, |W_2| large) that the rigorous gradient
   bound -- dominated by the forward error through the large top weights -- makes the bound vacuous (8.8e5,
   above Phi of a constant, 656); d = 64 keeps it informative.

No timed assertions.  Usage::

    OMP_NUM_THREADS=2 python benchmarks/bench_rank_at_scale.py --sizes 1024,2048,4096,8192,16384 --svd-max 8192
    python benchmarks/bench_rank_at_scale.py --sizes 512,1024 --svd-max 1024 --lemma-n 512     # seconds
    python benchmarks/bench_rank_at_scale.py --sizes 0 --lemma-n 4096,8192                     # Lemma 3.5 only
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_numpy_path import current_rss_mib, fit_exponent, rank_instance, rss_mib  # noqa: E402


def child_cert(N: int) -> dict:
    from exactloss.floatpath.fastpath import layer_with_ones
    from exactloss.floatpath.transfer import certify_layer_float

    base = current_rss_mib()
    net, P, X = rank_instance(N)
    t0 = time.perf_counter()
    A = layer_with_ones(net, P, X, 1)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    c, info = certify_layer_float(net, P, X, 1, A=A, estimate=False)
    total = time.perf_counter() - t0
    fm = c.float_matrix or {}
    return {"N": N, "build_s": build, "certified_s": total, "float_certificate_s": c.seconds,
            "forward_error_s": total - c.seconds, "level": c.level, "full": c.full,
            "sigma_min_lower_exact": c.sigma_min_lower if c.full else None,
            "sigma_min_lower_float": fm.get("sigma_min_lower"),
            "forward_error_bound": info.get("forward_error_F_bound"),
            "residual_inf_upper": c.residual_inf, "certifies": c.certifies, "missing": c.missing,
            "baseline_mib": base, "peak_mib": rss_mib(), "matrix_mib": A.nbytes / 2**20}


def child_svd(N: int) -> dict:
    from exactloss.floatpath.fastpath import layer_with_ones

    net, P, X = rank_instance(N)
    A = layer_with_ones(net, P, X, 1)
    t0 = time.perf_counter()
    r = int(np.linalg.matrix_rank(A))
    return {"N": N, "svd_s": time.perf_counter() - t0, "rank": r, "peak_mib": rss_mib(), "level": "numerical"}


LEMMA_D = 64  #: input dimension of the Lemma 3.5 row


def child_lemma(N: int) -> dict:
    from exactloss.floatpath.datasets import synthetic
    from exactloss.floatpath.training import fit_top_layer
    from exactloss.net.network import Network, random_float_parameters
    from exactloss.paper.lemma_3_5.at_scale import lemma_3_5_float

    base = current_rss_mib()
    X, Y = synthetic(N, LEMMA_D, 3, seed=0)
    net = Network((LEMMA_D, N, 3), "sigmoid")
    P = random_float_parameters(net.widths, seed=0, scale=1.0)
    t0 = time.perf_counter()
    P = fit_top_layer(net, P, X, Y)
    fit = time.perf_counter() - t0
    peak_fit = rss_mib()
    t0 = time.perf_counter()
    r = lemma_3_5_float(net, P, X, Y, k=1)
    sec = time.perf_counter() - t0
    f = r.details.get("factors", {})
    return {"N": N, "widths": list(net.widths), "fit_s": fit, "lemma_s": sec, "holds": r.holds, "level": r.level,
            "loss_bound": r.details.get("loss_bound"), "Phi_float": r.details.get("Phi_float"),
            "grad_upper": f.get("||grad_2||_F (upper)"), "s_1_lower": f.get("s_1 = sigma_min([F_1, 1_N]) (lower)"),
            "Phi_constant": float(np.sum((Y - Y.mean(axis=0)) ** 2)),
            "baseline_mib": base, "peak_after_fit_mib": peak_fit, "peak_mib": rss_mib(),
            "matrix_mib": 8 * N * (N + 1) / 2**20}


CHILDREN = {"cert": child_cert, "svd": child_svd, "lemma": child_lemma}


def run_child(job: str, N: int) -> dict:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", job, "--child-n", str(N)],
                         capture_output=True, text=True, env=os.environ.copy(), timeout=4 * 3600)
    if out.returncode != 0:
        return {"job": job, "N": N, "error": out.stderr.strip()[-600:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1024,2048,4096,8192,16384", help="N values of the certified rank")
    ap.add_argument("--svd-max", type=int, default=8192, help="largest N for numpy.linalg.matrix_rank")
    ap.add_argument("--lemma-n", default="4096", help="N values of the Lemma 3.5 rows, comma-separated (0: none)")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--child-n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.child_n)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s and int(s) > 0]
    lemma_ns = [int(s) for s in args.lemma_n.split(",") if s and int(s) > 0]
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or "default"
    print(f"exactloss certificates at scale: numpy {np.__version__}, BLAS threads {threads}, {os.cpu_count()} CPUs")
    rows, svds, p = [], {}, None
    if sizes:  # --sizes 0: the Lemma 3.5 rows only
        print("\n[1] certified rank [F_1, 1_N] = N of the EXACT matrix (sigmoid, d = 10, n_1 = N - 1): "
              "certify_layer_float (float certificate + forward-error transfer) vs numpy.linalg.matrix_rank")
        for N in sizes:
            r = run_child("cert", N)
            rows.append(r)
            if N <= args.svd_max:
                svds[N] = run_child("svd", N)
        pts = [(N, s["svd_s"]) for N, s in sorted(svds.items()) if "svd_s" in s and N >= 1024] or \
              [(N, s["svd_s"]) for N, s in sorted(svds.items()) if "svd_s" in s]
        p = fit_exponent([n for n, _ in pts], [t for _, t in pts]) if len(pts) >= 2 else None
        print(f"{'N':>6} {'certified':>10} {'(fwd err':>9} {'+ float)':>9} {'SVD rank':>10} {'':>5} {'ratio':>6} "
              f"{'level':>10} {'sigma_min >=':>12} {'||A-M||_2 <=':>12} {'peak RSS':>9} {'matrix':>8} {'peak/mat':>8} "
              f"{'(peak-base)/mat':>15}")
        for r in rows:
            N = r["N"]
            if "error" in r:
                print(f"{N:>6} error: {r['error']}")
                continue
            s = svds.get(N, {})
            if "svd_s" in s:
                ts, how = s["svd_s"], "meas"
                r["svd_rank"] = s["rank"]
            elif p is not None and pts:
                n0, t0 = pts[-1]
                ts, how = t0 * (N / n0) ** p, "extr"
            else:
                ts, how = None, "-"
            r["svd_s"], r["svd_how"] = ts, how
            r["ratio"] = r["certified_s"] / ts if ts else None
            smin = r["sigma_min_lower_exact"]
            ts_s = f"{'-':>10}" if ts is None else f"{ts:9.2f}s"
            ratio_s = f"{'-':>6}" if r["ratio"] is None else f"{r['ratio']:6.2f}"
            smin_s = f"{'-':>12}" if smin is None else f"{smin:12.3e}"
            print(f"{N:>6} {r['certified_s']:9.2f}s {r['forward_error_s']:8.2f}s {r['float_certificate_s']:8.2f}s "
                  f"{ts_s} {how:>5} {ratio_s} {r['level']:>10} {smin_s} {r['forward_error_bound'] or 0:12.3e} "
                  f"{r['peak_mib']:7.0f}Mi {r['matrix_mib']:6.0f}Mi {r['peak_mib'] / r['matrix_mib']:8.2f} "
                  f"{(r['peak_mib'] - r['baseline_mib']) / r['matrix_mib']:15.2f}", flush=True)
        print(f"  SVD exponent (fit of log time on log N over N = {[n for n, _ in pts]}): "
              f"{'-' if p is None else f'{p:.2f}'}; 'extr' rows use it from the largest measured N")
        cert_p = fit_exponent([r["N"] for r in rows if "certified_s" in r and r["N"] >= 1024],
                              [r["certified_s"] for r in rows if "certified_s" in r and r["N"] >= 1024])
        print(f"  certified exponent (N >= 1024): {'-' if cert_p is None else f'{cert_p:.2f}'}")
        bad = [r for r in rows if "error" not in r and r.get("level") != "certified"]
        for r in bad:
            print(f"  N = {r['N']}: NOT certified ({r['level']}); missing: {r.get('missing')}")
    lemmas = []
    if lemma_ns:
        print(f"\n[2] quantitative Lemma 3.5: widths ({LEMMA_D}, N, 3), sigmoid, synthetic data, top layer fitted by "
              "least squares (numerical), bound certified (lemma_3_5_float)")
        print(f"{'N':>6} {'lemma':>9} {'(fit)':>9} {'level':>10} {'Phi <=':>11} {'Phi const':>10} {'Phi float':>11} "
              f"{'||g||_F <=':>11} {'s_1 >=':>10} {'peak RSS':>9} {'matrix':>8}")
    for N in lemma_ns:
        lemma = run_child("lemma", N)
        lemmas.append(lemma)
        if "error" in lemma:
            print(f"{N:>6}  error: {lemma['error']}")
            continue
        lb = lemma["loss_bound"]
        print(f"{lemma['N']:>6} {lemma['lemma_s']:8.2f}s {lemma['fit_s']:8.2f}s {str(lemma['level']):>10} "
              f"{'-' if lb is None else f'{lb:11.3e}'} {lemma['Phi_constant']:10.1f} {lemma['Phi_float']:11.3e} "
              f"{lemma['grad_upper'] or float('nan'):11.3e} {lemma['s_1_lower'] or float('nan'):10.3e} "
              f"{lemma['peak_mib']:7.0f}Mi {lemma['matrix_mib']:6.0f}Mi", flush=True)
    if lemmas:
        print("  'Phi <=' is certified (a rigorous upper bound of the exact loss at these float64 parameters); "
              "'Phi const' (the loss of the best constant output: a bound above it says nothing), 'Phi float' and "
              "the fit are numerical")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rank": rows, "svd": list(svds.values()), "svd_exponent": p, "lemma_3_5": lemmas}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
