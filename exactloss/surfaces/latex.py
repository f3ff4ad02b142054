r"""LaTeX fragments of the paper's formulas, for slides and notes.

Contract.  Every function returns a **fragment**: no preamble, only
``amsmath`` (``align*``, ``bmatrix``, ``\text``, ``\operatorname``) and core
LaTeX (``array``, ``\frac``, ``\mathbf``), so it pastes into a beamer frame or an
article as it is.  Display fragments (:func:`lemma_2_1`, :func:`e_alpha`,
:func:`lemma_4_3_from_result`, :func:`block_hessian`, :func:`hessian_contrast`,
:func:`loss_bound`, :func:`loss_bound_from_result`) are ``align*`` environments; :func:`matrix` is math-mode only (:func:`display` puts
it inside ``\[ ... \]``).  :func:`document` wraps any fragment in a minimal
compilable article.  Numbers are written as they are known: rationals as
``\frac{p}{q}``, arb balls (or their saved ``"[m +/- r]"`` strings) as
``m \pm r`` (arb's own rigorous decimal enclosure), floats as their shortest
round-trip decimal; certified bounds shown rounded are rounded on their safe
side (upper bounds up, lower bounds down) -- nothing is rounded into a
stronger claim.

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
from fractions import Fraction
from typing import Any, Mapping, Sequence

from exactloss.errors import InputError

R = r"\mathbf{R}"
ONE = r"\mathbf{1}"
_MAX_BMATRIX_COLS = 10  # amsmath's MaxMatrixCols; wider matrices use array
_BALL = re.compile(r"^\[\s*(?P<mid>[^\s]+)\s*\+/-\s*(?P<rad>[^\s\]]+)\s*\]$")
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
    from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

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
        m = _BALL.match(s)
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
        m = _BALL.match(text)
        if m:
            return _ball_text(m.group("mid"), m.group("rad"))
        return _decimal(_strip_zeros(text))  # printed without a radius: the decimal is exact
    if kind in ("mpf",) and module.startswith("mpmath"):
        import mpmath

        return _decimal(mpmath.nstr(x, digits, strip_zeros=True, min_fixed=-4, max_fixed=6))
    if module.startswith("sympy"):
        import sympy

        return sympy.latex(x)
    if isinstance(x, _numbers.Real):
        f = float(x)
        if not math.isfinite(f):
            return _decimal(str(f))
        if rounding in ("up", "down"):
            return _decimal(_directed(f, digits, rounding))
        return _decimal(repr(f))
    raise InputError(f"cannot write a {kind} as a LaTeX number; give ints, Fractions, floats, arb balls or SymPy")


def _rows(M: Any) -> list[list[Any]]:
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


def _layout(cells: list[list[str]], rules: Sequence[int] = (), hrules: Sequence[int] = ()) -> str:
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
    rows = _rows(M)
    if not rows or not rows[0]:
        return r"\begin{bmatrix} \end{bmatrix}"
    return _layout([[number(v, digits) for v in r] for r in rows])


# -- documents ------------------------------------------------------------------

_DISPLAY = re.compile(r"^\s*(\\begin\{(align|equation|gather|multline|flalign)\*?\}|\\\[)")


def display(fragment: str) -> str:
    """The fragment ready for text mode: display environments as they are, math-only ones inside ``\\[ ... \\]``."""
    content = "\n".join(line for line in fragment.splitlines() if not line.lstrip().startswith("%"))
    return fragment if _DISPLAY.match(content) else "\\[\n" + fragment + "\n\\]"


def document(fragment: str, title: str | None = None) -> str:
    """A minimal compilable article around a fragment (math-only fragments are put in ``\\[ ... \\]``)."""
    body = display(fragment)
    head = f"\\section*{{{_escape_text(title)}}}\n" if title else ""
    return ("\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
            f"{head}{body}\n\\end{{document}}\n")


_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "%": r"\%", "&": r"\&",
                 "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def _escape_text(text: str) -> str:
    """Plain text safe inside ``\\text{...}`` or a heading."""
    return re.sub(r"[\\{}_%&#$^~]", lambda m: _TEXT_ESCAPES[m.group(0)], text)


def _align(lines: Sequence[str], comment: str) -> str:
    return f"% {comment}\n\\begin{{align*}}\n" + " \\\\\n".join(f"  {ln}" for ln in lines) + "\n\\end{align*}"


def _shape(a: int, b: int | None = None) -> str:
    return f"{a}" if b is None else f"{a} {{\\times}} {b}"


# -- Lemma 2.1 ------------------------------------------------------------------

def lemma_2_1(widths: Sequence[int] | str, samples: int, sigma: str = r"\sigma", loss: str = r"\ell") -> str:
    r"""Lemma 2.1's identities for these widths ``(n_0, ..., n_L)`` and ``N = samples``, with every shape.

    Lines: the forward maps and objective (1); the parameter shapes; ``Delta_L``,
    ``Delta_k`` for ``k = L-1..1``, ``grad_{W_k} Phi`` and ``grad_{b_k} Phi`` with the
    shapes of their factors, e.g. ``(3 x 2)(2 x 3) o (3 x 3) -> 3 x 3``.
    """
    from exactloss.net.network import parse_widths

    n = parse_widths(widths)
    if isinstance(samples, bool) or not isinstance(samples, _numbers.Integral) or samples < 1:
        raise InputError(f"samples={samples!r}: the number of samples N must be a whole number >= 1")
    N, L = int(samples), len(n) - 1
    s, ds = sigma, sigma + "'"
    lines = [
        rf"F_0 &= X \in {R}^{{{_shape(N, n[0])}}}, \quad G_k = F_{{k-1}} W_k + {ONE}_N b_k^{{T}}, \quad "
        rf"F_k = {s}(G_k), \quad k = 1, \dots, {L}",
        rf"\Phi &= \sum_{{i=1}}^{{{N}}} \sum_{{j=1}}^{{{n[L]}}} {loss}\bigl((F_{{{L}}})_{{ij}} - Y_{{ij}}\bigr), "
        rf"\qquad Y \in {R}^{{{_shape(N, n[L])}}}",
    ]
    for k in range(1, L + 1):
        lines.append(rf"W_{{{k}}} &\in {R}^{{{_shape(n[k - 1], n[k])}}}, \quad b_{{{k}}} \in {R}^{{{n[k]}}}, "
                     rf"\quad G_{{{k}}}, F_{{{k}}}, \Delta_{{{k}}} \in {R}^{{{_shape(N, n[k])}}}")
    lines.append(rf"\Delta_{{{L}}} &= {loss}'(F_{{{L}}} - Y) \circ {ds}(G_{{{L}}}) "
                 rf"&& ({_shape(N, n[L])}) \circ ({_shape(N, n[L])}) \to {_shape(N, n[L])}")
    for k in range(L - 1, 0, -1):
        lines.append(rf"\Delta_{{{k}}} &= (\Delta_{{{k + 1}}} W_{{{k + 1}}}^{{T}}) \circ {ds}(G_{{{k}}}) "
                     rf"&& ({_shape(N, n[k + 1])})({_shape(n[k + 1], n[k])}) \circ ({_shape(N, n[k])}) "
                     rf"\to {_shape(N, n[k])}")
    for k in range(1, L + 1):
        F = "X" if k == 1 else f"F_{{{k - 1}}}"
        lines.append(rf"\nabla_{{W_{{{k}}}}} \Phi &= {F}^{{T}} \Delta_{{{k}}} "
                     rf"&& ({_shape(n[k - 1], N)})({_shape(N, n[k])}) \to {_shape(n[k - 1], n[k])}")
        lines.append(rf"\nabla_{{b_{{{k}}}}} \Phi &= \Delta_{{{k}}}^{{T}} {ONE}_{{{N}}} "
                     rf"&& ({_shape(n[k], N)})({_shape(N, 1)}) \to {_shape(n[k], 1)}")
    return _align(lines, f"Lemma 2.1 (Nguyen & Hein 2017) for widths {tuple(n)} and N = {N} samples")


# -- Lemma 4.3: E(alpha) and its limit ----------------------------------------------

_SIGMA_LIMITS = {"sigmoid": ("0", "1", "a"), "tanh": ("-1", "1", "a"), "softplus": ("0", None, "b")}


def _entry(i: int | str, j: int | str, sigma: str, beta: str) -> str:
    shift = "" if beta == "0" else f" + {beta}"
    return rf"{sigma}\bigl(\alpha (z_{{{j}}} - z_{{{i}}})^{{T}} a{shift}\bigr)"


def e_alpha(N: int, sigma_name: str = "sigma", *, beta: Any = None, mu: Any = None, gamma: Any = None,
            case: str | None = None, explicit_max: int = 4) -> str:
    r"""Lemma 4.3's ``E(alpha)``, entries ``sigma(alpha (z_j - z_i)^T a + beta)``, and its limit as alpha -> infinity.

    Case (a) (bounded sigma: sigmoid, tanh, or ``sigma_name="sigma"`` with symbols
    ``mu``, ``gamma``): ``E = [1_N, A(alpha)]``, limit matrix with ``gamma`` above
    the diagonal, ``sigma(beta)`` on it, ``mu`` below, and
    ``lim det E = (mu - sigma(beta))^{N-1}``.  Case (b) (softplus):
    ``E = [A(alpha), 1_N]``, ``lim det E = sigma(beta)^{N-1}`` (Leibniz).  Up to
    ``explicit_max`` samples every entry is written out; beyond, rows/columns ``1, 2, ..., N``.
    """
    lines, comment = _e_alpha_parts(N, sigma_name, beta=beta, mu=mu, gamma=gamma, case=case,
                                    explicit_max=explicit_max)
    return _align(lines, comment)


def _e_alpha_parts(N: int, sigma_name: str = "sigma", *, beta: Any = None, mu: Any = None, gamma: Any = None,
                   case: str | None = None, explicit_max: int = 4) -> tuple[list[str], str]:
    """The lines of :func:`e_alpha` and its comment (so that :func:`lemma_4_3_from_result` can extend them)."""
    if isinstance(N, bool) or not isinstance(N, _numbers.Integral) or N < 1:
        raise InputError(f"N={N!r}: the number of samples must be a whole number >= 1")
    N = int(N)
    name = sigma_name.strip().lower()
    mu_d, gamma_d, case_d = _SIGMA_LIMITS.get(name, (None, None, "a"))
    if name not in _SIGMA_LIMITS and name not in ("sigma", "generic"):
        raise InputError(f"sigma_name={sigma_name!r}: choose sigmoid, tanh, softplus, or sigma (generic, bounded)")
    case = (case or case_d).lower()
    if case not in ("a", "b"):
        raise InputError(f"case={case!r}: Lemma 4.3 has case a (bounded sigma) and case b (e.g. softplus)")
    s = r"\sigma"
    b = r"\beta" if beta is None else number(beta)
    sb = rf"{s}({b})"
    mu_t = number(mu) if mu is not None else (mu_d if mu_d is not None else r"\mu")
    gamma_t = number(gamma) if gamma is not None else (gamma_d if gamma_d is not None else r"\gamma")

    def cell(i: int | str, j: int | str) -> str:  # entry of A(alpha), 1-based, i in [N], j in [N-1]
        return sb if i == j else _entry(i, j, s, b)

    def lim_cell(i: int, j: int) -> str:
        if j == i:
            return sb
        if case == "a":
            return r"\gamma" if j > i else r"\mu"
        return r"\ast" if j > i else "0"

    if N <= explicit_max:
        A = [[cell(i, j) for j in range(1, N)] for i in range(1, N + 1)]
        Alim = [[lim_cell(i, j) for j in range(1, N)] for i in range(1, N + 1)]
    else:
        cols = [1, 2, None, N - 1]
        rows = [1, 2, None, N]

        def dotted(f: Any) -> list[list[str]]:
            out = []
            for i in rows:
                if i is None:
                    out.append([r"\vdots", r"\vdots", r"\ddots", r"\vdots"])
                else:
                    out.append([r"\cdots" if j is None else f(i, j) for j in cols])
            return out

        A, Alim = dotted(cell), dotted(lim_cell)
    ones = [r"\vdots" if r[0] == r"\vdots" else "1" for r in A] if A and A[0] else ["1"] * N
    if case == "a":
        E = [[o] + r for o, r in zip(ones, A)]
        Elim = [[o] + r for o, r in zip(ones, Alim)]
        head = rf"E(\alpha) &= \bigl[{ONE}_{{{N}}},\ A(\alpha)\bigr]"
    else:
        E = [r + [o] for o, r in zip(ones, A)]
        Elim = [r + [o] for o, r in zip(ones, Alim)]
        head = rf"E(\alpha) &= \bigl[A(\alpha),\ {ONE}_{{{N}}}\bigr]"
    E_tex = _layout(E) if E[0] else r"\begin{bmatrix} 1 \end{bmatrix}"
    lines = [
        head + rf", \qquad A(\alpha)_{{ij}} = {_entry('i', 'j', s, b)}, \quad i \in [{N}],\ j \in [{N - 1}]",
        rf"E(\alpha) &= {E_tex}",
    ]
    if case == "a":
        lines.append(rf"\lim_{{\alpha \to \infty}} E(\alpha) &= {_layout(Elim)}")
        is_mu, is_gamma = mu_t == r"\mu", gamma_t == r"\gamma"
        lines.append(rf"\mu &= \lim_{{t \to -\infty}} {s}(t){'' if is_mu else ' = ' + mu_t}, \quad "
                     rf"\gamma = \lim_{{t \to \infty}} {s}(t){'' if is_gamma else ' = ' + gamma_t}")
        lines.append(rf"\lim_{{\alpha \to \infty}} \det E(\alpha) &= \bigl(\mu - {sb}\bigr)^{{{N - 1}}}"
                     + (rf" = \bigl({mu_t} - {sb}\bigr)^{{{N - 1}}}" if mu_t != r"\mu" else "")
                     + (r" \neq 0 \quad \text{when } " + sb + r" \neq \mu" if N > 1 else ""))
    else:
        lines.append(rf"E(\alpha) &\xrightarrow[\alpha \to \infty]{{}} {_layout(Elim)}")
        lines.append(rf"&\text{{below the diagonal: }} {s}(t) \to {mu_t} \ (t \to -\infty); \quad "
                     r"\ast\text{: grows at most affinely in } \alpha")
        lines.append(rf"\det E(\alpha) &= {sb}^{{{N - 1}}} + \sum_{{\pi \neq \mathrm{{id}}}} "
                     rf"\operatorname{{sign}}(\pi) \prod_{{j=1}}^{{{N}}} E(\alpha)_{{\pi(j) j}} "
                     rf"\xrightarrow[\alpha \to \infty]{{}} {sb}^{{{N - 1}}}")
    return lines, (f"Lemma 4.3: E(alpha) for N = {N}, sigma = {sigma_name} (case {case}); "
                   "z_1..z_N sorted so that <a, z_1> < ... < <a, z_N>")


_FAMILY = re.compile(r"^(?P<name>sigmoid|tanh)$|^(?P<soft>softplus)(\(alpha=(?P<s>[^)]*)\))?$")


def _seq(values: Sequence[Any], fmt: Any, max_shown: int = 6, head: int = 3) -> str:
    """``v_1, ..., v_n`` in LaTeX, abbreviated to the first ``head``, dots and the last beyond ``max_shown``."""
    vals = list(values)
    if len(vals) <= max_shown:
        return ", ".join(fmt(v) for v in vals)
    return ", ".join([fmt(v) for v in vals[:head]] + [r"\dots", fmt(vals[-1])])


def _short_number(x: Any, digits: int = 6) -> str:
    """Exact numbers as they are; a saved ball ``"[m +/- r]"`` re-enclosed with fewer digits (still rigorous)."""
    if isinstance(x, str) and _BALL.match(x.strip()):
        from flint import arb

        return number(arb(x.strip()), digits)
    return number(x)


def _rational(x: Any) -> Fraction:
    """``str(x)`` as an exact rational, bounded (:func:`exactloss.arith.systems.parse_rational` refuses a huge exponent
    such as ``1e999999999`` instead of computing it); raises a ``ValueError`` (an :class:`InputError`) otherwise."""
    from exactloss.arith.systems import parse_rational

    return parse_rational(str(x).strip())


def _sympy_tex(text: str) -> str:
    """A SymPy-parsable expression (``"log(2)**15"``, ``"x1**2/2"``) in LaTeX; rationals via :func:`number`."""
    from exactloss.arith.exprparse import parse, plain_symbols

    try:
        return number(_rational(text))
    except (ValueError, ZeroDivisionError):
        pass
    import sympy

    try:
        # read as data (exactloss.arith.exprparse), never evaluated as code: a saved record may be untrusted
        return sympy.latex(parse(str(text), plain_symbols()), ln_notation=True)
    except (InputError, TypeError, ValueError):
        return r"\text{" + _escape_text(str(text)) + "}"


def _sigma_definition(activation: str) -> str | None:
    """``sigma(t) = ...`` for the catalogue's sigmoid, tanh, softplus(alpha=s), or a SymPy expression in t."""
    m = _FAMILY.match(activation.strip())
    if m and m.group("name") == "sigmoid":
        return r"\frac{1}{1 + e^{-t}}"
    if m and m.group("name") == "tanh":
        return r"\frac{e^{t} - e^{-t}}{e^{t} + e^{-t}}"
    if m and m.group("soft"):
        s = Fraction(m.group("s") or 1)
        if s == 1:
            return r"\ln\bigl(1 + e^{t}\bigr)"
        return rf"\frac{{1}}{{{number(s)}}} \ln\bigl(1 + e^{{{number(s)} t}}\bigr)"
    tex = _sympy_tex(activation)
    return None if tex.startswith(r"\text{") else tex


