"""What users touch: the command line (:mod:`.cli`), saved records (:mod:`.report`, :mod:`.verify`,
:mod:`.record_diff`), ``explain`` (:mod:`.explain`), figures (:mod:`.plots`) and LaTeX (:mod:`.latex`).

Layer 5: surfaces present results; they compute nothing the paper modules do not.
"""
