"""LaTeX fragments: well-formed (a small structural checker) and, when an engine is installed, compiling."""

import re
import shutil
import subprocess
from fractions import Fraction

import numpy as np
import pytest
from flint import arb

from exactloss.surfaces import latex
from exactloss.errors import InputError

# Environments and commands the fragments may use: core LaTeX + amsmath, nothing else (no amssymb).
ENVIRONMENTS = {"align*", "bmatrix", "array", "document"}
ALIGNMENTS = {"align*", "bmatrix", "array"}
COMMANDS = {
    "begin", "end", "frac", "mathbf", "mathrm", "text", "operatorname", "times", "circ", "cdot", "cdots", "vdots",
    "ddots", "dots", "pm", "infty", "le", "neq", "to", "in", "sum", "prod", "min", "lim", "det", "nabla", "Phi",
    "Delta", "sigma", "alpha", "beta", "gamma", "mu", "pi", "ell", "ast", "ge", "bigl", "bigr", "left", "right", "quad",
    "qquad", "hline", "xrightarrow", "documentclass", "usepackage", "section", "textbackslash", "ln", "log",
    "tanh",  # core LaTeX; SymPy writes lim det E for tanh with beta != 0 with it
}
SYMBOLS = set(",;! \\[]{}_%&#$^~|")  # \, \; \! \  \\ \[ \] \{ \} \_ \% \& \# \$ \^ \~ \|


def check_fragment(tex: str) -> None:
    """Raise AssertionError unless braces, environments, \\left/\\right and alignments are balanced and known."""
    lines = []
    for line in tex.splitlines():  # drop comments (an unescaped % to the end of the line)
        m = re.search(r"(?<!\\)%", line)
        lines.append(line[:m.start()] if m else line)
    body = "\n".join(lines)
    for m in re.finditer(r"\\([A-Za-z]+)|\\(.)", body):
        if m.group(1):
            assert m.group(1) in COMMANDS, f"unknown command \\{m.group(1)}"
        else:
            assert m.group(2) in SYMBOLS, f"unknown control symbol \\{m.group(2)!r}"
    plain = re.sub(r"\\[{}]", "", body)
    depth = 0
    for ch in plain:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, "a } closes nothing"
    assert depth == 0, f"{depth} unclosed {{"
    stack: list[str] = []
    tokens = re.finditer(r"\\(begin|end)\{([^}]*)\}|\\(left|right)(?![A-Za-z])|(?<!\\)&|\\\\|\\\[|\\\]", body)
    rows: list[list[int]] = []
    for t in tokens:
        text = t.group(0)
        if t.group(1) == "begin":
            assert t.group(2) in ENVIRONMENTS, f"unknown environment {t.group(2)}"
            stack.append(t.group(2))
            rows.append([0])
        elif t.group(1) == "end":
            assert stack and stack[-1] == t.group(2), f"\\end{{{t.group(2)}}} closes {stack[-1:] or 'nothing'}"
            stack.pop()
            rows.pop()
        elif t.group(3) == "left":
            stack.append("left")
        elif t.group(3) == "right":
            assert stack and stack[-1] == "left", "\\right without \\left"
            stack.pop()
        elif text == "&":
            env = next((e for e in reversed(stack) if e != "left"), None)
            assert env in ALIGNMENTS, f"& outside an alignment (in {env})"
            rows[-1][-1] += 1
        elif text == "\\\\":
            rows[-1].append(0) if rows else None
        elif text == "\\[":
            stack.append("display")
        elif text == "\\]":
            assert stack and stack[-1] == "display", "\\] without \\["
            stack.pop()
    assert not stack, f"unclosed: {stack}"


QUANT = {"format": "exactloss-result", "version": 1, "result": "Lemma 3.5 (quantitative)", "holds": True,
         "level": "certified", "instance": {"widths": [2, 5, 1], "N": 5, "loss": "squared", "k": 1},
         "details": {"k": 1, "loss_bound": 8.821879817267877e-26,
                     "factors": {"||grad_2||_F (upper)": 2.3831270958995496e-16,
                                 "s_1 = sigma_min([F_1, 1_N]) (lower)": 0.0019103693676190572,
                                 "m_2 = min |sigma'(G_2)| (lower)": 0.20999999999999971}}}