def _limits(activation: str, mu: Any, gamma: Any) -> tuple[Any, Any]:
    """``mu = lim_{-oo} sigma``, ``gamma = lim_{+oo} sigma`` of a SymPy expression in t (None where SymPy cannot)."""
    import sympy

    t = sympy.Symbol("t", real=True)
    out = []
    for given, end in ((mu, -sympy.oo), (gamma, sympy.oo)):
        if given is None:
            try:
                from exactloss.arith.exprparse import parse

                v = sympy.limit(parse(str(activation), {"t": t}), t, end)  # data, never evaluated as code
                given = v if v.is_finite else None
            except Exception:  # SymPy cannot decide: keep the symbol
                given = None
        out.append(given)
    return out[0], out[1]


def _argument_name(text: str) -> str:
    """A short name for an alpha_0 argument of :mod:`exactloss.paper.lemma_4_3.alpha0` / :mod:`exactloss.paper.lemma_4_3.exact_alpha0`."""
    t = str(text or "")
    if t.startswith("N = 1"):
        return "N = 1: E = [1]"
    if "Cauchy's determinant" in t:
        return "bordered Cauchy determinant, closed form" + (" (tanh reduced to sigmoid)" if t.startswith("tanh") else "")
    if "Descartes' rule of signs: P has no root" in t:
        return "exact numerator polynomial of det E, Descartes' rule of signs"
    if "exact root isolation" in t:
        return "exact numerator polynomial of det E, root isolation"
    if t.startswith("softplus (case b)"):
        return "Perron-scaled diagonal dominance with softplus's bounds, ball arithmetic"
    if t.startswith("bounded sigma"):
        return "Perron-scaled perturbation bound, ball arithmetic"
    head = re.split(r"[;:]", t, maxsplit=1)[0].strip()
    return head if len(head) <= 80 else head[:77] + "..."


