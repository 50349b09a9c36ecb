#!/usr/bin/env bash
# Sets up .venv, makes a demo office in ./demo-data on first run, and starts the GUI on it.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q -e . >/dev/null
DATA=${FIELDDESK_DATA_DIR:-$PWD/demo-data}
[ -f "$DATA/fielddesk.db" ] || .venv/bin/fielddesk --data-dir "$DATA" demo
exec .venv/bin/fielddesk --data-dir "$DATA"
