"""Rigorous enclosures of activation values for float64 work: how far the float ``sigma(G)`` is from the exact one.

The forward-error bound (:mod:`exactloss.floatpath.forward_error`) and the quantitative Lemma 3.5 at
scale need, entrywise, ``|F~ - sigma(G~)|`` for the float activation ``F~`` of a float pre-activation
``G~``.  Nothing is assumed of libm:

* **sigmoid and tanh** are enclosed from IEEE ``+ - * /`` only (:func:`exp_enclosure`: argument
  reduction with ``ln 2`` between two adjacent floats, a degree-13 Taylor polynomial with its
  remainder, every rounding bounded by (L1)/(L2) of :mod:`exactloss.floatpath.rounding`);
  :func:`activation_error` and :func:`derivative_error` compare the float values against them;
* **every other activation** with an arb counterpart (softplus, user expressions) is evaluated in ball
  arithmetic on the ball ``[G~ +- e_G]`` (:func:`ball_activation_error`).

Interval arithmetic without directed rounding: every operation is done in round-to-nearest and its
result widened by one ulp outwards (``down_fast``/``up_fast``, (L1)), so the exact result of the
operation on the interval ends lies inside.  ``exp(x) = 2^k exp(r)``, ``r = x - k ln 2`` enclosed with
``ln 2`` in ``[LN2_LO, LN2_HI]`` (adjacent floats), ``exp(|r|)`` by Horner on the Taylor polynomial of
degree 13 (non-negative terms: one gamma factor for all its roundings) plus the Lagrange remainder
``|r|^14/14! e^|r| <= 2e-18`` (``|r| <= 0.36`` after the reduction), ``exp(r) = 1/exp(|r|)`` for
``r < 0``, then ``ldexp`` by ``k``.

At scale (an ``N x N`` pre-activation at N = 16384 has 2^28 entries) every enclosure runs on pieces of
:data:`CHUNK` entries (:func:`_chunked`): the dozen temporaries of a piece stay in the CPU caches (about 2.5x
faster than whole-array temporaries) and take O(CHUNK) memory instead of a dozen copies of the array.  All the
work is elementwise, so the values are exactly those of one whole-array call (tested).

>>> import numpy as np
>>> lo, hi = exp_enclosure(np.array([1.0]))
>>> bool(lo[0] <= 2.718281828459045 <= hi[0])
True
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable

import numpy as np
from flint import arb, ctx

from exactloss.arith.systems import Ball
from exactloss.errors import InputError
from exactloss.floatpath.rounding import ETA, down, down_fast, float_up, gamma, up_fast
from exactloss.net.activations import activation

_LN2_DEC = Fraction("0.69314718055994530941723212145817656807550013436025525412068")  # ln 2 to 1e-59
LN2_LO = float(_LN2_DEC) if Fraction(float(_LN2_DEC)) <= _LN2_DEC else math.nextafter(float(_LN2_DEC), -math.inf)
LN2_HI = math.nextafter(LN2_LO, math.inf)  # LN2_LO < ln 2 < LN2_HI (ln 2 is irrational, 1e-59 << ulp)
_DEG = 13
_COEF = [1.0 / math.factorial(i) for i in range(_DEG + 1)]  # each within u of 1/i!
_HORNER_LO = float(down(1.0 / float_up(1 + Fraction(gamma(2 * _DEG + 2)))))  # 1/(1 + gamma)
_HORNER_HI = float_up(1 / (1 - Fraction(gamma(2 * _DEG + 2))))  # 1/(1 - gamma)
_REM = float_up(Fraction(36, 100) ** (_DEG + 1) / math.factorial(_DEG + 1) * Fraction(144, 100))  # e^0.36 < 1.44

# ---------------------------------------------------------------------------
# exp, sigmoid and tanh from IEEE operations only
# ---------------------------------------------------------------------------


def _imul(alo: Any, ahi: Any, blo: Any, bhi: Any) -> tuple[np.ndarray, np.ndarray]:
    """``[alo, ahi] * [blo, bhi]`` (any signs), rounded outwards (L1)."""
    p = (alo * blo, alo * bhi, ahi * blo, ahi * bhi)
    lo = np.minimum(np.minimum(p[0], p[1]), np.minimum(p[2], p[3]))
    hi = np.maximum(np.maximum(p[0], p[1]), np.maximum(p[2], p[3]))
    return down_fast(lo), up_fast(hi)


def _exp_small(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Enclosure of ``exp(a)`` for floats ``0 <= a <= 0.36``: Horner on sum_{i<=13} a^i/i! in round-to-nearest.
    All terms are non-negative, so the computed value is within a factor ``(1 +- gamma_{2d+2})`` of the exact
    polynomial (d multiplications, d additions, the rounded coefficients); products that underflow add at
    most ``eta/2`` each; the Lagrange remainder is in ``[0, a^14/14! e^a]``."""
    s = np.full(a.shape, _COEF[_DEG])
    for i in range(_DEG - 1, -1, -1):
        s *= a
        s += _COEF[i]
    lo = down_fast(down_fast(s - 2 * _DEG * ETA) * _HORNER_LO)
    hi = up_fast(up_fast(up_fast(s + 2 * _DEG * ETA) * _HORNER_HI) + _REM)
    return lo, hi


