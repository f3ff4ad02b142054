r"""The width a LaTeX fragment may take, an estimate of a formula's width, and how a fragment is made to fit.

Fragments of :mod:`exactloss.arith.latex` are written to fit the narrower of an article page (``\textwidth``
345 pt at 10 pt) and a beamer frame (108 mm = 307 pt at 11 pt, 279 pt in 10 pt units): :func:`tex_width`
estimates a formula's natural width from Computer Modern's metrics (conservatively, in pt at 10 pt display
style), :func:`split_lines` breaks a too-long ``align*`` line at its top-level ``\quad``/``\qquad``/``&&``
separators (then before a relation, and long ``\text`` into several lines) into aligned continuation lines,
and :func:`elide` keeps the first and last rows and columns of a matrix too wide for the width with
``\cdots``/``\vdots``/``\ddots`` between.  The width is :func:`current_width`, chosen with
``with fragment_width("6.5in"): ...`` (``--latex-width`` on the command line).  Nothing here changes a number.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Sequence

from exactloss.errors import InputError

BEAMER = 279.0  # 307.28 pt (128 mm paper - 2 cm margins) at 11 pt, in 10 pt units
ARTICLE = 345.0  # article's \textwidth at 10 pt
NAMED = {"beamer": BEAMER, "article": ARTICLE, "fit": min(BEAMER, ARTICLE)}
_UNITS = {"pt": 1.0, "bp": 72.27 / 72, "in": 72.27, "cm": 72.27 / 2.54, "mm": 72.27 / 25.4}
_WIDTH: ContextVar[float] = ContextVar("exactloss_latex_width", default=min(BEAMER, ARTICLE))
SAFETY = 0.94  # the estimate may be a few per cent short: aim below the width


def parse_width(spec: str | float) -> float:
    """``"beamer"``, ``"article"``, a length (``"6.5in"``, ``"400pt"``, ``"15cm"``) or a number of pt -> pt."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        value = float(spec)
    else:
        text = str(spec).strip().lower()
        if text in NAMED:
            return NAMED[text]
        m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*(pt|bp|in|cm|mm)?", text)
        if not m:
            raise InputError(f"latex width {spec!r}: give beamer, article or a length such as 6.5in, 400pt, 15cm")
        value = float(m.group(1)) * _UNITS[m.group(2) or "pt"]
    if not 100 <= value <= 2000:
        raise InputError(f"latex width {spec!r} = {value:.0f} pt: choose between 100 pt and 2000 pt")
    return value


def current_width() -> float:
    """The width fragments are made to fit now, in pt (default: a beamer frame and an article page)."""
    return _WIDTH.get()


@contextmanager
def fragment_width(spec: str | float) -> Iterator[float]:
    """Within the block, fragments fit ``spec`` (see :func:`parse_width`)."""
    token = _WIDTH.set(parse_width(spec))
    try:
        yield _WIDTH.get()
    finally:
        _WIDTH.reset(token)


# -- width estimate ------------------------------------------------------------------------

_REL, _BIN = 5.56, 4.44  # thickmuskip and medmuskip around a relation / binary operator, both sides
_CMD = {"quad": 10, "qquad": 20, "alpha": 6.5, "beta": 6, "gamma": 5.5, "mu": 6, "sigma": 6, "pi": 6, "Phi": 7.5,
        "Delta": 8.5, "ell": 4.5, "nabla": 8.5, "infty": 10, "partial": 6, "cdots": 13.5, "vdots": 3, "ddots": 13.5,
        "dots": 13.5, "ast": 5, "sum": 14.5, "prod": 12.5, "lim": 15.5, "det": 16, "min": 19, "max": 20, "ln": 10,
        "log": 14, "exp": 16, "tanh": 21, "sqrt": 10, "hline": 0, "left": 0, "right": 0, "bigl": 1, "bigr": 1,
        "Bigl": 1, "Bigr": 1, "limits": 0, "displaystyle": 0}
_RELS = {"le": 7.8, "ge": 7.8, "neq": 7.8, "in": 6.7, "to": 10, "approx": 7.8, "sim": 7.8, "mapsto": 10,
         "xrightarrow": 22}
_BINS = {"times": 7.8, "circ": 5, "cdot": 2.8, "pm": 7.8}
_SPACE = {",": 1.7, ";": 2.8, ":": 2.2, "!": -1.7, " ": 3.3, "\\": 0, "{": 5, "}": 5, "|": 5, "_": 5, "%": 8,
          "&": 7.8, "#": 8, "$": 5}
