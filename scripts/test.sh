#!/usr/bin/env bash
# Set up everything the test suite needs on a bare Debian machine, then run it.
# System packages (TeX Live, biber, pandoc, Chromium, Node.js) are installed with
# apt when missing and we are root; Python packages with pip.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pdflatex >/dev/null || need+=(texlive-latex-base texlive-latex-recommended lmodern)
command -v bibtex >/dev/null || need+=(texlive-binaries)
kpsewhich biblatex.sty >/dev/null 2>&1 || need+=(texlive-bibtex-extra)
command -v biber >/dev/null || need+=(biber)
command -v pandoc >/dev/null || need+=(pandoc)
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "scripts/test.sh: missing system packages: ${need[*]} (run as root or install them)" >&2
  fi
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'
# The derandomized hypothesis profile (tests/conftest.py): a clean run passes or
# fails the same way every time. HYPOTHESIS_PROFILE=dev runs random examples.
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
exec python3 -m pytest "$@"
