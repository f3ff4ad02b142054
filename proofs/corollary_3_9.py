"""Corollary 3.9: non-degenerate local minima (block Hessian positive definite, proved by leading
minors) with full-rank upper weights are global minima."""

import sys

import exactloss as xl

CASES = [(dict(instance="global-min"), True), (dict(instance="global-min", seed=4), True),
         (dict(instance="collapsed"), False), (dict(instance="not-critical"), False)]
ok = True
for kwargs, want in CASES:
    r = xl.check("corollary-3.9", **kwargs)
    good = r.holds is want
    ok &= good
    print(f"{'ok ' if good else 'BAD'} {kwargs}: {r.verdict} [{r.level}]"
          + (f" failed: {r.failed_hypothesis}" if r.failed_hypothesis else ""))
print("Corollary 3.9:", "every verdict as expected" if ok else "FAILED")
sys.exit(0 if ok else 1)
