"""The ``exactloss example DIR`` command: the files the README's first examples run on.

Writes ``P.json``/``D.json`` (and the same point as ``P.npz``/``D.npz``) into ``DIR``: a network with widths
``2,5,1`` (``n_1 = 5 >= N - 1``, the wide case of Theorem 3.8 of Nguyen & Hein 2017) and sigmoid activation
(Assumption 3.2.2(a), Lemma 3.3), trained by L-BFGS in float64 on ``N = 5`` samples with the squared loss
(``exactloss.floatpath.training.train((2, 5, 1), N=5, seed=0)``).  The parameters are stored as the float64
numbers the training reached, which a JSON number and an ``.npz`` float denote exactly (binary rationals), so
every command reads the same exact point.  It is an *approximate* critical point: ``certify`` finds no exact
theorem that applies and gives the certified loss bound of the quantitative Lemma 3.5 instead.

The numbers are stored here, not re-trained, so the files are the same on every machine.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     [p.name for p in write_example(d)]
['P.json', 'D.json', 'P.npz', 'D.npz']
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exactloss.errors import FileFormatError
from exactloss.net.files import load_data, load_parameters, save_data, save_parameters
from exactloss.registry import register_command

WIDTHS = (2, 5, 1)
"""Widths ``n_0, n_1, n_2`` of the example network."""

PARAMETERS = {
    "W": [[[-2.023939906622963, -1.5112332822219312, -0.23109791997831663, 1.061873202625184, 0.6828143245687269],
           [-2.3047923149117207, 1.6291409646028594, 1.0147791287171697, -0.4831197465085494, -0.8505507610055755]],
          [[-2.5156555442153676], [2.548195711028571], [1.8851238937512476], [-0.7548059397339022],
           [-1.4015002122026874]]],
    "b": [[0.6002408303200448, -0.09599434939215268, -1.637535616418671, -0.49056774386090585, -2.201177106913137],
          [-0.6517189083975774]],
}
"""``W_1`` (2 x 5), ``W_2`` (5 x 1), ``b_1``, ``b_2``: the float64 point L-BFGS reached (module docstring)."""

DATA = {
    "X": [[0.5, 0.625], [-0.875, 0], [1, 0.875], [0.5, 0.125], [0.875, 0.375]],
    "Y": [["3/5"], ["3/10"], ["3/5"], ["3/10"], ["2/5"]],
}
"""``X`` (5 x 2, numbers that are binary fractions) and ``Y`` (5 x 1, exact strings: 3/5 is not a float64)."""

FILES = ("P.json", "D.json", "P.npz", "D.npz")

NEXT_STEPS = """\
next steps (the README's examples):
  exactloss certify --params {d}/P.json --data {d}/D.json
  exactloss rank --params {d}/P.npz --data {d}/D.npz --layer 1
  exactloss grad --params {d}/P.json --data {d}/D.json --loss cauchy --numbers ball --digits 40"""


def write_example(folder: Any, force: bool = True) -> list[Path]:
    """Write :data:`PARAMETERS` and :data:`DATA` into ``folder`` (created if needed) as ``P.json``, ``D.json``,
    ``P.npz``, ``D.npz``; returns the paths.  With ``force=False`` an existing file with other content is
    refused (:class:`~exactloss.errors.FileFormatError`) instead of overwritten."""
    d = Path(folder)
    if d.exists() and not d.is_dir():
        raise FileFormatError(f"exactloss example {d}: is a file; give a folder (it is created if missing)")
    d.mkdir(parents=True, exist_ok=True)
    texts = {"P.json": json.dumps(PARAMETERS, indent=1) + "\n", "D.json": json.dumps(DATA, indent=1) + "\n"}
    if not force:
        for name, text in texts.items():
            p = d / name
            if p.exists() and p.read_text() != text:
                raise FileFormatError(f"exactloss example {d}: {p} exists with other content; use another folder "
                                      "or --force to overwrite it")
    paths = []
    for name, text in texts.items():
        (d / name).write_text(text)
        paths.append(d / name)
    # the .npz pair: the same exact numbers, through the package's own reader and writer
    paths.append(save_parameters(load_parameters(d / "P.json"), d / "P.npz"))
    X, Y = load_data(d / "D.json", need_Y=True)
    paths.append(save_data(X, Y, d / "D.npz"))
    return paths


def _example_args(p: Any) -> None:
    p.add_argument("folder", metavar="DIR", help="folder to write P.json, D.json, P.npz, D.npz into (created)")
    p.add_argument("--force", action="store_true", help="overwrite P.json / D.json that have other content")
    p.add_argument("--json", action="store_true", help="print one JSON object (the files written)")


def _example_run(args: Any) -> int:
    paths = write_example(args.folder, force=args.force)
    if getattr(args, "json", False):
        print(json.dumps({"format": "exactloss-example", "version": 1, "files": [str(p) for p in paths]}, indent=2))
        return 0
    print("wrote " + ", ".join(str(p) for p in paths))
    print(NEXT_STEPS.format(d=args.folder.rstrip("/") or "."))
    return 0


register_command("example", "write the example network and data (P.json, D.json, P.npz, D.npz) that the README's "
                 "certify, rank and grad examples use", _example_args, _example_run,
                 examples=("exactloss example ex", "exactloss certify --params ex/P.json --data ex/D.json"))
