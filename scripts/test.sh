#!/usr/bin/env bash
# Set up everything the test suite needs on a bare Debian machine, then run it.
# System packages (TeX Live, biber, pandoc, Chromium, Node.js, python3-venv) are
# installed with apt when missing and we are root; bibgen and its test extra go
# into a virtual environment made by scripts/setup.sh (default .venv; see there
# for PYTHON, BIBGEN_VENV and BIBGEN_PIP_ARGS), never into the system Python,
# which Debian/Ubuntu protect (PEP 668). pytest runs from that environment, with
# its bin/ first on PATH so the tests find its `bibgen` and `pre-commit`.
# Extra arguments go to pytest. BIBGEN_SKIP_APT=1 skips the apt step.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v pdflatex >/dev/null || need+=(texlive-latex-base texlive-latex-recommended lmodern)
command -v bibtex >/dev/null || need+=(texlive-binaries)
kpsewhich biblatex.sty >/dev/null 2>&1 || need+=(texlive-bibtex-extra)
# The compile matrix (tests/integration/test_bib_styles.py): IEEEtran and
# ACM-Reference-Format; csquotes for biblatex-apa; plainnat comes with natbib.
kpsewhich IEEEtran.bst >/dev/null 2>&1 || need+=(texlive-publishers)
kpsewhich csquotes.sty >/dev/null 2>&1 || need+=(texlive-latex-extra)
kpsewhich apa.bbx >/dev/null 2>&1 || need+=(texlive-bibtex-extra)
command -v biber >/dev/null || need+=(biber)
command -v pandoc >/dev/null || need+=(pandoc)
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs npm)
command -v git >/dev/null || need+=(git)
"${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ] && [ -z "${BIBGEN_SKIP_APT:-}" ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "scripts/test.sh: missing system packages: ${need[*]} (run as root or install them)" >&2
  fi
fi

bash scripts/setup.sh test
venv="$(cd "${BIBGEN_VENV:-.venv}" && pwd)"
export VIRTUAL_ENV="$venv"
export PATH="$venv/bin:$PATH"
# The derandomized hypothesis profile (tests/conftest.py): a clean run passes or
# fails the same way every time. HYPOTHESIS_PROFILE=dev runs random examples.
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
exec "$venv/bin/python" -m pytest "$@"
