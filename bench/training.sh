#!/usr/bin/env bash
# Figures of training on this machine (not part of the test suite): NEEDS (100,000) needs of
# the year over 2,000 themes in the département demo, the office's demand against the offer
# (median), a module's creation telling those whose need it answers, and REGISTRATIONS (500)
# registrations at once to a module of 100 seats (bench/src/bin/training-load.rs). SQLite by
# default, PostgreSQL as well when TERRITOIRE_BENCH_POSTGRES is an admin URL. Results are
# printed and appended to bench/results/training.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/training.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }
SIZES="${BENCH_NEEDS:-100000} ${BENCH_REGISTRATIONS:-500} ${BENCH_RUNS:-7}"

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"
TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"

"$BIN/territoire" --data "$WORK/sqlite" demo > /dev/null
say "SQLite :"
# shellcheck disable=SC2086
"$BIN/training-load" "sqlite://$WORK/sqlite/territoire.db" $SIZES | tee -a "$RESULTS"

if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  DB="territoire_bench_training_$$"
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "CREATE DATABASE $DB"
  trap 'psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "DROP DATABASE IF EXISTS $DB"; rm -rf "$WORK"' EXIT
  PGURL="${TERRITOIRE_BENCH_POSTGRES%/*}/$DB"
  TERRITOIRE_DATABASE_URL="$PGURL" "$BIN/territoire" --data "$WORK/pg" demo > /dev/null
  say "PostgreSQL :"
  # shellcheck disable=SC2086
  "$BIN/training-load" "$PGURL" $SIZES | tee -a "$RESULTS"
fi