def _level_text(level: Any) -> str:
    return str(level) if level else "not certified"


def lemma_4_3_from_result(result: Any, *, mu: Any = None, gamma: Any = None, explicit_max: int = 4,
                          digits: int = 6) -> str:
    r"""Lemma 4.3 on one instance: :func:`e_alpha` for its N, sigma and beta, then what was shown about it.

    Reads a :func:`exactloss.paper.lemma_4_3.replay.lemma_4_3` result (or its saved record): ``instance.samples``,
    ``.activation``, ``.case``, ``.layer``; ``details.direction``, ``.projections``, ``.beta``,
    ``.det_limit`` (exact, SymPy syntax), ``.det_limit_ball``, ``.alpha0``, ``.alpha0_level``,
    ``.alpha0_for_every_positive_alpha``, ``.alpha0_argument``, ``.witness``.  Every certificate is shown
    with its level as the result has it (``proved``/``certified``), the alpha_0 argument by a short name
    (its full text is in a comment above the environment).  ``mu``/``gamma``: the limits of a sigma that
    is not in the catalogue (case (a)); without them the symbols are shown.
    """
    from exactloss.evidence import Result

    if isinstance(result, Mapping):
        result = Result.from_json(result)
    inst, det = dict(result.instance), dict(result.details)
    try:
        N = int(inst["samples"])
        activation = str(inst["activation"])
        case = str(det.get("case", inst.get("case")))
        k = int(inst.get("layer", 1))
        beta = det.get("beta", inst.get("beta", "0"))
        det_limit = det["det_limit"]
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{result.result}: not a Lemma 4.3 result (instance.samples, .activation, details.det_limit); "
                         "run `exactloss check lemma-4.3`") from None
    fam = _FAMILY.match(activation.strip())
    name = (fam.group("name") or fam.group("soft")) if fam else "sigma"
    sigma_def = _sigma_definition(activation)
    if name == "sigma" and case == "a" and (mu is None or gamma is None) and sigma_def is not None:
        mu, gamma = _limits(activation, mu, gamma)
    lines, comment = _e_alpha_parts(N, name, beta=beta, mu=mu if name == "sigma" else None,
                                    gamma=gamma if name == "sigma" else None, case=case, explicit_max=explicit_max)
    head = []
    if sigma_def is not None:
        head.append(rf"\sigma(t) &= {sigma_def}")
    if "direction" in det and "projections" in det:
        z = r"z_i = x_i" if k == 1 else rf"z_i = \text{{row }} i \text{{ of }} F_{{{k - 1}}}"
        a_tex = _seq(det["direction"], number, 8)
        balls = any(isinstance(v, str) and _BALL.match(v.strip()) for v in det["projections"])
        t_tex = _seq(det["projections"], lambda v: _short_number(v, digits), *((3, 2) if balls else (6, 3)))
        ts = rf"(t_1, \dots, t_{{{N}}}) = ({t_tex})" if N > 1 else rf"t_1 = {t_tex}"
        head.append(rf"{z}, \quad a &= ({a_tex})^{{T}}, \quad t_i = z_i^{{T}} a, \quad {ts}")
    # what was shown, each with its level
    clause = next((c for c in result.clauses if c.claim.startswith("lim det E(alpha)")), None)
    try:
        exact_limit = _rational(det_limit)
    except (ValueError, ZeroDivisionError):
        exact_limit = None
    lim_level = clause.level if clause is not None else ("proved" if exact_limit is not None else "certified")
    lim_tex = _sympy_tex(det_limit)
    if exact_limit is None and det.get("det_limit_ball"):
        lim_tex += rf" \in {_short_number(det['det_limit_ball'], digits + 2)}"
    lim_ok = clause.holds if clause is not None else True
    lim_end = rf" = {lim_tex}" + (r" \neq 0" if lim_ok else "") + \
        rf" \qquad \text{{({_level_text(lim_level if lim_ok else None)})}}"
    tail = []
    lim_lhs = r"\lim_{\alpha \to \infty} \det E(\alpha) &= "
    at = next((i for i, ln in enumerate(lines) if ln.startswith(lim_lhs)), None)
    if at is not None:  # case (a): the symbolic limit, then its value for this sigma and beta
        lines[at] = lines[at].split(r" \neq 0")[0] + lim_end
    else:  # case (b): sigma(beta)^{N-1}, then its value
        sb = rf"\sigma({number(beta)})" if beta is not None else r"\sigma(\beta)"
        tail.append(lim_lhs + rf"{sb}^{{{N - 1}}}" + lim_end)
    a0, a0_level = det.get("alpha0"), det.get("alpha0_level")
    arg = str(det.get("alpha0_argument") or "")
    if a0 is None or not a0_level:
        tail.append(r"&\text{no } \alpha_0 \text{ certified: " + _escape_text(_argument_name(arg)) + "}")
    else:
        where = (r"\alpha > 0 \ (\alpha_0 = 0)" if det.get("alpha0_for_every_positive_alpha")
                 else rf"\alpha \ge \alpha_0 = {number(a0)}")
        tail.append(rf"\det E(\alpha) &\neq 0 \quad \text{{for every }} {where} \qquad \text{{({a0_level})}}")
        tail.append(r"&\text{argument: " + _escape_text(_argument_name(arg)) + "}")
    for key, label in (("at_alpha0", ""), ("at_alpha", r"\ \text{(given)}")):
        w = (det.get("witness") or {}).get(key)
        if isinstance(w, Mapping) and "alpha" in w:
            tail.append(rf"\operatorname{{rank}}\,[F_{{{k}}}, {ONE}_{{{N}}}] &= {N} \quad \text{{at }} "
                        rf"\alpha = {number(w['alpha'])}{label} \qquad \text{{({_level_text(w.get('level'))})}}")
    verdict = {True: "holds", False: "fails", None: "undecided"}[result.holds]
    tail.append(rf"&\text{{Lemma 4.3 on this instance: {verdict} ({_level_text(result.level)})}}")
    if result.holds is not True and result.reason:
        tail.append(r"&\text{" + _escape_text(result.reason[:160]) + "}")
    comment = (f"{comment}\n% sigma(t) = {activation}, layer k = {k}, beta = {beta}; alpha_0 argument "
               f"({a0_level or 'not certified'}): "
               + " ".join(arg.split()))
    return _align(head + lines + tail, comment)


