r"""LaTeX for numbers and matrices, and the fragment contract every LaTeX function of exactloss keeps.

Contract.  Every function returns a **fragment**: no preamble, only
``amsmath`` (``align*``, ``bmatrix``, ``\text``, ``\operatorname``) and core
LaTeX (``array``, ``\frac``, ``\mathbf``), so it pastes into a beamer frame or an
article as it is.  Display fragments (Lemma 2.1's identities and the block
Hessians, :mod:`exactloss.net.latex`; ``E(alpha)``, :mod:`exactloss.paper.lemma_4_3.latex`;
the loss bound, :mod:`exactloss.paper.lemma_3_5.latex`) are ``align*``
environments (:func:`align`); :func:`matrix` is math-mode only (:func:`display` puts it inside ``\[ ... \]``).
:func:`document` wraps any fragment in a minimal compilable article.  Numbers
are written as they are known: rationals as ``\frac{p}{q}``, arb balls (or their
saved ``"[m +/- r]"`` strings) as ``m \pm r`` (arb's own rigorous decimal
enclosure), floats as their shortest round-trip decimal; certified bounds shown
rounded are rounded on their safe side (upper bounds up, lower bounds down) --
nothing is rounded into a stronger claim.  All of it in one namespace:
:mod:`exactloss.surfaces.latex`.

>>> from fractions import Fraction
>>> matrix([[Fraction(1, 2), -3], ["-2/7", 0.25]])
'\\begin{bmatrix} \\frac{1}{2} & -3 \\\\ -\\frac{2}{7} & 0.25 \\end{bmatrix}'
>>> print(document(matrix([[1]])).splitlines()[1])
\usepackage{amsmath}
"""

from __future__ import annotations

import math
import numbers as _numbers
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any, Sequence

import mpmath
import sympy

from exactloss.arith.exprparse import parse, plain_symbols
from exactloss.arith.systems import parse_rational
from exactloss.errors import InputError

R = r"\mathbf{R}"
ONE = r"\mathbf{1}"
_MAX_BMATRIX_COLS = 10  # amsmath's MaxMatrixCols; wider matrices use array
BALL = re.compile(r"^\[\s*(?P<mid>[^\s]+)\s*\+/-\s*(?P<rad>[^\s\]]+)\s*\]$")
"""An arb ball as exactloss's JSON writes it: ``"[m +/- r]"`` (groups ``mid``, ``rad``)."""
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


# -- numbers and matrices ---------------------------------------------------------

def _decimal(text: str) -> str:
    """A decimal string (``"3.34e-11"``) in LaTeX (``3.34 \\cdot 10^{-11}``)."""
    text = text.strip()
    low = text.lower().lstrip("+")
    if low in ("inf", "infinity", "+inf"):
        return r"\infty"
    if low in ("-inf", "-infinity"):
        return r"-\infty"
    if low == "nan":
        return r"\mathrm{NaN}"
    if not _DECIMAL.match(text):
        raise InputError(f"{text!r} is not a number LaTeX can show; give a number, a fraction or an arb ball")
    mant, _, exp = text.lower().partition("e")
    if not exp:
        return mant
    e = int(exp)
    if mant in ("1", "1.0", "+1"):
        return f"10^{{{e}}}"
    if mant in ("-1", "-1.0"):
        return f"-10^{{{e}}}"
    return f"{mant} \\cdot 10^{{{e}}}"


def _strip_zeros(text: str) -> str:
    mant, e, exp = text.partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    return mant + e + exp


def _frac(p: int, q: int) -> str:
    if q == 1:
        return str(p)
    sign = "-" if p < 0 else ""
    return f"{sign}\\frac{{{abs(p)}}}{{{q}}}"


def _ball_text(mid: str, rad: str) -> str:
    if float(rad) == 0.0:
        return _decimal(mid)
    return f"{_decimal(mid)} \\pm {_decimal(rad)}"


def _directed(f: float, digits: int, rounding: str) -> str:
    """``f`` to ``digits`` significant digits, rounded up or down (never towards a stronger claim)."""
    d = Decimal(f)  # exact value of the binary float
    if d == 0:
        return "0"
    exp = d.adjusted() - (digits - 1)
    q = d.quantize(Decimal(1).scaleb(exp), rounding=ROUND_CEILING if rounding == "up" else ROUND_FLOOR)
    text = f"{q:e}" if abs(q.adjusted()) > 4 else f"{q:f}"
    return _strip_zeros(text.replace("e+", "e"))


def number(x: Any, digits: int = 15, rounding: str | None = None) -> str:
    """One number in LaTeX: ints, Fractions/fmpq (``\\frac{p}{q}``), arb balls (``m \\pm r``),
    floats, mpmath numbers, SymPy expressions, or the strings exactloss's JSON uses ("p/q", "[m +/- r]").

    Floats are written as their shortest round-trip decimal, or, with ``rounding="up"``/``"down"``,
    to ``digits`` significant digits rounded in that direction (for displayed upper/lower bounds).
    """
    if isinstance(x, bool):
        raise InputError(f"{x!r} is a boolean, not a number")
    if isinstance(x, str):
        s = x.strip()
        m = BALL.match(s)
        if m:
            return _ball_text(m.group("mid"), m.group("rad"))
        if "/" in s:
            try:
                q = Fraction(s)
            except (ValueError, ZeroDivisionError):
                raise InputError(f"{x!r} is not a fraction; write it as p/q") from None
            return _frac(q.numerator, q.denominator)
        return _decimal(s)
    if isinstance(x, _numbers.Integral):
        return str(int(x))
    if isinstance(x, Fraction):
        return _frac(x.numerator, x.denominator)
    kind = type(x).__name__
    module = type(x).__module__ or ""
    if kind == "fmpq":
        return _frac(int(x.p), int(x.q))
    if kind == "fmpz":
        return str(int(x))
    if kind == "arb":
        # arb's own decimal output is a rigorous enclosure of the ball: "[m +/- r]" or an exact "m"
        text = x.str(digits)
        m = BALL.match(text)
        if m:
            return _ball_text(m.group("mid"), m.group("rad"))
        return _decimal(_strip_zeros(text))  # printed without a radius: the decimal is exact
    if kind in ("mpf",) and module.startswith("mpmath"):
        return _decimal(mpmath.nstr(x, digits, strip_zeros=True, min_fixed=-4, max_fixed=6))
    if module.startswith("sympy"):
        return sympy.latex(x)
    if isinstance(x, _numbers.Real):
        f = float(x)
        if not math.isfinite(f):
            return _decimal(str(f))
        if rounding in ("up", "down"):
            return _decimal(_directed(f, digits, rounding))
        return _decimal(repr(f))
    raise InputError(f"cannot write a {kind} as a LaTeX number; give ints, Fractions, floats, arb balls or SymPy")


