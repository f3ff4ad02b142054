"""Lemma 2.1: backpropagation, in every number system, and its symbolic confirmation.

Lemma 2.1 (sigma, l in C^1), with ``Delta_k = dPhi/dG_k``:

1. ``Delta_L = l'(F_L - Y) o sigma'(G_L)``;
   ``Delta_k = (Delta_{k+1} W_{k+1}^T) o sigma'(G_k)`` for ``k in [L-1]``;
2. ``grad_{W_1} Phi = X^T Delta_1``; ``grad_{W_k} Phi = F_{k-1}^T Delta_k``;
3. ``grad_{b_k} Phi = Delta_k^T 1_N``.

:func:`backprop` evaluates these formulas in any number system.
:func:`confirm_lemma_2_1` proves them with SymPy for generic (undefined)
``sigma`` and ``l`` -- or concrete ones -- in one of two ways:

``method="layerwise"`` (default).  The lemma is a chain of one-layer
identities.  Each is checked with SymPy's derivatives of the layer's map and
the multivariable chain rule ``dPhi/dtheta = sum_ij (dPsi/dG_ij) dG_ij/dtheta``
against an *arbitrary* upstream gradient (free symbols ``D_ij``: the rest of
the network and the loss, whatever they are):

* top:        ``d/dG_L sum_ij l(sigma(G_L)_ij - Y_ij) = l'(F_L - Y) o sigma'(G_L)``;
* affine:     for ``Phi = Psi(F W + 1 b^T)`` with ``D = dPsi/dG`` (free symbols):
  ``dPhi/dW = F^T D``, ``dPhi/db = D^T 1``, ``dPhi/dF = D W^T``;
* activation: for ``Phi = Psi(sigma(G))`` with ``P = dPsi/dF`` (free symbols): ``dPhi/dG = P o sigma'(G)``.

Composing them (induction from the top layer down) gives Lemma 2.1 for every
depth L built from these layer shapes; each distinct shape is checked once.

``method="full"``.  ``Phi`` is built for the given shape and SymPy
differentiates it with respect to every weight and bias; the difference with
the lemma's formula is shown to be identically 0.  To make the comparison
cheap, every ``sigma(G_k)_ij``, ``sigma'(G_k)_ij`` and ``l'(...)`` occurring in
both sides is replaced by a fresh symbol *after* differentiation (both sides
contain the very same SymPy objects), which leaves a polynomial identity.

>>> r = confirm_lemma_2_1((2, 2, 1), 2)
>>> r.holds, r.level
(True, 'proved')
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import sympy as sp
from flint import arb, ctx
from sympy.core.function import AppliedUndef

from exactloss.net.activations import activation as _activation
from exactloss.errors import AssumptionError, InputError
from exactloss.evidence import Result, conjunction
from exactloss.arith.analyticity import smooth
from exactloss.arith.budget import guarded
from exactloss.arith.functions import ScalarFunction
from exactloss.net.losses import loss as _loss
from exactloss.net.latex import lemma_2_1 as lemma_2_1_latex
from exactloss.net.network import Forward, Network, Parameters, parse_widths
from exactloss.arith.compile import compile_arb
from exactloss.arith.systems import NumberSystem, Symbolic, rational_matrix, system as _system


@dataclass(frozen=True)
class Gradients:
    """Phi, ``Delta[k-1] = Delta_k`` and the gradients ``grad_W[k-1]``, ``grad_b[k-1]`` (Lemma 2.1)."""

    phi: Any
    Delta: tuple[np.ndarray, ...]
    grad_W: tuple[np.ndarray, ...]
    grad_b: tuple[np.ndarray, ...]
    forward: Forward
    # intermediates of the formulas, kept for second-order work (exactloss.net.hessian):
    l_prime: np.ndarray | None = None            # l'(F_L - Y)
    sigma_prime: tuple[np.ndarray, ...] = ()     # sigma'(G_k), k = 1..L
    upstream: tuple[np.ndarray, ...] = ()        # Delta_{k+1} W_{k+1}^T, k = 1..L-1

    @property
    def system(self) -> NumberSystem:
        return self.forward.system

    @property
    def level(self) -> str | None:
        """The level of Phi and the gradients: the system's, or None when one of them is not finite.

        A NaN or infinite ball (inputs such as ``1e400`` overflow ``exp`` at finite precision) is no
        enclosure worth the name, so it is never ``certified`` (:meth:`NumberSystem.level_of`).
        """
        return self.system.level_of(self.phi, *self.grad_W, *self.grad_b)

    def as_json(self, digits: int = 20) -> dict:
        S = self.system
        fmt = np.frompyfunc(lambda x: S.format(x, digits), 1, 1) if not S.is_float else (lambda A: A)
        out = {"phi": S.format(self.phi, digits)}
        out["grad"] = {}
        for k, g in enumerate(self.grad_W, 1):
            out["grad"][f"W{k}"] = np.asarray(fmt(g)).tolist()
        for k, g in enumerate(self.grad_b, 1):
            out["grad"][f"b{k}"] = np.asarray(fmt(g)).tolist()
        return out


def backprop(net: Network, P: Parameters, X: Any, Y: Any, loss: ScalarFunction | str = "squared",
             numbers: NumberSystem | str = "exact") -> Gradients:
    """Lemma 2.1: ``Delta_k`` and the gradients of Phi, in the number system ``numbers``."""
    S = _system(numbers)
    ell = _loss(loss)
    sigma = net.activation
    fw = net.forward(P, X, S)
    Ys = S.array(Y if isinstance(Y, np.ndarray) else rational_matrix(Y, "Y"))
    net.check_data(fw.F[0], Ys)
    L = net.L
    with S.scope():
        R = fw.F[L] - Ys
        phi = ell.value(S, R).sum()
        dl = ell.d(S, R)
        ds = [sigma.d(S, Gk) for Gk in fw.G]
        Delta: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        up: list[np.ndarray] = [None] * (L - 1)  # type: ignore[list-item]
        # Lemma 2.1.1: Delta_L = l'(F_L - Y) o sigma'(G_L)
        Delta[L - 1] = dl * ds[L - 1]
        for k in range(L - 1, 0, -1):
            # Delta_k = (Delta_{k+1} W_{k+1}^T) o sigma'(G_k)
            up[k - 1] = Delta[k] @ S.array(P.W[k]).T
            Delta[k - 1] = up[k - 1] * ds[k - 1]
        # Lemma 2.1.2-3: grad_{W_k} = F_{k-1}^T Delta_k, grad_{b_k} = Delta_k^T 1_N
        grad_W = tuple(fw.F[k - 1].T @ Delta[k - 1] for k in range(1, L + 1))
        grad_b = tuple(Delta[k - 1].sum(axis=0) for k in range(1, L + 1))
    return Gradients(phi, tuple(Delta), grad_W, grad_b, fw, dl, tuple(ds), tuple(up))


# ---------------------------------------------------------------------------
# the symbolic confirmation
# ---------------------------------------------------------------------------


def _symbols(name: str, shape: tuple[int, int]) -> np.ndarray:
    return Symbolic().symbols(name, shape)


def zero_test(expr: sp.Expr) -> bool | None:
    """Is ``expr`` identically 0?  True (proved by SymPy), False (certified non-zero), None (undecided).

    1. ``expand`` (a polynomial identity in the atoms) -- proves 0; step factors made redundant by a
       hinge (``H(-u) Min(0, u) = Min(0, u)``) are dropped first;
    2. ``simplify`` after rewriting to ``exp`` -- proves 0 for identities such
       as ``exp(2t)/(1 + exp(2t)) = 1/(1 + exp(-2t))``; for Min/Max/Abs/Heaviside,
       ``simplify`` of the ``Piecewise`` form, branch by branch (small expressions
       only: SymPy's piecewise folding grows fast);
    3. otherwise, when no undefined function occurs, evaluate at a rational
       point in arb ball arithmetic: a ball excluding 0 certifies a non-zero.

    Never ``False`` merely because SymPy failed to simplify.
    """
    e = sp.expand(expr)
    if e == 0:
        return True
    if e.has(sp.Heaviside):
        e = sp.expand(e.replace(lambda x: isinstance(x, sp.Mul), _drop_redundant_steps))
        if e == 0:
            return True
    # bounded (issue 11): on expiry or a SymPy failure, fall through to the ball evaluation below
    e2 = guarded(lambda: sp.simplify(sp.expand(e.rewrite(sp.exp))), 10.0, default=e, step="simplify (identity)")
    if e2 == 0:
        return True
    if e.has(sp.Min, sp.Max, sp.Abs, sp.Heaviside, sp.sign, sp.Piecewise) and sp.count_ops(e) <= 40:
        # piecewise functions (squared hinge, t/(1+|t|)): compare branch by branch
        if guarded(lambda: sp.simplify(sp.piecewise_fold(e.rewrite(sp.Piecewise))) == 0, 10.0, default=False,
                   step="simplify (piecewise identity)"):
            return True
    if e.atoms(AppliedUndef):
        return None
    syms = sorted(e.free_symbols, key=str)
    t = sp.Symbol("_zero_test_t")
    # a point with distinct rational coordinates k/7 + 1/3
    point = {s: sp.Rational(k + 1, 7) + sp.Rational(1, 3) for k, s in enumerate(syms)}
    one_var = e.xreplace(point)
    saved = ctx.prec
    try:
        ctx.prec = 256
        v = compile_arb(one_var + 0 * t, t)(arb(0))
        if not v.contains(0):
            return False
    except Exception:
        return None
    finally:
        ctx.prec = saved
    return None


def _drop_redundant_steps(m: sp.Mul) -> sp.Expr:
    """``H(-u) Min(0, u) = Min(0, u)`` and ``H(u) Max(0, u) = Max(0, u)`` for every real u, whatever H(0) is
    (the other factor vanishes at u = 0): SymPy's derivative of a squared hinge carries such step factors."""
    factors = list(m.args)
    for h in [f for f in factors if isinstance(f, sp.Heaviside)]:
        arg = h.args[0]
        for f in factors:
            if isinstance(f, (sp.Min, sp.Max)) and len(f.args) == 2 and sp.S.Zero in f.args:
                u = f.args[0] if f.args[1] == 0 else f.args[1]
                if sp.expand(arg + u if isinstance(f, sp.Min) else arg - u) == 0:
                    factors.remove(h)
                    break
    return sp.Mul(*factors) if len(factors) != len(m.args) else m


def _is_zero(expr: sp.Expr) -> bool | None:
    return zero_test(expr)


def _contract(D: np.ndarray, E: np.ndarray, theta: sp.Symbol) -> sp.Expr:
    """Chain rule: ``sum_ij D_ij dE_ij/dtheta`` with SymPy's derivative of each entry."""
    return sp.Add(*[D[idx] * sp.diff(E[idx], theta) for idx in np.ndindex(E.shape)])


def _layerwise(widths: tuple[int, ...], N: int, sigma: ScalarFunction, ell: ScalarFunction) -> tuple[bool | None, list[dict]]:
    S = Symbolic()
    steps: list[dict] = []
    L = len(widths) - 1
    # top: Delta_L = l'(F_L - Y) o sigma'(G_L), SymPy differentiating Phi itself
    G = _symbols("G", (N, widths[L]))
    Y = _symbols("Y", (N, widths[L]))
    R = sigma.value(S, G) - Y
    phi = sp.Add(*ell.value(S, R).flat)
    formula = ell.d(S, R) * sigma.d(S, G)
    ok = conjunction(_is_zero(sp.diff(phi, G[idx]) - formula[idx]) for idx in np.ndindex(G.shape))
    steps.append({"step": f"top: Delta_L = l'(F_L - Y) o sigma'(G_L), N x n_L = {N} x {widths[L]}", "holds": ok})
    # affine steps, one per distinct (n_{k-1}, n_k); D = dPsi/dG is an arbitrary upstream gradient
    for n_in, n_out in sorted({(widths[k - 1], widths[k]) for k in range(1, L + 1)}):
        F = _symbols("F", (N, n_in))
        W = _symbols("W", (n_in, n_out))
        b = np.array([sp.Symbol(f"b_{j + 1}", real=True) for j in range(n_out)], dtype=object)
        D = _symbols("D", (N, n_out))
        Gexpr = F @ W + b[None, :]
        checks = [_contract(D, Gexpr, W[idx]) - (F.T @ D)[idx] for idx in np.ndindex(W.shape)]
        checks += [_contract(D, Gexpr, b[j]) - D[:, j].sum() for j in range(n_out)]
        checks += [_contract(D, Gexpr, F[idx]) - (D @ W.T)[idx] for idx in np.ndindex(F.shape)]
        ok = conjunction(_is_zero(c) for c in checks)
        steps.append({"step": f"affine: for G = F W + 1 b^T and any upstream D = dPsi/dG: dPhi/dW = F^T D, "
                              f"dPhi/db = D^T 1, dPhi/dF = D W^T; shape {N} x {n_in} -> {n_out}", "holds": ok})
    # activation steps, one per distinct hidden width; P = dPsi/dF arbitrary
    for n_k in sorted({widths[k] for k in range(1, L)}):
        G = _symbols("G", (N, n_k))
        Pup = _symbols("P", (N, n_k))
        Fexpr = sigma.value(S, G)
        formula = Pup * sigma.d(S, G)
        ok = conjunction(_is_zero(_contract(Pup, Fexpr, G[idx]) - formula[idx]) for idx in np.ndindex(G.shape))
        steps.append({"step": f"activation: for F = sigma(G) and any upstream P = dPsi/dF: dPhi/dG = P o sigma'(G); "
                              f"N x n = {N} x {n_k}", "holds": ok})
    return conjunction(s["holds"] for s in steps), steps


def _symbolic_instance(widths: tuple[int, ...], N: int, sigma: ScalarFunction | str,
                       ell: ScalarFunction | str) -> tuple[Network, Parameters, np.ndarray, Gradients]:
    """Phi and Lemma 2.1's formulas for symbolic parameters W{k}_i_j, b{k}_j and data X_i_j, Y_i_j."""
    net = Network(widths, sigma)
    P = net.symbolic_parameters()
    X = _symbols("X", (N, widths[0]))
    Y = _symbols("Y", (N, widths[-1]))
    return net, P, Y, backprop(net, P, X, Y, ell, Symbolic())


def _full(widths: tuple[int, ...], N: int, sigma: ScalarFunction, ell: ScalarFunction) -> tuple[bool | None, list[dict]]:
    S = Symbolic()
    net, P, Y, g = _symbolic_instance(widths, N, sigma, ell)
    phi = g.phi
    # atoms shared by both sides -> fresh symbols, after differentiation
    rep: dict[sp.Expr, sp.Symbol] = {}
    for k, Gk in enumerate(g.forward.G, 1):
        s0, s1 = sigma.value(S, Gk), sigma.d(S, Gk)
        for (i, j) in np.ndindex(Gk.shape):
            rep[s1[i, j]] = sp.Symbol(f"dsigma{k}_{i}_{j}")
            rep[s0[i, j]] = sp.Symbol(f"sigma{k}_{i}_{j}")
    R = g.forward.F[-1] - Y
    for (i, j), v in zip(np.ndindex(R.shape), ell.d(S, R).flat):
        rep[v] = sp.Symbol(f"dl_{i}_{j}")
    tests = []
    for k in range(1, net.L + 1):
        W, b = P.layer(k)
        for idx in np.ndindex(W.shape):
            tests.append(_is_zero((sp.diff(phi, W[idx]) - g.grad_W[k - 1][idx]).xreplace(rep)))
        for j in range(b.shape[0]):
            tests.append(_is_zero((sp.diff(phi, b[j]) - g.grad_b[k - 1][j]).xreplace(rep)))
    ok = conjunction(tests)
    count = len(tests)
    return ok, [{"step": f"full: SymPy's dPhi/dtheta minus Lemma 2.1's formula is 0 for all {count} parameters",
                 "holds": ok}]


def naive_confirmation(widths: Sequence[int], N: int, activation: str = "generic", loss: str = "generic") -> bool:
    """The naive baseline for benchmarks: diff Phi w.r.t. every parameter and ``expand`` the difference."""
    net, P, _, g = _symbolic_instance(parse_widths(widths), N, activation, loss)
    for k in range(1, net.L + 1):
        W, b = P.layer(k)
        for idx in np.ndindex(W.shape):
            if sp.expand(sp.diff(g.phi, W[idx]) - g.grad_W[k - 1][idx]) != 0:
                return False
        for j in range(b.shape[0]):
            if sp.expand(sp.diff(g.phi, b[j]) - g.grad_b[k - 1][j]) != 0:
                return False
    return True


def _c1_hypothesis(sigma: ScalarFunction, ell: ScalarFunction) -> str | None:
    """Lemma 2.1's hypothesis sigma, l in C^1 (exactloss.arith.analyticity).  Raises AssumptionError when it
    fails; returns None when proved, or the reason it is undecided."""
    undecided = []
    for f in (sigma, ell):
        if f.generic:
            continue
        c = smooth(f.expr, f.var, 1)
        if c.holds is False:
            raise AssumptionError(f"Lemma 2.1 needs {f.kind} in C^1, but {f.describe()} is not: {c.reason}; "
                                  + ("use sigmoid, tanh or softplus" if f.kind == "activation" else "use a C^1 loss"))
        if c.holds is None:
            undecided.append(f"{f.describe()}: {c.reason}")
    return "; ".join(undecided) or None


def confirm_lemma_2_1(widths: Sequence[int] | str = (3, 4, 3, 2), samples: int = 3,
                      activation: ScalarFunction | str = "generic", loss: ScalarFunction | str = "generic",
                      method: str = "layerwise", latex: bool = False) -> Result:
    """Lemma 2.1, proved with SymPy for the given widths and N = ``samples`` (see the module docstring).

    ``latex=True`` also puts the identities for these widths, with every shape, in
    ``details["latex"]`` (an amsmath fragment, :func:`exactloss.net.latex.lemma_2_1`).
    """
    t0 = time.perf_counter()
    widths = parse_widths(widths)
    N = int(samples)
    if N < 1:
        raise InputError(f"samples = {samples}: need at least one sample")
    if method not in ("layerwise", "full"):
        raise InputError(f"method {method!r}: use 'layerwise' or 'full'")
    sigma = _activation(activation)
    ell = _loss(loss)
    hypothesis = _c1_hypothesis(sigma, ell)
    ok, steps = (_layerwise if method == "layerwise" else _full)(widths, N, sigma, ell)
    if ok is True and hypothesis is not None:
        ok = None
        steps.append({"step": f"hypothesis sigma, l in C^1: undecided ({hypothesis})", "holds": None})
    P_count = sum(widths[k - 1] * widths[k] + widths[k] for k in range(1, len(widths)))
    generic = sigma.generic and ell.generic
    scope = ("every depth L whose layers have these shapes" if method == "layerwise"
             else f"this shape ({P_count} parameters)")
    funcs = ("every C^1 sigma and l (undefined SymPy functions)" if generic
             else f"sigma = {sigma.describe()}, l = {ell.describe()}")
    reason = (f"SymPy: the difference between SymPy's derivative and the lemma's formula expands to 0 in every "
              f"step ({method}); valid for {funcs}, for {scope}")
    if ok is True:
        level, why = "proved", reason
    elif ok is False:
        level = "certified"
        why = ("a difference between SymPy's derivative and the formula is non-zero at a rational point "
               "(arb ball excluding 0) in: " + "; ".join(s["step"] for s in steps if s["holds"] is False))
    else:
        level = None
        why = ("undecided: SymPy could neither simplify the difference to 0 nor certify it non-zero in: "
               + "; ".join(s["step"] for s in steps if s["holds"] is None))
    return Result(
        result="Lemma 2.1",
        holds=ok,
        level=level,
        statement="Delta_L = l'(F_L - Y) o sigma'(G_L); Delta_k = (Delta_{k+1} W_{k+1}^T) o sigma'(G_k); "
                  "grad_{W_k} Phi = F_{k-1}^T Delta_k; grad_{b_k} Phi = Delta_k^T 1_N",
        reason=why,
        instance={"widths": list(widths), "samples": N, "activation": sigma.describe(), "loss": ell.describe(),
                  "parameters": P_count},
        details={"method": method, "steps": steps, "generic": generic, "sympy": sp.__version__,
                 **({"latex": lemma_2_1_latex(widths, N, activation=sigma, loss_function=ell)} if latex else {})},
        seconds=time.perf_counter() - t0,
    )
