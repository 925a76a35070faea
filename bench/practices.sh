#!/usr/bin/env bash
# Figures of the practice library, on this machine (not part of the test suite):
#   - the national demo (1,000,000 practices) and the indexing rate (`territoire reindex`);
#   - search latency over those practices, in process (bench/src/bin/search-load.rs);
#   - the search page and practice pages under load (wrk, Debian package);
#   - upload throughput and the server's peak memory during a 1 GiB upload.
# BENCH_DATA reuses a folder where `demo --scale national` already ran.
# Results are printed and appended to bench/results/practices.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/practices.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }
elapsed() { echo "$(date +%s.%N) - $1" | bc; }

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"
TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"

DATA=${BENCH_DATA:-$WORK/national}
if [ ! -f "$DATA/territoire.db" ]; then
  start=$(date +%s.%N)
  "$BIN/territoire" --data "$DATA" demo --scale national | tee -a "$RESULTS"
  say "demo --scale national (SQLite) : $(elapsed "$start") s, base $(du -sh "$DATA/territoire.db" | cut -f1)"
fi
"$BIN/territoire" --data "$DATA" reindex | tee -a "$RESULTS"
say "index de recherche : $(du -sh "$DATA/search" | cut -f1)"
"$BIN/search-load" "sqlite://$DATA/territoire.db" "$DATA/search" 20 "$WORK/ids.txt" | tee -a "$RESULTS"

"$BIN/territoire" --data "$DATA" serve --bind 127.0.0.1:18080 > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/readyz >/dev/null && break; sleep 0.2; done
sleep 2
wrk -t2 -c16 -d5s -s bench/search.lua http://127.0.0.1:18080 > /dev/null   # warm-up
say "page et API de recherche (wrk, 16 connexions, 20 s) :"
wrk -t2 -c16 -d20s --latency -s bench/search.lua http://127.0.0.1:18080 | grep -E "Requests/sec|50%|90%|99%" | tee -a "$RESULTS"
say "pages de pratiques publiques (wrk, 16 connexions, 20 s) :"
wrk -t2 -c16 -d20s --latency -s bench/practices.lua http://127.0.0.1:18080 -- "$WORK/ids.txt" | grep -E "Requests/sec|50%|90%|99%" | tee -a "$RESULTS"
kill $SERVER; wait $SERVER 2>/dev/null || true

# Upload: a departemental data set, a teacher's token, a 1 GiB file that starts as an MP4.
"$BIN/territoire" --data "$WORK/upload" demo > /dev/null
"$BIN/territoire" --data "$WORK/upload" serve --bind 127.0.0.1:18081 > "$WORK/upload.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:18081/readyz >/dev/null && break; sleep 0.2; done
TOKEN=$("$BIN/territoire" --data "$WORK/upload" user token enseignant-1d@demo.territoire.fr | tail -n 1 | awk '{print $NF}')
ID=$(curl -sf -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"title":"Capsule de test","summary":"Envoi d un gros fichier."}' http://127.0.0.1:18081/api/v1/practices | sed -n 's/^{"id":\([0-9]*\).*/\1/p')
ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=25:duration=1 -c:v libx264 -pix_fmt yuv420p "$WORK/head.mp4"
cp "$WORK/head.mp4" "$WORK/big.mp4"
truncate -s 1G "$WORK/big.mp4"
curl -sf http://127.0.0.1:18081/pratiques > /dev/null
idle=$(awk '/VmRSS/{print $2}' /proc/$SERVER/status)
start=$(date +%s.%N)
curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" -F appearance=nobody -F "file=@$WORK/big.mp4;type=video/mp4" \
  "http://127.0.0.1:18081/api/v1/practices/$ID/media"
seconds=$(elapsed "$start")
peak=$(awk '/VmHWM/{print $2}' /proc/$SERVER/status)
say "envoi de 1 Gio : $seconds s ($(echo "1024 / $seconds" | bc) Mio/s, en local) ; mémoire : $((idle / 1024)) Mio au repos, pic $((peak / 1024)) Mio (+$(((peak - idle) / 1024)) Mio)"
kill $SERVER; wait $SERVER 2>/dev/null || true