QUANT_DIRECT = {**QUANT, "details": {**QUANT["details"], "method": "direct", "loss_bound": 8.473637548808282e-27,
                                      "loss_bound_chain": 9.790593449647699e-27,
                                      "factors": {**QUANT["details"]["factors"],
                                                  "sigma_min(A) (lower), A: l'(F_L - Y) -> grad_{k+1}":
                                                      0.001294441020379272}}}

LEMMA_4_3 = {"format": "exactloss-result", "version": 1, "result": "Lemma 4.3", "holds": True, "level": "certified",
             "instance": {"samples": 5, "activation": "softplus(alpha=1)", "case": "b", "layer": 1, "beta": "0"},
             "details": {"direction": [1, -2], "projections": ["-2", "0", "1/2", "3", "7"], "beta": "0", "case": "b",
                         "det_limit": "log(2)**4", "det_limit_ball": "[0.230835098583083 +/- 1e-16]",
                         "alpha0": "213/100", "alpha0_level": "certified", "alpha0_for_every_positive_alpha": False,
                         "alpha0_argument": "softplus (case b): similarity by e^(-alpha c (t_j - t_i)); ...",
                         "witness": {"at_alpha0": {"alpha": "213/100", "level": "certified"}}},
             "clauses": [{"claim": "lim det E(alpha) = sigma(beta)^(N-1) != 0", "holds": True, "level": "certified",
                          "reason": ""}]}


def fragments():
    H = np.array([[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 0, 0], [0, 1, 0, 0]], dtype=object)
    names = ["W2[1,1]", "W2[2,1]", "b2[1]", "W3[1,1]"]
    return {
        "lemma_2_1": latex.lemma_2_1("3,4,3,2", 3),
        "lemma_2_1_L1": latex.lemma_2_1((2, 1), 1),
        "matrix": latex.matrix([[Fraction(-1, 2), 3, 0.25, arb("1/3")], ["[1.5 +/- 2e-30]", "7/9", 1e-300, -2]]),
        "matrix_wide": latex.matrix(np.arange(24).reshape(2, 12)),
        "e_alpha_sigmoid": latex.e_alpha(3, "sigmoid"),
        "e_alpha_tanh_big": latex.e_alpha(32, "tanh", beta=Fraction(1, 2)),
        "e_alpha_softplus": latex.e_alpha(4, "softplus", beta=0),
        "e_alpha_softplus_big": latex.e_alpha(9, "softplus"),
        "e_alpha_generic_N1": latex.e_alpha(1),
        "e_alpha_N2": latex.e_alpha(2, "sigma"),
        "hessian_paper_y": latex.block_hessian(H, ["y1", "y2", "y3", "y4"], det=1),
        "hessian_blocks": latex.block_hessian(H, names, det=arb("0.5")),
        "hessian_big": latex.block_hessian(np.eye(14, dtype=int), [f"x{i}" for i in range(1, 15)]),
        "loss_bound": latex.loss_bound(1, 3, grad="[1e-8 +/- 1e-20]", sigma_min_F="1/3", sigma_prime_min=[0.1, 0.2],
                                       sigma_min_W={3: "[0.5 +/- 1e-10]"}, bound=2.5e-13),
        "loss_bound_symbolic": latex.loss_bound(2, 3),
        "loss_bound_saved": latex.loss_bound_from_result(QUANT),
        "loss_bound_direct": latex.loss_bound_from_result(QUANT_DIRECT),
        "lemma_4_3_record": latex.lemma_4_3_from_result(LEMMA_4_3),
        "hessian_contrast_y": latex.hessian_contrast(H, ["y1", "y2", "y3", "y4"], [2, 3], point="y",
                                                     function="y1**2/2 + y2**2/2 + y1*y3 + y2*y4", det=-1,
                                                     det_subset=Fraction(0), level="proved"),
        "loss_bound_cauchy": latex.loss_bound(1, 2, grad=1e-6, sigma_min_F=0.5, sigma_prime_min=[0.2], bound=1e-5,
                                              loss="cauchy"),
    }


with latex.fragment_width("20in"):  # wide: every line whole, every matrix in full (the content tests)
    FRAGMENTS = fragments()
FITTED = fragments()  # the default width: a beamer frame and an article page