def _exp_point(r: np.ndarray, want: str) -> np.ndarray:
    """A lower (``want="lo"``) or upper bound of ``exp(r)``, ``|r| <= 0.36``: for ``r < 0``, ``exp(r) = 1/exp(|r|)``."""
    a = np.abs(r)
    lo, hi = _exp_small(a)
    neg = r < 0
    if want == "lo":
        return np.where(neg, down_fast(1.0 / hi), lo)
    return np.where(neg, up_fast(1.0 / np.maximum(lo, ETA)), hi)


#: entries per piece of the elementwise enclosures: a piece and its dozen temporaries stay in the CPU caches
#: (one pass over an N x N array costs several times less than on whole-array temporaries, and the peak
#: memory of the temporaries is O(CHUNK) instead of a dozen copies of the array).  Every enclosure is
#: elementwise, so the values do not depend on the piece size.
CHUNK = 1 << 14


def _chunked(kernel: Callable[..., tuple[np.ndarray, ...]], nout: int, *arrays: Any) -> tuple[np.ndarray, ...]:
    """``kernel`` (elementwise, ``len(arrays)`` float64 arrays of one shape in, ``nout`` out) on pieces of
    :data:`CHUNK` entries; small arrays in one call.  The results are the ones of one call on the whole
    arrays (elementwise operations)."""
    arrs = [np.asarray(a, dtype=np.float64) for a in arrays]
    shape = np.broadcast_shapes(*(a.shape for a in arrs))
    size = int(np.prod(shape, dtype=np.int64))
    if size <= 2 * CHUNK:
        return kernel(*arrs)
    flats = [np.ascontiguousarray(np.broadcast_to(a, shape)).reshape(-1) for a in arrs]
    outs = [np.empty(size) for _ in range(nout)]
    for s in range(0, size, CHUNK):
        e = min(s + CHUNK, size)
        res = kernel(*(f[s:e] for f in flats))
        for o, r in zip(outs, res):
            o[s:e] = r
    return tuple(o.reshape(shape) for o in outs)


