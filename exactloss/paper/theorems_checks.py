"""Registration of the theorem checkers and the ``exactloss certify`` command.

Checks: ``theorem-3.4``, ``lemma-3.5`` (``--form exact|quantitative``),
``definition-3.7``, ``theorem-3.8``, ``corollary-3.9``, ``theorem-5.3``,
``theorem-3.10``.  Each runs on a user's point (``--params P --data D``) or on a
built-in demonstration instance (``--instance NAME``):

* ``global-min``   -- exact critical point with ``Y = F_L`` (Phi = 0), sigma = t + t**3 by default;
* ``collapsed``    -- ``W_1 = W_2 = 0`` and zero-column-sum residuals: critical, Phi > 0, rank-deficient;
* ``not-critical`` -- the global-min instance with targets shifted by 1 (gradient not 0);
* ``top-solved``   -- identity sigma, top layer solved from the normal equations (narrow: Phi > 0);
* ``zero-W``       -- global-min instance with ``W_l = 0`` for ``l = --zero-layer``;
* ``trained``      -- a sigmoid network trained by L-BFGS (quantitative Lemma 3.5);
* ``separable`` / ``xor`` -- Section 5 instances.

``certify`` runs every applicable checker on a user's point and prints what is
proved, certified or not, with ``details.loss_bound`` from the quantitative Lemma 3.5.
"""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.registry import Instance, Option, opt_activation, opt_digits, opt_layer, opt_loss, opt_seed, register, register_command

INSTANCES = ("global-min", "collapsed", "not-critical", "top-solved", "zero-W", "trained")


def _widths(w: Any, default: tuple[int, ...]) -> tuple[int, ...]:
    if w is None:
        return default
    from exactloss.net.network import parse_widths

    return parse_widths(w)


def build_instance(instance: str, widths: Any = None, samples: int | None = None, seed: int = 0,
                   activation: str = "t + t**3", zero_layer: int = 2, default_widths: tuple[int, ...] = (3, 3, 2),
                   default_samples: int = 3) -> tuple[Any, Any, Any, str]:
    """A demonstration instance ``(P, X, Y, activation)`` by name (module docstring)."""
    from exactloss.paper import theorems as T

    ws = _widths(widths, default_widths)
    N = int(samples) if samples else default_samples
    rational = activation if activation not in ("sigmoid", "tanh", "softplus", "relu") else "t + t**3"
    if instance == "global-min":
        P, X, Y = T.global_minimum_instance(ws, N, seed, rational)
    elif instance == "collapsed":
        P, X, Y = T.collapsed_instance(ws, N, seed, rational)
    elif instance == "not-critical":
        P, X, Y = T.global_minimum_instance(ws, N, seed, rational)
        Y = Y + 1
    elif instance == "top-solved":
        P, X, Y = T.top_layer_solved_instance(ws, N, seed)
        return P, X, Y, "identity"
    elif instance == "zero-W":
        P, X, Y = T.global_minimum_instance(ws, N, seed, rational, zero_layers=(int(zero_layer),))
    elif instance == "trained":
        from exactloss.floatpath.training import train

        P, X, Y, _ = train(ws, N=N, seed=seed, activation="sigmoid", iterations=2000)
        return P, X, Y, "sigmoid"
    else:
        raise InputError(f"unknown instance {instance!r}; known: {', '.join(INSTANCES)}")
    return P, X, Y, activation


def _point_args(params: Any, data: Any, instance: str | None, widths: Any, samples: Any, seed: int, activation: str,
                zero_layer: int, default_widths: tuple[int, ...], default_samples: int) -> tuple[Any, Any, str]:
    if params is not None or data is not None:
        if params is None or data is None:
            raise InputError("give both --params and --data (or neither, and an --instance)")
        return params, data, activation
    P, X, Y, act = build_instance(instance or "global-min", widths, samples, seed, activation, zero_layer,
                                  default_widths, default_samples)
    return P, (X, Y), act


