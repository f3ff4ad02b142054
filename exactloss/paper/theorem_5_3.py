"""Theorem 5.3: critical points with linearly separable features are global minima of objective (4).

Objective (4) with the paper's pair ``l1(a) = min(a, 0)^2`` (true class) and
``l2(a) = max(a, 0)^2`` (other classes); with a +1/-1 encoding of ``Y`` it is the
squared hinge ``sum_ij max(0, 1 - y_ij f_Lj(x_i))^2``.  Class membership is
``x_i in C_j`` iff ``Y_ij > 0``.  Lemma 2.1 holds for (4) with
``Delta_L = l'(F_L - Y) o sigma'(G_L)``, ``l' = l1'`` or ``l2'`` entrywise; the
recursion below is Lemma 2.1's (it is cross-checked against
:func:`exactloss.net.backprop.backprop` in the tests).

Checked, in the paper's order, each with its certificate: Assumption 5.2
(:mod:`exactloss.paper.assumption_5_2`), the critical point (exact zero
gradient), linear separability of the rows of ``F_k`` (statement 1;
``k = 0``: the inputs, statement 2) by :mod:`exactloss.paper.definition_5_1` (an
exactly verified hyperplane per class, or an exactly verified Gordan witness
of non-separability), and ``rank(W_l) = n_l`` for ``l in [k+2, L]``.  The
conclusion "global minimum, Phi = 0" is re-checked: Phi is computed and must
be exactly 0.

>>> P, X, Y = separable_instance((2, 2, 1), seed=0)
>>> r = theorem_5_3(P, (X, Y), activation="identity", layer=1)
>>> r.holds, r.level, r.details["Phi"]
(True, 'proved', '0')
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from flint import arb

from exactloss.arith.entries import all_zero, fmt, is_zero, sq_norm, upper_float
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict, weakest
from exactloss.net.files import as_data, as_parameters
from exactloss.net.network import Network, Parameters, random_data
from exactloss.arith.systems import Ball, Exact, NumberSystem, system as _system
from exactloss.paper import assumption_5_2
from exactloss.paper.definition_5_1 import classes_from_targets, separable
from exactloss.paper.instances import widths_or
from exactloss.paper.premises import weight_rank_clause
from exactloss.registry import Instance, Option, opt_activation, opt_digits, opt_layer, opt_seed, register

STATEMENT = ("objective (4), Assumptions 5.2: (1) every critical point for which the rows of F_k are linearly "
             "separable and W_l, l in [k+2, L], have full column rank is a global minimum; (2) if the inputs are "
             "separable, every critical point with W_l, l in [2, L], of full column rank is a global minimum")


def _hinge(S: NumberSystem, R: np.ndarray, C: np.ndarray, order: int) -> np.ndarray:
    """l1 (in class) / l2 (otherwise) or their derivatives, entrywise: l1 = min(a,0)^2, l2 = max(a,0)^2."""
    out = np.empty(R.shape, dtype=object)
    with S.scope():
        zero = S.scalar(0)
        for idx in np.ndindex(R.shape):
            a = R[idx]
            if isinstance(a, arb):
                t = a.min(zero) if C[idx] else a.max(zero)
            else:
                t = min(a, zero) if C[idx] else max(a, zero)
            out[idx] = t * t if order == 0 else 2 * t
    return out


def section5_gradients(net: Network, P: Parameters, X: np.ndarray, Y: np.ndarray, C: np.ndarray, S: NumberSystem):
    """Phi of (4), ``Delta_k`` and the gradients (Lemma 2.1 with the class-dependent loss)."""
    fw = net.forward(P, X, S)
    sigma = net.activation
    L = net.L
    with S.scope():
        R = fw.F[L] - S.array(Y)
        phi = _hinge(S, R, C, 0).sum()
        Delta = [None] * L
        Delta[L - 1] = _hinge(S, R, C, 1) * sigma.d(S, fw.G[L - 1])
        for k in range(L - 1, 0, -1):
            Delta[k - 1] = (Delta[k] @ S.array(P.W[k]).T) * sigma.d(S, fw.G[k - 1])
        gW = [fw.F[k - 1].T @ Delta[k - 1] for k in range(1, L + 1)]
        gb = [Delta[k - 1].sum(axis=0) for k in range(1, L + 1)]
    return phi, Delta, gW, gb, fw


def theorem_5_3(params: Any, data: Any, activation: Any = "identity", layer: int | None = None,
                numbers: Any = "auto", digits: int = 40) -> Result:
    """Theorem 5.3 at a point: statement 1 for ``layer`` k (default: the last hidden layer), statement 2 for k = 0."""
    P = as_parameters(params)
    X, Y = as_data(data, need_Y=True)
    net = Network(P.widths, activation)
    net.check_parameters(P)
    net.check_data(X, Y)
    L = net.L
    k = (L - 1) if layer is None else int(layer)
    if not 0 <= k <= L - 1:
        raise InputError(f"--layer {k}: Theorem 5.3 needs k in 0..L-1 = 0..{L - 1} (k = 0: statement 2, the inputs)")
    C = classes_from_targets(Y)
    inst = {"widths": list(net.widths), "N": int(X.shape[0]), "activation": net.activation.describe(),
            "loss": "objective (4): l1 = min(a,0)^2 (true class), l2 = max(a,0)^2", "k": k}
    name = "Theorem 5.3" + (" (2)" if k == 0 else " (1)")
    # Assumption 5.2 (called through its module, so that a test can stand in for it)
    ar = assumption_5_2.assumption_5_2(net.activation, "l1", "l2")
    av = Verdict("Assumption 5.2", ar.holds, ar.level, ar.reason)
    if av.holds is False:
        return Result(name, False, av.level, STATEMENT, f"the theorem does not apply: {ar.reason}", inst,
                      {}, (av,), failed_hypothesis=f"Assumption 5.2: {ar.failed_hypothesis}")
    if numbers in (None, "auto"):
        try:
            for o in (0, 1):
                net.activation._fn(Exact(), o)
            S = Exact()
        except Exception:
            S = Ball.from_digits(digits)
    else:
        S = _system(numbers, digits)
    phi, Delta, gW, gb, fw = section5_gradients(net, P, X, Y, C, S)
    arrays = list(gW) + list(gb)
    zero = all_zero(arrays)
    sq = sq_norm(arrays, S)
    gnorm = upper_float(sq) ** 0.5
    if zero is True:
        cv = Verdict("critical point", True, S.level, "every gradient entry is exactly 0")
    elif zero is False:
        cv = Verdict("critical point", False, S.level, f"the gradient is not 0: ||grad||_F <= {gnorm:.6g}; the theorem "
                     "needs an exact critical point")
    else:
        cv = Verdict("critical point", None, None, f"gradient balls contain 0 but are not exactly 0 (||grad||_F <= {gnorm:.3g})")
    feats = fw.F[k]
    sep = separable(feats, C)
    what = "the inputs" if k == 0 else f"the rows of F_{k}"
    if sep.holds:
        sv = Verdict(f"{what} are linearly separable (Definition 5.1)", True, sep.level,
                     "a separating (a_j, b_j) per class, verified " + ("exactly" if sep.level == "proved" else "in ball arithmetic"))
    elif sep.holds is False:
        bad = next(c for c in sep.classes if c.holds is False)
        sv = Verdict(f"{what} are linearly separable (Definition 5.1)", False, "proved",
                     f"class {bad.j + 1} is not separable from the rest: exact Gordan witness y = {list(bad.farkas_y)}")
    else:
        sv = Verdict(f"{what} are linearly separable (Definition 5.1)", None, None,
                     "; ".join(c.note for c in sep.classes if c.holds is None))
    hyps = [(cv, "critical point"), (sv, f"rows of F_{k} linearly separable" if k else "inputs linearly separable")]
    for l in range(k + 2, L + 1):
        pt_like = type("PT", (), {"P": P})
        wv, _ = weight_rank_clause(pt_like, l)  # type: ignore[arg-type]
        hyps.append((wv, f"rank(W_{l}) = n_{l}"))
    details = {"Phi": fmt(S, phi), "gradient_norm_upper": gnorm, "separability": sep.to_json(),
               "classes": C.astype(int).tolist(), **S.describe()}
    clauses = (av,) + tuple(v for v, _ in hyps)
    for v, label in hyps:
        if v.holds is False:
            return Result(name, False, v.level, STATEMENT, f"the theorem does not apply: {v.claim} fails -- {v.reason}",
                          inst, details, clauses, failed_hypothesis=label)
    if any(v.holds is None for v, _ in hyps):
        return Result(name, None, None, STATEMENT, "undecided: " + "; ".join(f"{v.claim}: {v.reason}" for v, _ in hyps
                      if v.holds is None), inst, details, clauses,
                      missing="; ".join(label for v, label in hyps if v.holds is None))
    if av.holds is not True:
        # the conclusion rests on Assumption 5.2 (l_1, l_2 >= 0 is what makes Phi = 0 a global minimum, and the
        # proof uses sigma' > 0): an undecided premise leaves it undecided, whatever else holds
        open_ = next((c for c in ar.clauses if c.holds is None), None)
        missing = "Assumption 5.2" + (f" {open_.claim}" if open_ is not None else "")
        return Result(name, None, None, STATEMENT, f"undecided (the conclusion needs every premise): {missing} is not "
                      f"decided ({av.reason}); the other hypotheses hold and Phi = {fmt(S, phi)}",
                      inst, details, clauses, missing=missing)
    phi_zero = is_zero(phi)
    if phi_zero is None:  # a ball around 0: the conclusion is not decided at this precision
        return Result(name, None, None, STATEMENT, f"hypotheses hold but Phi = {fmt(S, phi)} is not decided to be 0",
                      inst, details, clauses, missing="Phi = 0 (the conclusion, re-checked)")
    if phi_zero is not True:  # pragma: no cover - would contradict the theorem
        return Result(name, False, S.level, STATEMENT, f"hypotheses hold but Phi = {fmt(S, phi)} is not 0",
                      inst, details, clauses, failed_hypothesis="(conclusion)")
    level = weakest(av.level, *(v.level for v, _ in hyps))
    return Result(name, True, level, STATEMENT, f"global minimum: every hypothesis holds, and Phi = 0 exactly"
                  f" (f_Lj >= y_ij in class, <= y_ij otherwise)", inst, details, clauses)


# ---------------------------------------------------------------------------
# instances
# ---------------------------------------------------------------------------


def separable_instance(widths: tuple[int, ...], N: int = 6, seed: int = 0, scale: int = 64
                       ) -> tuple[Parameters, np.ndarray, np.ndarray]:
    """Identity sigma: random rational layers with the top layer scaled by ``scale``; classes and +-1 targets
    read off the sign of F_L, so every margin holds (Phi = 0, an exact critical point) and F_{L-1} is separable
    (by the top layer itself)."""
    net = Network(widths, "identity")
    for attempt in range(50):
        P = net.random_parameters(seed=seed + 101 * attempt, denominator=2, scale=1)
        W, b = P.layer(net.L)
        P = P.replace_layer(net.L, W * scale, b * scale)
        X, _ = random_data(N, widths[0], None, seed=seed + 1)
        F = net.forward(P, X, Exact()).F[-1]
        if all(abs(Fraction(int(v.p), int(v.q))) >= 1 for v in F.flat):
            Y = np.vectorize(lambda v: Fraction(1) if v > 0 else Fraction(-1), otypes=[object])(F)
            return P, X, Y
    raise RuntimeError("could not build a separable instance")  # pragma: no cover


def xor_instance() -> tuple[Parameters, np.ndarray, np.ndarray]:
    """XOR inputs, widths (2, 2, 1), W_1 = W_2 = 0, b = 0, identity sigma: every row of F_k is 0, the classes are
    balanced, so the gradient is exactly 0 -- a critical point with Phi = 4 > 0 (not a global minimum); the
    features are not separable (exact Gordan witness)."""
    X = np.array([[0, 0], [1, 1], [1, 0], [0, 1]], dtype=object)
    X = np.vectorize(Fraction, otypes=[object])(X)
    Y = np.array([[1], [1], [-1], [-1]], dtype=object)
    Y = np.vectorize(Fraction, otypes=[object])(Y)
    Z = lambda r, c: np.full((r, c), Fraction(0), dtype=object)  # noqa: E731
    P = Parameters((Z(2, 2), Z(2, 1)), (np.full(2, Fraction(0), dtype=object), np.full(1, Fraction(0), dtype=object)))
    return P, X, Y


# ---------------------------------------------------------------------------
# the check
# ---------------------------------------------------------------------------


def check_theorem_5_3(params: Any = None, data: Any = None, instance: str | None = None, widths: Any = None,
                      samples: int | None = None, seed: int = 0, activation: str = "identity", layer: int | None = None,
                      numbers: str = "auto", digits: int = 40) -> Result:
    """The check ``theorem-5.3`` (keyword arguments = CLI options): :func:`theorem_5_3` on the given point or a
    built-in instance (``separable``, ``xor``, or ``not-critical``: the separable one with its targets negated)."""
    if params is not None or data is not None:
        if params is None or data is None:
            raise InputError("give both --params and --data (or neither, and an --instance)")
        return theorem_5_3(params, data, activation, layer, numbers, digits)
    inst = instance or "separable"
    if inst == "separable":
        P, X, Y = separable_instance(widths_or(widths, (2, 2, 1)), int(samples or 6), seed)
    elif inst == "xor":
        P, X, Y = xor_instance()
    elif inst == "not-critical":
        P, X, Y = separable_instance(widths_or(widths, (2, 2, 1)), int(samples or 6), seed)
        Y = -Y
    else:
        raise InputError(f"unknown Section 5 instance {inst!r}; known: separable, xor, not-critical")
    return theorem_5_3(P, (X, Y), activation, layer, numbers, digits)


register(
    "theorem-5.3", "Theorem 5.3", check_theorem_5_3,
    "objective (4): critical points with separable features (exact certificates) are global minima",
    options=(Option("--params", "params", str, None, "parameter file"), Option("--data", "data", str, None,
             "data file (Y: +1 true class, -1 otherwise)"),
             Option("--instance", "instance", str, None, "separable, xor or not-critical"),
             Option("--widths", "widths", str, None, "widths of the built-in instance"),
             Option("--samples", "samples", int, None, "N of the built-in instance"), opt_seed(0),
             opt_activation("identity"), opt_layer(),
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
