#!/usr/bin/env bash
# Install everything the tests need into .venv and run the linter and the whole test suite.
# This is README command 2, and exactly what CI runs (.ci/run).
# System packages: scripts/install-test-browser.sh installs Debian packages with apt-get (root or
# sudo) when they are missing, and says which before it does.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "test.sh: .venv + pip install -e .[dev]; system packages via apt-get when missing" \
     "(scripts/install-test-browser.sh); then ruff and pytest."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
if [ -f scripts/install-test-browser.sh ]; then
    bash scripts/install-test-browser.sh
fi
# PostgreSQL, redis-server and nginx from Debian (apt-get) when missing; says what it installs
bash scripts/install-test-servers.sh
# Debian tesseract-ocr, tesseract-ocr-kor and fonts-nanum for the OCR/PDF loader tests
# (apt-get, as root; the script says what it installs).
bash scripts/install-test-ocr.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
