"""Issue 11, class 5 (no code from input is executed) and the input-number parts of classes 6 and 7.

* Activation, loss and polynomial strings are read by :mod:`exactloss.arith.exprparse` -- a parser that accepts only
  the variable, numbers, operators and a fixed list of functions.  The issue's example
  (``--activation "__import__('os').system('touch ...')"``) and its variants go through the CLI, through the
  Python API, and through crafted JSON records handed to ``exactloss verify`` and ``exactloss explain``.  The
  independent check that nothing ran: the side-effect file does not exist afterwards, and (for the hypothesis
  family) ``eval``/``exec``/SymPy's ``parse_expr`` are replaced by tripwires that fail the test if touched.
* A parameter entry ``"1e999999999"`` (Python's ``Fraction`` would compute ``10**999999999``) is refused within a
  second, naming the entry and the limit.
* ``grad`` with an X entry ``1e400``: the ball arithmetic overflows (NaN), which is no certificate -- the result is
  undecided, never ``certified``.  The true Phi is recomputed independently with mpmath at escalating precision
  (mpmath's exponent range is unbounded): it is a finite number, so NaN was not an enclosure of anything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from fractions import Fraction as Q
from unittest import mock

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exactloss
from exactloss.net.backprop import backprop
from exactloss.paper.lemma_2_1 import gradients
from exactloss.surfaces.cli import main
from exactloss.errors import InputError
from exactloss.net.files import load_data, load_parameters
from exactloss.net.network import Network, Parameters
from exactloss.arith.systems import MAX_EXPONENT, Ball, all_finite, parse_rational
from tests.tolerance import ball_contains


def run(argv, capsys):
    """One CLI run: (exit code, stdout, stderr); exit 3 (internal error) fails the test at once."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 3, f"internal error for {argv}: {err}"
    return code, out, err


def code_strings(target):
    """Strings that run ``touch target`` when handed to Python's eval (SymPy's old parse_expr route)."""
    chars = "+".join(f"chr({ord(c)})" for c in f"touch {target}")
    return [
        f"__import__('os').system('touch {target}')",                        # the issue's example
        f"__import__(chr(111)+chr(115)).system({chars})",                     # no quotes at all
        f"t + 0*__import__('os').system('touch {target}')",                   # hidden in a valid-looking formula
        f"exec(\"import os; os.system('touch {target}')\")",
        f"[c for c in ().__class__.__bases__[0].__subclasses__() if c.__name__ == 'Popen'][0]('touch {target}', shell=True)",
        f"(lambda: __import__('os').system('touch {target}'))()",
        f"getattr(__import__('os'), 'system')('touch {target}')",
    ]


# -- the CLI, as a user runs it ------------------------------------------------------------------

def test_issue_example_in_a_real_subprocess(tmp_path):
    target = tmp_path / "pwned"
    p = subprocess.run([sys.executable, "-m", "exactloss.surfaces.cli", "assumptions", "--activation",
                        f"__import__('os').system('touch {target}')"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stderr
    assert p.stderr.startswith("error: ") and p.stderr.count("\n") == 1
    assert not target.exists()


def _files(tmp_path, W1="1", X="1"):
    folder = tmp_path / f"W1={W1[:12] if isinstance(W1, str) else W1},X={X[:12]}"
    folder.mkdir(exist_ok=True)
    P = folder / "P.json"
    D = folder / "D.json"
    P.write_text(json.dumps({"W": [[[W1, 2]], [[1], [-1]]], "b": [[0, 0], [0]]}))
    D.write_text(json.dumps({"X": [[X], [1]], "Y": [[0], [1]]}))
    return P, D


@pytest.mark.parametrize("k", range(7))
def test_code_strings_via_the_cli_are_refused(k, tmp_path, capsys):
    target = tmp_path / "pwned"
    bad = code_strings(target)[k]
    P, D = _files(tmp_path)
    for argv in (["assumptions", "--activation", bad],
                 ["assumptions", "--activation", "sigmoid", "--loss", bad],
                 ["check", "lemma-2.1", "--widths", "2,2,1", "--samples", "1", "--activation", bad],
                 ["check", "lemma-2.1", "--widths", "2,2,1", "--samples", "1", "--activation", "sigmoid", "--loss", bad],
                 ["grad", "--params", str(P), "--data", str(D), "--activation", bad],
                 ["grad", "--params", str(P), "--data", str(D), "--loss", bad],
                 ["check", "theorem-3.10", "--function", bad]):
        code, out, err = run(argv, capsys)
        assert code == 2, (argv, out, err)
        assert err.startswith("error: ") and err.count("\n") == 1
        assert not target.exists(), argv


def test_code_strings_via_the_api_are_refused(tmp_path):
    target = tmp_path / "pwned"
    for bad in code_strings(target):
        for call in (lambda: exactloss.activation(bad), lambda: exactloss.loss(bad),
                     lambda: exactloss.theorem_3_10(bad)):
            with pytest.raises(InputError):
                call()
        assert not target.exists()


# -- crafted records: verify and explain are safe on untrusted files ------------------------------

def _record(tmp_path, capsys):
    code, out, _ = run(["check", "lemma-2.1", "--widths", "2,2,1", "--samples", "1", "--activation", "atan(t)",
                        "--loss", "a**2", "--json"], capsys)
    assert code == 0
    rec = json.loads(out)
    assert rec["source"]["arguments"]["activation"] == "atan(t)"
    return rec


@pytest.mark.parametrize("field", ["activation", "loss"])
def test_crafted_record_for_verify_and_explain(field, tmp_path, capsys):
    rec = _record(tmp_path, capsys)
    target = tmp_path / "pwned"
    for k, bad in enumerate(code_strings(target)):
        evil = json.loads(json.dumps(rec))
        evil["source"]["arguments"][field] = bad
        evil["instance"][field] = bad
        f = tmp_path / f"evil{k}.json"
        f.write_text(json.dumps(evil))
        code, out, err = run(["verify", str(f)], capsys)
        assert code in (1, 2) and ("NOT verified" in out or err.startswith("error: ")), (bad, out, err)
        assert "verified: " not in out.replace("NOT verified", "")
        code, out, err = run(["explain", str(f)], capsys)
        assert code in (0, 2)
        assert not target.exists(), bad


# -- a hypothesis family: junk and attribute access, refused with InputError, never run ---------------

_PIECES = ["__class__", "__bases__", "__subclasses__", "__import__", "__globals__", "__builtins__", "lambda", "()",
           ".", "[0]", ";", "'", '"', "os", "system", "import ", "exec", "eval", "getattr", "chr(", ":", "{", "}",
           "t", "(", ")", " ", ",", "x", "=", "\\", "`", "!", "@", "$", "#", "1", "+", "*"]
_FORBIDDEN = ("__", "lambda", ";", "'", '"', ".", "[", ":", "{", "}", "import", "exec", "eval", "getattr", "os",
              "system", "chr", "x", "=", "\\", "`", "!", "@", "$", "#")


def _tripwire(*args, **kwargs):
    raise AssertionError("eval/exec/parse_expr was called on user input")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10).map("".join)
       .filter(lambda s: any(f in s for f in _FORBIDDEN)))
