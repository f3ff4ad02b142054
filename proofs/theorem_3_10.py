"""Theorem 3.10 (Morse): f has a degenerate critical point; for random small rational w every critical
point of f + <w, x> is non-degenerate (Groebner basis [1], proved); w = 0 is in the exceptional set."""

import sys

import exactloss as xl

ok = True
for f in ("x1**3 - 3*x1*x2**2", "x1**4 + x2**2", "x1**2*x2 + x3**3"):
    r = xl.check("theorem-3.10", function=f, perturbations=5, seed=1)
    ok &= r.holds is True
    print(f"{'ok ' if r.holds else 'BAD'} f = {f}: degenerate point of f {r.details['degenerate_point_of_f']}; "
          f"{r.reason} [{r.level}]")
r = xl.check("theorem-3.10", w="0,0")
ok &= r.holds is False
print(f"{'ok ' if r.holds is False else 'BAD'} w = 0: {r.verdict} ({r.failed_hypothesis})")
print("Theorem 3.10:", "demonstrated" if ok else "FAILED")
sys.exit(0 if ok else 1)
