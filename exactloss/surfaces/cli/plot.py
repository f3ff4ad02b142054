"""The ``exactloss plot FIGURE OUT`` command: a figure of the paper, drawn by :mod:`exactloss.surfaces.plots`.

``exactloss plot losses OUT.png`` draws Figure 1 (the robust losses; ``figure-1`` is the same figure) and
``exactloss plot activations OUT.png`` the activation catalogue; the format follows the extension (.png, .pdf,
.svg), ``--dpi`` sets the resolution of a .png and ``--no-verdicts`` leaves the verdicts of Assumption 3.2 out
of the titles.  Further figures are added to :data:`FIGURES`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from exactloss.registry import register_command
from exactloss.surfaces.cli.epilog import FORMATTER, epilog
from exactloss.net.figures import DEFAULT_DPI
from exactloss.surfaces.plots import activations_figure, figure_1

FIGURES: dict[str, tuple[str, Callable[..., Any]]] = {
    "losses": ("Figure 1: the robust losses of Assumption 3.2.3", figure_1),
    "activations": ("the activation catalogue against Assumption 3.2.2", activations_figure),
}
ALIASES = {"losses": ["figure-1"]}


def _plot_args(p: Any) -> None:
    sub = p.add_subparsers(dest="figure", metavar="FIGURE")
    sub.required = True
    for name, (help_, _) in FIGURES.items():
        q = sub.add_parser(name, help=help_, description=help_, aliases=ALIASES.get(name, []), formatter_class=FORMATTER,
                           epilog=epilog(f"exactloss plot {name} {name}.pdf", f"exactloss plot {name} {name}.png --dpi 200",
                                         f"exactloss plot {name} {name}.svg --json"))
        q.add_argument("out", help="output image file (.png, .pdf or .svg: the format follows the extension)")
        q.add_argument("--dpi", type=int, default=DEFAULT_DPI, help=f"resolution of a .png (default {DEFAULT_DPI})")
        q.add_argument("--no-verdicts", action="store_true", help="leave the verdicts of Assumption 3.2 out")
        q.add_argument("--json", action="store_true", help="print one JSON object (figure, path, format, dpi)")


def _plot_run(args: Any) -> int:
    name = next((n for n, al in ALIASES.items() if args.figure in al), args.figure)
    _, fn = FIGURES[name]
    fn(args.out, verdicts=not args.no_verdicts, dpi=args.dpi)
    if getattr(args, "json", False):
        print(json.dumps({"format": "exactloss-plot", "version": 1, "figure": name, "path": str(args.out),
                          "image_format": Path(args.out).suffix.lstrip(".").lower(), "dpi": args.dpi}, indent=2))
    else:
        print(f"wrote {args.out}")
    return 0


register_command("plot", "draw a figure of the paper (losses: Figure 1; activations)", _plot_args, _plot_run,
                 examples=("exactloss plot losses figure1.pdf", "exactloss plot activations act.png --dpi 200",
                           "exactloss plot losses figure1.svg --json"))
