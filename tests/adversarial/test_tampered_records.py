"""Issue 11, class 4: ``exactloss verify`` rejects every tampered record and names the tampered field.

For a handful of representative checks a genuine ``--json`` record is computed once (module scope), verify
must accept it, and a hypothesis-driven tamperer then edits one claim-bearing field -- ``holds``, ``level``,
``result``, ``statement``, a clause's ``holds``/``level``, a number of ``details`` scaled or shifted, a ball
narrowed or moved, a string edited, a field deleted -- and verify must say NOT verified and name that field.

Independent paths: the tamperer's own structural comparison with the genuine record shows that the edit
changed a claim (so "NOT verified" is the right answer), and the genuine Lemma 4.3 witness is re-checked
with mpmath at two precisions (det [F_1, 1_N] inside the saved ball, away from 0), without exactloss.
"""

from __future__ import annotations

import copy
import io
import json
import re
from fractions import Fraction

import mpmath
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exactloss as xl
from exactloss.surfaces.cli import main, run_all
from exactloss.surfaces.verify import verify

# -- the genuine records, computed once ---------------------------------------------------------

_SPECS = {
    "lemma-4.3 sigmoid": ("lemma-4.3", {"samples": 4, "dim": 1, "points": "grid"}),
    "lemma-4.3 softplus": ("lemma-4.3", {"samples": 4, "dim": 2, "activation": "softplus"}),
    "lemma-3.5 quantitative": ("lemma-3.5", {"form": "quantitative", "widths": "2,4,1", "samples": 4}),
    "theorem-3.4": ("theorem-3.4", {"instance": "global-min"}),
    "assumption-3.2": ("assumption-3.2", {"activation": "sigmoid", "loss": "squared"}),
    "lemma-2.1": ("lemma-2.1", {"widths": "2,2,1", "samples": 2, "activation": "sigmoid", "loss": "cauchy"}),
    "rank-scale ball": ("rank-scale", {"samples": 12, "dim": 3, "numbers": "ball"}),
}
_RECORDS: dict[str, dict] = {}


def genuine(key: str) -> dict:
    if key not in _RECORDS:
        if key == "bundle":
            buf = io.StringIO()
            run_all(only="lemma-2.1,definition-3.7", as_json=True, out=buf)
            _RECORDS[key] = json.loads(buf.getvalue())
        else:
            name, kw = _SPECS[key]
            _RECORDS[key] = json.loads(json.dumps(xl.check(name, **kw).to_json()))
    return copy.deepcopy(_RECORDS[key])


KEYS = [*_SPECS, "bundle"]


@pytest.mark.parametrize("key", KEYS)
def test_genuine_record_verifies(key):
    rec = genuine(key)
    v = verify(rec)
    assert v.holds is True, (key, v.reason)
    assert v.details["fields"] == []


# -- the tamperer ---------------------------------------------------------------------------------

_NOT_CLAIMS = {"seconds", "source", "format", "version"}
_BALL = re.compile(r"^\[\s*([-+0-9.eE]*)\s*\+/-\s*([-+0-9.eE]+)\s*\]$")
_RATIONAL = re.compile(r"^[-+]?\d+(?:/\d+)?$")
_DECIMAL = re.compile(r"^[-+]?\d*\.\d+(?:[eE][-+]?\d+)?$")
_LEVELS = (None, "numerical", "certified", "proved")