def _common_opts(default_activation: str = "t + t**3") -> tuple[Option, ...]:
    return (
        Option("--params", "params", str, None, "parameter file (.json or .npz); with --data"),
        Option("--data", "data", str, None, "data file with X and Y (.json or .npz)"),
        Option("--instance", "instance", str, None, "built-in instance: " + ", ".join(INSTANCES)),
        Option("--widths", "widths", str, None, "widths of the built-in instance, e.g. 3,3,2"),
        Option("--samples", "samples", int, None, "N of the built-in instance"),
        opt_seed(0),
        Option("--zero-layer", "zero_layer", int, 2, "the layer l with W_l = 0 (instance zero-W)"),
        opt_activation(default_activation),
        opt_loss("squared"),
        Option("--numbers", "numbers", str, "auto", "number system (auto: exact for rational sigma and l, else ball; "
               "float: numerical, with verified float bounds where available)", choices=("auto", "exact", "ball", "float")),
        opt_digits(40),
    )


# ---------------------------------------------------------------------------
# check functions (keyword arguments = CLI options)
# ---------------------------------------------------------------------------


def check_theorem_3_4(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                      samples: int | None = None, seed: int = 0, zero_layer: int = 2, activation: str = "t + t**3",
                      loss: str = "squared", numbers: str = "auto", digits: int = 40) -> Result:
    from exactloss.paper.theorems import theorem_3_4

    p, d, act = _point_args(params, data, instance, widths, samples, seed, activation, zero_layer, (3, 3, 2), 3)
    return theorem_3_4(p, d, act, loss, numbers, digits)


def check_lemma_3_5(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                    samples: int | None = None, seed: int = 0, zero_layer: int = 3, activation: str = "t + t**3",
                    loss: str = "squared", numbers: str = "auto", digits: int = 40, layer: int | None = None,
                    form: str = "exact", latex: bool = False) -> Result:
    """Lemma 3.5 (``form``: exact, quantitative or nearby).  ``latex=True`` (quantitative only) also puts the
    certified loss bound as the product of its factors in ``details["latex"]``
    (:func:`exactloss.surfaces.latex.loss_bound_from_result`)."""
    from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound, lemma_3_5_nearby
    from exactloss.paper.theorems import lemma_3_5

    if form not in ("exact", "quantitative", "nearby"):
        raise InputError(f"--form {form!r}: use exact, quantitative or nearby")
    if latex and form != "quantitative":
        raise InputError(f"--latex shows the certified loss bound of the quantitative form; add --form quantitative "
                         f"(got --form {form})")
    default_inst = "trained" if form in ("quantitative", "nearby") else "global-min"
    p, d, act = _point_args(params, data, instance or (None if params else default_inst), widths, samples, seed,
                            activation, zero_layer, (2, 5, 1), 5)
    if form == "quantitative":
        r = lemma_3_5_bound(p, d, act, loss, layer, digits)
        if latex:
            from dataclasses import replace

            from exactloss.surfaces.latex import loss_bound_from_result

            r = replace(r, details={**r.details, "latex": loss_bound_from_result(r)})
        return r
    if form == "nearby":
        return lemma_3_5_nearby(p, d, act, loss, layer, digits)
    return lemma_3_5(p, d, act, loss, layer, numbers, digits)


def check_theorem_3_8(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                      samples: int | None = None, seed: int = 0, zero_layer: int = 3, activation: str = "t + t**3",
                      loss: str = "squared", numbers: str = "auto", digits: int = 40, layer: int | None = None,
                      local_minimum: bool = False) -> Result:
    from exactloss.paper.theorems import theorem_3_8

    p, d, act = _point_args(params, data, instance, widths, samples, seed, activation, zero_layer, (2, 2, 1), 3)
    return theorem_3_8(p, d, act, loss, layer, numbers, digits, local_minimum=local_minimum)


def check_corollary_3_9(**kw: Any) -> Result:
    return check_theorem_3_8(local_minimum=True, **kw)


