r"""LaTeX of Lemma 4.3: the matrix ``E(alpha)``, its limit as ``alpha -> infinity``, and what a result shows.

:func:`e_alpha` writes ``E(alpha)`` (entries ``sigma(alpha (z_j - z_i)^T a + beta)``)
and its limit for N samples, in case (a) (bounded sigma) or (b) (softplus);
:func:`lemma_4_3_from_result` adds, for one result of
:func:`exactloss.paper.lemma_4_3.replay.lemma_4_3` (or its saved record), sigma,
the direction and projections, ``lim det E``, alpha_0 and the witness rank, each
with the level the result has.  The fragments keep the contract of
:mod:`exactloss.arith.latex` (``align*`` environments, amsmath only).
"""

from __future__ import annotations

import numbers as _numbers
import re
from fractions import Fraction
from typing import Any, Mapping, Sequence

import sympy
from flint import arb

from exactloss.arith.exprparse import parse
from exactloss.arith.latex import BALL, ONE, align, as_rational, escape_text, layout, number, prose, sympy_tex
from exactloss.errors import InputError
from exactloss.evidence import Result

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
    return align(lines, comment)


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
        shift = "" if b == "0" else f" + {b}"
        ij = f"{i},{j}" if N > 9 else f"{i}{j}"
        return sb if i == j else rf"{s}(\alpha d_{{{ij}}}{shift})"  # d_ij = (z_j - z_i)^T a

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
    E_tex = layout(E) if E[0] else r"\begin{bmatrix} 1 \end{bmatrix}"
    lines = [
        head + rf", \qquad A(\alpha)_{{ij}} = {_entry('i', 'j', s, b)}, \quad i \in [{N}],\ j \in [{N - 1}], "
        r"\quad d_{ij} = (z_j - z_i)^{T} a",
        rf"E(\alpha) &= {E_tex}",
    ]
    if case == "a":
        lines.append(rf"\lim_{{\alpha \to \infty}} E(\alpha) &= {layout(Elim)}")
        is_mu, is_gamma = mu_t == r"\mu", gamma_t == r"\gamma"
        lines.append(rf"\mu &= \lim_{{t \to -\infty}} {s}(t){'' if is_mu else ' = ' + mu_t}, \quad "
                     rf"\gamma = \lim_{{t \to \infty}} {s}(t){'' if is_gamma else ' = ' + gamma_t}")
        lines.append(rf"\lim_{{\alpha \to \infty}} \det E(\alpha) &= \bigl(\mu - {sb}\bigr)^{{{N - 1}}}"
                     + (rf" = \bigl({mu_t} - {sb}\bigr)^{{{N - 1}}}" if mu_t != r"\mu" else "")
                     + (r" \neq 0 \quad \text{when } " + sb + r" \neq \mu" if N > 1 else ""))
    else:
        lines.append(rf"E(\alpha) &\xrightarrow[\alpha \to \infty]{{}} {layout(Elim)}")
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
    if isinstance(x, str) and BALL.match(x.strip()):
        return number(arb(x.strip()), digits)
    return number(x)


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
    tex = sympy_tex(activation)
    return None if tex.startswith(r"\text{") else tex


def _limits(activation: str, mu: Any, gamma: Any) -> tuple[Any, Any]:
    """``mu = lim_{-oo} sigma``, ``gamma = lim_{+oo} sigma`` of a SymPy expression in t (None where SymPy cannot)."""
    t = sympy.Symbol("t", real=True)
    out = []
    for given, end in ((mu, -sympy.oo), (gamma, sympy.oo)):
        if given is None:
            try:
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
    head = _instance_lines(det, sigma_def, k, N, digits)
    # what was shown, each with its level
    lim_end = _limit_value(result, det, det_limit, digits)
    tail = []
    lim_lhs = r"\lim_{\alpha \to \infty} \det E(\alpha) &= "
    at = next((i for i, ln in enumerate(lines) if ln.startswith(lim_lhs)), None)
    if at is not None:  # case (a): the symbolic limit, then its value for this sigma and beta
        lines[at] = lines[at].split(r" \neq 0")[0] + lim_end
    else:  # case (b): sigma(beta)^{N-1}, then its value
        sb = rf"\sigma({number(beta)})" if beta is not None else r"\sigma(\beta)"
        tail.append(lim_lhs + rf"{sb}^{{{N - 1}}}" + lim_end)
    tail += _certificate_lines(result, det, k, N)
    a0_level = det.get("alpha0_level")
    arg = str(det.get("alpha0_argument") or "")
    comment = (f"{comment}\n% sigma(t) = {activation}, layer k = {k}, beta = {beta}; alpha_0 argument "
               f"({a0_level or 'not certified'}): "
               + " ".join(arg.split()))
    return align(head + lines + tail, comment)


