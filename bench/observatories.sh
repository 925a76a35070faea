#!/usr/bin/env bash
# Figures of the observatories' binôme solver, on this machine (not part of the test suite):
# an observatory of 1,000 volunteer observers and 2,000 pending visit requests drawn from
# `demo --scale national`; the batch read from the database, the batch solver against the
# greedy assignment (medians, binômes made, total cost), and « Proposer les binômes » end to
# end (bench/src/bin/binome-solver.rs). SQLite by default, PostgreSQL as well when
# TERRITOIRE_BENCH_POSTGRES is an admin URL. BENCH_DATA reuses a folder where the national
# demo already ran (it is copied, not changed). BENCH_REQUESTS, BENCH_OBSERVERS and BENCH_RUNS
# change the sizes. Results are printed and appended to bench/results/observatories.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/observatories.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }
SIZES="${BENCH_REQUESTS:-2000} ${BENCH_OBSERVERS:-1000} ${BENCH_RUNS:-5}"

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"
TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"

if [ -n "${BENCH_DATA:-}" ]; then
  mkdir -p "$WORK/sqlite" && cp "$BENCH_DATA/territoire.db" "$WORK/sqlite/"
else
  "$BIN/territoire" --data "$WORK/sqlite" demo --scale national > /dev/null
fi
say "SQLite :"
# shellcheck disable=SC2086
"$BIN/binome-solver" "sqlite://$WORK/sqlite/territoire.db" $SIZES | tee -a "$RESULTS"

if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  DB="territoire_bench_observatories_$$"
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "CREATE DATABASE $DB"
  trap 'psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "DROP DATABASE IF EXISTS $DB"; rm -rf "$WORK"' EXIT
  PGURL="${TERRITOIRE_BENCH_POSTGRES%/*}/$DB"
  TERRITOIRE_DATABASE_URL="$PGURL" "$BIN/territoire" --data "$WORK/pg" demo --scale national > /dev/null
  say "PostgreSQL :"
  # shellcheck disable=SC2086
  "$BIN/binome-solver" "$PGURL" $SIZES | tee -a "$RESULTS"
fi
