r"""LaTeX of the network's formulas: Lemma 2.1's backprop identities and block Hessians (Definitions 3.6/3.7).

:func:`lemma_2_1` writes Lemma 2.1's identities for given widths with every
shape; :func:`block_hessian` a Hessian ``nabla^2_S f`` with its variables named
and its blocks ruled off by layer; :func:`hessian_contrast` Definition 3.7's
contrast of ``H(x)`` and a principal block ``H_S(x)``.  The fragments keep the
contract of :mod:`exactloss.arith.latex` (``align*`` environments, amsmath only).
"""

from __future__ import annotations

import numbers as _numbers
import re
from typing import Any, Sequence

import sympy

from exactloss.arith.exprparse import parse
from exactloss.arith.latex import (ONE, R, align, as_rational, escape_text, layout, matrix, matrix_rows, number,
                                   prose, shape, sympy_tex)
from exactloss.errors import InputError
from exactloss.net.network import parse_widths


# -- Lemma 2.1 ------------------------------------------------------------------

def lemma_2_1(widths: Sequence[int] | str, samples: int, sigma: str = r"\sigma", loss: str = r"\ell",
              activation: Any = None, loss_function: Any = None) -> str:
    r"""Lemma 2.1's identities for these widths ``(n_0, ..., n_L)`` and ``N = samples``, with every shape.

    Lines: the forward maps and objective (1); the parameter shapes; ``Delta_L``,
    ``Delta_k`` for ``k = L-1..1``, ``grad_{W_k} Phi`` and ``grad_{b_k} Phi`` with the
    shapes of their factors, e.g. ``(3 x 2)(2 x 3) o (3 x 3) -> 3 x 3``.
    ``activation``/``loss_function``: a concrete sigma (in ``t``) and l (in ``a``) -- a SymPy expression,
    or an object with ``.expr``, ``.var`` and ``.d1_expr`` (:class:`exactloss.arith.functions.ScalarFunction`) --
    add the lines ``sigma(t) = ..., sigma'(t) = ...`` and ``l(a) = ..., l'(a) = ...`` (generic ones add nothing).
    """
    n = parse_widths(widths)
    if isinstance(samples, bool) or not isinstance(samples, _numbers.Integral) or samples < 1:
        raise InputError(f"samples={samples!r}: the number of samples N must be a whole number >= 1")
    N, L = int(samples), len(n) - 1
    s, ds = sigma, sigma + "'"
    lines = [
        rf"F_0 &= X \in {R}^{{{shape(N, n[0])}}}, \quad G_k = F_{{k-1}} W_k + {ONE}_N b_k^{{T}}, \quad "
        rf"F_k = {s}(G_k), \quad k = 1, \dots, {L}",
        rf"\Phi &= \sum_{{i=1}}^{{{N}}} \sum_{{j=1}}^{{{n[L]}}} {loss}\bigl((F_{{{L}}})_{{ij}} - Y_{{ij}}\bigr), "
        rf"\qquad Y \in {R}^{{{shape(N, n[L])}}}",
    ]
    lines += _concrete(activation, sigma, "t") + _concrete(loss_function, loss, "a")
    for k in range(1, L + 1):
        lines.append(rf"W_{{{k}}} &\in {R}^{{{shape(n[k - 1], n[k])}}}, \quad b_{{{k}}} \in {R}^{{{n[k]}}}, "
                     rf"\quad G_{{{k}}}, F_{{{k}}}, \Delta_{{{k}}} \in {R}^{{{shape(N, n[k])}}}")
    lines.append(rf"\Delta_{{{L}}} &= {loss}'(F_{{{L}}} - Y) \circ {ds}(G_{{{L}}}) "
                 rf"&& ({shape(N, n[L])}) \circ ({shape(N, n[L])}) \to {shape(N, n[L])}")
    for k in range(L - 1, 0, -1):
        lines.append(rf"\Delta_{{{k}}} &= (\Delta_{{{k + 1}}} W_{{{k + 1}}}^{{T}}) \circ {ds}(G_{{{k}}}) "
                     rf"&& ({shape(N, n[k + 1])})({shape(n[k + 1], n[k])}) \circ ({shape(N, n[k])}) "
                     rf"\to {shape(N, n[k])}")
    for k in range(1, L + 1):
        F = "X" if k == 1 else f"F_{{{k - 1}}}"
        lines.append(rf"\nabla_{{W_{{{k}}}}} \Phi &= {F}^{{T}} \Delta_{{{k}}} "
                     rf"&& ({shape(n[k - 1], N)})({shape(N, n[k])}) \to {shape(n[k - 1], n[k])}")
        lines.append(rf"\nabla_{{b_{{{k}}}}} \Phi &= \Delta_{{{k}}}^{{T}} {ONE}_{{{N}}} "
                     rf"&& ({shape(n[k], N)})({shape(N, 1)}) \to {shape(n[k], 1)}")
    return align(lines, f"Lemma 2.1 (Nguyen & Hein 2017) for widths {tuple(n)} and N = {N} samples")


