"""What users touch: the command line (:mod:`.cli`, one module per command), saved records (:mod:`.report`
reads them; :mod:`.verify` re-derives them, with :mod:`.record_diff`, :mod:`.replays`,
:mod:`.replay_arguments` and :mod:`.verify_bundle`), figures (:mod:`.plots`) and LaTeX (:mod:`.latex`).

Layer 5: surfaces present results; they compute nothing the paper modules do not.
"""