def check_definition_3_7(example: str = "paper", widths: Any = None, samples: int | None = None, seed: int = 0,
                         activation: str = "t + t**3", latex: bool = False) -> Result:
    """The paper's two 4 x 4 examples exactly (``paper``), or a network block Hessian (``network``).

    ``latex=True`` also puts the Hessians, their blocks and the exact determinants in ``details["latex"]``
    (an amsmath fragment: :func:`exactloss.surfaces.latex.hessian_contrast` / :func:`exactloss.surfaces.latex.block_hessian`).
    """
    from exactloss.net.hessian import (PAPER_F_X, PAPER_F_Y, PAPER_H_X, PAPER_H_Y, block_hessian, nonsingularity,
                          principal_block, sympy_hessian)
    from exactloss.arith.systems import Exact

    statement = ("Definition 3.6/3.7: a critical point is non-degenerate on S if the block Hessian on S is "
                 "non-singular; degeneracy on all variables and on a subset are independent")
    E = Exact()
    if example == "paper":
        Hx = sympy_hessian(PAPER_F_X, ["x1", "x2", "x3", "x4"])
        Hy = sympy_hessian(PAPER_F_Y, ["y1", "y2", "y3", "y4"])
        same_x = [[int(v) for v in r] for r in Hx.tolist()] == PAPER_H_X
        same_y = [[int(v) for v in r] for r in Hy.tolist()] == PAPER_H_Y
        dx, dx12 = E.det(Hx), E.det(principal_block(Hx, [0, 1]))
        dy, dy34 = E.det(Hy), E.det(principal_block(Hy, [2, 3]))
        clauses = (
            Verdict(f"Hessian of f(x) = {PAPER_F_X} is the paper's H(x)", same_x, "proved", "SymPy hessian"),
            Verdict("det H(x) = 0", dx == 0, "proved", f"det = {dx} (fmpq_mat)"),
            Verdict("det H_{x1,x2}(x) != 0", dx12 != 0, "proved", f"det = {dx12}"),
            Verdict(f"Hessian of g(y) = {PAPER_F_Y} is the paper's H(y)", same_y, "proved", "SymPy hessian"),
            Verdict("det H(y) != 0", dy != 0, "proved", f"det = {dy}"),
            Verdict("det H_{y3,y4}(y) = 0", dy34 == 0, "proved", f"det = {dy34}"),
        )
        ok = all(c.holds for c in clauses)
        details: dict[str, Any] = {"H_x": PAPER_H_X, "H_y": PAPER_H_Y, "det_H_x": str(dx), "det_H_x12": str(dx12),
                                   "det_H_y": str(dy), "det_H_y34": str(dy34)}
        if latex:
            from exactloss.surfaces.latex import hessian_contrast

            details["latex"] = "\n".join((
                hessian_contrast(Hx, ["x1", "x2", "x3", "x4"], [0, 1], point="x", function=PAPER_F_X, det=dx,
                                 det_subset=dx12, level="proved (exact determinants)"),
                hessian_contrast(Hy, ["y1", "y2", "y3", "y4"], [2, 3], point="y", function=PAPER_F_Y, det=dy,
                                 det_subset=dy34, level="proved (exact determinants)")))
        return Result("Definition 3.7", ok, "proved", statement,
                      "the paper's examples reproduce exactly: x is degenerate but non-degenerate on {x1, x2}; y is "
                      "non-degenerate but degenerate on {y3, y4}" if ok else "an example does not reproduce",
                      {"example": "paper"}, details,
                      clauses, failed_hypothesis=None if ok else next(c.claim for c in clauses if not c.holds))
    if example != "network":
        raise InputError(f"--example {example!r}: use paper or network")
    from exactloss.net.network import Network
    from exactloss.paper.theorems import global_minimum_instance

    ws = _widths(widths, (2, 2, 1))
    N = int(samples) if samples else 3
    P, X, Y = global_minimum_instance(ws, N, seed, activation)
    net = Network(ws, activation)
    H = block_hessian(net, P, X, Y, "squared", E)
    L = net.L
    full = nonsingularity(H, E)
    H_top = block_hessian(net, P, X, Y, "squared", E, layers=[L])
    top = nonsingularity(H_top, E)
    clauses = (Verdict(f"full Hessian ({full.size} x {full.size}) at the global minimum Y = F_L", full.holds is False,
                       "proved", f"det = {full.det}: degenerate on all parameters (more parameters than residuals)"),
               Verdict(f"block Hessian on I = {{{L}}} ({top.size} x {top.size})", top.holds is True, "proved",
                       f"det = {top.det}: non-degenerate on (W_{L}, b_{L})"))
    ok = all(c.holds for c in clauses)
    details = {"full": full.to_json(), "top": top.to_json()}
    if latex:
        details["latex"] = _latex_network_hessians(net, H, H_top, full, top, N, activation)
    return Result("Definition 3.7", ok, "proved", statement,
                  "like the paper's H(x): the critical point is degenerate, but non-degenerate on the top layer"
                  if ok else "this network point does not show the contrast", {"example": "network", "widths": list(ws),
                                                                               "N": N, "activation": activation},
                  details, clauses)