def _instance_lines(det: Mapping[str, Any], sigma_def: str | None, k: int, N: int, digits: int) -> list[str]:
    """``sigma(t) = ...``, then the points ``z_i``, the direction ``a`` and the projections ``t_i = z_i^T a``."""
    head = []
    if sigma_def is not None:
        head.append(rf"\sigma(t) &= {sigma_def}")
    if "direction" in det and "projections" in det:
        z = r"z_i = x_i" if k == 1 else rf"z_i = \text{{row }} i \text{{ of }} F_{{{k - 1}}}"
        a_tex = _seq(det["direction"], number, 8)
        balls = any(isinstance(v, str) and BALL.match(v.strip()) for v in det["projections"])
        t_tex = _seq(det["projections"], lambda v: _short_number(v, digits), *((3, 2) if balls else (6, 3)))
        ts = rf"(t_1, \dots, t_{{{N}}}) = ({t_tex})" if N > 1 else rf"t_1 = {t_tex}"
        head.append(rf"{z}, \quad a &= ({a_tex})^{{T}}, \quad t_i = z_i^{{T}} a, \quad {ts}")
    return head


def _limit_value(result: Result, det: Mapping[str, Any], det_limit: Any, digits: int) -> str:
    """The end `` = value != 0 (level)`` of the line ``lim det E(alpha)``, exact or with its ball."""
    clause = next((c for c in result.clauses if c.claim.startswith("lim det E(alpha)")), None)
    try:
        exact_limit = as_rational(det_limit)
    except (ValueError, ZeroDivisionError):
        exact_limit = None
    lim_level = clause.level if clause is not None else ("proved" if exact_limit is not None else "certified")
    lim_tex = sympy_tex(det_limit)
    if exact_limit is None and det.get("det_limit_ball"):
        lim_tex += rf" \in {_short_number(det['det_limit_ball'], digits + 2)}"
    lim_ok = clause.holds if clause is not None else True
    return rf" = {lim_tex}" + (r" \neq 0" if lim_ok else "") + \
        rf" \qquad \text{{({_level_text(lim_level if lim_ok else None)})}}"


def _certificate_lines(result: Result, det: Mapping[str, Any], k: int, N: int) -> list[str]:
    """``det E(alpha) != 0`` for ``alpha >= alpha_0`` (and its argument), the witness ranks
    ``rank [F_k, 1_N] = N``, and the verdict -- each with its level."""
    tail = []
    a0, a0_level = det.get("alpha0"), det.get("alpha0_level")
    arg = str(det.get("alpha0_argument") or "")
    if a0 is None or not a0_level:
        tail.append(r"&\text{no } \alpha_0 \text{ certified: " + escape_text(_argument_name(arg)) + "}")
    else:
        where = (r"\alpha > 0 \ (\alpha_0 = 0)" if det.get("alpha0_for_every_positive_alpha")
                 else rf"\alpha \ge \alpha_0 = {number(a0)}")
        tail.append(rf"\det E(\alpha) &\neq 0 \quad \text{{for every }} {where} \qquad \text{{({a0_level})}}")
        tail.append(r"&\text{argument: " + escape_text(_argument_name(arg)) + "}")
    for key, label in (("at_alpha0", ""), ("at_alpha", r"\ \text{(given)}")):
        w = (det.get("witness") or {}).get(key)
        if isinstance(w, Mapping) and "alpha" in w:
            tail.append(rf"\operatorname{{rank}}\,[F_{{{k}}}, {ONE}_{{{N}}}] &= {N} \quad \text{{at }} "
                        rf"\alpha = {number(w['alpha'])}{label} \qquad \text{{({_level_text(w.get('level'))})}}")
    verdict = {True: "holds", False: "fails", None: "undecided"}[result.holds]
    tail.append(rf"&\text{{Lemma 4.3 on this instance: {verdict} ({_level_text(result.level)})}}")
    if result.holds is not True and result.reason:
        tail.append("&" + prose(result.reason[:160]))
    return tail
