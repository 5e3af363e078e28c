#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its driver for the review page's browser test
# (tests/test_review_browser.py). No browser download from anywhere else: Debian packages only.
# fonts-nanum and fonts-noto-color-emoji: so that screenshots show Hangul and 👍/👎, not boxes.
# Idempotent: does nothing when chromium, chromedriver and a Korean font are already there.
set -euo pipefail

if [ -x /usr/bin/chromium ] && command -v chromedriver >/dev/null 2>&1 \
        && [ -n "$(fc-list :lang=ko 2>/dev/null)" ] \
        && fc-list 2>/dev/null | grep -qi "color emoji"; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present), already installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
PACKAGES="chromium chromium-driver fonts-nanum fonts-noto-color-emoji"
echo "install-test-browser.sh: installing Debian system packages with apt-get (needs root):"
echo "    $PACKAGES"
echo "  for tests/test_review_browser.py (headless browser, Korean and emoji fonts)."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $PACKAGES
/usr/bin/chromium --version
