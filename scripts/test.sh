#!/usr/bin/env bash
# Sets up a virtual environment (.venv) with the app and its test tools, then runs
# lint, the test suite and the command-line contract check. Used by the README and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m ruff check .
.venv/bin/python -m mypy
.venv/bin/lint-imports --no-cache >/dev/null || .venv/bin/lint-imports --no-cache  # layer contracts (pyproject.toml)
.venv/bin/python -m pytest "$@"
if [ -x ../shared/tools/check-contract ] || [ -f ../shared/tools/check-contract ]; then
  FIELDDESK="$PWD/.venv/bin/fielddesk" .venv/bin/python ../shared/tools/check-contract
fi
