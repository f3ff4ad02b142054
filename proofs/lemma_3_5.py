"""Lemma 3.5, exact and quantitative.

Exact: conditions (1)-(3) proved on constructed critical points, and each one broken.
Quantitative: sigmoid networks trained by L-BFGS; the certified bound Phi <= bound is compared with
the true loss (ball arithmetic), and the ratio printed.  Exits 1 if any verdict is unexpected.
"""

import sys

import exactloss as xl

CASES = [
    (dict(instance="global-min"), True),
    (dict(instance="top-solved", widths="2,2,1", samples=5), False),
    (dict(instance="zero-W", widths="2,4,2,2", samples=4, zero_layer=3, layer=1), False),
    (dict(instance="not-critical"), False),
]
ok = True
for kwargs, want in CASES:
    r = xl.check("lemma-3.5", **kwargs)
    good = r.holds is want
    ok &= good
    print(f"{'ok ' if good else 'BAD'} exact {kwargs}: {r.verdict} [{r.level}]"
          + (f" failed: {r.failed_hypothesis}" if r.failed_hypothesis else ""))

for widths, N, seed in [("2,5,1", 5, 0), ("3,8,1", 8, 3)]:
    r = xl.check("lemma-3.5", form="quantitative", widths=widths, samples=N, seed=seed)
    d = r.details
    good = r.holds is True and d["loss_bound"] >= d["Phi_upper"]
    ok &= good
    print(f"{'ok ' if good else 'BAD'} trained {widths} N={N}: Phi = {d['Phi']}, certified bound {d['loss_bound']:.3e}, "
          f"ratio {d['ratio_bound_over_Phi']:.3g} [{r.level}]")
for widths, N, seed in [("2,5,1", 6, 1)]:
    r = xl.check("lemma-3.5", form="nearby", widths=widths, samples=N, seed=seed)
    ok &= r.holds is True
    print(f"{'ok ' if r.holds else 'BAD'} trained {widths} N={N}: {r.reason} [{r.level}]")

# Newton on the top layer in mpmath (exact dyadic iterates), then the same certificates
P, X, Y, _ = xl.train((2, 5, 1), N=6, seed=1, iterations=800)
P2, norms = xl.refine_layer(P, X, Y, "sigmoid", iterations=2, dps=60)
rb = xl.check("lemma-3.5", form="quantitative", params=P2, data=(X, Y), activation="sigmoid", digits=80)
rn = xl.check("lemma-3.5", form="nearby", params=P2, data=(X, Y), activation="sigmoid", digits=80)
good = rb.holds is True and rn.holds is True
ok &= good
print(f"{'ok ' if good else 'BAD'} Newton-refined: ||grad|| {norms[0]:.1e} -> {norms[-1]:.1e}; certified "
      f"Phi <= {rb.details['loss_bound']:.3e}; exact global minimum within {rn.details['radius']:.1e}")

# side by side: a wide network reaches (certifiably) ~0 loss, a narrow one stalls and Lemma 3.5 cannot apply
demo = xl.wide_and_narrow(N=6, iterations=600)
for label, v in demo.items():
    c = v["certificate"]
    print(f"    {label:<6} widths {v['widths']}: trained Phi ~ {v['train']['Phi']:.3g}, "
          f"||grad|| ~ {v['train']['gradient_norm']:.1e}; {c.reason}")
ok &= demo["wide"]["certificate"].holds is True and demo["narrow"]["certificate"].holds is False
print("Lemma 3.5:", "every verdict as expected" if ok else "FAILED")
sys.exit(0 if ok else 1)
