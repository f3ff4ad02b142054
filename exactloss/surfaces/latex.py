r"""LaTeX fragments of the paper's formulas, for slides and notes: every fragment function in one namespace.

>>> from exactloss.surfaces import latex
>>> latex.number("22/7")
'\\frac{22}{7}'

Each function is defined beside the object it writes, so that a check can put
its fragment in ``details["latex"]`` (``--latex``) without importing this layer:

- numbers, matrices, documents -- and the contract every fragment keeps (amsmath
  only; numbers as they are known; bounds rounded only on their safe side):
  :mod:`exactloss.arith.latex` (:func:`number`, :func:`matrix`, :func:`display`, :func:`document`);
- the width fragments fit (a beamer frame and an article page by default; ``with fragment_width("6.5in"):``),
  long lines continued and wide matrices elided: :mod:`exactloss.arith.latexfit`;
- Lemma 2.1's identities and block Hessians (Definitions 3.6/3.7): :mod:`exactloss.net.latex`
  (:func:`lemma_2_1`, :func:`block_hessian`, :func:`hessian_contrast`);
- Lemma 4.3's ``E(alpha)``: :mod:`exactloss.paper.lemma_4_3.latex` (:func:`e_alpha`,
  :func:`lemma_4_3_from_result`);
- Lemma 3.5's certified loss bound: :mod:`exactloss.paper.lemma_3_5.latex` (:func:`loss_bound`,
  :func:`loss_bound_from_result`).
"""

from exactloss.arith.latex import display, document, matrix, number
from exactloss.arith.latexfit import current_width, fragment_width, parse_width
from exactloss.net.latex import block_hessian, hessian_contrast, lemma_2_1
from exactloss.paper.lemma_3_5.latex import loss_bound, loss_bound_from_result
from exactloss.paper.lemma_4_3.latex import e_alpha, lemma_4_3_from_result

__all__ = ["block_hessian", "current_width", "display", "document", "e_alpha", "fragment_width", "hessian_contrast",
           "lemma_2_1", "lemma_4_3_from_result", "loss_bound", "loss_bound_from_result", "matrix", "number",
           "parse_width"]