def _concrete(f: Any, symbol: str, var: str) -> list[str]:
    """``symbol(var) &= f, \\quad symbol'(var) = f'`` for a concrete function (none for a generic or absent one)."""
    if f is None or getattr(f, "generic", False):
        return []
    expr = getattr(f, "expr", f)
    if isinstance(expr, str):
        expr = parse(expr, {var: sympy.Symbol(var, real=True)})
    x = getattr(f, "var", None) or sympy.Symbol(var, real=True)
    d1 = getattr(f, "d1_expr", None)
    d1 = sympy.diff(expr, x) if d1 is None else d1
    ln = dict(ln_notation=True)
    return [rf"{symbol}({var}) &= {sympy.latex(expr, **ln)}, \quad {symbol}'({var}) = {sympy.latex(d1, **ln)}"]


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
    tex = r"\text{" + escape_text(name) + "}"
    return tex, tex


def block_hessian(H: Any, names: Sequence[str], *, function: str = r"\Phi", det: Any = None,
                  digits: int = 15, level: str | None = None, note: str | None = None) -> str:
    r"""``nabla^2_S f`` with its variables named (``W2[1,3]`` -> ``(W_2)_{1,3}``), blocks ruled off by layer.

    ``names`` has one name per row/column (as :func:`exactloss.net.hessian.parameter_names`
    gives them, or ``x1, x2, ...``); ``det`` (optional) is shown as ``det nabla^2_S f``;
    ``level``/``note`` (optional) add a last line ``level: note`` (e.g. ``proved: degenerate``).
    """
    rows = matrix_rows(H)
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
    H_tex = layout(cells, rules, rules) if n else r"\begin{bmatrix} \end{bmatrix}"
    lines = [rf"S &= \{{{S}\}}, \qquad \text{{variables in order: }} {', '.join(tex)}" if n <= 12
             else rf"S &= \{{{S}\}} \quad ({n} \text{{ variables}})",
             rf"\nabla^2_S {function} &= {H_tex}"]
    if det is not None:
        lines.append(rf"\det \nabla^2_S {function} &= {number(det, digits)}")
    if level or note:
        lines.append("&" + prose(": ".join(x for x in (level, note) if x)))
    return align(lines, "Definitions 3.6/3.7: block Hessian on S (rows and columns in the order listed)")


def _is_zero(x: Any) -> bool | None:
    try:
        return as_rational(x) == 0
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
    rows = matrix_rows(H)
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
        lines.append(rf"f({p}) &= {sympy_tex(function)}, \qquad {p} = ({', '.join(tex)})")
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
        lines.append(rf"&\text{{{escape_text(level) + ': ' if level else ''}}} {p} \text{{ is {word[z]}, "
                     rf"{link} {word[zs]} on }} S = {S}")
    return align(lines, "Definition 3.7: degeneracy on all variables and on a subset S are independent")
