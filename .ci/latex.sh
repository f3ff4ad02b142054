#!/usr/bin/env bash
# CI (issue 13, item 3): a LaTeX engine and beamer, so that the --latex tests compile every fragment in an
# article and in a beamer frame and check the logs for "Overfull \hbox".  About 15 s from Debian's packages:
# texlive-latex-base (pdflatex, amsmath), texlive-latex-recommended (beamer.cls) and texlive-pictures without
# its recommends (pgf, which beamer needs).  Idempotent; skips with a message where it cannot install.
# Without beamer the tests measure the frame's width in an article; without pdflatex they skip the compiles.
set -uo pipefail
have_beamer() { command -v kpsewhich >/dev/null 2>&1 && [ -n "$(kpsewhich beamer.cls)" ] && [ -n "$(kpsewhich pgfcore.sty)" ]; }
if command -v pdflatex >/dev/null 2>&1 && have_beamer; then
  echo "== latex: pdflatex and beamer present"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "== latex: no apt-get; the LaTeX compile tests will be skipped"
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "== latex: not root, no sudo; skipped"; exit 0; fi
fi
echo "== latex: installing texlive-latex-base, texlive-latex-recommended, texlive-pictures"
export DEBIAN_FRONTEND=noninteractive
{ timeout 300 $SUDO apt-get update -qq \
  && timeout 600 $SUDO apt-get install -y -qq texlive-latex-base texlive-latex-recommended >/dev/null \
  && timeout 600 $SUDO apt-get install -y -qq --no-install-recommends texlive-pictures >/dev/null; } \
  || echo "   (install failed: the LaTeX compile tests will be skipped or fall back to an article)"
command -v pdflatex >/dev/null 2>&1 && have_beamer && echo "   pdflatex and beamer ready"
exit 0