def _latex_network_hessians(net: Any, H: Any, H_top: Any, full: Any, top: Any, N: int, activation: str) -> str:
    """The full and top-layer block Hessians of the network example with their exact determinants."""
    from exactloss.net.hessian import parameter_names
    from exactloss.surfaces.latex import block_hessian
    from exactloss.arith.systems import Exact

    E = Exact()
    L = net.L

    def say(nz: Any, where: str) -> str:  # from the exact determinant: proved either way
        return {True: f"non-degenerate {where}", False: f"degenerate {where}"}.get(nz.holds, f"undecided {where}")

    head = (f"% Definition 3.7 on a network: widths {tuple(net.widths)}, N = {N}, sigma(t) = {activation}, squared "
            "loss, at the exact global minimum Y = F_L\n")
    return head + "\n".join((
        block_hessian(H, parameter_names(net), det=E.det(H), level=full.level,
                      note=say(full, "on all parameters")),
        block_hessian(H_top, parameter_names(net, [L]), det=E.det(H_top), level=top.level,
                      note=say(top, f"on I = {{{L}}}, the block (W_{L}, b_{L})"))))


def check_theorem_5_3(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                      samples: int | None = None, seed: int = 0, activation: str = "identity", layer: int | None = None,
                      numbers: str = "auto", digits: int = 40) -> Result:
    from exactloss.paper.theorem_5_3 import separable_instance, theorem_5_3, xor_instance

    if params is not None or data is not None:
        if params is None or data is None:
            raise InputError("give both --params and --data (or neither, and an --instance)")
        return theorem_5_3(params, data, activation, layer, numbers, digits)
    inst = instance or "separable"
    if inst == "separable":
        P, X, Y = separable_instance(_widths(widths, (2, 2, 1)), int(samples or 6), seed)
    elif inst == "xor":
        P, X, Y = xor_instance()
    elif inst == "not-critical":
        P, X, Y = separable_instance(_widths(widths, (2, 2, 1)), int(samples or 6), seed)
        Y = -Y
    else:
        raise InputError(f"unknown Section 5 instance {inst!r}; known: separable, xor, not-critical")
    return theorem_5_3(P, (X, Y), activation, layer, numbers, digits)


def check_theorem_3_10(function: str = "x1**3 - 3*x1*x2**2", perturbations: int = 5, seed: int = 0,
                       w: str | None = None) -> Result:
    from exactloss.paper.theorem_3_10 import theorem_3_10

    return theorem_3_10(function, perturbations, seed, w=w)


# ---------------------------------------------------------------------------
# registration
# ---------------------------------------------------------------------------

_LAYER = opt_layer()

register(
    "theorem-3.4", "Theorem 3.4", check_theorem_3_4,
    "rank([X,1]) = N: critical points with full-column-rank W_2..W_L are global minima (proof replayed)",
    options=_common_opts(),
    instances=(
        Instance({"instance": "global-min"}, True, "exact critical point, t+t^3 (proof replay)"),
        Instance({"instance": "global-min", "samples": 5}, False, "N > d+1: rank([X,1]) < N"),
        Instance({"instance": "collapsed"}, False, "critical, Phi > 0: W_2 = 0 not full rank"),
        Instance({"instance": "not-critical"}, False, "gradient not zero"),
        Instance({"instance": "global-min", "loss": "(a**2-1)**2"}, False, "loss breaks Assumption 3.2.3"),
        Instance({"instance": "global-min", "activation": "relu"}, False, "relu breaks Assumption 3.2.2"),
    ),
)

