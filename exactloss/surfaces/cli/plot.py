"""The ``exactloss plot FIGURE OUT`` command: a figure of the paper, drawn by :mod:`exactloss.surfaces.plots`.

``exactloss plot losses OUT.png`` draws Figure 1 (the robust losses, and the activation catalogue); further
figures are added to :data:`FIGURES`.
"""

from __future__ import annotations

from typing import Any, Callable

from exactloss.registry import register_command
from exactloss.surfaces.plots import figure_1

FIGURES: dict[str, tuple[str, Callable[[str], Any]]] = {
    "losses": ("Figure 1: the robust losses (and the activation catalogue)", figure_1),
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
