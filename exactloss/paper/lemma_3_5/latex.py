r"""LaTeX of the quantitative Lemma 3.5: the loss bound as a product of certified factors.

:func:`loss_bound` writes the chain ``||Delta_{k+1}||_F <= g / s_k``, ...,
``Phi <= (g / (2 s_k prod m_l prod sigma_min(W_l)))^2`` of
:mod:`exactloss.paper.lemma_3_5.quantitative`, symbolically and, when given, with
each factor's number shown on its safe side; :func:`loss_bound_from_result` fills
it in from a result (or its saved record).  The fragments keep the contract of
:mod:`exactloss.arith.latex` (``align*`` environments, amsmath only).
"""

from __future__ import annotations

import numbers as _numbers
import re
from typing import Any, Mapping

from exactloss.arith.latex import ONE, align, escape_text, number, prose
from exactloss.errors import InputError
from exactloss.evidence import Result


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
        rf"\qquad (\operatorname{{rank}}\,[F_{{{k}}}, {ONE}_N] = N)",
    ]
    for l in range(k + 1, L):
        lines.append(rf"\|\Delta_{{{l + 1}}}\|_F &\le \frac{{\|\Delta_{{{l}}}\|_F}}{{{s_sym(l)} \, {w_sym(l + 1)}}} "
                     rf"\qquad (\operatorname{{rank}} W_{{{l + 1}}} = n_{{{l + 1}}})")
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
        lines.append(r"&\text{" + escape_text(level or "certified") + ": } " + ", \\quad ".join(known))
    tag = rf" \qquad \text{{({escape_text(level)})}}" if level else ""

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
        lines.append("&" + prose(note))
    numbers_shown = grad is not None or bound is not None or sigma_min_A is not None
    return align(lines, f"Lemma 3.5, quantitative: loss bound from layer k = {k} of L = {L} "
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