register(
    "lemma-3.5", "Lemma 3.5", check_lemma_3_5,
    "conditions (1)-(3) => global minimum (exact); certified loss bound at approximate critical points (quantitative)",
    options=_common_opts() + (_LAYER, Option("--form", "form", str, "exact",
                                             "exact (conditions (1)-(3)), quantitative (certified loss bound) or "
                                             "nearby (Krawczyk: an exact layer-critical point nearby)",
                                             choices=("exact", "quantitative", "nearby")),
                              Option("--latex", "latex", help="with --form quantitative: print the certified loss "
                                     "bound as the product of its factors, a LaTeX fragment (amsmath), instead of the "
                                     "explanation", action="store_true")),
    instances=(
        Instance({"instance": "global-min"}, True, "exact, n_1 = N - 1"),
        Instance({"instance": "top-solved", "widths": "2,2,1", "samples": 5}, False, "(1) fails: narrow, Phi > 0"),
        Instance({"instance": "zero-W", "widths": "2,4,2,2", "samples": 4, "zero_layer": 3, "layer": 1}, False,
                 "(2) fails: W_3 = 0"),
        Instance({"instance": "not-critical"}, False, "(3) fails: gradient not 0"),
        Instance({"instance": "global-min", "activation": "relu"}, False, "relu breaks Assumption 3.2"),
        Instance({"form": "quantitative", "widths": "2,5,1", "samples": 5}, True, "trained sigmoid: certified bound"),
        Instance({"form": "quantitative", "instance": "top-solved", "widths": "2,2,1", "samples": 5, "layer": 1},
                 False, "quantitative, narrow: no bound"),
        Instance({"form": "nearby", "widths": "2,5,1", "samples": 6, "seed": 1}, True,
                 "trained sigmoid: certified critical point nearby"),
    ),
)

register(
    "definition-3.7", "Definition 3.7", check_definition_3_7,
    "block Hessians: the paper's two 4x4 examples exactly; a network point degenerate but not on its top layer",
    options=(Option("--example", "example", str, "paper", "paper or network", choices=("paper", "network")),
             Option("--widths", "widths", str, None, "widths (network example)"),
             Option("--samples", "samples", int, None, "N (network example)"), opt_seed(0),
             opt_activation("t + t**3"),
             Option("--latex", "latex", help="print the Hessians, their blocks and the exact determinants as a LaTeX "
                    "fragment (amsmath) instead of the explanation", action="store_true")),
    instances=(Instance({"example": "paper"}, True, "paper's H(x), H(y)"),
               Instance({"example": "network"}, True, "network: degenerate, non-degenerate on I={L}")),
)

register(
    "theorem-3.8", "Theorem 3.8", check_theorem_3_8,
    "n_k >= N-1: non-degenerate critical points with full-rank upper weights are global minima",
    options=_common_opts() + (_LAYER,),
    instances=(
        Instance({"instance": "global-min"}, True, "exact, n_1 = N - 1, I = {2}"),
        Instance({"instance": "collapsed"}, False, "critical, Phi > 0: degenerate on every I"),
        Instance({"instance": "global-min", "samples": 5}, False, "n_k < N - 1 (offers Section 5)"),
        Instance({"instance": "zero-W", "widths": "2,3,2,2", "samples": 4, "zero_layer": 3}, False, "W_3 = 0"),
        Instance({"instance": "not-critical"}, False, "gradient not 0"),
        Instance({"instance": "global-min", "activation": "relu"}, False, "relu breaks Assumption 3.2"),
    ),
)

register(
    "corollary-3.9", "Corollary 3.9", check_corollary_3_9,
    "non-degenerate local minima with full-rank upper weights are global minima (block positive definite)",
    options=_common_opts() + (_LAYER,),
    instances=(
        Instance({"instance": "global-min"}, True, "exact: block on I = {2} positive definite"),
        Instance({"instance": "collapsed"}, False, "degenerate"),
        Instance({"instance": "not-critical"}, False, "gradient not 0"),
    ),
)

register(
    "theorem-5.3", "Theorem 5.3", check_theorem_5_3,
    "objective (4): critical points with separable features (exact certificates) are global minima",
    options=(Option("--params", "params", str, None, "parameter file"), Option("--data", "data", str, None,
             "data file (Y: +1 true class, -1 otherwise)"),
             Option("--instance", "instance", str, None, "separable, xor or not-critical"),
             Option("--widths", "widths", str, None, "widths of the built-in instance"),
             Option("--samples", "samples", int, None, "N of the built-in instance"), opt_seed(0),
             opt_activation("identity"), _LAYER,
             Option("--numbers", "numbers", str, "auto", "number system", choices=("auto", "exact", "ball")),
             opt_digits(40)),
    instances=(
        Instance({"instance": "separable", "layer": 1}, True, "statement 1, k = 1"),
        Instance({"instance": "separable", "layer": 0}, True, "statement 2: separable inputs"),
        Instance({"instance": "xor", "layer": 1}, False, "critical, Phi = 4: F_1 not separable (Gordan)"),
        Instance({"instance": "xor", "layer": 0}, False, "XOR inputs not separable (Gordan)"),
        Instance({"instance": "separable", "widths": "2,2,3,1", "layer": 0}, False, "W_2 is 2 x 3: rank fails"),
        Instance({"instance": "not-critical", "layer": 1}, False, "gradient not 0"),
        Instance({"instance": "xor", "layer": 0, "activation": "relu"}, False, "relu breaks Assumption 5.2"),
    ),
)

