#!/usr/bin/env bash
# README command 1: install, ingest the shipped corpus and answer a Korean question with sources,
# on the embedded default (no keys, no network beyond PyPI for the install).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
.venv/bin/startupbot ingest
.venv/bin/startupbot ask "${1:-충북은 2030년까지 이차전지산업에 얼마를 투자하나요?}"
