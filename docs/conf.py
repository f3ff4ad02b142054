"""Sphinx configuration of exactloss's API reference (``.ci/docs.sh``; ``pip install -e ".[docs]"``).

The reference is generated from the docstrings (autodoc + napoleon); the tour (``tour.md``) comes in through
MyST.  Built with warnings as errors: ``sphinx-build -W -b html docs /tmp/exactloss-docs``.  Kept free of
imports beyond the standard library so that pytest's ``--doctest-modules`` can collect this file.
"""

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

project = "exactloss"
author = "the exactloss maintainers"
copyright = "2026, the exactloss maintainers"
release = "0.1.0"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
nitpicky = False

html_theme = "alabaster"
html_title = "exactloss: the API reference"