def matrix_rows(M: Any) -> list[list[Any]]:
    """A matrix (nested lists, NumPy array, flint matrix) as a list of equally long rows."""
    if hasattr(M, "tolist") and not isinstance(M, (list, tuple)):
        if hasattr(M, "nrows") and hasattr(M, "ncols"):  # flint matrices
            return [[M[i, j] for j in range(M.ncols())] for i in range(M.nrows())]
        M = M.tolist()
    if not isinstance(M, (list, tuple)):
        raise InputError(f"matrix: expected a list of rows or an array, got {type(M).__name__}")
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in M]
    if rows and len({len(r) for r in rows}) > 1:
        raise InputError("matrix: rows have different lengths; every row needs the same number of entries")
    return rows


def layout(cells: list[list[str]], rules: Sequence[int] = (), hrules: Sequence[int] = ()) -> str:
    """Cells (already LaTeX) as ``bmatrix`` (<= 10 columns, no rules) or a bracketed ``array``."""
    ncols = len(cells[0]) if cells else 0
    if ncols <= _MAX_BMATRIX_COLS and not rules and not hrules:
        body = r" \\ ".join(" & ".join(r) for r in cells)
        return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"
    spec = "".join("c" + ("|" if j + 1 in rules else "") for j in range(ncols))
    lines = []
    for i, r in enumerate(cells):
        lines.append(" & ".join(r) + (r" \\ \hline" if i + 1 in hrules else (r" \\" if i + 1 < len(cells) else "")))
    return "\\left[\\begin{array}{" + spec + "}\n" + "\n".join(lines) + "\n\\end{array}\\right]"


def matrix(M: Any, digits: int = 15) -> str:
    """A matrix (nested lists, NumPy array, flint matrix) in LaTeX; entries as in :func:`number`. Math mode."""
    rows = matrix_rows(M)
    if not rows or not rows[0]:
        return r"\begin{bmatrix} \end{bmatrix}"
    return layout([[number(v, digits) for v in r] for r in rows])


# -- documents ------------------------------------------------------------------

_DISPLAY = re.compile(r"^\s*(\\begin\{(align|equation|gather|multline|flalign)\*?\}|\\\[)")


def display(fragment: str) -> str:
    """The fragment ready for text mode: display environments as they are, math-only ones inside ``\\[ ... \\]``."""
    content = "\n".join(line for line in fragment.splitlines() if not line.lstrip().startswith("%"))
    return fragment if _DISPLAY.match(content) else "\\[\n" + fragment + "\n\\]"


def document(fragment: str, title: str | None = None) -> str:
    """A minimal compilable article around a fragment (math-only fragments are put in ``\\[ ... \\]``)."""
    body = display(fragment)
    head = f"\\section*{{{escape_text(title)}}}\n" if title else ""
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
            f"{head}{body}\n\\end{{document}}\n")


_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%", "&": r"\&",
                 "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def escape_text(text: str) -> str:
    """Plain text safe inside ``\\text{...}`` or a heading."""
    return re.sub(r"[\\{}_%&#$^~]", lambda m: _TEXT_ESCAPES[m.group(0)], text)


def align(lines: Sequence[str], comment: str) -> str:
    """An ``align*`` environment of ``lines`` (``&`` marks the alignment), after a ``% comment`` line."""
    return f"% {comment}\n\\begin{{align*}}\n" + " \\\\\n".join(f"  {ln}" for ln in lines) + "\n\\end{align*}"


def shape(a: int, b: int | None = None) -> str:
    """A matrix shape ``a x b`` (or a length ``a``) in LaTeX."""
    return f"{a}" if b is None else f"{a} {{\\times}} {b}"


# -- exact numbers and expressions ----------------------------------------------------

def as_rational(x: Any) -> Fraction:
    """``str(x)`` as an exact rational, bounded (:func:`exactloss.arith.systems.parse_rational` refuses a huge exponent
    such as ``1e999999999`` instead of computing it); raises a ``ValueError`` (an :class:`InputError`) otherwise."""
    return parse_rational(str(x).strip())


def sympy_tex(text: str) -> str:
    """A SymPy-parsable expression (``"log(2)**15"``, ``"x1**2/2"``) in LaTeX; rationals via :func:`number`."""
    try:
        return number(as_rational(text))
    except (ValueError, ZeroDivisionError):
        pass
    try:
        # read as data (exactloss.arith.exprparse), never evaluated as code: a saved record may be untrusted
        return sympy.latex(parse(str(text), plain_symbols()), ln_notation=True)
    except (InputError, TypeError, ValueError):
        return r"\text{" + escape_text(str(text)) + "}"

