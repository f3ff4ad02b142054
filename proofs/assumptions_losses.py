"""Assumption 3.2.3 for the losses of Figure 1, and Assumption 5.2 for Section 5's pair (l1, l2).

Through the public registry: squared, pseudo-Huber (delta = 1), Blake-Zisserman
(delta = 0.1), corrupted Gaussian (alpha = 0.5, w = 6) and Cauchy (delta = 1) are
C^2 with every critical point a global minimum (proved); outside the stated
parameter ranges a breaking value is reported (e.g. Blake-Zisserman delta < 0 is
not real-valued on R); Section 5's l1, l2 are C^1 but not C^2, so they are not
covered by 3.2.3 but satisfy Assumption 5.2.  Exits 1 if a verdict differs.
"""

import sys

import exactloss as xl

ok = True
LOSSES = ["squared", "pseudo-huber:delta=1", "blake-zisserman:delta=1/10", "corrupted-gaussian:alpha=1/2,w=6",
          "cauchy:delta=1"]
for spec in LOSSES:
    r = xl.check("assumption-3.2", activation="sigmoid", loss=spec)
    loss_clauses = [c for c in r.clauses if c.claim.startswith("3.2.3")]
    good = r.holds is True and all(c.holds and c.level == "proved" for c in loss_clauses)
    ok &= good
    print(f"{'ok ' if good else 'BAD'} {spec:<34} 3.2.3 {r.verdict} [{r.level}]")
    for c in loss_clauses:
        print(f"      {c.claim}: {c.verdict} [{c.level}]")
    for o in r.details["Assumption 3.2.3"].get("outside", []):
        print(f"      outside the paper's range: {o['params']}: "
              f"{ {True: 'holds', False: 'fails', None: 'undecided'}[o['holds']] } -- {o['reason'][:100]}")

# Section 5's losses: not C^2 (3.2.3 fails), but Assumption 5.2 holds
for spec in ("l1", "l2"):
    r = xl.check("assumption-3.2", activation="sigmoid", loss=spec)
    good = r.holds is False and "C^2" in (r.failed_hypothesis or "")
    ok &= good
    print(f"{'ok ' if good else 'BAD'} {spec:<34} 3.2.3 {r.verdict}: {r.failed_hypothesis}")
r = xl.check("assumption-5.2", activation="sigmoid", l1="l1", l2="l2")
good = r.holds is True and r.level == "proved"
ok &= good
print(f"{'ok ' if good else 'BAD'} Assumption 5.2 (sigmoid, l1, l2): {r.verdict} [{r.level}]")
for c in r.clauses:
    print(f"      {c.claim}: {c.verdict} [{c.level}]")

print("\nAssumption 3.2.3 (Figure 1) and 5.2:", "reproduced" if ok else "NOT reproduced")
sys.exit(0 if ok else 1)