# -- Definitions 3.6/3.7: block Hessians -------------------------------------------------

_PARAM = re.compile(r"^(?P<sym>[A-Za-z]+)(?P<layer>\d+)\[(?P<idx>[\d,\s]+)\]$")
_SIMPLE = re.compile(r"^(?P<sym>[A-Za-z]+)_?(?P<idx>\d+)$")


def _var(name: str) -> tuple[str, str]:
    """``"W2[1,3]"`` -> (``(W_{2})_{1,3}``, group ``W_{2}``); ``"x1"`` -> (``x_{1}``, itself)."""
    m = _PARAM.match(name.strip())
    if m:
        group = f"{m.group('sym')}_{{{m.group('layer')}}}"
        return f"({group})_{{{m.group('idx').replace(' ', '')}}}", group
    m = _SIMPLE.match(name.strip())
    if m:
        tex = f"{m.group('sym')}_{{{m.group('idx')}}}"
        return tex, tex
    tex = r"\text{" + _escape_text(name) + "}"
    return tex, tex


def block_hessian(H: Any, names: Sequence[str], *, function: str = r"\Phi", det: Any = None,
                  digits: int = 15, level: str | None = None, note: str | None = None) -> str:
    r"""``nabla^2_S f`` with its variables named (``W2[1,3]`` -> ``(W_2)_{1,3}``), blocks ruled off by layer.

    ``names`` has one name per row/column (as :func:`exactloss.net.hessian.parameter_names`
    gives them, or ``x1, x2, ...``); ``det`` (optional) is shown as ``det nabla^2_S f``;
    ``level``/``note`` (optional) add a last line ``level: note`` (e.g. ``proved: degenerate``).
    """
    rows = _rows(H)
    n = len(rows)
    if any(len(r) != n for r in rows):
        raise InputError(f"block_hessian: H must be square, got {n} rows of lengths {sorted({len(r) for r in rows})}")
    names = list(names)
    if len(names) != n:
        raise InputError(f"block_hessian: {len(names)} names for a {n} x {n} Hessian; give one name per row")
    tex, groups = zip(*(_var(v) for v in names)) if names else ((), ())
    cuts = [i for i in range(1, n) if groups[i] != groups[i - 1]]
    distinct = list(dict.fromkeys(groups))
    rules = cuts if len(distinct) < n else []
    cells = [[number(v, digits) for v in r] for r in rows]
    S = ", ".join(distinct) if len(distinct) < n else ", ".join(tex)
    H_tex = _layout(cells, rules, rules) if n else r"\begin{bmatrix} \end{bmatrix}"
    lines = [rf"S &= \{{{S}\}}, \qquad \text{{variables in order: }} {', '.join(tex)}" if n <= 12
             else rf"S &= \{{{S}\}} \quad ({n} \text{{ variables}})",
             rf"\nabla^2_S {function} &= {H_tex}"]
    if det is not None:
        lines.append(rf"\det \nabla^2_S {function} &= {number(det, digits)}")
    if level or note:
        lines.append(r"&\text{" + _escape_text(": ".join(x for x in (level, note) if x)) + "}")
    return _align(lines, "Definitions 3.6/3.7: block Hessian on S (rows and columns in the order listed)")


