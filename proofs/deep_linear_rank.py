"""Deep linear networks: rank(F_k) <= rank(W_l) + k - l + 1, and Lemma 4.3's construction fails.

Exact ranks at random rational parameters, the SymPy identity that puts every column of E(alpha) in
span{1_N, t} for sigma = identity, and the sigmoid contrast on the same widths.  Exits 1 on failure.
"""

import sys

import exactloss as xl

CASES = [
    dict(samples=6, widths="3,1,5,5"),
    dict(samples=8, widths="2,2,7,7,7"),
    dict(samples=5, widths="4,3,2,4"),
]

ok = True
for case in CASES:
    r = xl.check("deep-linear-rank", **case)
    con = r.details.get("contrast_sigmoid")
    extra = f"; sigmoid on the same widths: rank N [{con['level']}]" if con else ""
    print(f"{'ok ' if r.holds else 'BAD'} {case}: {r.verdict} [{r.level}] rank F_k = {r.details['rank_F'][1:]}, "
          f"rank W_l = {r.details['rank_W']}{extra}; {r.seconds:.2f} s")
    ok &= bool(r.holds) and r.level == "proved"
print("Deep linear rank:", "holds on every case" if ok else "FAILED")
sys.exit(0 if ok else 1)
