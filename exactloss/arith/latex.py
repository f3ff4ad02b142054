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
from exactloss.arith.latexfit import ARTICLE, SAFETY, current_width, elide, split_lines
from exactloss.arith.systems import parse_rational
from exactloss.errors import InputError

R = r"\mathbf{R}"
ONE = r"\mathbf{1}"
_MAX_BMATRIX_COLS = 10  # amsmath's MaxMatrixCols; wider matrices use array
LHS_ROOM = 100.0  # pt left for a left-hand side such as "\nabla^2_S \Phi &= " beside a matrix
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


def layout(cells: list[list[str]], rules: Sequence[int] = (), hrules: Sequence[int] = (),
           width: float | None = None) -> str:
    """Cells (already LaTeX) as ``bmatrix`` (<= 10 columns, no rules) or a bracketed ``array``.

    A matrix wider than ``width`` pt (default: the fragment width, :func:`exactloss.arith.latexfit.current_width`,
    less room for a left-hand side) shows its first and last columns and rows, ``\\cdots``/``\\vdots``/``\\ddots``
    between (:func:`exactloss.arith.latexfit.elide`); rules between shown blocks stay.
    """
    if cells and cells[0]:
        avail = current_width() * SAFETY - LHS_ROOM if width is None else width
        rows, cols = elide(cells, avail)
        if None in rows or None in cols:
            def cell(i: int | None, j: int | None) -> str:
                if i is None:
                    return r"\ddots" if j is None else r"\vdots"
                return r"\cdots" if j is None else cells[i][j]

            keep_rule = [p + 1 for p in range(len(cols) - 1)
                         if cols[p] is not None and cols[p + 1] is not None and cols[p] + 1 in rules]
            keep_hrule = [p + 1 for p in range(len(rows) - 1)
                          if rows[p] is not None and rows[p + 1] is not None and rows[p] + 1 in hrules]
            cells = [[cell(i, j) for j in cols] for i in rows]
            rules, hrules = keep_rule, keep_hrule
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


def document(fragment: str, title: str | None = None, documentclass: str = "article") -> str:
    """A minimal compilable document around a fragment (math-only fragments are put in ``\\[ ... \\]``).

    ``documentclass``: ``article`` (its text width widened, centred, when the fragment width chosen with
    :func:`exactloss.arith.latexfit.fragment_width` is wider than article's 345 pt) or ``beamer`` (one frame).
    """
    body = display(fragment)
    if documentclass == "beamer":
        head = f"\\begin{{frame}}{{{escape_text(title)}}}\n" if title else "\\begin{frame}\n"
        return f"\\documentclass{{beamer}}\n\\begin{{document}}\n{head}{body}\n\\end{{frame}}\n\\end{{document}}\n"
    if documentclass != "article":
        raise InputError(f"documentclass {documentclass!r}: choose article or beamer")
    head = f"\\section*{{{escape_text(title)}}}\n" if title else ""
    w = current_width()
    size = ("" if w <= ARTICLE else f"\\setlength{{\\textwidth}}{{{w:.0f}pt}}\n"
            "\\setlength{\\oddsidemargin}{\\dimexpr(\\paperwidth-\\textwidth)/2-1in\\relax}\n")
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n" + size + "\\begin{document}\n"
            f"{head}{body}\n\\end{{document}}\n")


_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%", "&": r"\&",
                 "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def escape_text(text: str) -> str:
    """Plain text safe inside ``\\text{...}`` or a heading."""
    return re.sub(r"[\\{}_%&#$^~]", lambda m: _TEXT_ESCAPES[m.group(0)], text)


_FORMULA = re.compile(r"(?:rank|det|sigma_min)\((?:[^()]|\([^()]*\))*\)(?:\s*(?:>=|<=|!=|=|<|>)\s*[\w+\-]+)?"
                      r"|\b[A-Za-z]\w*_\{?\w+\}?")
_IN_MATH = ((r"sigma_min", r"\sigma_{\min}"), (r"rank", r"\operatorname{rank}"), (r"det", r"\det "),
            (r">=", r"\ge "), (r"<=", r"\le "), (r"!=", r"\neq "))


def _formula(text: str) -> str:
    out = re.sub(r"\b1_(\w)", r"\\mathbf{1}_{\1}", text)
    out = re.sub(r"(?<![\\\w])([A-Za-z])_(\w+)", r"\1_{\2}", out)
    for plain, tex in _IN_MATH:
        out = out.replace(plain, tex)
    return out


def prose(text: str) -> str:
    """Plain text (a reason, a failed hypothesis) for an ``align*`` line: words in ``\\text{...}``, the formulas
    in it (``rank([F_1, 1_N]) = N``, ``det(...)``, ``sigma_min(W_2)``, ``W_2``) in math mode, in the paper's
    notation."""
    parts, i = [], 0
    for m in _FORMULA.finditer(text):
        if m.start() > i:
            parts.append(r"\text{" + escape_text(text[i:m.start()]) + "}")
        parts.append(_formula(m.group(0)))
        i = m.end()
    if i < len(text):
        parts.append(r"\text{" + escape_text(text[i:]) + "}")
    return " ".join(parts)


def align(lines: Sequence[str], comment: str, width: float | None = None) -> str:
    """An ``align*`` environment of ``lines`` (``&`` marks the alignment), after a ``% comment`` line; lines wider
    than ``width`` pt (default :func:`exactloss.arith.latexfit.current_width`) continue on aligned lines."""
    lines = split_lines(lines, width)
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