def _is_zero(x: Any) -> bool | None:
    try:
        return _rational(x) == 0
    except (ValueError, ZeroDivisionError):
        return None


def hessian_contrast(H: Any, names: Sequence[str], subset: Sequence[int], *, point: str = "x",
                     function: str | None = None, det: Any = None, det_subset: Any = None,
                     level: str | None = None) -> str:
    r"""Definition 3.7's contrast in the paper's notation: ``H(x)``, its principal block ``H_S(x)``, both determinants.

    ``names``: one variable per row (``x1, x2, ...``); ``subset``: 0-based indices of S;
    ``function``: ``f`` in SymPy syntax (optional, shown as ``f(x) = ...``); ``det``/``det_subset``:
    the determinants as computed (shown as given, exact values stay exact); ``level``: how they are known.
    The last line says which of H(x), H_S(x) is singular -- read off the determinants shown.
    """
    rows = _rows(H)
    n = len(rows)
    if any(len(r) != n for r in rows) or len(list(names)) != n:
        raise InputError(f"hessian_contrast: H must be square with one name per row ({n} rows, {len(list(names))} names)")
    idx = list(subset)
    if not idx or any(not 0 <= i < n for i in idx):
        raise InputError(f"hessian_contrast: subset {idx} must be non-empty indices in 0..{n - 1}")
    tex = [_var(v)[0] for v in names]
    S = r"\{" + ", ".join(tex[i] for i in idx) + r"\}"
    p = point
    block = [[rows[i][j] for j in idx] for i in idx]
    lines = []
    if function is not None:
        lines.append(rf"f({p}) &= {_sympy_tex(function)}, \qquad {p} = ({', '.join(tex)})")
    full = rf"H({p}) = \nabla^2 f({p}) &= {matrix(H)}"
    sub = rf"H_{{{S}}}({p}) &= {matrix(block)}"
    z, zs = _is_zero(det), _is_zero(det_subset)
    if det is not None:
        full += rf", \qquad \det H({p}) = {number(det)}" + (r" \neq 0" if z is False else "")
    if det_subset is not None:
        sub += rf", \qquad \det H_{{{S}}}({p}) = {number(det_subset)}" + (r" \neq 0" if zs is False else "")
    lines += [full, sub]
    if z is not None and zs is not None:
        word = {True: "degenerate", False: "non-degenerate"}
        link = "but" if z != zs else "and"
        lines.append(rf"&\text{{{_escape_text(level) + ': ' if level else ''}}} {p} \text{{ is {word[z]}, "
                     rf"{link} {word[zs]} on }} S = {S}")
    return _align(lines, "Definition 3.7: degeneracy on all variables and on a subset S are independent")