@pytest.mark.parametrize("name", sorted(FRAGMENTS))
def test_fragment_is_well_formed(name):
    check_fragment(FRAGMENTS[name])
    check_fragment(latex.document(FRAGMENTS[name], title=name))


def test_checker_catches_mistakes():
    for bad in (r"\frac{1}{2", r"\begin{bmatrix} 1 \end{pmatrix}", r"\mathbb{R}", r"a & b",
                r"\left[ x", r"\begin{align*} x \end{align*} }"):
        with pytest.raises(AssertionError):
            check_fragment(bad)


def test_numbers_are_written_as_known():
    assert latex.number(Fraction(-3, 7)) == r"-\frac{3}{7}"
    assert latex.number("22/7") == r"\frac{22}{7}"
    assert latex.number(5) == "5" and latex.number(np.int64(-2)) == "-2"
    assert latex.number(0.1) == "0.1"  # shortest round-trip decimal of the float
    assert latex.number(1e-300) == r"10^{-300}"
    assert latex.number(float("inf")) == r"\infty"
    assert latex.number("[1.5 +/- 2e-30]") == r"1.5 \pm 2 \cdot 10^{-30}"
    assert latex.number(arb(2)) == "2" and latex.number(arb("0.5")) == "0.5"  # exact balls: no radius
    ball = latex.number(arb("1/3"))
    mid, rad = ball.split(r" \pm ")
    assert mid.startswith("0.3333") and "10^{-" in rad  # arb's own rigorous decimal enclosure
    from flint import fmpq

    assert latex.number(fmpq(-1, 4)) == r"-\frac{1}{4}"
    import sympy

    assert latex.number(sympy.Rational(1, 2) * sympy.sqrt(2)) == r"\frac{\sqrt{2}}{2}"
    with pytest.raises(InputError, match="not a number"):
        latex.number("abc")
    with pytest.raises(InputError, match="boolean"):
        latex.number(True)


def test_lemma_2_1_shapes():
    tex = FRAGMENTS["lemma_2_1"]
    assert r"W_{2} &\in \mathbf{R}^{4 {\times} 3}" in tex
    assert r"\Delta_{2} &= (\Delta_{3} W_{3}^{T}) \circ \sigma'(G_{2})" in tex
    fitted = FITTED["lemma_2_1"]  # at the default width the shapes continue on the next line: fits a slide
    assert r"&\quad (3 {\times} 2)(2 {\times} 3) \circ (3 {\times} 3) \to 3 {\times} 3" in fitted
    with latex.fragment_width("12in"):  # wide enough: the shapes stay in their own aligned column
        wide = latex.lemma_2_1("3,4,3,2", 3)
    assert r"\Delta_{2} &= (\Delta_{3} W_{3}^{T}) \circ \sigma'(G_{2}) && (3 {\times} 2)(2 {\times} 3)" in wide
    assert r"\nabla_{W_{1}} \Phi &= X^{T} \Delta_{1}" in tex and r"\nabla_{W_{3}} \Phi &= F_{2}^{T} \Delta_{3}" in tex
    assert tex.count(r"\nabla_{b_") == 3
    with pytest.raises(InputError, match="at least one layer"):
        latex.lemma_2_1("3", 2)
    with pytest.raises(InputError, match="N must be a whole number"):
        latex.lemma_2_1("3,2", 0)


def test_e_alpha_limit_pattern():
    tex = FRAGMENTS["e_alpha_sigmoid"]
    lim = tex.split(r"\lim_{\alpha \to \infty} E(\alpha) &= ")[1].split(r"\end{bmatrix}")[0]
    assert lim.strip() == (r"\begin{bmatrix} 1 & \sigma(\beta) & \gamma \\ 1 & \mu & \sigma(\beta) \\ "
                           r"1 & \mu & \mu")
    assert r"A(\alpha)_{ij} = \sigma\bigl(\alpha (z_{j} - z_{i})^{T} a + \beta\bigr)" in tex
    assert r"d_{ij} = (z_j - z_i)^{T} a" in tex and r"\sigma(\alpha d_{12} + \beta)" in tex  # short entries
    assert r"= 0, \quad \gamma = \lim_{t \to \infty} \sigma(t) = 1" in tex
    assert r"\bigl(\mu - \sigma(\beta)\bigr)^{2}" in tex
    soft = FRAGMENTS["e_alpha_softplus"]
    assert r"\bigl[A(\alpha),\ \mathbf{1}_{4}\bigr]" in soft and r"\sigma(0)^{3}" in soft
    assert r"\vdots" in FRAGMENTS["e_alpha_tanh_big"] and "d_{32,31}" in FRAGMENTS["e_alpha_tanh_big"]
    with pytest.raises(InputError, match="sigmoid, tanh, softplus"):
        latex.e_alpha(3, "relu")


