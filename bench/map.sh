#!/usr/bin/env bash
# Figures of the map of initiatives and the indicators at national scale, on this machine
# (not part of the test suite): the national demo (SQLite; BENCH_DATA reuses a folder where
# it already ran), the map's data loaded in memory (time, memory), the clusters of 1,000
# random viewports from the country to the street in process (p50/p99, several filters), then
# REQUESTS (5,000) calls of GET /api/v1/map/clusters at CONCURRENCY (8) against the server,
# and the server's memory once the map is loaded (bench/src/bin/map-load.rs). Results are
# printed and appended to bench/results/map.txt. Then the indicators: BENCH_TERRITORIES (500)
# territories added to the data set, the hourly computation of the metrics, BENCH_PAGES (2,000)
# dashboard pages signed in, and the exports (ODS of every territory, CSV, PDF).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/map.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"
TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"

DATA=${BENCH_DATA:-$WORK/national}
if [ ! -f "$DATA/territoire.db" ]; then
  "$BIN/territoire" --data "$DATA" demo --scale national > /dev/null
fi
DB="sqlite://$DATA/territoire.db"

"$BIN/territoire" --data "$DATA" serve --bind 127.0.0.1:18090 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18090/readyz >/dev/null && break; sleep 0.2; done
say "mémoire du serveur au repos : $(awk '/VmRSS/{print $2/1024 " Mio"}' /proc/$SERVER/status) (dont anonyme : $(awk '/RssAnon/{print $2/1024 " Mio"}' /proc/$SERVER/status))"
"$BIN/map-load" "$DB" http://127.0.0.1:18090 "${BENCH_REQUESTS:-5000}" "${BENCH_CONCURRENCY:-8}" | tee -a "$RESULTS"
say "mémoire du serveur, carte chargée : $(awk '/VmRSS/{print $2/1024 " Mio"}' /proc/$SERVER/status) (dont anonyme : $(awk '/RssAnon/{print $2/1024 " Mio"}' /proc/$SERVER/status))"
kill $SERVER; wait $SERVER 2>/dev/null || true

# The indicators: territories added to the national demo, the hourly computation, dashboard
# pages and exports (bench/src/bin/indicators-load.rs), against a fresh server.
"$BIN/territoire" --data "$DATA" serve --bind 127.0.0.1:18090 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18090/readyz >/dev/null && break; sleep 0.2; done
"$BIN/indicators-load" "$DB" http://127.0.0.1:18090 "$DATA/demo-password.txt" "${BENCH_PAGES:-2000}" "${BENCH_TERRITORIES:-500}" | tee -a "$RESULTS"
say "mémoire du serveur après les tableaux de bord : $(awk '/VmRSS/{print $2/1024 " Mio"}' /proc/$SERVER/status) (dont anonyme : $(awk '/RssAnon/{print $2/1024 " Mio"}' /proc/$SERVER/status))"
kill $SERVER; wait $SERVER 2>/dev/null || true
