"""Reading and writing parameters and data (``.json`` and ``.npz``; parameters also from PyTorch).

Formats (Section 2's shapes: ``W_k`` is ``n_{k-1} x n_k``, ``X`` is ``N x d``):

* parameters ``.json``: ``{"W": [W_1, ..., W_L], "b": [b_1, ..., b_L]}``,
  matrices as lists of rows; entries numbers or exact strings like ``"-3/7"``;
* data ``.json``: ``{"X": [...], "Y": [...]}`` (``Y`` optional where no targets are needed);
* ``.npz``: arrays ``W1..WL``, ``b1..bL``, ``X``, ``Y``.  Float entries are
  taken as the exact binary rationals they are; string arrays (``"-3/7"``) are
  read exactly too, which is how :func:`save_parameters` stores non-dyadic
  rationals.
* parameters from PyTorch: a ``state_dict`` saved as ``.pt``/``.pth`` (read with
  ``torch.load(weights_only=True)``: tensors only, never code) or ``.safetensors``
  (:mod:`exactloss.net.frameworks`; ``pip install -e ".[torch]"``).

Numbers are data of a bounded size: at most :data:`~exactloss.arith.systems.MAX_DIGITS`
digits and decimal exponents within ``e-1000 .. e+1000`` (``"1e999999999"`` is
refused at once instead of being computed); NaN/inf entries are refused.

Every failure raises :class:`~exactloss.errors.FileFormatError` (or a
subclass of :class:`~exactloss.errors.InputError`) naming the file and the fix.
"""

from __future__ import annotations

import json
import math
import os
import re
import zipfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from exactloss.errors import FileFormatError
from exactloss.evidence import jsonable
from exactloss.net.frameworks import STATE_DICT_SUFFIXES, load_state_dict
from exactloss.net.network import Parameters
from exactloss.arith.systems import LIMITS, MAX_DIGITS, rational_matrix

PathLike = str | os.PathLike