def test_block_hessian_and_bound_inputs():
    assert r"\{W_{2}, b_{2}, W_{3}\}" in FRAGMENTS["hessian_blocks"]
    assert r"{cc|c|c}" in FRAGMENTS["hessian_blocks"]
    with pytest.raises(InputError, match="one name per row"):
        latex.block_hessian([[1, 0], [0, 1]], ["x1"])
    with pytest.raises(InputError, match="square"):
        latex.block_hessian([[1, 0]], ["x1"])
    with pytest.raises(InputError, match=r"k in \[1, L-1\]"):
        latex.loss_bound(3, 3)
    with pytest.raises(InputError, match="one per layer"):
        latex.loss_bound(1, 3, sigma_prime_min=[0.1])
    cauchy = FRAGMENTS["loss_bound_cauchy"]
    assert r"\Phi &\le" not in cauchy and r"\ell'(F_{2} - Y)\|_F &\le" in cauchy


def test_loss_bound_from_a_saved_result():
    """Factors are shown on their safe side: upper bounds rounded up, lower bounds rounded down."""
    tex = latex.loss_bound_from_result(QUANT, digits=4)
    check_fragment(tex)
    assert r"g \le 2.384 \cdot 10^{-16}" in tex and r"s_{1} \ge 0.00191" in tex and r"m_{2} \ge 0.2099" in tex
    assert r"\Phi &\le 8.822 \cdot 10^{-26}" in tex
    assert "(l = 2)" in tex
    with pytest.raises(InputError, match="no quantitative Lemma 3.5 factors"):
        latex.loss_bound_from_result({**QUANT, "details": {"k": 1}})


def test_direct_bound_after_the_product_of_factors():
    """The product of the shown factors is the chain bound; the smaller direct bound follows, both at their level."""
    with latex.fragment_width("20in"):
        tex = latex.loss_bound_from_result(QUANT_DIRECT, digits=4)
    bounds = [ln.strip() for ln in tex.splitlines() if ln.strip().startswith(r"\Phi &\le")]
    assert bounds[0] == r"\Phi &\le 9.791 \cdot 10^{-27} \qquad \text{(certified)} \\"
    assert r"\sigma_{\min}(A) \ge 0.001294" in tex
    assert bounds[1] == (r"\Phi &\le \left( \frac{g}{2 \, \sigma_{\min}(A)} \right)^{2} \le 8.474 \cdot 10^{-27} "
                         r"\qquad \text{(certified)}")
    numerical = latex.loss_bound_from_result({**QUANT, "level": "numerical"})
    assert r"\text{numerical: } g" in numerical and "certified" not in numerical.split("\n", 1)[1]


def test_lemma_4_3_record_and_hessian_contrast():
    tex = FRAGMENTS["lemma_4_3_record"]
    assert r"a &= (1, -2)^{T}" in tex and r"(t_1, \dots, t_{5}) = (-2, 0, \frac{1}{2}, 3, 7)" in tex
    assert r"\sigma(0)^{4} = \ln{\left(2 \right)}^{4} \in 0.23083510 \pm" in tex
    assert r"\alpha \ge \alpha_0 = \frac{213}{100} \qquad \text{(certified)}" in tex
    assert "(proved)" not in tex
    assert "argument: Perron-scaled diagonal dominance" in tex
    hc = FRAGMENTS["hessian_contrast_y"]
    assert r"\det H(y) = -1 \neq 0" in hc and r"\det H_{\{y_{3}, y_{4}\}}(y) = 0" in hc
    assert r"\text{proved: } y \text{ is non-degenerate, but degenerate on } S = \{y_{3}, y_{4}\}" in hc
    with pytest.raises(InputError, match="subset"):
        latex.hessian_contrast([[1]], ["x1"], [3])


