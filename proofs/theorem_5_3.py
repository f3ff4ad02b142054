"""Theorem 5.3: objective (4) (squared hinge); critical points with linearly separable features and
full-rank upper weights are global minima.  Separating hyperplanes and Gordan witnesses are verified
exactly on rationals."""

import sys

import exactloss as xl

CASES = [
    (dict(instance="separable", layer=1), True),
    (dict(instance="separable", layer=0), True),
    (dict(instance="separable", widths="2,3,2,2", layer=2, seed=1), True),
    (dict(instance="xor", layer=1), False),
    (dict(instance="xor", layer=0), False),
    (dict(instance="separable", widths="2,2,3,1", layer=0), False),
    (dict(instance="not-critical", layer=1), False),
]
ok = True
for kwargs, want in CASES:
    r = xl.check("theorem-5.3", **kwargs)
    good = r.holds is want
    ok &= good
    print(f"{'ok ' if good else 'BAD'} {kwargs}: {r.verdict} [{r.level}]"
          + (f" failed: {r.failed_hypothesis}" if r.failed_hypothesis else ""))
print("Theorem 5.3:", "every verdict as expected" if ok else "FAILED")
sys.exit(0 if ok else 1)