def _suffix(path: Path) -> str:
    s = path.suffix.lower()
    if s not in (".json", ".npz"):
        raise FileFormatError(f"{path}: unknown file type {s or '(none)'}; use .json or .npz")
    return s


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise FileFormatError(f"{path}: is a directory, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FileFormatError(f"{path}: cannot read ({exc.__class__.__name__}: {exc})") from None
    try:
        return json.loads(text, parse_int=lambda s: _json_int(path, s), parse_float=lambda s: _json_float(path, s))
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from None
    except (ValueError, RecursionError) as exc:  # e.g. nesting too deep for the JSON reader
        if isinstance(exc, FileFormatError):
            raise
        raise FileFormatError(f"{path}: cannot read the JSON ({type(exc).__name__}: {str(exc)[:120]})") from None


def _json_int(path: Path, s: str) -> int:
    """A JSON integer, refused past :data:`exactloss.arith.systems.MAX_DIGITS` digits (the documented size limit)."""
    if len(s.lstrip("-")) > MAX_DIGITS:
        raise FileFormatError(f"{path}: the integer {s[:20]}... has {len(s.lstrip('-'))} digits; {LIMITS}")
    return int(s)


def _json_float(path: Path, s: str) -> float:
    """A JSON number with a fraction or exponent, read as the float64 it denotes (as ``json`` does).

    A number beyond the float range (``1e400``) would silently become ``inf``; it is refused with the
    fix: write it as a string (``"1e400"``), which is read as the exact rational it spells."""
    x = float(s)
    if math.isinf(x):
        raise FileFormatError(f"{path}: the number {s[:40]} is beyond the float64 range; write it as a string "
                              f"(\"{s[:40]}\") to read it exactly, within the limits: {LIMITS}")
    return x


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file; check the path") from None
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise FileFormatError(f"{path}: not a readable .npz archive ({exc})") from None


def _read(path: PathLike) -> tuple[Path, Any]:
    p = Path(path)
    return p, (_read_json(p) if _suffix(p) == ".json" else _read_npz(p))


def load_parameters(path: PathLike) -> Parameters:
    """Read ``W_1..W_L``, ``b_1..b_L`` from a ``.json`` or ``.npz`` file (exact rationals), or from a saved
    PyTorch ``state_dict`` (``.pt``/``.pth``, tensors only) or ``.safetensors`` file
    (:func:`exactloss.net.frameworks.load_state_dict`: ``W_k = weight^T``, the floats exactly)."""
    s = Path(path).suffix.lower()
    if s in STATE_DICT_SUFFIXES:
        return load_state_dict(path)
    if s not in (".json", ".npz"):
        raise FileFormatError(f"{path}: unknown file type {s or '(none)'} for parameters; use .json, .npz, or a "
                              f"saved state_dict ({', '.join(STATE_DICT_SUFFIXES)})")
    p, raw = _read(path)
    if isinstance(raw, dict) and not isinstance(raw, np.lib.npyio.NpzFile) and p.suffix.lower() == ".json":
        if "W" not in raw or "b" not in raw:
            raise FileFormatError(f"{p}: parameters need keys \"W\" and \"b\" (lists of matrices / vectors); found {sorted(raw)}")
        try:
            return Parameters.from_lists(raw["W"], raw["b"])
        except FileFormatError:
            raise
        except Exception as exc:
            raise type(exc)(f"{p}: {exc}") from None
    if p.suffix.lower() == ".json":
        raise FileFormatError(f"{p}: expected a JSON object {{\"W\": [...], \"b\": [...]}}")
    ks = sorted((int(m.group(1)) for k in raw if (m := re.fullmatch(r"W(\d+)", k))))
    if not ks or ks != list(range(1, len(ks) + 1)):
        raise FileFormatError(f"{p}: .npz parameters need arrays W1..WL and b1..bL; found {sorted(raw)}")
    missing = [f"b{k}" for k in ks if f"b{k}" not in raw]
    if missing:
        raise FileFormatError(f"{p}: missing bias array(s) {', '.join(missing)}")
    try:
        W = tuple(rational_matrix(_npz_values(raw[f"W{k}"]), f"W_{k}") for k in ks)
        b = tuple(rational_matrix(_npz_values(raw[f"b{k}"]), f"b_{k}", ndim=1) for k in ks)
    except FileFormatError:
        raise
    except Exception as exc:
        raise type(exc)(f"{p}: {exc}") from None
    return Parameters(W, b)


def _npz_values(a: np.ndarray) -> Any:
    if a.dtype.kind in "US":
        return a.astype(str).astype(object)
    return a


def load_data(path: PathLike, need_Y: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Read ``X`` (and ``Y`` when present) as exact rationals; ``need_Y`` makes ``Y`` required."""
    p, raw = _read(path)
    if p.suffix.lower() == ".json" and not isinstance(raw, dict):
        raise FileFormatError(f"{p}: expected a JSON object {{\"X\": [...], \"Y\": [...]}}")
    if "X" not in raw:
        raise FileFormatError(f"{p}: data need the key \"X\" (N x d, one sample per row); found {sorted(raw)}")
    if need_Y and "Y" not in raw:
        raise FileFormatError(f"{p}: this command needs targets: add \"Y\" (N x n_L) to the data file")
    try:
        X = rational_matrix(_npz_values(raw["X"]) if isinstance(raw["X"], np.ndarray) else raw["X"], "X")
        Y = None
        if "Y" in raw and raw["Y"] is not None:
            Y = rational_matrix(_npz_values(raw["Y"]) if isinstance(raw["Y"], np.ndarray) else raw["Y"], "Y")
    except FileFormatError:
        raise
    except Exception as exc:
        raise type(exc)(f"{p}: {exc}") from None
    return X, Y


def _is_dyadic_float(f: Fraction) -> bool:
    return float(f) == f


def _npz_array(M: np.ndarray) -> np.ndarray:
    fr = [Fraction(x) if not isinstance(x, Fraction) else x for x in M.flat]
    if all(_is_dyadic_float(x) for x in fr):
        return np.array([float(x) for x in fr], dtype=np.float64).reshape(M.shape)
    return np.array([str(x) for x in fr]).reshape(M.shape)


def _fractions(M: np.ndarray) -> np.ndarray:
    return rational_matrix(M, "matrix", ndim=M.ndim)


def save_parameters(P: Parameters, path: PathLike) -> Path:
    """Write parameters as ``.json`` (exact strings) or ``.npz`` (floats when exact, else strings)."""
    p = Path(path)
    s = _suffix(p)
    if s == ".json":
        p.write_text(json.dumps(P.to_json(), indent=1))
    else:
        arrays = {}
        for k, (W, b) in enumerate(zip(P.W, P.b), 1):
            arrays[f"W{k}"] = _npz_array(_fractions(W))
            arrays[f"b{k}"] = _npz_array(_fractions(b))
        np.savez(p, **arrays)
    return p


def save_data(X: np.ndarray, Y: np.ndarray | None, path: PathLike) -> Path:
    """Write data as ``.json`` or ``.npz`` (same conventions as :func:`save_parameters`)."""
    p = Path(path)
    s = _suffix(p)
    if s == ".json":
        rec = {"X": jsonable(X)}
        if Y is not None:
            rec["Y"] = jsonable(Y)
        p.write_text(json.dumps(rec, indent=1))
    else:
        arrays = {"X": _npz_array(_fractions(X))}
        if Y is not None:
            arrays["Y"] = _npz_array(_fractions(Y))
        np.savez(p, **arrays)
    return p


def as_parameters(P: Parameters | PathLike) -> Parameters:
    """Parameters given as an object or a path."""
    return P if isinstance(P, Parameters) else load_parameters(P)


def as_data(D: Any, need_Y: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Data given as a path, a ``(X, Y)`` pair, or an ``X`` matrix."""
    if isinstance(D, (str, os.PathLike)):
        return load_data(D, need_Y)
    if isinstance(D, tuple) and len(D) == 2:
        X = rational_matrix(D[0], "X")
        Y = None if D[1] is None else rational_matrix(D[1], "Y")
        if need_Y and Y is None:
            raise FileFormatError("this check needs targets Y")
        return X, Y
    if need_Y:
        raise FileFormatError("this check needs targets Y: pass (X, Y)")
    return rational_matrix(D, "X"), None


def output_path(path: PathLike, suffixes: tuple[str, ...], option: str) -> Path:
    """Check an output file name *before* any work is done: known suffix, an existing folder, writable.

    Raises :class:`FileFormatError` (exit 2 in the CLI) with one line naming ``option``, the path and the fix.
    """
    p = Path(path)
    if p.is_dir():
        raise FileFormatError(f"{option} {p}: is a folder; give a file name inside it, e.g. {p / ('out' + suffixes[0])}")
    if p.suffix.lower() not in suffixes:
        raise FileFormatError(f"{option} {p}: unknown file type {p.suffix or '(none)'}; use {' or '.join(suffixes)}")
    folder = p.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FileFormatError(f"{option} {p}: the folder {folder} {what}; create it first (mkdir -p {folder}) "
                              "or write into an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise FileFormatError(f"{option} {p}: not writable (permission denied); choose a writable location")
    return p