_CHAR = {"(": 3.9, ")": 3.9, "[": 2.8, "]": 2.8, "|": 2.8, ",": 2.8 + 1.7, ";": 2.8 + 1.7, ".": 2.8, "'": 3,
         "/": 5, "*": 5, "!": 2.8, "~": 3.3, "<": 7.8 + 2 * _REL, ">": 7.8 + 2 * _REL, "=": 7.8 + 2 * _REL,
         "+": 7.8 + 2 * _BIN, "-": 7.8 + 2 * _BIN, " ": 0, "\n": 0, "&": 0, "\t": 0}
_TEXT = {" ": 3.3, "i": 2.8, "l": 2.8, "t": 3.9, "f": 3.1, "r": 3.9, "m": 8.3, "w": 7.2, "(": 3.9, ")": 3.9,
         ",": 2.8, ".": 2.8, ":": 2.8, "'": 2.8, "-": 3.3}


def _group(s: str, i: int) -> tuple[str, int]:
    """The argument starting at ``s[i]`` (a ``{...}`` group, a command or one character) and the index after it."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            if s[j] == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            if depth == 0:
                return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _text_width(s: str) -> float:
    return sum(_TEXT.get(c, 5.6 if c.isupper() else 5.0) for c in re.sub(r"\\(.)", r"\1", s))


def _matrix_width(body: str, scale: float) -> float:
    rows = [top_split(r, "&") for r in top_split(body, r"\\")]
    ncols = max((len(r) for r in rows), default=0)
    cols = [max((tex_width(r[j], 0.85 * scale) for r in rows if j < len(r)), default=0.0) for j in range(ncols)]
    return sum(cols) + 10 * scale * max(ncols - 1, 0) + 8 * scale


def tex_width(s: str, scale: float = 1.0) -> float:
    """An estimate (in pt, at 10 pt display style) of the natural width of the math-mode formula ``s``."""
    s = "\n".join(line for line in s.splitlines() if not line.lstrip().startswith("%"))
    w, i, last_script = 0.0, 0, 0.0
    while i < len(s):
        c = s[i]
        script = 0.0
        if c in "^_":
            arg, i = _group(s, i + 1)
            script = tex_width(arg, 0.75 * scale)
            w += max(script - last_script, 0.0) if last_script else script  # sub and sup stack
            last_script = script
            continue
        if c == "{":
            arg, i = _group(s, i)
            w += tex_width(arg, scale)
        elif c == "\\":
            m = re.match(r"\\([A-Za-z]+)|\\(.)", s[i:])
            i += len(m.group(0))
            name = m.group(1)
            if name is None:
                w += _SPACE.get(m.group(2), 5) * scale
            elif name == "frac":
                a, i = _group(s, i)
                b, i = _group(s, i)
                w += max(tex_width(a, scale), tex_width(b, scale)) + 2 * scale
            elif name in ("text", "operatorname", "mathrm", "textbf"):
                a, i = _group(s, i)
                w += _text_width(a) * scale + (3 * scale if name == "operatorname" else 0)
            elif name == "mathbf":
                a, i = _group(s, i)
                w += 1.2 * tex_width(a, scale)
            elif name == "begin":
                env, i = _group(s, i)
                if env == "array":
                    _, i = _group(s, i)
                end = s.find(r"\end{" + env + "}", i)
                end = len(s) if end < 0 else end
                w += _matrix_width(s[i:end], scale)
                i = end + len(r"\end{" + env + "}")
            elif name == "xrightarrow":
                below = ""
                if i < len(s) and s[i] == "[":
                    j = s.find("]", i)
                    j = len(s) if j < 0 else j
                    below, i = s[i + 1:j], j + 1
                above, i = _group(s, i)
                w += (max(22, 0.75 * tex_width(below), 0.75 * tex_width(above)) + 2 * _REL) * scale
            elif name in ("lim", "min", "max", "sum", "prod") and i < len(s) and s[i] == "_":
                arg, i = _group(s, i + 1)
                sub = 0.75 * tex_width(arg, scale)
                w += max(_CMD[name] * scale, sub)
                if name in ("sum", "prod") and i < len(s) and s[i] == "^":
                    arg, i = _group(s, i + 1)
                w += 1.7 * scale
            elif name in _RELS:
                w += (_RELS[name] + 2 * _REL) * scale
            elif name in _BINS:
                w += (_BINS[name] + 2 * _BIN) * scale
            else:
                w += _CMD.get(name, 7.0) * scale
        else:
            w += _CHAR.get(c, 5.6 if c.isalpha() else 5.0) * scale
            i += 1
        last_script = 0.0
    return w


# -- splitting a formula at its top level ------------------------------------------------------

_OPEN = re.compile(r"\\(begin|left|bigl|Bigl)(?![A-Za-z])")
_CLOSE = re.compile(r"\\(end|right|bigr|Bigr)(?![A-Za-z])")


def _depths(s: str) -> list[int]:
    """Nesting depth (braces, \\begin/\\end, \\left/\\right, \\bigl/\\bigr) at every index of ``s``."""
    out, depth, i = [0] * len(s), 0, 0
    while i < len(s):
        if s[i] == "\\":
            mo, mc = _OPEN.match(s, i), _CLOSE.match(s, i)
            step = len((mo or mc).group(0)) if (mo or mc) else 2
            if mo:
                depth += 1
            for k in range(i, min(i + step, len(s))):
                out[k] = depth
            if mc:
                depth -= 1
            i += step
            continue
        if s[i] in "{[":
            depth += 1
        out[i] = depth
        if s[i] in "}]":
            depth -= 1
        i += 1
    return out


def top_split(s: str, sep: str) -> list[str]:
    """``s`` split at every occurrence of ``sep`` outside braces and environments."""
    d = _depths(s)
    parts, start, i = [], 0, 0
    while i <= len(s) - len(sep):
        if s.startswith(sep, i) and d[i] == 0 and not (sep == "&" and i > 0 and s[i - 1] == "\\") \
                and not (sep.startswith("\\") and s[i + len(sep):i + len(sep) + 1].isalpha()):
            parts.append(s[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(s[start:])
    return parts


_SEPARATORS = (r"\qquad", r"\quad")
_RELATION = re.compile(r" (=|\\le|\\ge|\\in|\\to|\\neq) ")


def _chunks(rhs: str, budget: float) -> list[tuple[str, str]]:
    """The right-hand side cut at its top-level separators, each piece further cut when still wider than budget:
    (glue, piece) pairs, glue being how the piece joins the one before it on the same line."""
    pieces = [rhs]
    for sep in ("&&",) + _SEPARATORS:
        pieces = [p for q in pieces for p in top_split(q, sep)]
    out: list[tuple[str, str]] = []
    for p in (p.strip() for p in pieces):
        if not p:
            continue
        if tex_width(p) <= budget:
            out.append((r" \quad ", p))
            continue
        out.extend((r" \quad " if k == 0 else " ", c) for k, c in enumerate(_cut(p, budget)))
    return out


def _cut(p: str, budget: float) -> list[str]:
    """A piece wider than budget: before its top-level relations, long \\text at its spaces."""
    d = _depths(p)
    cuts = [m.start() for m in _RELATION.finditer(p) if d[m.start()] == 0 and d[m.start() + 1] == 0]
    if cuts:
        bits = [p[a:b].strip() for a, b in zip([0] + cuts, cuts + [len(p)])]
        return [b for bit in bits if bit for b in (_cut(bit, budget) if tex_width(bit) > budget else [bit])]
    items = top_split(p, ", ")
    if len(items) > 1 and r"\text{" not in p:  # a list: as many items a line as fit
        lines, cur = [], items[0]
        for item in items[1:]:
            if tex_width(cur + ", " + item) > budget:
                lines.append(cur + ",")
                cur = item
            else:
                cur += ", " + item
        return lines + [cur]
    return _wrap(p, budget)


def _atoms(p: str) -> list[tuple[bool, str]]:
    """``p`` as (is_text, piece): each word of a top-level ``\\text{...}`` its own piece, math between as one."""
    d = _depths(p)
    out: list[tuple[bool, str]] = []
    i = 0
    for m in re.finditer(r"\\text\{", p):
        if m.start() < i or d[m.start()] != 0:
            continue
        content, j = _group(p, m.end() - 1)
        out += _math_atoms(p[i:m.start()])
        out += [(True, w) for w in re.findall(r"\s*\S+\s*|\s+$", content)]
        i = j
    return out + _math_atoms(p[i:])


def _math_atoms(seg: str) -> list[tuple[bool, str]]:
    """A math segment as the items of its top-level comma list (each but the last with its comma)."""
    items = [x.strip() for x in top_split(seg.strip(), ", ")] if seg.strip() else []
    return [(False, x + ("," if k + 1 < len(items) else "")) for k, x in enumerate(items) if x]


def _render(atoms: list[tuple[bool, str]]) -> str:
    out, text = [], ""
    for k, (is_text, piece) in enumerate(atoms):
        if is_text:
            text += piece.lstrip() if not text and k == 0 else piece
            continue
        if text:
            out.append(r"\text{" + text + "}")
            text = ""
        out.append(piece)
    if text:
        out.append(r"\text{" + text.rstrip() + "}")
    return " ".join(out)


def _wrap(p: str, budget: float) -> list[str]:
    """A piece with long ``\\text`` cut between words into lines that fit budget."""
    atoms = _atoms(p)
    if not any(t for t, _ in atoms):
        return [p]
    lines, cur = [], []
    for atom in atoms:
        if cur and tex_width(_render(cur + [atom])) > budget:
            lines.append(_render(cur))
            cur = [(atom[0], atom[1].lstrip())]
        else:
            cur.append(atom)
    return lines + [_render(cur)] if cur else lines


def split_lines(lines: Sequence[str], width: float | None = None) -> list[str]:
    """``align*`` lines (one ``&`` each, optionally ``&&`` before an annotation), too-wide ones broken into
    aligned continuation lines ``&\\quad ...`` so that every line fits ``width`` (default :func:`current_width`)."""
    width = (current_width() if width is None else width) * SAFETY
    split = [top_split(ln, "&") for ln in lines]
    lhs_w = max((tex_width(p[0]) for p in split if len(p) > 1), default=0.0)
    notes = [p for p in split if len(p) > 3 and not p[2].strip()]  # lhs & rhs && annotation
    if notes and lhs_w + max(tex_width(p[1]) for p in split if len(p) > 1) + 20 \
            + max(tex_width("&".join(p[3:])) for p in notes) > width:
        lines = [ln.replace("&&", r"\qquad") for ln in lines]  # the annotations follow their formulas
        split = [top_split(ln, "&") for ln in lines]
    out = []
    for ln, parts in zip(lines, split):
        if len(parts) < 2 or lhs_w + tex_width(ln.replace("&&", r"\qquad ")) <= width:
            out.append(ln)
            continue
        lhs, rhs = parts[0], "&".join(parts[1:])
        budget = width - lhs_w - 10
        row, first = "", True
        for glue, chunk in _chunks(rhs, budget):
            trial = (row.rstrip() + glue + chunk) if row else chunk
            if row and tex_width(trial) > (budget if not first else width - lhs_w):
                out.append((lhs + "&" if first else r"&\quad ") + row)
                first, row = False, chunk
            else:
                row = trial
        out.append((lhs + "&" if first else r"&\quad ") + row)
    return out


# -- matrices -----------------------------------------------------------------------------

def elide(cells: list[list[str]], width: float, max_rows: int = 12) -> tuple[list[int | None], list[int | None]]:
    """Which rows and columns of a matrix of LaTeX ``cells`` to show within ``width`` pt: index lists where
    ``None`` is a ``\\cdots``/``\\vdots`` (the first columns and the last ones are kept, at least one of each)."""
    nrows, ncols = len(cells), len(cells[0]) if cells else 0
    colw = [max(tex_width(r[j], 0.85) for r in cells) + 10 for j in range(ncols)]
    cols: list[int | None] = list(range(ncols))
    if sum(colw) > width and ncols >= 3:
        left, right, used = [0], [ncols - 1], colw[0] + colw[-1] + 24
        while len(left) + len(right) < ncols:
            nxt = left[-1] + 1 if len(left) <= len(right) else right[0] - 1
            if used + colw[nxt] > width:
                break
            used += colw[nxt]
            (left.append(nxt) if nxt == left[-1] + 1 else right.insert(0, nxt))
        cols = left + ([None] if len(left) + len(right) < ncols else []) + right
    rows: list[int | None] = list(range(nrows))
    shown = sum(c is not None for c in cols)
    limit = min(max_rows, shown + 1 if None in cols else max_rows)
    if nrows > limit and nrows > 3:
        head = [c for c in cols if c is not None and c < ncols // 2] if None in cols else list(range((limit - 1) // 2))
        top = len(head) if None in cols else (limit - 1) // 2 + (limit - 1) % 2
        bottom = (shown - top) if None in cols else (limit - 1) // 2
        top, bottom = max(top, 1), max(bottom, 1)
        if top + bottom < nrows - 1:
            rows = list(range(top)) + [None] + list(range(nrows - bottom, nrows))
    return rows, cols