register(
    "theorem-3.10", "Theorem 3.10", check_theorem_3_10,
    "Morse: small random linear perturbations make every critical point non-degenerate (Groebner certificates)",
    options=(Option("--function", "function", str, "x1**3 - 3*x1*x2**2", "a polynomial in x1, x2, ..."),
             Option("--perturbations", "perturbations", int, 5, "how many random w"), opt_seed(0),
             Option("--w", "w", str, None, "one perturbation w = a,b,...")),
    instances=(Instance({}, True, "monkey saddle + random w"),
               Instance({"function": "x1**4 + x2**2"}, True, "x1^4 + x2^2 + random w"),
               Instance({"w": "0,0"}, False, "w = 0: the degenerate point stays")),
)


# ---------------------------------------------------------------------------
# exactloss certify
# ---------------------------------------------------------------------------


def certify(params: Any, data: Any, activation: str = "sigmoid", loss: str = "squared", layer: int | None = None,
            numbers: str = "ball", digits: int = 40) -> Result:
    """Every applicable checker on a user's point; ``details.loss_bound`` from the quantitative Lemma 3.5."""
    from exactloss.paper.lemma_3_5.quantitative import lemma_3_5_bound, lemma_3_5_nearby
    from exactloss.paper.theorems import lemma_3_5, prepare, theorem_3_4, theorem_3_8

    t0 = time.perf_counter()
    net, P, X, Y, ell = prepare(params, data, activation, loss)
    N = int(X.shape[0])
    if numbers not in ("exact", "ball", "float", "auto"):
        raise InputError(f"--numbers {numbers!r}: use exact, ball or float")
    if numbers == "float":
        import importlib.util

        if importlib.util.find_spec("exactloss.floatpath.verified") is None:
            raise InputError("--numbers float is not available yet (exactloss.floatpath.verified is missing); use ball")
        return _certify_float(net, P, X, Y, ell, layer)
    if numbers == "exact":
        from exactloss.paper.theorems import auto_system

        if auto_system(net.activation, ell).name != "exact":
            raise InputError(f"--numbers exact needs a rational sigma and l; {net.activation.describe()} / "
                             f"{ell.describe()} are not: use --numbers ball")
    num = "auto" if numbers == "exact" else numbers
    runs: list[tuple[str, Result | str]] = []
    if net.L >= 1:
        if N <= net.widths[0] + 1:
            runs.append(("theorem-3.4", theorem_3_4(P, (X, Y), net.activation, ell, num, digits)))
        else:
            runs.append(("theorem-3.4", f"not applicable: N = {N} > d + 1 = {net.widths[0] + 1}"))
    if net.L >= 2:
        runs.append(("lemma-3.5", lemma_3_5(P, (X, Y), net.activation, ell, layer, num, digits)))
        wide = layer if layer is not None else None
        if any(net.widths[k] >= N - 1 for k in range(1, net.L)) or layer is not None:
            runs.append(("theorem-3.8", theorem_3_8(P, (X, Y), net.activation, ell, wide, num, digits)))
        else:
            runs.append(("theorem-3.8", f"not applicable: no layer with n_k >= N - 1 = {N - 1}; see Section 5 "
                                        "(exactloss check theorem-5.3)"))
        bound = lemma_3_5_bound(P, (X, Y), net.activation, ell, layer, digits)
        runs.append(("lemma-3.5 (quantitative)", bound))
        if not any(isinstance(r, Result) and r.holds and "quantitative" not in n for n, r in runs):
            runs.append(("lemma-3.5 (nearby)", lemma_3_5_nearby(P, (X, Y), net.activation, ell, layer, digits)))
    else:
        bound = None
    checks = []
    for name, r in runs:
        if isinstance(r, str):
            checks.append({"check": name, "holds": None, "level": None, "note": r})
        else:
            checks.append({"check": name, "holds": r.holds, "level": r.level, "failed_hypothesis": r.failed_hypothesis,
                           "missing": r.missing, "reason": r.reason})
    global_min = [c for c in checks if c["holds"] is True and "quantitative" not in c["check"]]
    # an exact critical point (proved) beats a nearby certified one in the summary
    global_min.sort(key=lambda c: "nearby" in c["check"])
    loss_bound = bound.details.get("loss_bound") if isinstance(bound, Result) else None
    if global_min:
        best = global_min[0]
        holds, level = True, best["level"]
        reason = (f"global minimum by {best['check']} ({best['level']})" if "nearby" not in best["check"] else
                  f"a global minimum (exact layer-critical point, Lemma 3.5) lies within "
                  f"{[r for n, r in runs if n == best['check']][0].details['radius']:.3g} of the given parameters "
                  f"(certified)" + (f"; Phi <= {loss_bound:.6g} here" if loss_bound is not None else ""))
    elif loss_bound is not None:
        holds, level = True, "certified"
        reason = (f"not proved to be a critical point; certified: Phi - min Phi <= Phi <= {loss_bound:.6g} "
                  "(quantitative Lemma 3.5)")
    elif any(c.get("missing") for c in checks):
        # a conclusion that rests on an undecided premise is undecided, and the summary names that premise
        holds, level = None, None
        reason = ("no check holds, and the conclusion of " + ", ".join(c["check"] for c in checks if c.get("missing"))
                  + " rests on an undecided premise (details.checks)")
    else:
        holds, level = False, None
        reason = "nothing certified: " + "; ".join(f"{c['check']}: {c.get('failed_hypothesis') or c.get('note') or c.get('reason', '')[:80]}"
                                                    for c in checks)
    undecided = [c for c in checks if c.get("missing") and "quantitative" not in c["check"]]
    if undecided and holds is not None:
        # the summary never drops a conditional verdict: say which checks stayed undecided, and on what
        reason += "; undecided: " + "; ".join(f"{c['check']} (missing: {c['missing']})" for c in undecided)
    by_premise: dict[str, list[str]] = {}
    for c in checks:
        if c.get("missing"):
            by_premise.setdefault(c["missing"], []).append(c["check"])
    missing = None if holds is not None else "; ".join(f"{m} ({', '.join(names)})" for m, names in by_premise.items())
    return Result("certify", holds, level, "which of the paper's results apply at this point, and what they give",
                  reason, {"widths": list(net.widths), "N": N, "activation": net.activation.describe(),
                           "loss": ell.describe()},
                  {"checks": checks, "loss_bound": loss_bound,
                   "quantitative": bound.to_json() if isinstance(bound, Result) else None},
                  missing=missing, seconds=time.perf_counter() - t0)


