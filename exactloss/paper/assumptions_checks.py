"""Registration of the assumption checks and the ``assumptions`` and ``plot`` commands.

Checks: ``lemma-3.3`` (:func:`exactloss.paper.assumptions.lemma_3_3`),
``assumption-3.2``, ``assumption-5.2``, ``lemma-4.1``.  Commands:

* ``exactloss assumptions --activation A --loss L [--data FILE] [--json]`` --
  one row per clause (clause, verdict, level, reason); exit 0 when every
  part holds, 1 when one fails or is undecided, 2 on bad input;
* ``exactloss plot losses OUT.png`` -- Figure 1 of the paper (and the
  activation catalogue); further figures are added to :data:`FIGURES`.
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable

from exactloss.paper.assumptions import assumption_3_2, assumption_5_2, lemma_3_3, lemma_4_1
from exactloss.evidence import Result
from exactloss.registry import Instance, Option, opt_activation, opt_data, opt_loss, opt_samples, opt_widths, register, register_command


def check_assumption_3_2(activation: str = "sigmoid", loss: str | None = "squared", data: str | None = None) -> Result:
    """Assumption 3.2 for an activation, a loss (``"none"`` skips 3.2.3) and (optionally) a data file."""
    if loss is not None and str(loss).strip().lower() in ("none", ""):
        loss = None
    return assumption_3_2(activation, loss, data)


def check_assumption_5_2(activation: str = "sigmoid", l1: str = "l1", l2: str = "l2") -> Result:
    return assumption_5_2(activation, l1, l2)


def check_lemma_4_1(widths: str = "2,3,2", activation: str = "sigmoid", samples: int = 2) -> Result:
    return lemma_4_1(widths, activation, samples=samples)


register(
    "lemma-3.3", "Lemma 3.3", lemma_3_3,
    "sigmoid, tanh, softplus(alpha) satisfy Assumption 3.2.2 (proved per clause; softplus's rho reproduced)",
    options=(Option("--alphas", "alphas", str, "1,2,1/2,10", "softplus parameters alpha to check, comma-separated"),),
    instances=(Instance({"alphas": "1,2,1/2,10"}, label="sigmoid, tanh, softplus alpha=1,2,1/2,10"),),
)

register(
    "assumption-3.2", "Assumption 3.2", check_assumption_3_2,
    "Assumptions 3.2 clause by clause: distinct samples, sigma analytic/increasing/(a) or (b), l C^2 with minima",
    options=(opt_activation("sigmoid"), opt_loss("squared"), opt_data()),
    instances=(Instance({"activation": "sigmoid", "loss": "squared"}, label="sigmoid, squared"),
               Instance({"activation": "softplus:alpha=2", "loss": "blake-zisserman"}, label="softplus(2), Blake-Zisserman"),
               Instance({"activation": "tanh", "loss": "corrupted-gaussian"}, label="tanh, corrupted Gaussian"),
               Instance({"activation": "atan(t)", "loss": "cauchy"}, label="atan(t), Cauchy"),
               Instance({"activation": "relu", "loss": "squared"}, expect=False, label="relu (not analytic)"),
               Instance({"activation": "t + sin(t)", "loss": "pseudo-huber"}, expect=False,
                        label="t + sin(t) (neither (a) nor (b))")),
)

register(
    "assumption-5.2", "Assumption 5.2", check_assumption_5_2,
    "Assumptions 5.2: sigma C^1 strictly increasing; l1, l2 one-sided C^1 losses",
    options=(opt_activation("sigmoid"),
             Option("--l1", "l1", str, "l1", "the in-class loss l1 (catalogue name or expression in a)"),
             Option("--l2", "l2", str, "l2", "the out-of-class loss l2 (catalogue name or expression in a)")),
    instances=(Instance({"activation": "sigmoid", "l1": "l1", "l2": "l2"}, label="sigmoid, squared hinge pair"),
               Instance({"activation": "relu", "l1": "l1", "l2": "l2"}, expect=False, label="relu (not C^1)"),
               Instance({"activation": "tanh", "l1": "squared", "l2": "l2"}, expect=False,
                        label="tanh, l1 = squared (not one-sided)")),
)

register(
    "lemma-4.1", "Lemma 4.1", check_lemma_4_1,
    "each layer output F_k is real-analytic in the parameters (certificate composed with affine maps)",
    options=(opt_widths("2,3,2"), opt_activation("sigmoid"), opt_samples(2)),
    instances=(Instance({"widths": "2,3,2", "activation": "sigmoid"}, label="2,3,2 sigmoid"),
               Instance({"widths": "2,2,2,1", "activation": "softplus:alpha=2"}, label="2,2,2,1 softplus(2)"),
               Instance({"widths": "2,2,1", "activation": "relu"}, expect=False, label="relu (not analytic)")),
)


# -- exactloss assumptions ----------------------------------------------------


def _assumptions_args(p: Any) -> None:
    p.add_argument("--activation", default="sigmoid",
                   help="activation: sigmoid, tanh, softplus[:alpha=A], identity, relu, or an expression in t "
                        "(default: sigmoid)")
    p.add_argument("--loss", default="squared",
                   help="loss: squared, pseudo-huber, blake-zisserman, corrupted-gaussian, cauchy, l1, l2, or an "
                        "expression in a; 'none' to skip (default: squared)")
    p.add_argument("--data", default=None, help="data file (.json or .npz) with X: checks Assumption 3.2.1")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def format_table(r: Result, width: int = 110) -> str:
    """The per-clause table: clause, verdict, level, reason."""
    rows = [(c.claim, c.verdict, c.level or "-", c.reason) for c in r.clauses]
    w0 = max(len("clause"), *(len(x[0]) for x in rows))
    lines = [f"{'clause':<{w0}}  {'verdict':<9}  {'level':<9}  reason", "-" * min(width + w0, 160)]
    for claim, verdict, level, reason in rows:
        lines.append(f"{claim:<{w0}}  {verdict:<9}  {level:<9}  {_short(reason, width)}")
    extra = []
    d = r.details.get("Assumption 3.2.2", {})
    if d.get("mu") is not None or d.get("gamma") is not None:
        extra.append(f"mu = {d.get('mu')}, gamma = {d.get('gamma')}")
    if "rho" in d:
        extra.append("rho_1..rho_4 = " + ", ".join(str(v) for v in d["rho"].values()))
    lines.append("")
    lines.append(f"{r.result}: {r.verdict}" + (f" [{r.level}]" if r.level else "") + f" -- {r.reason}")
    lines.extend(extra)
    return "\n".join(lines)


def _assumptions_run(args: Any) -> int:
    t0 = time.perf_counter()
    loss = None if str(args.loss).strip().lower() in ("none", "") else args.loss
    r = assumption_3_2(args.activation, loss, args.data).with_seconds(time.perf_counter() - t0)
    if args.json:
        print(json.dumps(r.to_json(), indent=2))
    else:
        print(format_table(r))
    return 0 if r.holds is True else 1


register_command("assumptions", "check Assumptions 3.2 clause by clause for an activation, a loss and data",
                 _assumptions_args, _assumptions_run)


# -- exactloss plot FIGURE OUT -----------------------------------------------


def _figure_losses(out: str) -> Any:
    from exactloss.surfaces.plots import figure_1

    return figure_1(out)


FIGURES: dict[str, tuple[str, Callable[[str], Any]]] = {
    "losses": ("Figure 1: the robust losses (and the activation catalogue)", _figure_losses),
}


def _plot_args(p: Any) -> None:
    sub = p.add_subparsers(dest="figure", metavar="FIGURE")
    sub.required = True
    for name, (help_, _) in FIGURES.items():
        q = sub.add_parser(name, help=help_, description=help_)
        q.add_argument("out", help="output image file (.png, .pdf or .svg)")


def _plot_run(args: Any) -> int:
    _, fn = FIGURES[args.figure]
    path = fn(args.out)
    print(f"wrote {path}")
    return 0


register_command("plot", "draw a figure of the paper (losses: Figure 1)", _plot_args, _plot_run)
