#!/usr/bin/env bash
# Figures at national scale, on this machine (not part of the test suite):
#   - clean release build time;
#   - `territoire demo --scale national` on SQLite (and PostgreSQL if TERRITOIRE_BENCH_POSTGRES
#     is an admin URL);
#   - idle memory of the server on that data set;
#   - directory search latency and pages/s (bench/src/bin/directory-load.rs);
#   - import of a 66,000-row annuaire file in the published format.
# Results are printed and appended to bench/results/national.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/national.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"

# BENCH_TARGET_DIR reuses an earlier build (then the build time is not a clean one).
TARGET=${BENCH_TARGET_DIR:-$WORK/target}
start=$(date +%s.%N)
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
say "compilation release$([ -z "${BENCH_TARGET_DIR:-}" ] && echo " à froid") : $(echo "$(date +%s.%N) - $start" | bc) s"
BIN="$TARGET/release"

start=$(date +%s.%N)
"$BIN/territoire" --data "$WORK/sqlite" demo --scale national | tee -a "$RESULTS"
say "demo --scale national (SQLite) : $(echo "$(date +%s.%N) - $start" | bc) s, base $(du -sh "$WORK/sqlite" | cut -f1)"

if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  DB="territoire_bench_$$"
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "CREATE DATABASE $DB"
  PGURL="${TERRITOIRE_BENCH_POSTGRES%/*}/$DB"
  start=$(date +%s.%N)
  TERRITOIRE_DATABASE_URL="$PGURL" "$BIN/territoire" --data "$WORK/pg" demo --scale national | tee -a "$RESULTS"
  say "demo --scale national (PostgreSQL) : $(echo "$(date +%s.%N) - $start" | bc) s"
fi

"$BIN/territoire" --data "$WORK/sqlite" serve --bind 127.0.0.1:18080 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.2; done
sleep 3
say "mémoire du serveur au repos (données nationales, SQLite) : $(awk '/VmRSS/{print $2/1024 " Mio"}' /proc/$SERVER/status)"
"$BIN/directory-load" http://127.0.0.1:18080 500 4 > /dev/null   # warm-up
"$BIN/directory-load" http://127.0.0.1:18080 20000 8 | tee -a "$RESULTS"
say "mémoire du serveur après la charge : $(awk '/VmRSS/{print $2/1024 " Mio"}' /proc/$SERVER/status)"
kill $SERVER; wait $SERVER 2>/dev/null || true

"$BIN/annuaire-csv" "sqlite://$WORK/sqlite/territoire.db" "$WORK/annuaire.csv" | tee -a "$RESULTS"
start=$(date +%s.%N)
"$BIN/territoire" --data "$WORK/import" import annuaire "$WORK/annuaire.csv" | tee -a "$RESULTS"
say "import annuaire de $(($(wc -l < "$WORK/annuaire.csv") - 1)) lignes ($(du -h "$WORK/annuaire.csv" | cut -f1)) dans une base vide : $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
"$BIN/territoire" --data "$WORK/import" import annuaire "$WORK/annuaire.csv" | tee -a "$RESULTS"
say "second import du même fichier (rien ne change) : $(echo "$(date +%s.%N) - $start" | bc) s"
