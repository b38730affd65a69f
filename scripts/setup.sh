#!/usr/bin/env bash
# Install bibgen into a virtual environment (default: .venv in the project folder).
#
#   bash scripts/setup.sh            # .venv with bibgen; then run .venv/bin/bibgen
#   bash scripts/setup.sh test       # ... with the test extra (what scripts/test.sh uses)
#
# Works where the system Python refuses `pip install` (PEP 668, Debian/Ubuntu's
# "externally-managed-environment"): nothing is installed into the system Python.
# When `python3 -m venv` cannot work (Debian/Ubuntu ship ensurepip in the
# python3-venv package) it installs python3-venv with apt when run as root, and
# otherwise says which command to run.
#
# Environment:
#   PYTHON            interpreter to build the environment from (default: python3, Python >= 3.11)
#   BIBGEN_VENV       where the environment lives (default: .venv in the project folder)
#   BIBGEN_PIP_ARGS   extra `pip install` options, e.g. "--no-deps --no-build-isolation" offline
#
# The environment sees the system's site-packages (--system-site-packages), so
# Python libraries already installed with apt (python3-yaml, ...) are reused and
# only what is missing or too old is downloaded. An existing, working
# environment is reused; a broken one (e.g. its Python was removed) is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
python="${PYTHON:-python3}"
venv="${BIBGEN_VENV:-.venv}"

say() { echo "scripts/setup.sh: $*" >&2; }

if ! command -v "$python" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$python" = python3 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q && apt-get install -y -q --no-install-recommends python3
  else
    say "no '$python' found; install Python >= 3.11 (Debian/Ubuntu: sudo apt-get install python3 python3-venv)"
    exit 1
  fi
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "bibgen needs Python >= 3.11; '$python' is $("$python" -c 'import sys; print(sys.version.split()[0])')"
  say "set PYTHON=/path/to/python3.11 (or newer) and run again"
  exit 1
fi

venv_works() { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pip' >/dev/null 2>&1; }

if ! venv_works; then
  # Debian/Ubuntu: `venv` and `ensurepip` are in python3-venv (python3.X-venv).
  if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    pkg="python3-venv"
    if [ "$python" != python3 ]; then
      pkg="python$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"
    fi
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing $pkg (python3 -m venv needs it)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -q
      apt-get install -y -q --no-install-recommends "$pkg"
    else
      say "'$python -m venv' needs the $pkg package: sudo apt-get install $pkg"
      exit 1
    fi
  fi
  rm -rf "$venv"
  "$python" -m venv --system-site-packages "$venv"
fi

spec="."
[ -n "$extras" ] && spec=".[$extras]"
# shellcheck disable=SC2086  # BIBGEN_PIP_ARGS is a list of options
"$venv/bin/python" -m pip install -q --disable-pip-version-check ${BIBGEN_PIP_ARGS:-} -e "$spec"
say "bibgen $("$venv/bin/python" -c 'from importlib.metadata import version; print(version("bibgen"))') installed in $venv (run $venv/bin/bibgen, or: source $venv/bin/activate)"