def _certify_float(net: Any, P: Any, X: Any, Y: Any, ell: Any, layer: int | None) -> Result:
    """Float path: rank certificates from :mod:`exactloss.floatpath.verified`; for the squared loss the bound of
    :func:`exactloss.floatpath.verified.lemma_3_5_float` (certified when the inputs are float64 numbers), else numerical."""
    from exactloss.floatpath import verified
    from exactloss.net.backprop import backprop
    from exactloss.arith.systems import Float

    F = Float()
    if net.L < 2:
        raise InputError("certify --numbers float needs a hidden layer (L >= 2)")
    N = int(X.shape[0])
    k = layer if layer is not None else max(range(1, net.L), key=lambda q: (net.widths[q], -q))
    g = backprop(net, P, X, Y, ell, F)
    cert, info = verified.certify_layer_float(net, P, X, k)
    gnorm = float(np.sqrt(np.sum(g.grad_W[k] ** 2) + np.sum(g.grad_b[k] ** 2)))
    denom = cert.sigma_min_lower if cert.full else None
    ms = []
    for l in range(k + 1, net.L + 1):
        m = float(np.min(np.abs(net.activation.d(F, g.forward.G[l - 1]))))
        ms.append(m)
        if denom is not None:
            denom *= m
        if l < net.L and denom is not None:
            wc = verified.full_column_rank_float(F.array(P.W[l]))
            denom = denom * wc.sigma_min_lower if wc.full else None
    loss_bound = (gnorm / (2 * denom)) ** 2 if denom and ell.name == "squared" else None
    bound_level = "numerical"
    note = ""
    if ell.name == "squared":
        # every factor with rigorous float64 error bounds (exactloss.floatpath.verified.lemma_3_5_float); its statement is
        # about the float64 numbers, so it certifies the user's point only when every input is a float64 exactly
        dyadic = all(float(x) == x for A in (*P.W, *P.b, X, Y) for x in np.asarray(A, dtype=object).flat)
        rq = verified.lemma_3_5_float(net, P, X, Y, k)
        if rq.holds and rq.details.get("loss_bound") is not None:
            if dyadic:
                loss_bound, bound_level = float(rq.details["loss_bound"]), rq.level
            else:
                note = " (certified only for the float64-rounded inputs: the given rationals are not float64 numbers)"
    checks = [{"check": f"rank([F_{k}, 1_N]) = N", "holds": cert.full, "level": cert.level,
               "certifies": info.get("certifies")},
              {"check": "lemma-3.5 (quantitative), float", "holds": loss_bound is not None, "level": bound_level,
               "loss_bound": loss_bound}]
    if bound_level == "certified":
        return Result("certify", True, "certified", "which of the paper's results apply at this point (float64 path)",
                      f"certified: Phi - min Phi <= Phi <= {loss_bound:.6g} (quantitative Lemma 3.5, every factor with "
                      "rigorous float64 error bounds)", {"widths": list(net.widths), "N": N},
                      {"checks": checks, "loss_bound": loss_bound, "Phi_float": float(g.phi),
                       "quantitative": rq.to_json()})
    return Result("certify", loss_bound is not None, "numerical" if loss_bound is not None else None,
                  "which of the paper's results apply at this point (float64 path)",
                  (f"numerical: Phi <= {loss_bound:.6g} (gradient norm and sigma' in float64, not rigorous; the rank "
                   f"factor is {cert.level}){note}; use --numbers ball for a certified bound") if loss_bound is not None else
                  "condition (1) not certified in float64: no bound",
                  {"widths": list(net.widths), "N": N}, {"checks": checks, "loss_bound": loss_bound,
                                                         "Phi_float": float(g.phi)})