def test_junk_is_refused_and_never_evaluated(text):
    with mock.patch("builtins.eval", _tripwire), mock.patch("builtins.exec", _tripwire), \
            mock.patch("sympy.parsing.sympy_parser.parse_expr", _tripwire), \
            mock.patch("sympy.parsing.sympy_parser.eval_expr", _tripwire):
        for make in (exactloss.activation, exactloss.loss):
            with pytest.raises(InputError):
                make(text)


# -- numbers of unbounded size: refused at once -----------------------------------------------------

@pytest.mark.parametrize("entry", ["1e999999999", "-1e999999999", "1E+999999999", "1e" + "9" * 4000,
                                   "0.5e999999999", "1e-999999999"])
def test_huge_exponent_entry_is_refused_within_a_second(entry, tmp_path, capsys):
    P, D = _files(tmp_path, W1=entry)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"W_1\[0, 0\].*exponent.*e-1000 \.\. e\+1000"):
        load_parameters(P)
    assert time.perf_counter() - t0 < 1
    P2, D2 = _files(tmp_path, X=entry)
    t0 = time.perf_counter()
    with pytest.raises(InputError, match=r"X\[0, 0\]"):
        load_data(D2)
    assert time.perf_counter() - t0 < 1
    code, out, err = run(["grad", "--params", str(P), "--data", str(D)], capsys)
    assert code == 2 and "W_1[0, 0]" in err and err.count("\n") == 1


def test_too_many_digits_and_json_overflow_are_refused(tmp_path, capsys):
    D = tmp_path / "D.json"
    D.write_text('{"X": [[' + "1" * 5000 + '], [1]], "Y": [[0], [1]]}')   # Python refuses > 4300 digits itself
    with pytest.raises(InputError, match="5000 digits"):
        load_data(D)
    D.write_text('{"X": [["' + "1" * 4001 + '"], [1]], "Y": [[0], [1]]}')
    with pytest.raises(InputError, match="more than 4000 digits"):
        load_data(D)
    D.write_text('{"X": [[1e400], [1]], "Y": [[0], [1]]}')                # json would make this inf silently
    with pytest.raises(InputError, match="write it as a string"):
        load_data(D)
    for bad in ("NaN", "Infinity", "-Infinity", '"nan"', '"inf"'):
        D.write_text('{"X": [[' + bad + '], [1]], "Y": [[0], [1]]}')
        with pytest.raises(InputError, match="not a finite number"):
            load_data(D)


@settings(max_examples=25, deadline=None)
@given(st.integers(-MAX_EXPONENT, MAX_EXPONENT), st.integers(1, 999), st.booleans())
def test_exponents_within_the_limit_are_read_exactly(k, m, neg):
    text = f"{'-' if neg else ''}{m}e{k}"
    q = parse_rational(text)
    expected = Q(m) * (Q(10) ** k)      # independent: Python's exact integer arithmetic
    assert q == (-expected if neg else expected)


