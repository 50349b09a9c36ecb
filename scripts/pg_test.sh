#!/usr/bin/env bash
# The database, end-to-end and sync tests against PostgreSQL: starts a throwaway cluster of its own
# (data folder under a temp folder, its own port on 127.0.0.1), points the suite at it through
# FIELDDESK_TEST_PG_URL (tests/helpers/pg_plugin.py: one database per data folder), and stops and deletes
# the cluster on exit, whatever happened. Tests marked sqlite_only are skipped there, with the reason.
#   bash scripts/pg_test.sh                # tests/db and tests/e2e (but the holiday property test, below)
#   bash scripts/pg_test.sh -x --tb=line        # the same set, pytest options added
#   bash scripts/pg_test.sh tests/db/test_server_db.py -x
# Needs Debian's postgresql package (initdb, pg_ctl, pg_dump) and the .venv of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "run scripts/test.sh first (it makes .venv)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/fielddesk-pg.XXXXXX")
chmod 755 "$work"  # the cluster's owner (postgres, when run as root) must reach its folder
trap 'bash scripts/pg_cluster.sh stop "$work/cluster"; rm -rf "$work"' EXIT
settings=$(bash scripts/pg_cluster.sh start "$work/cluster")  # a failed start stops here (set -e)
eval "$settings"
[ -n "${FIELDDESK_TEST_PG_URL:-}" ] || { echo "the PostgreSQL cluster did not start" >&2; exit 1; }
started=$(date +%s)
# by default all of tests/db and tests/e2e but the holiday-precedence property test: hundreds of generated
# offices exercise rules whose SQL test_holiday_override.py already runs here (the CI budget: docs/postgresql.md)
paths=0
for a in "$@"; do case "$a" in -*) ;; *) paths=1 ;; esac; done  # options alone (-x, --tb=line) keep the default set
if [ "$paths" -eq 0 ]; then set -- "$@" tests/db tests/e2e --ignore=tests/db/test_holiday_override_property.py; fi
rc=0
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -p no:cacheprovider "$@" || rc=$?
echo "PostgreSQL tests: $(( $(date +%s) - started )) s"
exit "$rc"
