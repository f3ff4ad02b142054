"""Corollary 4.5: every epsilon-ball holds parameters with rank([F_k, 1_N]) = N.

From a rank-deficient point (all layer-k units equal) a perturbation of norm < epsilon (exact) reaches a
certified rank N.  Exits 1 on failure.
"""

import sys

import exactloss as xl

CASES = [
    dict(samples=5, dim=2, epsilon="1/1000"),
    dict(samples=8, dim=3, activation="tanh", epsilon="1/100"),
    dict(samples=6, dim=1, activation="softplus", epsilon="1/10000"),
    dict(samples=5, dim=2, layer=2, widths="2,1,4", epsilon="1/1000"),
]

ok = True
for case in CASES:
    r = xl.check("corollary-4.5", **case)
    print(f"{'ok ' if r.holds else 'BAD'} {case}: {r.verdict} [{r.level}] {r.reason}; {r.seconds:.2f} s")
    ok &= bool(r.holds) and r.level in ("proved", "certified")
print("Corollary 4.5:", "holds on every case" if ok else "FAILED")
sys.exit(0 if ok else 1)