# -- Lemma 3.5, quantitative ---------------------------------------------------------

def _by_layer(values: Any, layers: range, what: str) -> dict[int, Any] | None:
    if values is None:
        return None
    if isinstance(values, Mapping):
        out = {int(k): v for k, v in values.items()}
    else:
        vals = list(values)
        if len(vals) != len(layers):
            raise InputError(f"{what}: {len(vals)} values for layers {layers.start}..{layers.stop - 1}; "
                             f"give one per layer ({len(layers)})")
        out = dict(zip(layers, vals))
    missing = [l for l in layers if l not in out]
    if missing:
        raise InputError(f"{what}: no value for layer(s) {missing}")
    return out


def loss_bound(k: int, L: int, *, grad: Any = None, sigma_min_F: Any = None, sigma_prime_min: Any = None,
               sigma_min_W: Any = None, bound: Any = None, loss: str = "squared", digits: int = 6,
               level: str | None = None, sigma_min_A: Any = None, bound_direct: Any = None,
               note: str | None = None) -> str:
    r"""The quantitative Lemma 3.5 bound as a product of factors, symbolic and (if given) with its numbers.

    The notation of :mod:`exactloss.paper.lemma_3_5.quantitative`: ``g = ||(grad_{W_{k+1}} Phi, grad_{b_{k+1}} Phi)||_F``,
    ``s_k = sigma_min([F_k, 1_N])``, ``m_l = min_ij |sigma'(G_l)_ij|``:
    ``||Delta_{k+1}||_F <= g / s_k`` (``[F_k, 1_N]`` has rank N),
    ``||Delta_{l+1}||_F <= ||Delta_l||_F / (m_l sigma_min(W_{l+1}))`` for ``l = k+1..L-1``
    (``W_{l+1}`` full column rank), ``||l'(F_L - Y)||_F <= ||Delta_L||_F / m_L``; so
    ``||l'(F_L - Y)||_F <= g / (s_k prod_{l=k+1}^{L} m_l prod_{l=k+2}^{L} sigma_min(W_l))``
    and, for the squared loss (``l'(a) = 2a``), ``Phi <= (that / 2)^2``.
    ``sigma_prime_min``: values for ``l = k+1..L`` (list or {l: value}); ``sigma_min_W``: for ``l = k+2..L``.
    ``level``: how the numbers are known (labels the factors, default "certified", and the bound lines);
    ``sigma_min_A``/``bound_direct``: the direct form (one linear map ``A: l'(F_L - Y) -> g``, step 5 of
    :mod:`exactloss.paper.lemma_3_5.quantitative`) and its bound, shown after the product; ``note``: a last text line.
    """
    for v, what in ((k, "k"), (L, "L")):
        if isinstance(v, bool) or not isinstance(v, _numbers.Integral):
            raise InputError(f"{what}={v!r}: give a whole number")
    if not 1 <= k <= L - 1:
        raise InputError(f"k={k}, L={L}: Lemma 3.5 needs a hidden layer k in [1, L-1]")
    squared = str(loss).strip().lower() in ("squared", "square", "mse")
    sp = _by_layer(sigma_prime_min, range(k + 1, L + 1), "sigma_prime_min")
    sw = _by_layer(sigma_min_W, range(k + 2, L + 1), "sigma_min_W")
    g_def = rf"\bigl\|(\nabla_{{W_{{{k + 1}}}}} \Phi,\ \nabla_{{b_{{{k + 1}}}}} \Phi)\bigr\|_F"
    g_sym = "g"
    sF_sym = f"s_{{{k}}}"

    def s_sym(l: int) -> str:
        return f"m_{{{l}}}"

    def w_sym(l: int) -> str:
        return rf"\sigma_{{\min}}(W_{{{l}}})"

    denom_sym = " \\, ".join([sF_sym] + [s_sym(l) for l in range(k + 1, L + 1)]
                              + [w_sym(l) for l in range(k + 2, L + 1)])
    layers_m = f"{k + 1}" if k + 1 == L else f"{k + 1}, \\dots, {L}"
    lines = [
        rf"g &= {g_def}, \quad s_{{{k}}} = \sigma_{{\min}}\bigl([F_{{{k}}}, {ONE}_N]\bigr), \quad "
        rf"m_l = \min_{{ij}} |\sigma'(G_l)_{{ij}}| \ (l = {layers_m})",
        rf"\|\Delta_{{{k + 1}}}\|_F &\le \frac{{{g_sym}}}{{{sF_sym}}} "
        rf"\qquad (\text{{rank}}\,[F_{{{k}}}, {ONE}_N] = N)",
    ]
    for l in range(k + 1, L):
        lines.append(rf"\|\Delta_{{{l + 1}}}\|_F &\le \frac{{\|\Delta_{{{l}}}\|_F}}{{{s_sym(l)} \, {w_sym(l + 1)}}} "
                     rf"\qquad (\text{{rank}}\, W_{{{l + 1}}} = n_{{{l + 1}}})")
    lines.append(rf"\|\ell'(F_{{{L}}} - Y)\|_F &\le \frac{{\|\Delta_{{{L}}}\|_F}}{{{s_sym(L)}}} "
                 rf"\le \frac{{{g_sym}}}{{{denom_sym}}}")
    if squared:
        lines.append(rf"\Phi = \|F_{{{L}}} - Y\|_F^2 &\le \left( \frac{{{g_sym}}}{{2 \, {denom_sym}}} \right)^{{2}} "
                     r"\qquad (\ell(a) = a^2,\ \ell'(a) = 2a)")
    lhs = r"\Phi" if squared else rf"\|\ell'(F_{{{L}}} - Y)\|_F"
    if grad is not None and sigma_min_F is not None and sp is not None and (sw is not None or k + 2 > L):
        # the certified factors, each displayed on its safe side: g (an upper bound) rounded up,
        # s_k, m_l, sigma_min(W_l) (lower bounds) rounded down; balls as m +/- r
        def rel(sym: str, value: Any, upper: bool) -> str:
            text = number(value, digits, "up" if upper else "down")
            relation = "\\in" if "\\pm" in text else ("\\le" if upper else "\\ge")
            return f"{sym} {relation} {text}"

        known = [rel(g_sym, grad, True), rel(sF_sym, sigma_min_F, False)]
        known += [rel(s_sym(l), sp[l], False) for l in range(k + 1, L + 1)]
        known += [rel(w_sym(l), sw[l], False) for l in range(k + 2, L + 1)] if sw else []
        lines.append(r"&\text{" + _escape_text(level or "certified") + ": } " + ", \\quad ".join(known))
    tag = rf" \qquad \text{{({_escape_text(level)})}}" if level else ""

    def bound_line(value: Any, rhs: str = "") -> str:
        b_text = number(value, digits, "up")
        return (rf"{lhs} &\le {rhs}B, \quad B \in {b_text}{tag}" if "\\pm" in b_text
                else rf"{lhs} &\le {rhs}{b_text}{tag}")

    if bound is not None:
        lines.append(bound_line(bound))
    if sigma_min_A is not None:
        A_sym = r"\sigma_{\min}(A)"
        lines.append(rf"\|\ell'(F_{{{L}}} - Y)\|_F &\le \frac{{{g_sym}}}{{{A_sym}}}, \quad "
                     rf"{A_sym} \ge {number(sigma_min_A, digits, 'down')} \qquad (A\text{{: Lemma 2.1's linear map }} "
                     rf"\ell'(F_{{{L}}} - Y) \to (\nabla_{{W_{{{k + 1}}}}} \Phi, \nabla_{{b_{{{k + 1}}}}} \Phi))")
        if bound_direct is not None:
            rhs = (rf"\left( \frac{{{g_sym}}}{{2 \, {A_sym}}} \right)^{{2}} \le " if squared
                   else rf"\frac{{{g_sym}}}{{{A_sym}}} \le ")
            lines.append(bound_line(bound_direct, rhs))
    if note:
        lines.append(r"&\text{" + _escape_text(note) + "}")
    numbers_shown = grad is not None or bound is not None or sigma_min_A is not None
    return _align(lines, f"Lemma 3.5, quantitative: loss bound from layer k = {k} of L = {L} "
                         + (f"(each factor {level or 'certified'} separately)" if numbers_shown else "(symbolic)"))