def exp_enclosure(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` float arrays with ``lo <= exp(x) <= hi`` for every float ``x`` (rigorous, IEEE only),
    elementwise (:func:`_exp_enclosure` on cache-sized pieces)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return _exp_enclosure(x)
    return _chunked(_exp_enclosure, 2, x)


def _exp_enclosure(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(lo, hi)`` float arrays with ``lo <= exp(x) <= hi`` for every float ``x`` (rigorous, IEEE only).

    ``exp(x) = 2^k exp(r)``, ``r = x - k ln 2`` enclosed with ``ln 2`` in ``[LN2_LO, LN2_HI]`` (adjacent
    floats; each product and difference widened by one ulp, (L1)), ``exp(r)`` by :func:`_exp_small`, then
    ``ldexp`` by ``k`` (exact, or one rounding in the subnormal range: widened again)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        xc = np.clip(x, -746.0, 710.0)
        k = np.rint(xc / LN2_LO)
        p1, p2 = k * LN2_LO, k * LN2_HI
        klo, khi = down_fast(np.minimum(p1, p2)), up_fast(np.maximum(p1, p2))
        rlo, rhi = down_fast(xc - khi), up_fast(xc - klo)
        ki = k.astype(np.int64)
        lo = np.maximum(down_fast(np.ldexp(_exp_point(rlo, "lo"), ki)), 0.0)
        hi = up_fast(np.ldexp(_exp_point(rhi, "hi"), ki))
        # beyond the clip: exp(x) > 2^1023.9 (hi = inf) or exp(x) < 2^-1076 (lo = 0)
        hi = np.where(x > 709.0, np.inf, hi)
        lo = np.where(x < -745.0, 0.0, lo)
    return lo, hi


def sigmoid_enclosure(g: Any) -> tuple[np.ndarray, np.ndarray]:
    """``lo <= 1/(1 + exp(-g)) <= hi`` entrywise (rigorous, IEEE only; on cache-sized pieces)."""
    g = np.asarray(g, dtype=np.float64)
    return _sigmoid_enclosure(g) if g.ndim == 0 else _chunked(_sigmoid_enclosure, 2, g)


def _sigmoid_enclosure(g: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sigmoid_enclosure` on one piece."""
    Elo, Ehi = _exp_enclosure(-np.asarray(g, dtype=np.float64))
    with np.errstate(all="ignore"):
        lo = down_fast(1.0 / up_fast(1.0 + Ehi))
        hi = up_fast(1.0 / down_fast(1.0 + Elo))
    return np.maximum(lo, 0.0), np.minimum(hi, 1.0)


def tanh_enclosure(g: Any) -> tuple[np.ndarray, np.ndarray]:
    """``lo <= tanh(g) <= hi`` entrywise: ``tanh|g| = (1 - E)/(1 + E)``, ``E = exp(-2|g|)`` (rigorous; on
    cache-sized pieces)."""
    g = np.asarray(g, dtype=np.float64)
    return _tanh_enclosure(g) if g.ndim == 0 else _chunked(_tanh_enclosure, 2, g)


def _tanh_enclosure(g: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`tanh_enclosure` on one piece."""
    g = np.asarray(g, dtype=np.float64)
    Elo, Ehi = _exp_enclosure(-2.0 * np.abs(g))  # 2|g| is exact
    with np.errstate(all="ignore"):
        tlo = np.maximum(down_fast(down_fast(1.0 - Ehi) / up_fast(1.0 + Ehi)), 0.0)
        thi = np.minimum(up_fast(up_fast(1.0 - Elo) / down_fast(1.0 + Elo)), 1.0)
    neg = g < 0
    return np.where(neg, -thi, tlo), np.where(neg, -tlo, thi)


#: activations whose float64 values are checked against rigorous enclosures (no libm assumption)
ENCLOSURES = {"sigmoid": sigmoid_enclosure, "tanh": tanh_enclosure}
_KERNELS = {"sigmoid": _sigmoid_enclosure, "tanh": _tanh_enclosure}  # the same, one piece at a time


def enclosure_name(sigma: Any) -> str | None:
    """``"sigmoid"``/``"tanh"`` when ``sigma`` *is* that function (its SymPy expression equals the catalogue
    one, whatever it is called, e.g. the expression ``1/(1+exp(-t))``), else None."""
    if getattr(sigma, "generic", False):
        return None
    for name in ENCLOSURES:
        if sigma.expr == activation(name).expr:
            return name
    return None


def activation_error(name: str, G: np.ndarray, F: np.ndarray) -> np.ndarray | None:
    """Rigorous entrywise bounds of ``|F - sigma(G)|`` (``F`` the float activation of the float ``G``),
    from :data:`ENCLOSURES`; None when ``sigma`` has no enclosure here."""
    enc = _KERNELS.get(name)
    if enc is None:
        return None

    def piece(g: np.ndarray, f: np.ndarray) -> tuple[np.ndarray]:
        lo, hi = enc(g)
        with np.errstate(all="ignore"):
            return (up_fast(np.maximum(f - lo, hi - f)),)  # each difference rounded once: up_fast() covers it

    if np.ndim(G) == 0 and np.ndim(F) == 0:
        return piece(np.asarray(G, dtype=np.float64), np.asarray(F, dtype=np.float64))[0]
    return _chunked(piece, 1, G, F)[0]


def derivative_error(name: str, G: np.ndarray, D: np.ndarray) -> np.ndarray | None:
    """Rigorous entrywise bounds of ``|D - sigma'(G)|`` (``D`` the float derivative at the float ``G``):
    sigmoid ``s (1 - s)``, tanh ``1 - t^2`` over the enclosure of ``s``/``t``."""
    enc = _KERNELS.get(name)
    if enc is None:
        return None
    if np.ndim(G) == 0 and np.ndim(D) == 0:
        return _derivative_error(name, enc, np.asarray(G, dtype=np.float64), np.asarray(D, dtype=np.float64))[0]
    return _chunked(lambda g, d: _derivative_error(name, enc, g, d), 1, G, D)[0]


def _derivative_error(name: str, enc: Callable[[Any], tuple[np.ndarray, np.ndarray]], G: np.ndarray,
                      D: np.ndarray) -> tuple[np.ndarray]:
    """:func:`derivative_error` on one piece."""
    lo, hi = enc(G)
    with np.errstate(all="ignore"):
        if name == "sigmoid":  # s(1 - s) for s in [lo, hi] (all within [0, 1])
            dlo, dhi = _imul(lo, hi, down_fast(1.0 - hi), up_fast(1.0 - lo))
        else:  # 1 - t^2 for t in [lo, hi]
            a, b = np.abs(lo), np.abs(hi)
            t2lo = np.where((lo <= 0) & (hi >= 0), 0.0, down_fast(np.minimum(a, b) ** 2))
            t2hi = up_fast(np.maximum(a, b) ** 2)
            dlo, dhi = down_fast(1.0 - t2hi), up_fast(1.0 - t2lo)
        return (up_fast(np.maximum(D - dlo, dhi - D)),)


# ---------------------------------------------------------------------------
# ball-arithmetic enclosures of any other activation (softplus, user expressions)
# ---------------------------------------------------------------------------

#: working precision of the entrywise arb enclosures (bits): the float values are 53-bit, so 80 bits
#: leave the enclosure radius far below the rounding it bounds
BALL_ENCLOSURE_PREC = 80


def ball_enclosure_function(sigma: Any) -> tuple[Callable[[Any], Any] | None, str]:
    """``(f, "")`` with ``f`` mapping an arb ball to a ball containing ``sigma`` of every point in it
    (SymPy's expression compiled to arb by :class:`exactloss.arith.systems.Ball`), or ``(None, why not)``."""
    if getattr(sigma, "generic", False):
        return None, "the generic activation has symbolic values only"
    cache = getattr(sigma, "_cache", None)
    key = ("verified-ball-enclosure",)
    if isinstance(cache, dict) and key in cache:
        return cache[key]
    try:
        f = Ball(BALL_ENCLOSURE_PREC).compile(sigma.expr, sigma.var, f"activation {sigma.describe()}")
        out: tuple[Any, str] = (f, "")
    except (InputError, TypeError, ValueError, AttributeError, NotImplementedError) as exc:
        out = (None, f"no ball-arithmetic enclosure ({exc})")
    if isinstance(cache, dict):
        cache[key] = out
    return out


def ball_activation_error(sigma: Any, G: np.ndarray, eG: np.ndarray, F: np.ndarray) -> np.ndarray:
    """Rigorous entrywise bounds of ``max |F - sigma(g)|`` over ``|g - G| <= eG`` (``F``, ``G``, ``eG`` float).

    Each entry: the arb ball ``[G +- eG]`` (both floats, exact) holds the exact pre-activation, so
    ``sigma`` evaluated on it in arb (:func:`ball_enclosure_function`) holds the exact activation value;
    ``|F - ball|`` is then bounded above and rounded up (one ``nextafter`` over ``float()``).  Entries
    where arb gives no finite enclosure (a pole, NaN) get ``inf``: the transfer then fails, never lies.
    O(entries) ball evaluations; sigmoid/tanh use the float enclosures instead."""
    f, _ = ball_enclosure_function(sigma)
    out = np.full(np.shape(F), np.inf)
    if f is None:
        return out
    g_l, e_l, f_l = (np.asarray(a, dtype=np.float64).ravel().tolist() for a in (G, np.broadcast_to(eG, np.shape(G)), F))
    res = out.ravel()
    saved = ctx.prec
    ctx.prec = BALL_ENCLOSURE_PREC
    try:
        for i, (g, e, v) in enumerate(zip(g_l, e_l, f_l)):
            if not (math.isfinite(g) and math.isfinite(e) and math.isfinite(v)):
                continue
            try:
                y = f(arb(g, e))
                if not y.is_finite():
                    continue
                a = abs(arb(v) - y)  # a ball holding |F - sigma(g)| for every g in the input ball
                # mid + rad >= every point of it; each float() is within one ulp, each nextafter covers that
                m = math.nextafter(float(a.mid()), math.inf)
                r = math.nextafter(float(a.rad()), math.inf)
            except (ArithmeticError, ValueError, TypeError, OverflowError):
                continue
            d = math.nextafter(m + r, math.inf)
            if math.isfinite(d):
                res[i] = d
    finally:
        ctx.prec = saved
    return res.reshape(np.shape(F))
