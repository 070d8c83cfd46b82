#!/usr/bin/env bash
# Known vulnerabilities in the pinned dependencies (requirements.txt and requirements-dev.txt, resolved the way
# `pip install` resolves them), looked up in PyPI's vulnerability feed by pip-audit.
# The feed is on the network. pip-audit passes when it skips a package it could not look up, so --strict turns
# a skip into a failure, and one look-up first says plainly when the feed cannot be reached at all. Where the
# machine reaches only a mirror of the package index (which serves installs but not the feed), the audit
# cannot run: it says so loudly and, unless REQUIRE_DEPENDENCY_AUDIT=1, lets the rest of `make test` go on.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}

# pip-audit asks https://pypi.org/pypi/<name>/<version>/json about each package; ask about the first pin.
pin=$(grep -m1 -E '^[A-Za-z0-9_.-]+==' requirements.txt)
feed="https://pypi.org/pypi/${pin%%==*}/${pin##*==}/json"
if ! "$BIN/python" - "$feed" <<'PY'
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
then
  if [[ "${REQUIRE_DEPENDENCY_AUDIT:-0}" == 1 ]]; then
    exit 1
  fi
  echo "WARNING: the dependency audit was NOT run (set REQUIRE_DEPENDENCY_AUDIT=1 to make this an error)." >&2
  exit 0
fi
"$BIN/pip-audit" --strict --progress-spinner off --vulnerability-service pypi \
  --requirement requirements.txt --requirement requirements-dev.txt
