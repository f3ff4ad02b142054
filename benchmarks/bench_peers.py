"""Peers side by side (issue 14, item 2): the float64 path vs PyTorch and JAX on the same network and data.

Network, data and direction are those of job 2 of ``bench_numpy_path.py`` (imported from it, so the numbers
are comparable): widths (10, N, 100, 10), sigmoid, squared loss ``Phi = sum_ij ((F_L)_ij - Y_ij)^2`` (the
catalogue's ``a^2``, no 1/2), a fixed-seed Gaussian direction ``v`` over all layers.  Per N it times (best of
``--repeat``; warm-up runs, and JAX's jit compile, are excluded and the first call is reported separately):

* ``bare @``: the 22 matrix products a forward + Lemma 2.1 backward + one R-operator HVP need, as bare calls;
* ``exactloss``: :func:`exactloss.floatpath.fastpath.gradients_and_hvp` (gradients + one HVP, all layers);
* ``torch``: float64 CPU, ``torch.func.jvp(torch.func.grad(f), (p,), (v,))`` -- forward-over-reverse, which
  returns the gradient *and* the HVP in one call (``grad`` alone is timed too);
* ``jax``: float64 CPU (``jax_enable_x64``), ``jax.jit`` of the same jvp-of-grad (and of ``jax.grad``).

A peer whose import fails is skipped.  Agreement (numerical, float64): on a small instance with exact binary
rational parameters, data and direction, the gradient and HVP of each float implementation vs the ball-arithmetic
enclosure (``Ball(128)``, certified): max |float - ball midpoint| and whether every float entry lies within
ball radius + a float tolerance; at N = the smallest size, exactloss vs torch vs jax (max relative difference).
The exit status is non-zero only when an agreement check fails, never because of timing.  Usage::

    OMP_NUM_THREADS=2 flock /tmp/heavy.lock python benchmarks/bench_peers.py
    python benchmarks/bench_peers.py --quick            # N = 256, 512
    python benchmarks/bench_peers.py --sizes 512,2048 --json peers.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_numpy_path import bare_products, best_of, grad_instance  # noqa: E402  (same instance and baseline)

THREADS = int(os.environ.get("OMP_NUM_THREADS", "2") or 2)
AGREE_RTOL = 1e-10      # exactloss vs torch vs jax at benchmark size (relative to the largest entry)
BALL_FLOAT_TOL = 1e-12  # float vs ball enclosure, relative to the largest entry


# ---------------------------------------------------------------------------
# peers: the same Phi written functionally
# ---------------------------------------------------------------------------


def load_torch():
    try:
        import torch
        import torch.func  # noqa: F401
    except Exception as e:  # pragma: no cover - depends on the environment
        return None, f"{type(e).__name__}: {e}"
    torch.set_num_threads(THREADS)
    return torch, None


def load_jax():
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        jax.config.update("jax_platforms", "cpu")
        import jax.numpy as jnp  # noqa: F401
    except Exception as e:  # pragma: no cover
        return None, f"{type(e).__name__}: {e}"
    return jax, None


def interleave(Ws, bs, as_float: bool = False) -> list:
    """``[W_1, b_1, W_2, b_2, ...]`` (the peers' parameter order) from the per-layer weights and biases; with
    ``as_float`` as contiguous float64 arrays."""
    out = []
    for W, b in zip(Ws, bs):
        out += [np.ascontiguousarray(W, dtype=np.float64), np.ascontiguousarray(b, dtype=np.float64)] \
            if as_float else [W, b]
    return out


def flat_params(P) -> list[np.ndarray]:
    """``[W_1, b_1, W_2, b_2, ...]`` as float64 arrays."""
    return interleave(P.W, P.b, as_float=True)


def layer_blocks(net, v) -> list:
    """A flat direction (or HVP) over all layers as ``[V_W1, V_b1, V_W2, ...]``."""
    from exactloss.net import hessian

    pairs = hessian.unflatten(net, v)
    return interleave([a for a, _ in pairs], [b for _, b in pairs])


def direction_pairs(net, v: np.ndarray) -> list[np.ndarray]:
    return [np.ascontiguousarray(a, dtype=np.float64) for a in layer_blocks(net, v)]


class TorchPeer:
    name = "torch"

    def __init__(self, torch, net, P, X, Y, v):
        self.torch = torch
        act = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}[net.activation.name]
        Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64))
        Yt = torch.from_numpy(np.ascontiguousarray(Y, dtype=np.float64))

        def phi(params):
            F = Xt
            for k in range(0, len(params), 2):
                F = act(F @ params[k] + params[k + 1])
            return ((F - Yt) ** 2).sum()

        self.p = tuple(torch.from_numpy(a.copy()) for a in flat_params(P))
        self.v = tuple(torch.from_numpy(a.copy()) for a in direction_pairs(net, v))
        self._grad = torch.func.grad(phi)
        self._jvp = torch.func.jvp

    def grad(self):
        with self.torch.no_grad():
            return self._grad(self.p)

    def grad_and_hvp(self):
        with self.torch.no_grad():
            return self._jvp(self._grad, (self.p,), (self.v,))

    @staticmethod
    def numpy(tree):
        return [t.detach().numpy() for t in tree]


class JaxPeer:
    name = "jax"

    def __init__(self, jax, net, P, X, Y, v):
        import jax.numpy as jnp

        act = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh}[net.activation.name]
        Xj = jnp.asarray(X, dtype=jnp.float64)
        Yj = jnp.asarray(Y, dtype=jnp.float64)

        def phi(params):
            F = Xj
            for k in range(0, len(params), 2):
                F = act(F @ params[k] + params[k + 1])
            return jnp.sum((F - Yj) ** 2)

        self.p = tuple(jnp.asarray(a) for a in flat_params(P))
        self.v = tuple(jnp.asarray(a) for a in direction_pairs(net, v))
        g = jax.grad(phi)
        self._grad = jax.jit(g)
        self._both = jax.jit(lambda p, t: jax.jvp(g, (p,), (t,)))

    def grad(self):
        out = self._grad(self.p)
        for a in out:
            a.block_until_ready()
        return out

    def grad_and_hvp(self):
        g, h = self._both(self.p, self.v)
        for a in g + h:
            a.block_until_ready()
        return g, h

    @staticmethod
    def numpy(tree):
        return [np.asarray(a) for a in tree]


def make_peers(net, P, X, Y, v, skip: set[str]) -> tuple[list, dict]:
    peers, notes = [], {}
    for name, loader, cls in (("torch", load_torch, TorchPeer), ("jax", load_jax, JaxPeer)):
        if name in skip:
            notes[name] = "skipped: --skip"
            continue
        mod, err = loader()
        if mod is None:
            notes[name] = f"skipped: not installed ({err})"
            continue
        peers.append(cls(mod, net, P, X, Y, v))
    return peers, notes


def exactloss_tree(net, P, X, Y, v):
    from exactloss.floatpath.fastpath import gradients_and_hvp

    g, h = gradients_and_hvp(net, P, X, Y, "squared", v)
    return interleave(g.grad_W, g.grad_b), layer_blocks(net, h)


def max_rel(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    scale = max(float(np.max(np.abs(x))) for x in a)
    return max(float(np.max(np.abs(np.asarray(x) - np.asarray(y)))) for x, y in zip(a, b)) / scale


# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------


def first_call(f) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def bench_size(N: int, repeat: int, skip: set[str]) -> dict:
    from exactloss.floatpath.fastpath import gradients_and_hvp
    from exactloss.net import hessian

    net, P, X, Y = grad_instance(N)
    v = np.random.default_rng(2).standard_normal(hessian.block_size(net))
    out: dict = {"N": N, "widths": list(net.widths)}
    out["bare_s"] = bare_products(net, P, X, Y, repeat)
    run = lambda: gradients_and_hvp(net, P, X, Y, "squared", v)  # noqa: E731
    out["exactloss_first_s"] = first_call(run)
    out["exactloss_s"] = best_of(run, repeat)
    peers, notes = make_peers(net, P, X, Y, v, skip)
    out["skipped"] = notes
    for p in peers:
        out[f"{p.name}_first_s"] = first_call(p.grad_and_hvp) + first_call(p.grad)  # includes jit compile
        out[f"{p.name}_grad_s"] = best_of(p.grad, repeat)
        out[f"{p.name}_s"] = best_of(p.grad_and_hvp, repeat)
    for k in ("exactloss", "torch", "jax"):
        if f"{k}_s" in out:
            out[f"{k}_ratio_bare"] = out[f"{k}_s"] / out["bare_s"]
    for k in ("torch", "jax"):
        if f"{k}_s" in out:
            out[f"exactloss_over_{k}"] = out["exactloss_s"] / out[f"{k}_s"]
    return out


# ---------------------------------------------------------------------------
# agreement
# ---------------------------------------------------------------------------


def agreement_ball() -> dict:
    """Gradient and HVP of each float implementation vs the Ball(128) enclosure on a small exact instance."""
    from fractions import Fraction

    from exactloss import Network
    from exactloss.arith.systems import Ball
    from exactloss.floatpath.fastpath import float_parameters
    from exactloss.net import hessian
    from exactloss.net.backprop import backprop
    from exactloss.net.network import random_data

    net = Network((3, 8, 5, 2), "sigmoid")
    P = net.random_parameters(seed=3)  # p/8: exact in float64
    Xq, Yq = random_data(6, 3, 2, seed=3)  # p/4: exact in float64
    p = hessian.block_size(net)
    rng = np.random.default_rng(5)
    vq = np.array([Fraction(int(k), 8) for k in rng.integers(-16, 17, size=p)], dtype=object)
    B = Ball(128)
    gb = backprop(net, P, Xq, Yq, "squared", B)
    hb = hessian.hvp(net, P, Xq, Yq, "squared", vq, B)
    ball_grad, ball_h = interleave(gb.grad_W, gb.grad_b), layer_blocks(net, hb)
    mid = lambda A: np.vectorize(lambda x: float(x.mid()), otypes=[float])(A)  # noqa: E731
    rad = lambda A: np.vectorize(lambda x: float(x.rad()), otypes=[float])(A)  # noqa: E731
    ref = {"grad": ([mid(a) for a in ball_grad], [rad(a) for a in ball_grad]),
           "hvp": ([mid(a) for a in ball_h], [rad(a) for a in ball_h])}
    Pf = float_parameters(P)[0]
    X = np.array(Xq, dtype=float)
    Y = np.array(Yq, dtype=float)
    v = np.array([float(x) for x in vq])
    impls = {"exactloss": exactloss_tree(net, Pf, X, Y, v)}
    peers, notes = make_peers(net, Pf, X, Y, v, set())
    for pe in peers:
        g, h = pe.grad_and_hvp()
        impls[pe.name] = (pe.numpy(g), pe.numpy(h))
    out = {"instance": "widths (3, 8, 5, 2), sigmoid, squared, N = 6, exact binary-rational P, X, Y, v",
           "ball": "Ball(128)", "skipped": notes, "max_ball_radius": max(float(np.max(r)) for r in ref["grad"][1] + ref["hvp"][1])}
    for name, (g, h) in impls.items():
        row = {}
        for what, got in (("grad", g), ("hvp", h)):
            mids, rads = ref[what]
            scale = max(float(np.max(np.abs(m))) for m in mids)
            err = max(float(np.max(np.abs(a - m))) for a, m in zip(got, mids))
            inside = all(bool(np.all(np.abs(a - m) <= r + BALL_FLOAT_TOL * scale)) for a, m, r in zip(got, mids, rads))
            row[what] = {"max_abs_diff": err, "max_rel_diff": err / scale, "within_radius_plus_tol": inside}
        out[name] = row
    return out


def agreement_at_size(N: int, skip: set[str]) -> dict:
    from exactloss.net import hessian

    net, P, X, Y = grad_instance(N)
    v = np.random.default_rng(2).standard_normal(hessian.block_size(net))
    impls = {"exactloss": exactloss_tree(net, P, X, Y, v)}
    peers, notes = make_peers(net, P, X, Y, v, skip)
    for pe in peers:
        g, h = pe.grad_and_hvp()
        impls[pe.name] = (pe.numpy(g), pe.numpy(h))
    out = {"N": N, "skipped": notes, "rtol": AGREE_RTOL}
    names = list(impls)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = impls[names[i]], impls[names[j]]
            out[f"{names[i]}~{names[j]}"] = {"grad": max_rel(a[0], b[0]), "hvp": max_rel(a[1], b[1])}
    return out


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def fmt(x, w=9, spec=".3f", suffix="s"):
    return f"{'-':>{w}}" if x is None else f"{x:{w - len(suffix)}{spec}}{suffix}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="512,1024,2048,4096", help="N values")
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats per measurement (best is reported)")
    ap.add_argument("--quick", action="store_true", help="N = 256, 512 only")
    ap.add_argument("--skip", default="", help="comma-separated peers to leave out (torch, jax)")
    ap.add_argument("--json", default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    sizes = [256, 512] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    print(f"exactloss vs peers: numpy {np.__version__}, OMP_NUM_THREADS {os.environ.get('OMP_NUM_THREADS', 'unset')}, "
          f"{os.cpu_count()} CPUs")
    for name, loader in (("torch", load_torch), ("jax", load_jax)):
        mod, err = (None, "--skip") if name in skip else loader()
        print(f"  {name}: {mod.__version__ if mod else 'skipped: not installed (' + str(err) + ')'}")

    failures = []
    print("\n[1] agreement with the ball-arithmetic enclosure (numerical agreement of float64 results)")
    ab = agreement_ball()
    print(f"    {ab['instance']}; {ab['ball']}, largest ball radius {ab['max_ball_radius']:.1e}")
    print(f"    {'impl':<10} {'grad max|f-mid|':>16} {'rel':>9} {'in ball+tol':>12} {'hvp max|f-mid|':>16} {'rel':>9} "
          f"{'in ball+tol':>12}")
    for name in ("exactloss", "torch", "jax"):
        if name not in ab:
            print(f"    {name:<10} {ab['skipped'].get(name, 'skipped')}")
            continue
        g, h = ab[name]["grad"], ab[name]["hvp"]
        print(f"    {name:<10} {g['max_abs_diff']:16.2e} {g['max_rel_diff']:9.1e} {str(g['within_radius_plus_tol']):>12} "
              f"{h['max_abs_diff']:16.2e} {h['max_rel_diff']:9.1e} {str(h['within_radius_plus_tol']):>12}")
        for what in ("grad", "hvp"):
            if not ab[name][what]["within_radius_plus_tol"]:
                failures.append(f"{name} {what} outside ball radius + {BALL_FLOAT_TOL:g} relative")
    print(f"    (tolerance: ball radius + {BALL_FLOAT_TOL:g} x largest |entry|)")

    N0 = min(sizes)
    print(f"\n[2] agreement at benchmark size N = {N0} (max |a - b| / max |a|, target <= {AGREE_RTOL:g})")
    aN = agreement_at_size(N0, skip)
    for key, val in aN.items():
        if "~" in key:
            ok = val["grad"] <= AGREE_RTOL and val["hvp"] <= AGREE_RTOL
            print(f"    {key:<18} grad {val['grad']:.1e}   hvp {val['hvp']:.1e}   {'ok' if ok else 'FAIL'}")
            if not ok:
                failures.append(f"{key} relative difference above {AGREE_RTOL:g}")

    print("\n[3] gradients + one HVP (all layers), widths (10, N, 100, 10), sigmoid, squared loss; "
          f"best of {args.repeat}")
    print(f"{'N':>6} {'bare @':>9} {'exactloss':>10} {'torch':>9} {'jax':>9} | {'el/bare':>7} {'tc/bare':>7} "
          f"{'jx/bare':>7} | {'el/torch':>8} {'el/jax':>7} | {'torch grad':>10} {'jax grad':>9} | "
          f"{'1st el':>7} {'1st tc':>7} {'1st jx':>7}")
    rows = []
    for N in sizes:
        r = bench_size(N, args.repeat, skip)
        rows.append(r)
        g = r.get
        print(f"{N:>6} {fmt(g('bare_s'))} {fmt(g('exactloss_s'), 10)} {fmt(g('torch_s'))} {fmt(g('jax_s'))} | "
              f"{fmt(g('exactloss_ratio_bare'), 7, '.2f', 'x')} {fmt(g('torch_ratio_bare'), 7, '.2f', 'x')} "
              f"{fmt(g('jax_ratio_bare'), 7, '.2f', 'x')} | {fmt(g('exactloss_over_torch'), 8, '.2f', 'x')} "
              f"{fmt(g('exactloss_over_jax'), 7, '.2f', 'x')} | {fmt(g('torch_grad_s'), 10)} {fmt(g('jax_grad_s'))} | "
              f"{fmt(g('exactloss_first_s'), 7, '.2f')} {fmt(g('torch_first_s'), 7, '.2f')} {fmt(g('jax_first_s'), 7, '.2f')}",
              flush=True)
    print("    (torch/jax: jvp of grad, which returns gradient and HVP together; '1st' = first call, jit compile "
          "included, for peers grad+hvp and grad)")
    big = [r for r in rows if r["N"] >= 2048]
    if big:
        print("\nheadline (targets from the issue, N >= 2048):")
        for r in big:
            t = r.get("exactloss_over_torch")
            print(f"  N = {r['N']}: exactloss / bare @ = {r['exactloss_ratio_bare']:.2f}x (target <= 1.5x)"
                  + (f", exactloss / torch = {t:.2f}x (target <= 1x)" if t is not None else ""))
    if failures:
        print("\nAGREEMENT FAILED: " + "; ".join(failures))
    else:
        print("\nagreement: all checks passed (numerical)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"agreement_ball": ab, "agreement_at_size": aN, "timing": rows}, f, indent=1, default=str)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
