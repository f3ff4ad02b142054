"""Definitions 3.6/3.7 (non-degeneracy on a set of variables) on the paper's examples and on a network.

A critical point is non-degenerate on a set S of variables when the block Hessian on S is non-singular.
The paper's two 4 x 4 examples show that degeneracy on all variables and on a subset are independent: its
``x`` is degenerate but non-degenerate on ``{x1, x2}``, its ``y`` non-degenerate but degenerate on
``{y3, y4}``.  Both are reproduced exactly (SymPy Hessians, exact determinants); ``--example network`` shows the
same contrast at an exact global minimum of a network (degenerate on all parameters, non-degenerate on the
top layer).  Theorem 3.8 searches such blocks (:mod:`exactloss.paper.theorem_3_8`).

``--latex`` also puts the Hessians, their blocks and the exact determinants in ``details["latex"]`` (an
amsmath fragment, :mod:`exactloss.net.latex`).
"""

from __future__ import annotations

from typing import Any

from exactloss.arith.systems import Exact
from exactloss.errors import InputError
from exactloss.evidence import Result, Verdict
from exactloss.floatpath.nonsingularity import nonsingularity
from exactloss.net.hessian import (PAPER_F_X, PAPER_F_Y, PAPER_H_X, PAPER_H_Y, block_hessian, parameter_names,
                                   principal_block, sympy_hessian)
from exactloss.net.latex import block_hessian as tex_block_hessian, hessian_contrast
from exactloss.net.network import Network
from exactloss.paper.instances import global_minimum_instance, widths_or
from exactloss.registry import Instance, Option, opt_activation, opt_seed, register

STATEMENT = ("Definition 3.6/3.7: a critical point is non-degenerate on S if the block Hessian on S is "
             "non-singular; degeneracy on all variables and on a subset are independent")


def check_definition_3_7(example: str = "paper", widths: Any = None, samples: int | None = None, seed: int = 0,
                         activation: str = "t + t**3", latex: bool = False) -> Result:
    """The paper's two 4 x 4 examples exactly (``paper``), or a network block Hessian (``network``).

    ``latex=True`` also puts the Hessians, their blocks and the exact determinants in ``details["latex"]``
    (an amsmath fragment: :func:`exactloss.net.latex.hessian_contrast` / :func:`exactloss.net.latex.block_hessian`).
    """
    if example == "paper":
        return paper_examples(latex)
    if example != "network":
        raise InputError(f"--example {example!r}: use paper or network")
    return network_example(widths, samples, seed, activation, latex)


def paper_examples(latex: bool = False) -> Result:
    """The paper's H(x) (degenerate, non-degenerate on {x1, x2}) and H(y) (non-degenerate, degenerate on
    {y3, y4}): SymPy Hessians of its f and g, exact determinants of the matrices and their principal blocks."""
    E = Exact()
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
        details["latex"] = "\n".join((
            hessian_contrast(Hx, ["x1", "x2", "x3", "x4"], [0, 1], point="x", function=PAPER_F_X, det=dx,
                             det_subset=dx12, level="proved (exact determinants)"),
            hessian_contrast(Hy, ["y1", "y2", "y3", "y4"], [2, 3], point="y", function=PAPER_F_Y, det=dy,
                             det_subset=dy34, level="proved (exact determinants)")))
    return Result("Definition 3.7", ok, "proved", STATEMENT,
                  "the paper's examples reproduce exactly: x is degenerate but non-degenerate on {x1, x2}; y is "
                  "non-degenerate but degenerate on {y3, y4}" if ok else "an example does not reproduce",
                  {"example": "paper"}, details,
                  clauses, failed_hypothesis=None if ok else next(c.claim for c in clauses if not c.holds))


def network_example(widths: Any = None, samples: int | None = None, seed: int = 0, activation: str = "t + t**3",
                    latex: bool = False) -> Result:
    """A network at an exact global minimum (``Y = F_L``): the full Hessian is singular (more parameters than
    residuals), the block on the top layer I = {L} is not -- both exact determinants."""
    E = Exact()
    ws = widths_or(widths, (2, 2, 1))
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
    return Result("Definition 3.7", ok, "proved", STATEMENT,
                  "like the paper's H(x): the critical point is degenerate, but non-degenerate on the top layer"
                  if ok else "this network point does not show the contrast", {"example": "network", "widths": list(ws),
                                                                               "N": N, "activation": activation},
                  details, clauses)


def _latex_network_hessians(net: Any, H: Any, H_top: Any, full: Any, top: Any, N: int, activation: str) -> str:
    """The full and top-layer block Hessians of the network example with their exact determinants."""
    E = Exact()
    L = net.L

    def say(nz: Any, where: str) -> str:  # from the exact determinant: proved either way
        return {True: f"non-degenerate {where}", False: f"degenerate {where}"}.get(nz.holds, f"undecided {where}")

    head = (f"% Definition 3.7 on a network: widths {tuple(net.widths)}, N = {N}, sigma(t) = {activation}, squared "
            "loss, at the exact global minimum Y = F_L\n")
    return head + "\n".join((
        tex_block_hessian(H, parameter_names(net), det=E.det(H), level=full.level,
                          note=say(full, "on all parameters")),
        tex_block_hessian(H_top, parameter_names(net, [L]), det=E.det(H_top), level=top.level,
                          note=say(top, f"on I = {{{L}}}, the block (W_{L}, b_{L})"))))


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
