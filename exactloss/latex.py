r"""LaTeX fragments of the paper's formulas, for slides and notes.

Contract.  Every function returns a **fragment**: no preamble, only
``amsmath`` (``align*``, ``bmatrix``, ``\text``, ``\operatorname``) and core
LaTeX (``array``, ``\frac``, ``\mathbf``), so it pastes into a beamer frame or an
article as it is.  Display fragments (:func:`lemma_2_1`, :func:`e_alpha`,
:func:`block_hessian`, :func:`loss_bound`, :func:`loss_bound_from_result`) are
``align*`` environments; :func:`matrix` is math-mode only (:func:`display` puts
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

from .errors import InputError

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
    from .network import parse_widths

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
    return _align(lines, f"Lemma 4.3: E(alpha) for N = {N}, sigma = {sigma_name} (case {case}); "
                         "z_1..z_N sorted so that <a, z_1> < ... < <a, z_N>")


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
                  digits: int = 15) -> str:
    r"""``nabla^2_S f`` with its variables named (``W2[1,3]`` -> ``(W_2)_{1,3}``), blocks ruled off by layer.

    ``names`` has one name per row/column (as :func:`exactloss.hessian.parameter_names`
    gives them, or ``x1, x2, ...``); ``det`` (optional) is shown as ``det nabla^2_S f``.
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
    return _align(lines, "Definitions 3.6/3.7: block Hessian on S (rows and columns in the order listed)")


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
               sigma_min_W: Any = None, bound: Any = None, loss: str = "squared", digits: int = 6) -> str:
    r"""The quantitative Lemma 3.5 bound as a product of factors, symbolic and (if given) with its numbers.

    The notation of :mod:`exactloss.lemma_3_5`: ``g = ||(grad_{W_{k+1}} Phi, grad_{b_{k+1}} Phi)||_F``,
    ``s_k = sigma_min([F_k, 1_N])``, ``m_l = min_ij |sigma'(G_l)_ij|``:
    ``||Delta_{k+1}||_F <= g / s_k`` (``[F_k, 1_N]`` has rank N),
    ``||Delta_{l+1}||_F <= ||Delta_l||_F / (m_l sigma_min(W_{l+1}))`` for ``l = k+1..L-1``
    (``W_{l+1}`` full column rank), ``||l'(F_L - Y)||_F <= ||Delta_L||_F / m_L``; so
    ``||l'(F_L - Y)||_F <= g / (s_k prod_{l=k+1}^{L} m_l prod_{l=k+2}^{L} sigma_min(W_l))``
    and, for the squared loss (``l'(a) = 2a``), ``Phi <= (that / 2)^2``.
    ``sigma_prime_min``: values for ``l = k+1..L`` (list or {l: value}); ``sigma_min_W``: for ``l = k+2..L``.
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
        lines.append(r"&\text{certified: } " + ", \\quad ".join(known))
    if bound is not None:
        b_text = number(bound, digits, "up")
        lines.append(rf"{lhs} &\le B, \quad B \in {b_text}" if "\\pm" in b_text else rf"{lhs} &\le {b_text}")
    return _align(lines, f"Lemma 3.5, quantitative: loss bound from layer k = {k} of L = {L} "
                         "(each factor certified separately)")


_FACTOR_KEYS = (
    ("grad", re.compile(r"^\|\|grad_(\d+)\|\|_F")),
    ("sigma_min_F", re.compile(r"^s_(\d+) = sigma_min\(\[F_")),
    ("sigma_prime_min", re.compile(r"^m_(\d+) = min \|sigma'")),
    ("sigma_min_W", re.compile(r"^sigma_min\(W_(\d+)\)")),
)


def loss_bound_from_result(result: Any, digits: int = 6) -> str:
    """:func:`loss_bound` filled in from a quantitative Lemma 3.5 result (a Result or its saved record).

    Reads ``instance.widths``, ``details.k``, ``details.factors`` (keys as
    :func:`exactloss.lemma_3_5.lemma_3_5_bound` writes them) and ``details.loss_bound``.
    """
    from .evidence import Result

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
    bound = details.get("loss_bound") if loss_name == "squared" else details.get("l_prime_norm_bound")
    complete = "grad" in found and "sigma_min_F" in found and set(found["sigma_prime_min"]) == set(range(k + 1, L + 1)) \
        and set(found["sigma_min_W"]) == set(range(k + 2, L + 1))
    if not complete:
        return loss_bound(k, L, bound=bound, loss=loss_name, digits=digits)
    return loss_bound(k, L, grad=found["grad"], sigma_min_F=found["sigma_min_F"],
                      sigma_prime_min=found["sigma_prime_min"], sigma_min_W=found["sigma_min_W"] or None,
                      bound=bound, loss=loss_name, digits=digits)