@settings(max_examples=25, deadline=None)
@given(st.integers(MAX_EXPONENT + 1, 10 ** 15), st.booleans())
def test_exponents_beyond_the_limit_are_refused_fast(k, neg):
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="exponent"):
        parse_rational(f"1e{'-' if neg else ''}{k}", "entry")
    assert time.perf_counter() - t0 < 0.5


# -- a ball that is NaN or infinite is no certificate ------------------------------------------------

def _phi_mpmath(W1, b1, W2, b2, X, Y):
    """Phi = sum (sigmoid(sigmoid(x W1 + b1) W2 + b2) - y)^2 with mpmath, precision escalated until two agree."""
    def phi(dps):
        with mpmath.workdps(dps):
            sig = lambda z: 1 / (1 + mpmath.exp(-z))  # noqa: E731
            tot = mpmath.mpf(0)
            for x, y in zip(X, Y):
                x = mpmath.mpf(x.numerator) / x.denominator
                h = [sig(x * w + b) for w, b in zip(W1, b1)]
                out = sig(sum(hj * w for hj, w in zip(h, W2)) + b2)
                tot += (out - y) ** 2
            return tot
    prev = phi(30)
    for dps in (60, 120, 240):
        cur = phi(dps)
        if abs(cur - prev) <= mpmath.mpf(10) ** -25 * max(1, abs(cur)):
            return cur
        prev = cur
    raise AssertionError("mpmath did not settle")


def test_issue_example_grad_1e400_is_not_certified(tmp_path, capsys):
    P, D = _files(tmp_path, W1=-1, X="1e400")
    code, out, err = run(["grad", "--params", str(P), "--data", str(D), "--loss", "a**2"], capsys)
    assert code == 1, (out, err)
    assert "[certified]" not in out and "Phi = nan   [undecided]" in out and "undecided: " in out
    r = gradients(str(P), str(D), "sigmoid", "a**2")
    assert r.holds is None and r.level is None and r.missing
    # independent: the true Phi is a finite number (about 0.6), so NaN enclosed nothing
    true_phi = _phi_mpmath([-1, 2], [0, 0], [1, -1], 0, [Q(10) ** 400, Q(1)], [0, 1])
    assert mpmath.isfinite(true_phi) and 0 < true_phi < 2


@settings(max_examples=15, deadline=None)
@given(st.integers(300, 1000), st.sampled_from([-2, -1, 1, 2]), st.sampled_from([-2, -1, 1, 2]), st.booleans())
def test_huge_inputs_are_certified_only_when_the_ball_encloses(k, w1, w2, neg):
    x = -(Q(10) ** k) if neg else Q(10) ** k
    P = Parameters.from_lists([[[w1, w2]], [[1], [-1]]], [[0, 0], [0]])
    data = ([[f"{'-' if neg else ''}1e{k}"], [1]], [[0], [1]])
    r = gradients(P, data, "sigmoid", "a**2")
    g = backprop(Network((1, 2, 1), "sigmoid"), P, data[0], data[1], "a**2", Ball.from_digits(40))
    assert g.level == r.level
    truth = _phi_mpmath([w1, w2], [0, 0], [1, -1], 0, [x, Q(1)], [0, 1])
    if r.level == "certified":
        assert r.holds is True and g.phi.is_finite() and ball_contains(g.phi, truth)
    else:
        assert r.holds is None and r.level is None and "non-finite" in r.reason
        assert not all_finite([g.phi, *g.grad_W, *g.grad_b])


# -- a static guard: no route from text to Python evaluation in the package ------------------------

def test_no_eval_route_in_the_package_sources():
    """No ``eval``/``exec``/``parse_expr``/``sympify`` (unless ``strict=True``, which refuses strings) in
    exactloss's sources, every ``np.load`` with ``allow_pickle=False``, and no ``pickle.load``/``yaml.load``."""
    import ast
    from pathlib import Path

    root = Path(exactloss.__file__).parent
    bad = []
    for f in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            owner = fn.value.id if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) else ""
            kw = {k.arg: k.value for k in node.keywords}
            strict = isinstance(kw.get("strict"), ast.Constant) and kw["strict"].value is True
            if name in ("eval", "exec", "parse_expr") and owner in ("", "builtins"):
                bad.append(f"{f.name}:{node.lineno} {name}")
            elif name == "sympify" and not strict:
                bad.append(f"{f.name}:{node.lineno} sympify")
            elif name == "load" and owner in ("np", "numpy"):
                ap = kw.get("allow_pickle")
                if not (isinstance(ap, ast.Constant) and ap.value is False):
                    bad.append(f"{f.name}:{node.lineno} np.load without allow_pickle=False")
            elif name in ("load", "loads", "unsafe_load") and owner in ("pickle", "yaml", "marshal", "dill"):
                bad.append(f"{f.name}:{node.lineno} {owner}.{name}")
    assert not bad, bad
