"""Lemma 4.3: parameters with rank([F_k, 1_N]) = N, with a certified or proved alpha_0.

For each case: the construction, alpha_0 with its level and argument (every alpha >= alpha_0, not a
sweep), the det sweep, and the witness's rank certificate.  Exits 1 if any case does not hold.
"""

import sys

import exactloss as xl

CASES = [
    dict(samples=4, points="grid"),
    dict(samples=16, dim=3, activation="tanh"),
    dict(samples=16, dim=3, activation="softplus", points="rational"),
    dict(samples=64, dim=3, activation="sigmoid", sweep_points=5),
    dict(samples=128, dim=1, activation="softplus", sweep_points=5),
    dict(samples=8, dim=2, layer=2, widths="2,1,7", activation="softplus"),
    # layer k > 1, sigmoid/tanh: the witness is a bordered Cauchy matrix, its rank proved (cauchy_witness)
    dict(samples=12, dim=2, layer=2, activation="sigmoid", sweep_points=3),
    dict(samples=8, dim=2, layer=3, widths="2,1,2,7", activation="tanh", sweep_points=3),
    dict(samples=32, points="grid", alpha_min="1/10", sweep_points=5, no_exact=True),
]

ok = True
for case in CASES:
    r = xl.check("lemma-4.3", **case)
    d = r.details
    every = " (det E != 0 for every alpha > 0)" if d["alpha0_for_every_positive_alpha"] else ""
    cert = d["alpha0_certified"]["alpha0"]
    print(f"{'ok ' if r.holds else 'BAD'} {case}: {r.verdict} [{r.level}] alpha_0 = {d['alpha0']} "
          f"[{d['alpha0_level']}]{every}; perturbation bound alpha_0 = {cert}; {r.seconds:.2f} s")
    lo = d["sweep"][0] if d["sweep"] else None
    if lo:
        print(f"      det E({lo['alpha']}) = {lo['det']} [{lo['status']}]; float64 {lo['float64']}, "
              f"15-digit mpmath {lo['mpmath_15_digits']}")
    ok &= bool(r.holds) and r.level in ("proved", "certified")
    if case.get("layer", 1) > 1 and case.get("activation") in ("sigmoid", "tanh"):
        cw = d["witness"]["at_alpha0"].get("by_closed_form") or {}
        print(f"      witness by the bordered Cauchy determinant: {cw.get('level')}")
        ok &= r.level == "proved" and cw.get("level") == "proved"
print("Lemma 4.3:", "holds on every case" if ok else "FAILED")
sys.exit(0 if ok else 1)