def test_directed_rounding():
    assert latex.number(0.20999999999999971, 4, "down") == "0.2099"
    assert latex.number(0.20999999999999971, 4, "up") == "0.21"
    assert latex.number(1e-5, 6, "up") == r"1.00001 \cdot 10^{-5}"  # the float is a hair above 1e-5
    assert latex.number(-0.0019103693676190572, 3, "up") == "-0.00191"
    assert latex.number(0.0, 3, "down") == "0"


ENGINE = next((e for e in ("pdflatex", "lualatex", "latex") if shutil.which(e)), None)


@pytest.mark.skipif(ENGINE is None, reason="no LaTeX engine on PATH (apt-get install texlive-latex-base)")
def test_fragments_compile(tmp_path):
    body = "\n\n".join(f"% --- {name}\n{latex.display(tex)}" for name, tex in sorted(FRAGMENTS.items()))
    doc = latex.document(body, title="exactloss fragments")
    (tmp_path / "all.tex").write_text(doc)
    out = subprocess.run([ENGINE, "-interaction=nonstopmode", "-halt-on-error", "all.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "Undefined control sequence" not in out.stdout


def _lemma_2_1_has_latex() -> bool:
    import inspect

    from exactloss import registry

    return "latex" in inspect.signature(registry.get("lemma-2.1").func).parameters


@pytest.mark.skipif(not _lemma_2_1_has_latex(),
                    reason="`check lemma-2.1 --latex` not wired yet (diff in the issue-8 report)")
def test_lemma_2_1_check_latex(capsys):
    import exactloss as xl
    from exactloss.surfaces import cli

    r = xl.check("lemma-2.1", widths="3,3,2", samples=3, latex=True)
    assert r.holds is True and r.details["latex"] == latex.lemma_2_1((3, 3, 2), 3)
    assert cli.main(["check", "lemma-2.1", "--widths", "3,3,2", "--samples", "3", "--latex"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == r.details["latex"].strip()
    check_fragment(out)


# -- fitting an article page and a beamer frame (issue 13, item 3) -----------------------------------------------

def _kpse(name: str) -> bool:
    if not shutil.which("kpsewhich"):
        return False
    return bool(subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip())


HAS_BEAMER = ENGINE is not None and _kpse("beamer.cls") and _kpse("pgfcore.sty")
# without beamer (texlive-latex-recommended, texlive-pictures): an article with a beamer frame's text width, 11 pt
BEAMER_LIKE = ("\\documentclass[11pt]{article}\n\\usepackage{amsmath}\n\\setlength{\\textwidth}{307.28pt}\n"
               "\\begin{document}\n")


def compile_log(doc: str, tmp_path, name: str) -> str:
    """pdflatex ``doc``; its log (asserting it compiled without undefined commands)."""
    (tmp_path / f"{name}.tex").write_text(doc)
    run = subprocess.run([ENGINE, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=180)
    log = (tmp_path / f"{name}.log").read_text(errors="replace")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "Undefined control sequence" not in log
    return log


def overfull(log: str) -> list[str]:
    return re.findall(r"Overfull \\hbox \([\d.]+pt too wide\)[^\n]*", log)


def in_beamer(fragments: dict) -> str:
    """One beamer frame per fragment (or, without beamer, the same text width in an article)."""
    if HAS_BEAMER:
        frames = "".join(f"\\begin{{frame}}\n{latex.display(t)}\n\\end{{frame}}\n" for t in fragments.values())
        return "\\documentclass{beamer}\n\\begin{document}\n" + frames + "\\end{document}\n"
    return BEAMER_LIKE + "\n\\clearpage\n".join(latex.display(t) for t in fragments.values()) + "\n\\end{document}\n"


@pytest.mark.skipif(ENGINE is None, reason="no LaTeX engine on PATH (.ci/latex.sh installs one)")
def test_fitted_fragments_fit_an_article_page_and_a_beamer_frame(tmp_path):
    body = "\n\n".join(f"% --- {name}\n{latex.display(tex)}" for name, tex in sorted(FITTED.items()))
    assert overfull(compile_log(latex.document(body), tmp_path, "article")) == []
    assert overfull(compile_log(in_beamer(FITTED), tmp_path, "beamer")) == []
    wide = compile_log(in_beamer({"lemma_2_1": FRAGMENTS["lemma_2_1"]}), tmp_path, "wide")
    assert overfull(wide), "the unfitted (20in) fragment should not fit a frame: the test would see nothing"


def test_wide_matrices_show_first_and_last_rows_and_columns():
    tex = latex.matrix(np.arange(900).reshape(30, 30))
    check_fragment(tex)
    assert r"\cdots" in tex and r"\vdots" in tex and r"\ddots" in tex
    assert tex.count(r"\\") < 14 and tex.lstrip().startswith(r"\begin{bmatrix} 0 & 1 &") and "899" in tex
    with latex.fragment_width("20in"):
        assert r"\cdots" not in latex.matrix(np.arange(24).reshape(2, 12))
    with latex.fragment_width("beamer"):
        narrow = latex.matrix(np.arange(24).reshape(2, 12))
    assert r"\cdots" in narrow and r"\vdots" not in narrow  # two rows: only columns are elided
    hb = FITTED["hessian_big"]
    assert r"\cdots" in hb or hb == FRAGMENTS["hessian_big"]


def test_latex_width_values():
    assert latex.parse_width("article") == 345 and latex.parse_width("beamer") < 300
    assert abs(latex.parse_width("6.5in") - 469.755) < 1e-6 and latex.parse_width("400pt") == 400
    for bad in ("wide", "3", "-2in", "90in"):
        with pytest.raises(InputError, match="latex width"):
            latex.parse_width(bad)
    default = latex.current_width()
    with latex.fragment_width("6.5in") as w:
        assert latex.current_width() == w
    assert latex.current_width() == default


def test_long_lines_continue_aligned_and_long_text_wraps():
    tex = FITTED["loss_bound_direct"]
    check_fragment(tex)
    assert r"&\quad " in tex and all(ln.count("&") <= 2 for ln in tex.splitlines())
    long_note = latex.loss_bound(1, 2, note="word " * 60)
    check_fragment(long_note)
    assert long_note.count(r"\text{") > 3


NOTATION = [(r"\mathrm{rank}", r"\operatorname{rank}"), (r"\text{rank}", r"\operatorname{rank}"),
            (r"\mathrm{det}", r"\det"), (r"\text{det}", r"\det"), (r"\operatorname{det}", r"\det"),
            (r"\mathrm{sign}", r"\operatorname{sign}")]


def assert_one_notation(tex: str) -> None:
    """The paper's symbols in math mode: \\operatorname{rank}, \\det, never rank(/det( written as text."""
    for bad, good in NOTATION:
        assert bad not in tex, f"{bad} in a fragment: write {good}"
    for text in re.findall(r"\\text\{((?:[^{}]|\{[^{}]*\})*)\}", tex):
        assert not re.search(r"\b(rank|det|sigma_min)\s*\(", text), f"a formula written as text: {text!r}"
        assert not re.search(r"\b[A-Za-z]\\_\w", text), f"a subscript written as text: {text!r}"


@pytest.mark.parametrize("name", sorted(FRAGMENTS))
def test_one_notation_everywhere(name):
    assert_one_notation(FRAGMENTS[name])
    assert_one_notation(FITTED[name])


def test_lemma_2_1_shows_the_concrete_sigma_and_loss():
    import exactloss as xl

    r = xl.check("lemma-2.1", widths="3,3,2", samples=3, activation="sigmoid", loss="squared", latex=True)
    tex = r.details["latex"]
    check_fragment(tex)
    assert r"\sigma(t) &= \frac{1}{1 + e^{- t}}" in tex and r"\ell(a) &= a^{2}, \quad \ell'(a) = 2 a" in tex
    generic = xl.check("lemma-2.1", widths="3,3,2", samples=3, latex=True).details["latex"]
    assert r"\sigma(t) &=" not in generic and r"\ell(a) &=" not in generic
    soft = latex.lemma_2_1("2,1", 2, activation="log(1 + exp(t))")
    assert r"\sigma(t) &= \ln{\left(e^{t} + 1 \right)}" in soft and r"\sigma'(t) = \frac{e^{t}}{e^{t} + 1}" in soft
