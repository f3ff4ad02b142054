"""Theorem 3.8 (main result): n_k >= N - 1, non-degenerate on some I containing k+1 (block Hessian
certified non-singular), full column rank above: global minimum.  Each hypothesis broken by name."""

import sys

import exactloss as xl

CASES = [
    (dict(instance="global-min"), True),
    (dict(instance="collapsed"), False),
    (dict(instance="global-min", samples=5), False),
    (dict(instance="zero-W", widths="2,3,2,2", samples=4, zero_layer=3), False),
    (dict(instance="not-critical"), False),
]
ok = True
for kwargs, want in CASES:
    r = xl.check("theorem-3.8", **kwargs)
    good = r.holds is want
    ok &= good
    print(f"{'ok ' if good else 'BAD'} {kwargs}: {r.verdict} [{r.level}]"
          + (f" failed: {r.failed_hypothesis}" if r.failed_hypothesis else ""))
print("Theorem 3.8:", "every verdict as expected" if ok else "FAILED")
sys.exit(0 if ok else 1)
