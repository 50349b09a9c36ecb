#!/usr/bin/env bash
# The ledger benchmark on PostgreSQL against SQLite in the same run (issue #17's bench target): starts a
# throwaway cluster (scripts/pg_cluster.sh: its own data folder and port on 127.0.0.1), runs the
# ledger_pg group on it and stops and deletes the cluster on exit, whatever happened.
#   bash scripts/bench_pg.sh                    # 100k items (the 100k demo office is built once, ~1–2 min)
#   bash scripts/bench_pg.sh --scale 0.02       # quickly (2,000 items)
#   bash scripts/bench_pg.sh --json             # other bench/run.py options pass through
# Needs Debian's postgresql package and the .venv of scripts/test.sh. Prints `uptime` before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run scripts/test.sh first (it makes .venv)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fielddesk-pgbench.XXXXXX")
chmod 755 "$work"  # the cluster's owner (postgres, when run as root) must reach its folder
trap 'bash scripts/pg_cluster.sh stop "$work/cluster"; rm -rf "$work"' EXIT
settings=$(bash scripts/pg_cluster.sh start "$work/cluster")
eval "$settings"
[ -n "${FIELDDESK_TEST_PG_URL:-}" ] || { echo "the PostgreSQL cluster did not start" >&2; exit 1; }
uptime
rc=0
QT_QPA_PLATFORM=offscreen .venv/bin/python bench/run.py --only ledger_pg --db-url "$FIELDDESK_TEST_PG_URL" "$@" || rc=$?
uptime
exit "$rc"
