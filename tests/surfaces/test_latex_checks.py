"""`--latex` on lemma-4.3, definition-3.7 and lemma-3.5 --form quantitative (issue 8, item 3); `--latex-standalone`
and `--latex-width` on every check with `--latex`, compiled in an article and a beamer frame (issue 13, item 3).

Each CLI run prints only the fragment; it passes the structural checker of tests/surfaces/test_latex.py and, when a
LaTeX engine is on PATH, compiles inside ``latex.document``.  The Python API puts the fragment in
``details["latex"]`` only when asked, and the fragment shows each certificate at the level the result has.
"""

import subprocess

import pytest

import exactloss as xl
from exactloss.surfaces import cli
from exactloss.surfaces import latex
from exactloss.errors import InputError

from exactloss import registry
from test_latex import ENGINE, HAS_BEAMER, assert_one_notation, check_fragment, compile_log, overfull

# (name, argv after "check", expected exit code, the Python API call with the same instance)
CASES = {
    "lemma-4.3": (["lemma-4.3", "--samples", "4", "--points", "grid", "--sweep-points", "2"], 0,
                  ("lemma-4.3", {"samples": 4, "points": "grid", "sweep_points": 2})),
    "lemma-4.3-softplus": (["lemma-4.3", "--samples", "5", "--activation", "softplus", "--sweep-points", "0",
                            "--no-exact"], 0,
                           ("lemma-4.3", {"samples": 5, "activation": "softplus", "sweep_points": 0,
                                          "no_exact": True})),
    "definition-3.7": (["definition-3.7"], 0, ("definition-3.7", {})),
    "definition-3.7-network": (["definition-3.7", "--example", "network"], 0,
                               ("definition-3.7", {"example": "network"})),
    "lemma-3.5": (["lemma-3.5", "--form", "quantitative", "--widths", "2,5,1", "--samples", "5"], 0,
                  ("lemma-3.5", {"form": "quantitative", "widths": "2,5,1", "samples": 5})),
    "lemma-3.5-no-bound": (["lemma-3.5", "--form", "quantitative", "--instance", "top-solved", "--widths", "2,2,1",
                            "--samples", "5", "--layer", "1"], 1,
                           ("lemma-3.5", {"form": "quantitative", "instance": "top-solved", "widths": "2,2,1",
                                          "samples": 5, "layer": 1})),
}


@pytest.fixture(scope="module")
def printed():
    """Every case run once through the CLI with --latex: {name: (exit code, stdout)}."""
    import contextlib
    import io

    out = {}
    for name, (argv, _, _) in CASES.items():
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            code = cli.main(["check", *argv, "--latex", "--latex-width", "20in"])  # wide: the content tests
        out[name] = (code, buf.getvalue())
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_prints_a_well_formed_fragment(printed, name):
    code, out = printed[name]
    assert code == CASES[name][1]
    assert out.lstrip().startswith("%") and r"\begin{align*}" in out
    assert "How we know" not in out  # the fragment alone, not the explanation
    check_fragment(out)
    check_fragment(latex.document(out, title=name))


