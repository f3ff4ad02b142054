#!/usr/bin/env bash
# CI step for the HTML report (issue 13, item 4): install Debian's Chromium when it is missing (bounded by
# timeout; about 25 s here: apt-get update ~1 s warm, `apt-get install -y chromium` 22 s), then run the report's
# tests, whose render test takes a headless-Chromium screenshot of a report and checks it is not blank.
# With --install-only it only installs (.ci/run then runs every test in one pytest). Idempotent; without apt-get or when the install fails, the render test is skipped with its reason.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "== installing Chromium (Debian's chromium) for the HTML report's render test"
    { timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 420 apt-get install -y -qq chromium >/dev/null; } \
      || echo "   (Chromium did not install: the render test will be skipped)"
  else
    echo "== no apt-get: Chromium not installed, the render test will be skipped"
  fi
fi
if [ "${1:-}" = "--install-only" ]; then exit 0; fi
echo "== pytest tests/surfaces/test_html.py"
timeout 600 python -m pytest -p no:cacheprovider -o addopts="" -rs tests/surfaces/test_html.py