def _certify_args(p: Any) -> None:
    p.add_argument("--params", required=True, help="parameter file (.json or .npz)")
    p.add_argument("--data", required=True, help="data file (.json or .npz) with X and Y")
    p.add_argument("--activation", default="sigmoid", help="activation (default: sigmoid)")
    p.add_argument("--loss", default="squared", help="loss (default: squared)")
    p.add_argument("--layer", type=int, default=None, help="the layer k of Lemma 3.5 / Theorem 3.8")
    p.add_argument("--numbers", default="ball", choices=("exact", "ball", "float"), help="number system (default: ball)")
    p.add_argument("--digits", type=int, default=40, help="ball precision in decimal digits (default: 40)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _certify_run(args: Any) -> int:
    r = certify(args.params, args.data, args.activation, args.loss, args.layer, args.numbers, args.digits)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
        return 0 if r.holds else 1
    print(f"certify: {r.outcome} -- {r.reason}  [{r.level or 'nothing certified'}]")
    print("  (proved: exact arithmetic; certified: ball arithmetic; numerical: no guarantee)")
    for c in r.details["checks"]:
        verdict = {True: "holds", False: "fails", None: "undecided"}[c["holds"]]
        extra = (f"(missing: {c['missing']})" if c.get("missing") else
                 c.get("failed_hypothesis") or c.get("note") or "")
        print(f"  {c['check']:<26} {verdict:<9} {str(c.get('level')):<10} {extra}")
    if r.details.get("loss_bound") is not None:
        print(f"  loss bound (Phi - min Phi <= Phi <=): {r.details['loss_bound']:.6g}")
    return 0 if r.holds else 1


register_command("certify", "run every applicable theorem checker on your network and data (and the certified "
                 "loss bound of the quantitative Lemma 3.5)", _certify_args, _certify_run)
