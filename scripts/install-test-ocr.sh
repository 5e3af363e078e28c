#!/usr/bin/env bash
# Installs the Debian packages the loader tests need (tests/test_loaders_structure.py):
# tesseract-ocr + tesseract-ocr-kor (OCR of scanned PDF pages) and fonts-nanum (a Korean font
# to render the generated PDFs and scans). Debian packages only. Idempotent.
set -euo pipefail

if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx kor \
        && [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ]; then
    echo "ocr: $(tesseract --version 2>&1 | head -1) with kor, fonts-nanum: already installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "installing Debian packages for the loader tests: tesseract-ocr tesseract-ocr-kor fonts-nanum"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends tesseract-ocr tesseract-ocr-kor fonts-nanum
tesseract --version 2>&1 | head -1
