#!/usr/bin/env bash
# CI: the API reference (docs/: Sphinx autodoc + napoleon, the tour through MyST), built with warnings as errors.
# Uses the active virtual environment (.ci/run's) or makes its own; installs the `docs` extra; idempotent.
# Skips (exit 0, with a message) when python3 or the docs extra cannot be had; fails when the build warns.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${EXACTLOSS_DOCS_OUT:-${TMPDIR:-/tmp}/exactloss-docs}"
if ! command -v python3 >/dev/null 2>&1; then
  echo "== docs: skipped (no python3)"; exit 0
fi
if [ -z "${VIRTUAL_ENV:-}" ]; then
  VENV="${TMPDIR:-/tmp}/exactloss-docs-venv"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  # shellcheck disable=SC1091
  . "$VENV/bin/activate"
fi
echo "== docs: pip install -e .[docs]"
if ! timeout 300 python -m pip install -q -e ".[docs]"; then
  echo "== docs: skipped (could not install the docs extra: sphinx, myst-parser)"; exit 0
fi
if ! command -v sphinx-build >/dev/null 2>&1; then
  echo "== docs: skipped (no sphinx-build after the install)"; exit 0
fi
echo "== docs: sphinx-build -W -b html docs $OUT"
rm -rf "$OUT"
start=$(date +%s)
timeout 300 sphinx-build -W --keep-going -q -b html docs "$OUT"
echo "== docs: built in $(( $(date +%s) - start )) s: $OUT/index.html"
