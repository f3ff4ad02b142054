"""Lemma 2.1 (backpropagation), proved with SymPy for generic sigma and l.

Runs the layerwise confirmation for several shapes (every depth built from
those layers), the full-Phi confirmation for a small one, and concrete
activation/loss pairs.  Exits 1 if any does not hold.
"""

import sys

import exactloss as xl

CASES = [
    dict(widths="3,4,3,2", samples=3),
    dict(widths="4,5,5,3", samples=5),
    dict(widths="2,3,3,3,1", samples=4),
    dict(widths="3,3,2", samples=3, method="full"),
    dict(widths="2,3,2", samples=2, activation="tanh", loss="pseudo-huber"),
    dict(widths="2,3,2", samples=2, activation="softplus:alpha=2", loss="blake-zisserman"),
]

ok = True
for case in CASES:
    r = xl.check("lemma-2.1", **case)
    print(f"{'ok ' if r.holds else 'BAD'} {case}: {r.verdict} [{r.level}] {r.seconds:.2f} s")
    ok &= bool(r.holds) and r.level == "proved"
print("Lemma 2.1:", "proved on every case" if ok else "FAILED")
sys.exit(0 if ok else 1)
