#!/usr/bin/env bash
# Figures of identity and privacy on this machine (not part of the test suite): the session
# check every page pays among SESSIONS (100,000) open sessions, the audit trail's searches
# over AUDIT (1,000,000) entries, the retention dry run and a person's export, on the
# département demo (bench/src/bin/identity-load.rs). SQLite by default, PostgreSQL as well
# when TERRITOIRE_BENCH_POSTGRES is an admin URL. Results are printed and appended to
# bench/results/identity.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/identity.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }
SIZES="${BENCH_SESSIONS:-100000} ${BENCH_AUDIT:-1000000} ${BENCH_RUNS:-21}"

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"
TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"

"$BIN/territoire" --data "$WORK/sqlite" demo > /dev/null
say "SQLite :"
# shellcheck disable=SC2086
"$BIN/identity-load" "sqlite://$WORK/sqlite/territoire.db" $SIZES | tee -a "$RESULTS"

if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  DB="territoire_bench_identity_$$"
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "CREATE DATABASE $DB"
  trap 'psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "DROP DATABASE IF EXISTS $DB"; rm -rf "$WORK"' EXIT
  PGURL="${TERRITOIRE_BENCH_POSTGRES%/*}/$DB"
  TERRITOIRE_DATABASE_URL="$PGURL" "$BIN/territoire" --data "$WORK/pg" demo > /dev/null
  say "PostgreSQL :"
  # shellcheck disable=SC2086
  "$BIN/identity-load" "$PGURL" $SIZES | tee -a "$RESULTS"
fi
