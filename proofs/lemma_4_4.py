"""Lemma 4.4: the rank-deficient parameters form a null set.

The certificate is the chain Lemma 4.1 (analytic minors) + Lemma 4.3's witness (one minor non-zero) +
Lemma 4.2 (null zero sets); a Monte-Carlo view of random draws illustrates it.  Exits 1 on failure.
"""

import sys

import exactloss as xl

CASES = [
    dict(samples=6, dim=2, draws=5),
    dict(samples=10, dim=3, activation="tanh", draws=5),
    dict(samples=6, dim=2, activation="softplus", layer=2, widths="2,3,5", draws=3),
]

ok = True
for case in CASES:
    r = xl.check("lemma-4.4", **case)
    mc = r.details["monte_carlo"]
    print(f"{'ok ' if r.holds else 'BAD'} {case}: {r.verdict} [{r.level}]; Monte-Carlo "
          f"{mc.get('certified_full', '?')}/{mc['draws']} draws certified full rank; {r.seconds:.2f} s")
    ok &= bool(r.holds) and r.level in ("proved", "certified")
print("Lemma 4.4:", "holds on every case" if ok else "FAILED")
sys.exit(0 if ok else 1)
