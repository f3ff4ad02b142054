"""Inline SVG figures for the HTML report: the det E(alpha) sweep of Lemma 4.3 (Nguyen & Hein, 2017).

:func:`sweep_svg` draws ``log10 |det E(alpha)|`` against ``alpha`` from the sweep a Lemma 4.3 check records
(``details.sweep``: one ``{"alpha", "log10_abs_det", "float64", "sign", "status"}`` record per alpha): the
certified balls as a line with dots, and a red cross where float64 returns 0 or a sign other than the certified
one.  The picture is drawn from the numbers already in the result -- nothing is recomputed, nothing is
certified by the picture -- and is plain SVG markup (no script, no external resource), so it sits inline in
a self-contained page.  Every piece of text in it is HTML-escaped.

>>> svg = sweep_svg([{"alpha": "1/2", "log10_abs_det": -3.0, "float64": -1e-3, "sign": -1},
...                  {"alpha": "2", "log10_abs_det": -2.0, "float64": 0.0, "sign": -1}])
>>> svg.startswith("<svg") and "float64 wrong" in svg
True
"""

from __future__ import annotations

import html
import math
from fractions import Fraction
from typing import Any, Mapping, Sequence

WIDTH, HEIGHT = 520, 280
LEFT, RIGHT, TOP, BOTTOM = 62, 14, 40, 44


def _number(x: Any) -> float | None:
    """A float from a JSON value of the sweep (``"p/q"`` strings exact, numbers as they are); None if not one."""
    try:
        v = float(Fraction(x)) if isinstance(x, str) else float(x)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return v if math.isfinite(v) else None


def sweep_points(sweep: Any) -> list[tuple[float, float, bool]]:
    """``(alpha, log10|det|, float64 wrong)`` per usable record of a sweep; float64 is wrong when it is 0 or its
    sign differs from the certified ``sign``.  Records without a finite alpha and log10|det| are left out."""
    out = []
    if not isinstance(sweep, Sequence) or isinstance(sweep, str):
        return out
    for rec in sweep:
        if not isinstance(rec, Mapping):
            continue
        a, y = _number(rec.get("alpha")), _number(rec.get("log10_abs_det"))
        if a is None or y is None or a <= 0:
            continue
        f, sign = _number(rec.get("float64")), rec.get("sign")
        wrong = f is not None and sign in (-1, 1) and (f == 0 or (f > 0) != (sign > 0))
        out.append((a, y, wrong))
    return sorted(out)


def _ticks(x0: float, x1: float) -> list[float]:
    """Ticks 1, 2, 5 times a power of ten between 10**x0 and 10**x1 (only the powers when that is many)."""
    ticks = [m * 10.0 ** e for e in range(math.floor(x0), math.ceil(x1) + 1) for m in (1, 2, 5)
             if x0 - 1e-9 <= math.log10(m * 10.0 ** e) <= x1 + 1e-9]
    return [t for t in ticks if round(t / 10.0 ** math.floor(math.log10(t))) == 1] if len(ticks) > 9 else ticks


def sweep_svg(sweep: Any, title: str = "Lemma 4.3: log10 |det E(alpha)| (certified balls)") -> str:
    """The sweep as an inline ``<svg>`` (log-scale alpha); the empty string when it has fewer than two points."""
    pts = sweep_points(sweep)
    if len(pts) < 2:
        return ""
    xs = [math.log10(a) for a, _, _ in pts]
    ys = [y for _, y, _ in pts]
    x0, x1 = min(xs), max(xs)
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    if x1 == x0:
        x1 = x0 + 1
    if y1 == y0:
        y1 = y0 + 1
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x0) / (x1 - x0) * pw

    def py(y: float) -> float:
        return TOP + (y1 - y) / (y1 - y0) * ph

    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="figure" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{esc(title)}" '
             'font-family="sans-serif" font-size="11">',
             f'<text x="{WIDTH / 2:.0f}" y="15" text-anchor="middle" font-size="12">{esc(title)}</text>',
             f'<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>']
    step = max(1, round((y1 - y0) / 6))
    for y in range(int(y0), int(y1) + 1, step):
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{y}</text>')
    for tick in _ticks(x0, x1):
        e = math.log10(tick)
        parts.append(f'<line y1="{TOP}" y2="{TOP + ph}" x1="{px(e):.1f}" x2="{px(e):.1f}" stroke="#ddd"/>'
                     f'<text x="{px(e):.1f}" y="{TOP + ph + 15}" text-anchor="middle">{tick:g}</text>')
    parts.append(f'<text x="{LEFT + pw / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle">alpha (log scale)</text>'
                 f'<text x="14" y="{TOP + ph / 2:.0f}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {TOP + ph / 2:.0f})">log10 |det E(alpha)|</text>')
    line = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys))
    parts.append(f'<polyline points="{line}" fill="none" stroke="#1f6feb" stroke-width="2"/>')
    for (a, y, wrong), x in zip(pts, xs):
        if wrong:
            cx, cy = px(x), py(y)
            parts.append(f'<path d="M{cx - 5:.1f},{cy - 5:.1f}L{cx + 5:.1f},{cy + 5:.1f}M{cx - 5:.1f},{cy + 5:.1f}'
                         f'L{cx + 5:.1f},{cy - 5:.1f}" stroke="#cf222e" stroke-width="2"><title>alpha = {a:g}: '
                         'float64 returns 0 or the wrong sign</title></path>')
        else:
            parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="#1f6feb"/>')
    n_wrong = sum(w for _, _, w in pts)
    parts.append(f'<text x="{WIDTH / 2:.0f}" y="31" text-anchor="middle" fill="#cf222e">'
                 f'{n_wrong} of {len(pts)} points: float64 wrong (0 or the wrong sign)</text>')
    parts.append("</svg>")
    return "".join(parts)
