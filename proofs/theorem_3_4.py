"""Theorem 3.4: with rank([X, 1_N]) = N, critical points with full-column-rank W_2..W_L are global minima.

Replays the proof's induction exactly on constructed critical points, and shows that each hypothesis
is needed: breaking one is reported by name (failed_hypothesis).  Exits 1 if any verdict is unexpected.
"""

import sys

import exactloss as xl

CASES = [
    (dict(instance="global-min"), True),
    (dict(instance="global-min", widths="4,3,3,2", samples=5, seed=2), True),
    (dict(instance="global-min", samples=5), False),          # rank([X, 1_N]) < N
    (dict(instance="collapsed"), False),                     # W_2 = 0: critical, Phi > 0
    (dict(instance="not-critical"), False),                  # gradient not zero
    (dict(instance="global-min", loss="(a**2-1)**2"), False),  # Assumption 3.2.3
]

ok = True
for kwargs, want in CASES:
    r = xl.check("theorem-3.4", **kwargs)
    good = r.holds is want
    ok &= good
    print(f"{'ok ' if good else 'BAD'} {kwargs}: {r.verdict} [{r.level}]"
          + (f" failed: {r.failed_hypothesis}" if r.failed_hypothesis else ""))
print("Theorem 3.4:", "every verdict as expected" if ok else "FAILED")
sys.exit(0 if ok else 1)