@pytest.mark.skipif(ENGINE is None, reason="no LaTeX engine on PATH (apt-get install texlive-latex-base)")
def test_cli_fragments_compile(printed, tmp_path):
    body = "\n\n".join(f"% --- {name}\n{latex.display(out.strip())}" for name, (_, out) in sorted(printed.items()))
    (tmp_path / "checks.tex").write_text(latex.document(body, title="exactloss --latex"))
    run = subprocess.run([ENGINE, "-interaction=nonstopmode", "-halt-on-error", "checks.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "Undefined control sequence" not in run.stdout


API = ("lemma-4.3", "definition-3.7", "lemma-3.5")


@pytest.fixture(scope="module")
def api():
    """{name: (result without latex, result with latex=True)} through the public ``xl.check``."""
    out = {}
    for name in API:
        check, kw = CASES[name][2]
        with latex.fragment_width("20in"):  # as the CLI run with --latex-width 20in
            out[name] = (xl.check(check, **kw), xl.check(check, **kw, latex=True))
    return out


@pytest.mark.parametrize("name", API)
def test_api_puts_the_fragment_in_details_only_when_asked(printed, api, name):
    plain, asked = api[name]
    assert "latex" not in plain.details and "latex" not in plain.to_json()["details"]
    assert asked.holds == plain.holds and asked.level == plain.level
    assert asked.details["latex"].strip() == printed[name][1].strip()  # the CLI prints exactly this


def test_lemma_4_3_fragment_content(printed):
    tex = printed["lemma-4.3"][1]
    assert r"A(\alpha)_{ij} = \sigma\bigl(\alpha (z_{j} - z_{i})^{T} a\bigr)" in tex
    assert (r"\lim_{\alpha \to \infty} E(\alpha) &= \begin{bmatrix} 1 & \sigma(0) & \gamma & \gamma \\ "
            r"1 & \mu & \sigma(0) & \gamma \\ 1 & \mu & \mu & \sigma(0) \\ 1 & \mu & \mu & \mu \end{bmatrix}") in tex
    assert r"= -\frac{1}{8} \neq 0 \qquad \text{(proved)}" in tex  # (0 - 1/2)^3, exact
    assert r"\text{for every } \alpha > 0 \ (\alpha_0 = 0) \qquad \text{(proved)}" in tex
    assert r"(t_1, \dots, t_{4}) = (0, 1, 2, 3)" in tex
    assert r"\text{argument: " in tex


def test_lemma_4_3_softplus_shows_certified_not_proved(printed):
    """Case (b): the limit log(2)^4 is certified (a ball), alpha_0 certified -- never shown as proved."""
    tex = printed["lemma-4.3-softplus"][1]
    assert r"\bigl[A(\alpha),\ \mathbf{1}_{5}\bigr]" in tex and r"\xrightarrow[\alpha \to \infty]{}" in tex
    lim = next(ln for ln in tex.splitlines() if ln.strip().startswith(r"\lim_{\alpha \to \infty} \det E(\alpha)"))
    assert r"\sigma(0)^{4} = \ln{\left(2 \right)}^{4} \in 0.2308" in lim and lim.endswith(r"\text{(certified)} \\")
    a0 = next(ln for ln in tex.splitlines() if r"\alpha_0 = " in ln)
    assert a0.rstrip(" \\").endswith(r"\text{(certified)}") and "proved" not in a0
    assert "(proved)" not in tex.split(r"\end{align*}")[0].split(r"\det E(\alpha) &= \sigma(0)^{4}")[-1]


def test_lemma_4_3_latex_from_a_saved_record():
    r = xl.check("lemma-4.3", samples=3, sweep_points=0, activation="tanh", beta="1/2")
    tex = latex.lemma_4_3_from_result(r.to_json())
    check_fragment(tex)
    assert r"\sigma\bigl(\alpha (z_{j} - z_{i})^{T} a + \frac{1}{2}\bigr)" in tex
    assert r"\mu &= \lim_{t \to -\infty} \sigma(t) = -1" in tex
    with pytest.raises(InputError, match="not a Lemma 4.3 result"):
        latex.lemma_4_3_from_result({**r.to_json(), "details": {}})


def test_definition_3_7_fragment_content(printed):
    tex = printed["definition-3.7"][1]
    assert r"H(x) = \nabla^2 f(x) &= \begin{bmatrix} 1 & 0 & 0 & 0 \\ 0 & 1 & 0 & 0 \\ 0 & 0 & 0 & 0 \\ " \
           r"0 & 0 & 0 & 0 \end{bmatrix}, \qquad \det H(x) = 0" in tex
    assert r"\det H_{\{x_{1}, x_{2}\}}(x) = 1 \neq 0" in tex
    assert r"\det H(y) = 1 \neq 0" in tex and r"\det H_{\{y_{3}, y_{4}\}}(y) = 0" in tex
    assert r"x \text{ is degenerate, but non-degenerate on } S = \{x_{1}, x_{2}\}" in tex
    assert r"y \text{ is non-degenerate, but degenerate on } S = \{y_{3}, y_{4}\}" in tex
    assert tex.count("proved (exact determinants)") == 2
    net = printed["definition-3.7-network"][1]
    assert r"\det \nabla^2_S \Phi &= 0" in net and r"S &= \{W_{2}, b_{2}\}" in net
    assert r"\text{proved: degenerate on all parameters}" in net


def test_lemma_3_5_fragment_content(printed, api):
    """The product of factors, each rounded on its safe side, the chain bound and the (smaller) direct one."""
    tex = printed["lemma-3.5"][1]
    r = api["lemma-3.5"][1]
    f = r.details["factors"]
    g = next(v for k, v in f.items() if k.startswith("||grad_2||"))
    s1 = next(v for k, v in f.items() if k.startswith("s_1"))
    assert rf"g \le {latex.number(g, 6, 'up')}" in tex and rf"s_{{1}} \ge {latex.number(s1, 6, 'down')}" in tex
    assert r"\left( \frac{g}{2 \, s_{1} \, m_{2}} \right)^{2}" in tex
    bounds = [ln for ln in tex.splitlines() if ln.strip().startswith(r"\Phi &\le")]
    assert bounds and all(ln.rstrip(" \\").endswith(r"\text{(certified)}") for ln in bounds)
    if r.details["method"] == "direct":
        assert latex.number(r.details["loss_bound_chain"], 6, "up") in bounds[0]
        assert latex.number(r.details["loss_bound"], 6, "up") in bounds[-1] and r"\sigma_{\min}(A) \ge" in tex
    else:
        assert latex.number(r.details["loss_bound"], 6, "up") in bounds[0]
    no = printed["lemma-3.5-no-bound"][1]
    assert r"\text{no bound (fails): (1) } \operatorname{rank}([F_{1}" in no and r"\Phi &\le" not in no and "certified" not in no
    assert "(symbolic)" in no.splitlines()[0]


def test_lemma_3_5_latex_needs_the_quantitative_form(capsys):
    assert cli.main(["check", "lemma-3.5", "--latex"]) == 2
    assert "--form quantitative" in capsys.readouterr().err
    with pytest.raises(InputError, match="--form quantitative"):
        xl.check("lemma-3.5", latex=True)


# -- --latex-standalone and --latex-width (issue 13, item 3) -----------------------------------------------------

LATEX_CHECKS = [c.name for c in registry.checks() if any(o.dest == "latex" for o in c.options)]
STANDALONE = {**{name: argv for name, (argv, _, _) in CASES.items()},
              "lemma-2.1": ["lemma-2.1", "--widths", "3,4,3,2", "--activation", "sigmoid", "--loss", "squared"]}


def _run(argv):
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = cli.main(["check", *argv])
    return code, buf.getvalue()


def test_every_check_with_latex_has_the_standalone_options():
    assert set(LATEX_CHECKS) == {"lemma-2.1", "lemma-4.3", "definition-3.7", "lemma-3.5"}
    assert {argv[0] for argv in STANDALONE.values()} == set(LATEX_CHECKS)


@pytest.mark.parametrize("cls", ["article", "beamer"])
@pytest.mark.parametrize("name", sorted(STANDALONE))
def test_standalone_document(name, cls, tmp_path):
    code, doc = _run([*STANDALONE[name], "--latex-standalone", cls])
    assert code in (0, 1)
    assert doc.startswith(f"\\documentclass{{{cls}}}") and doc.rstrip().endswith(r"\end{document}")
    assert r"\begin{align*}" in doc
    assert_one_notation(doc)
    if ENGINE is None or (cls == "beamer" and not HAS_BEAMER):
        pytest.skip("no LaTeX engine (or no beamer) on PATH: .ci/latex.sh installs them")
    assert overfull(compile_log(doc, tmp_path, name)) == []


def test_latex_width_option(capsys):
    code, narrow = _run(["definition-3.7", "--example", "network", "--latex"])
    code2, wide = _run(["definition-3.7", "--example", "network", "--latex", "--latex-width", "20in"])
    assert code == code2 == 0 and r"\cdots" in narrow and r"\cdots" not in wide
    code, doc = _run(["definition-3.7", "--example", "network", "--latex-standalone", "--latex-width", "8in"])
    assert r"\setlength{\textwidth}{578pt}" in doc  # the article widened to the width asked for
    assert cli.main(["check", "lemma-2.1", "--latex", "--latex-width", "huge"]) == 2
    assert "latex width" in capsys.readouterr().err


def test_lemma_2_1_cli_concrete_sigma_and_loss():
    code, out = _run(STANDALONE["lemma-2.1"] + ["--latex"])
    assert code == 0 and r"\sigma(t) &= \frac{1}{1 + e^{- t}}" in out and r"\ell(a) &= a^{2}" in out
    check_fragment(out)
