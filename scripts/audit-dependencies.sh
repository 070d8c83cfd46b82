#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies (requirements.txt and requirements-dev.txt, resolved the way
# `pip install` resolves them), looked up in PyPI's vulnerability feed by pip-audit.
# The feed is on the network. pip-audit passes when it skips a package it could not look up, so --strict turns
# a skip into a failure, and one look-up first says plainly when the feed cannot be reached at all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

# pip-audit asks https://pypi.org/pypi/<name>/<version>/json about each package; ask about the first pin.
pin=$(grep -m1 -E '^[A-Za-z0-9_.-]+==' requirements.txt)
feed="https://pypi.org/pypi/${pin%%==*}/${pin##*==}/json"
"$BIN/python" - "$feed" <<'PY'
import sys
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1], timeout=30).close()
except OSError as error:
    sys.exit(
        f"The dependency audit cannot run: PyPI's vulnerability feed did not answer {sys.argv[1]} ({error}).\n"
        "pip-audit needs https://pypi.org/pypi/<name>/<version>/json; a mirror of the package index alone is not enough."
    )
PY
"$BIN/pip-audit" --strict --progress-spinner off --vulnerability-service pypi \
  --requirement requirements.txt --requirement requirements-dev.txt
