"""Lemma 3.3: sigmoid, tanh and softplus(alpha) satisfy Assumption 3.2.2 -- every clause proved.

Reproduces the paper's verdicts through the public registry: sigmoid and tanh
are analytic, strictly increasing and bounded (with the exact limits mu,
gamma); softplus is analytic, strictly increasing and satisfies the growth
condition (b) with the paper's rho_1 = 1/alpha, rho_2 = alpha, rho_3 = 1,
rho_4 = log(2)/alpha; ReLU is not covered (not differentiable at 0).  Also
replays Assumption 3.2.2 on the activations one by one.  Exits 1 if any
verdict of the paper is not reproduced with a proof.
"""

import sys

import exactloss as xl

ok = True
r = xl.check("lemma-3.3", alphas="1,2,1/2,3/7,10,100")
print(r.explain())
print(f"({r.seconds:.2f} s)\n")
ok &= r.holds is True and r.level == "proved"

# Assumption 3.2.2 alone, per activation: the paper's overall verdict
EXPECTED = {"sigmoid": True, "tanh": True, "softplus:alpha=1": True, "softplus:alpha=5": True,
            "relu": False, "identity": False}
for spec, want in EXPECTED.items():
    a = xl.check("assumption-3.2", activation=spec, loss="none")
    good = a.holds is want and a.level == "proved"
    ok &= good
    print(f"{'ok ' if good else 'BAD'} Assumption 3.2.2 for {spec:<18} {a.verdict:<9} [{a.level}]  "
          + (a.failed_hypothesis or ""))

print("\nLemma 3.3:", "reproduced, every clause proved" if ok else "NOT reproduced")
sys.exit(0 if ok else 1)