def _leaves(obj, path=()):
    """Every (path, value) of a record that states a claim, internal nodes included (for deletion)."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in _NOT_CLAIMS:
                continue
            yield (*path, k), v
            yield from _leaves(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield (*path, i), v
            yield from _leaves(v, (*path, i))


def _name(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _get(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def _mutate(value, draw, key):
    """A changed claim for ``value`` (never equal to it, never a weaker-but-true ball)."""
    if key == "holds":
        return draw(st.sampled_from([v for v in (True, False, None) if v is not value]))
    if key == "level":
        return draw(st.sampled_from([v for v in _LEVELS if v != value]))
    if isinstance(value, bool):
        return not value
    if value is None:
        return draw(st.sampled_from(["tampered", 1, True]))
    if isinstance(value, int):
        return value + draw(st.sampled_from([-3, -1, 1, 2, 10**6]))
    if isinstance(value, float):
        if value != value or value in (0.0, float("inf"), float("-inf")):
            return 1.5
        return value * draw(st.sampled_from([0.5, 0.9, 0.999, 1.001, 2.0, -1.0]))
    if isinstance(value, str):
        m = _BALL.match(value)
        if m:
            mid = float(m.group(1) or 0)
            rad = float(m.group(2))
            if draw(st.booleans()):  # narrowed (and nudged off-centre)
                return f"[{mid + 0.9 * rad:.15e} +/- {rad / 1000:.3e}]"
            return f"[{mid + 3 * rad + abs(mid) * 1e-3:.15e} +/- {rad:.3e}]"  # moved
        if _RATIONAL.match(value):
            return str(Fraction(value) + draw(st.sampled_from([Fraction(1), Fraction(-1, 3), Fraction(7, 2)])))
        if _DECIMAL.match(value):
            return value + "7" if draw(st.booleans()) else str(float(value) * 2 + 1)
        i = draw(st.integers(0, len(value)))
        return value[:i] + draw(st.sampled_from(["x", "not ", "Q"])) + value[i:]
    return "tampered"


@st.composite
def tampered(draw, key):
    rec = genuine(key)
    paths = [p for p, _ in _leaves(rec)]
    path = draw(st.sampled_from(paths))
    parent, last = _get(rec, path[:-1]), path[-1]
    value = parent[last]
    deletable = isinstance(parent, dict) and last not in ("result",)
    if deletable and draw(st.integers(0, 5)) == 0:
        del parent[last]
        return rec, path, "deleted"
    if isinstance(value, (dict, list)):  # a container: delete one of its entries instead
        if not value:
            parent[last] = "tampered"
            return rec, path, "replaced"
        if isinstance(value, dict):
            k = draw(st.sampled_from([k for k in value if k not in _NOT_CLAIMS] or list(value)))
            del value[k]
            return rec, (*path, k), "deleted"
        value.pop()
        return rec, path, "shortened"
    parent[last] = _mutate(value, draw, last)
    return rec, path, f"{value!r} -> {parent[last]!r}"


def _named(path, v) -> bool:
    """verify names the tampered field, or a field on its path (a deleted clause key names the clause)."""
    want = _name(path)
    for f in v.details.get("fields") or []:
        if f == want or f.startswith(want + ".") or f.startswith(want + "[") or want.startswith(f + ".") \
                or want.startswith(f + "["):
            return True
    return want in v.reason


def _changed(genuine_rec, rec) -> bool:
    """The independent oracle: the tampered record differs from the genuine one outside non-claim fields."""
    def strip(o):
        if isinstance(o, dict):
            return {k: strip(v) for k, v in o.items() if k not in _NOT_CLAIMS}
        if isinstance(o, list):
            return [strip(v) for v in o]
        return o
    return json.dumps(strip(genuine_rec), sort_keys=True) != json.dumps(strip(rec), sort_keys=True)


def _check_tampered(key, data):
    rec, path, how = data.draw(tampered(key))
    assert _changed(genuine(key), rec), (path, how)
    v = verify(rec)
    assert v.holds is False, (key, _name(path), how, v.reason)
    assert _named(path, v), (key, _name(path), how, v.details.get("fields"), v.reason)


_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("key", KEYS)
@_SETTINGS
@given(data=st.data())
def test_tampered_record_is_not_verified(key, data):
    _check_tampered(key, data)


# -- the issue's examples, one by one --------------------------------------------------------------

def _verify_edit(key, edit):
    rec = genuine(key)
    edit(rec)
    return verify(rec)


def test_issue_examples():
    # Lemma 4.3: level raised from certified to proved, holds flipped
    v = _verify_edit("lemma-4.3 softplus", lambda r: r.__setitem__("level", "proved"))
    assert v.holds is False and v.details["fields"] == ["level"]
    v = _verify_edit("lemma-4.3 softplus", lambda r: r.__setitem__("holds", False))
    assert v.holds is False and "holds" in v.details["fields"]
    # Lemma 3.5: the loss bound lowered below Phi
    def lower(r):
        r["details"]["loss_bound"] = float(mpmath.mpf(r["details"]["Phi_upper"]) / 2)
    v = _verify_edit("lemma-3.5 quantitative", lower)
    assert v.holds is False and "details.loss_bound" in v.details["fields"]
    # a flipped clause, a rewritten statement, a renamed result
    v = _verify_edit("theorem-3.4", lambda r: r["clauses"][0].__setitem__("holds", not r["clauses"][0]["holds"]))
    assert v.holds is False and v.details["fields"] == ["clauses[0].holds"]
    v = _verify_edit("theorem-3.4", lambda r: r.__setitem__("statement", "every critical point is a global minimum"))
    assert v.holds is False and v.details["fields"] == ["statement"]
    v = _verify_edit("assumption-3.2", lambda r: r.__setitem__("result", "Theorem 3.8"))
    assert v.holds is False and "result" in v.details["fields"]
    # a fabricated determinant of the Lemma 4.3 sweep
    def fabricate(r):
        sw = r["details"]["sweep"]
        row = next(p for p in sw if isinstance(p, dict) and isinstance(p.get("det"), str) and "+/-" in p["det"])
        row["det"] = "[1.000000000e+3 +/- 1e-6]"
    v = _verify_edit("lemma-4.3 sigmoid", fabricate)
    assert v.holds is False and any(f.startswith("details.sweep[") and f.endswith(".det") for f in v.details["fields"])
    # a bundle row flipped, and a row removed from a bundle
    v = _verify_edit("bundle", lambda r: r["details"]["checks"][0]["record"].__setitem__("holds", False))
    assert v.holds is False and any(f.startswith("details.checks[0].record.holds") for f in v.details["fields"])
    v = _verify_edit("bundle", lambda r: r["details"]["checks"].pop())
    assert v.holds is False and "details.checks" in v.details["fields"]


def test_missing_evidence_is_not_verified():
    for edit, field in [(lambda r: r.pop("source"), "source"),
                        (lambda r: r["source"].__setitem__("check", "lemma-9.9"), "source.check"),
                        (lambda r: r["source"]["arguments"].__setitem__("bogus", 1), "source.arguments.bogus"),
                        (lambda r: r.pop("holds"), "holds"),
                        (lambda r: r.__setitem__("note", "proved for every N"), "note")]:
        v = _verify_edit("lemma-2.1", edit)
        assert v.holds is False and field in v.details["fields"], (field, v.reason)


def test_huge_or_code_arguments_are_refused_before_any_work():
    def huge(r):
        r["source"]["arguments"]["samples"] = 10**7
    v = _verify_edit("rank-scale ball", huge)
    assert v.holds is False and v.details["fields"] == ["source.arguments.samples"] and "limit" in v.reason
    for bad in ["__import__('os').system('true')", "open(chr(120), chr(119))", "t + exec(t)"]:
        v = _verify_edit("assumption-3.2", lambda r: r["source"]["arguments"].__setitem__("activation", bad))
        assert v.holds is False and v.details["fields"] == ["source.arguments.activation"], bad


def test_cli_exit_codes_on_tampered_file(tmp_path, capsys):
    p = tmp_path / "r.json"
    rec = genuine("lemma-4.3 softplus")
    p.write_text(json.dumps(rec))
    assert main(["verify", str(p)]) == 0
    assert capsys.readouterr().out.startswith("verified")
    rec["level"] = "proved"
    p.write_text(json.dumps(rec))
    assert main(["verify", str(p)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("NOT verified") and "level" in out


# -- an independent check of a genuine certificate (mpmath, two precisions) ----------------------------

def test_genuine_lemma_4_3_witness_independently():
    rec = genuine("lemma-4.3 sigmoid")
    d = rec["details"]
    X = [[Fraction(x) for x in row] for row in d["points"]]
    w = d["witness"]["at_alpha0"]
    W = [[Fraction(x) for x in row] for row in w["parameters"]["W"][0]]
    b = [Fraction(x) for x in w["parameters"]["b"][0]]
    m = re.match(_BALL, w["rank_certificate"]["det"])
    saved_mid, saved_rad = mpmath.mpf(m.group(1)), mpmath.mpf(m.group(2))
    dets = []
    for dps in (30, 60):
        with mpmath.workdps(dps):
            F = [[1 / (1 + mpmath.exp(-sum(mpmath.mpf(x.numerator) / x.denominator * (mpmath.mpf(Wr[j].numerator)
                                                                                     / Wr[j].denominator)
                                            for x, Wr in zip(row, W)) - mpmath.mpf(b[j].numerator) / b[j].denominator))
                  for j in range(len(b))] + [1] for row in X]
            A = mpmath.matrix([r[:-1][: len(X) - 1] + [1] for r in F])
            dets.append(mpmath.det(A))
    assert abs(dets[0] - dets[1]) < mpmath.mpf(10) ** -25
    assert abs(dets[1]) > 0 and abs(abs(dets[1]) - abs(saved_mid)) <= saved_rad + mpmath.mpf(10) ** -25
    assert verify(rec).holds is True