_FACTOR_KEYS = (
    ("sigma_min_A", re.compile(r"^sigma_min\(A\)")),
    ("grad", re.compile(r"^\|\|grad_(\d+)\|\|_F")),
    ("sigma_min_F", re.compile(r"^s_(\d+) = sigma_min\(\[F_")),
    ("sigma_prime_min", re.compile(r"^m_(\d+) = min \|sigma'")),
    ("sigma_min_W", re.compile(r"^sigma_min\(W_(\d+)\)")),
)


def loss_bound_from_result(result: Any, digits: int = 6) -> str:
    """:func:`loss_bound` filled in from a quantitative Lemma 3.5 result (a Result or its saved record).

    Reads ``instance.widths``, ``details.k``, ``details.factors`` (keys as
    :func:`exactloss.paper.lemma_3_5.quantitative.lemma_3_5_bound` writes them) and ``details.loss_bound``.
    """
    from exactloss.evidence import Result

    if isinstance(result, Mapping):
        result = Result.from_json(result)
    details, instance = dict(result.details), dict(result.instance)
    try:
        L = len(instance["widths"]) - 1
        k = int(details.get("k", instance.get("k")))
        factors = dict(details["factors"])
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{result.result}: no quantitative Lemma 3.5 factors (instance.widths, details.k, "
                         "details.factors); run `exactloss check lemma-3.5 --form quantitative`") from None
    found: dict[str, Any] = {"sigma_prime_min": {}, "sigma_min_W": {}}
    for key, value in factors.items():
        for what, pattern in _FACTOR_KEYS:
            m = pattern.match(key)
            if m and what in ("sigma_prime_min", "sigma_min_W"):
                found[what][int(m.group(1))] = value
            elif m:
                found[what] = value
    loss_name = str(instance.get("loss", "squared"))
    squared = loss_name == "squared"
    if result.holds is not True:  # no bound: the symbolic chain and why
        return loss_bound(k, L, loss=loss_name, digits=digits,
                          note=f"no bound ({result.verdict}): {result.failed_hypothesis or result.reason}")
    bound = details.get("loss_bound") if squared else details.get("l_prime_norm_bound")
    direct = details.get("method") == "direct" and found.get("sigma_min_A") is not None
    if direct:  # the product of the factors is the chain bound; the reported (smaller) one is the direct form
        chain = details.get("loss_bound_chain") if squared else details.get("l_prime_norm_bound_chain")
        bound_direct, bound = bound, chain
    complete = "grad" in found and "sigma_min_F" in found and set(found["sigma_prime_min"]) == set(range(k + 1, L + 1)) \
        and set(found["sigma_min_W"]) == set(range(k + 2, L + 1)) \
        and all(v is not None for v in (found["grad"], found["sigma_min_F"], *found["sigma_prime_min"].values(),
                                        *found["sigma_min_W"].values()))
    if not complete:
        return loss_bound(k, L, bound=bound_direct if direct else bound, loss=loss_name, digits=digits,
                          level=result.level)
    return loss_bound(k, L, grad=found["grad"], sigma_min_F=found["sigma_min_F"],
                      sigma_prime_min=found["sigma_prime_min"], sigma_min_W=found["sigma_min_W"] or None,
                      bound=bound, loss=loss_name, digits=digits, level=result.level,
                      sigma_min_A=found["sigma_min_A"] if direct else None,
                      bound_direct=bound_direct if direct else None)
