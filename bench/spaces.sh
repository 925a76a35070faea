#!/usr/bin/env bash
# Figures of the exchange spaces, on this machine (not part of the test suite):
#   - a forum topic page with 10,000 replies under load (wrk, Debian package);
#   - the listing of a folder holding 10,000 files: web page, JSON API, WebDAV PROPFIND;
#   - WebDAV upload and download of a 1 GiB file, and the server's peak memory meanwhile.
# The database is SQLite by default; TERRITOIRE_BENCH_POSTGRES (an admin URL) measures
# PostgreSQL instead. Results are printed and appended to bench/results/spaces.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/spaces.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }
elapsed() { echo "$(date +%s.%N) - $1" | bc; }
# The median of the numbers on standard input.
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"
DATA="$WORK/data"
PORT=18082
URL="http://127.0.0.1:$PORT"
if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  DB_NAME="territoire_bench_spaces_$$"
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "CREATE DATABASE $DB_NAME"
  export TERRITOIRE_DATABASE_URL="${TERRITOIRE_BENCH_POSTGRES%/*}/$DB_NAME"
  DATABASE="PostgreSQL"
else
  export TERRITOIRE_DATABASE_URL=""
  DATABASE="SQLite"
fi
say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m), $DATABASE"

"$BIN/territoire" --data "$DATA" demo > /dev/null
DB_URL=${TERRITOIRE_DATABASE_URL:-sqlite://$DATA/territoire.db}
start=$(date +%s.%N)
read -r SPACE TOPIC FOLDER SESSION < <("$BIN/spaces-fill" "$DB_URL" enseignant-1d@demo.territoire.fr 10000 10000)
say "remplissage (10 000 réponses, 10 000 fichiers) : $(elapsed "$start") s"
TOKEN=$("$BIN/territoire" --data "$DATA" user token enseignant-1d@demo.territoire.fr | tail -n 1 | awk '{print $NF}')

"$BIN/territoire" --data "$DATA" serve --bind "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "$URL/readyz" >/dev/null && break; sleep 0.2; done
COOKIE="Cookie: territoire_session=$SESSION"
curl -sf -H "$COOKIE" "$URL/espaces/$SPACE/forum/$TOPIC?apres=9951" | grep -q "Réponse n° 10001" \
  || { echo "la dernière page du sujet ne montre pas la dernière réponse" >&2; exit 1; }

wrk -t2 -c16 -d5s -s bench/topic.lua "$URL" -- "$SPACE" "$TOPIC" "$SESSION" > /dev/null   # warm-up
say "pages d'un sujet de 10 000 réponses, 50 messages par page, au hasard (wrk, 16 connexions, 20 s) :"
wrk -t2 -c16 -d20s --latency -s bench/topic.lua "$URL" -- "$SPACE" "$TOPIC" "$SESSION" \
  | grep -E "Requests/sec|Non-2xx|50%|90%|99%" | tee -a "$RESULTS"

# One listing at a time, 20 times each: the median, and the size of the answer.
listing() {
  local label=$1; shift
  local times size
  for _ in $(seq 3); do curl -s -o /dev/null "$@"; done
  times=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "$@"; done | median)
  size=$(curl -s -o /dev/null -w '%{size_download}' "$@")
  say "$label : médiane $(echo "$times * 1000" | bc) ms, $((size / 1024)) Kio"
}
listing "dossier de 10 000 fichiers, page web" -H "$COOKIE" "$URL/espaces/$SPACE/dossiers/$FOLDER"
listing "dossier de 10 000 fichiers, API JSON" -H "Authorization: Bearer $TOKEN" \
  "$URL/api/v1/spaces/$SPACE/files?parent=$FOLDER"
listing "dossier de 10 000 fichiers, WebDAV PROPFIND profondeur 1" -X PROPFIND -H "Depth: 1" \
  -u "enseignant-1d@demo.territoire.fr:$TOKEN" "$URL/dav/spaces/$SPACE/Archives/"

# WebDAV: 1 GiB up then down, with the server's memory before and at its peak. The file
# starts as a real MP4 (the type is decided by the content), the rest is random.
ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=25:duration=1 -c:v libx264 -pix_fmt yuv420p "$WORK/head.mp4"
{ cat "$WORK/head.mp4"; head -c $((1024 * 1024 * 1024 - $(stat -c %s "$WORK/head.mp4"))) /dev/urandom; } > "$WORK/big.bin"
idle=$(awk '/VmRSS/{print $2}' /proc/$SERVER/status)
start=$(date +%s.%N)
curl -sf -o /dev/null -u "enseignant-1d@demo.territoire.fr:$TOKEN" -T "$WORK/big.bin" \
  "$URL/dav/spaces/$SPACE/Vid%C3%A9o%20de%20s%C3%A9ance.mp4"
up=$(elapsed "$start")
peak_up=$(awk '/VmHWM/{print $2}' /proc/$SERVER/status)
start=$(date +%s.%N)
curl -sf -u "enseignant-1d@demo.territoire.fr:$TOKEN" -o "$WORK/back.bin" \
  "$URL/dav/spaces/$SPACE/Vid%C3%A9o%20de%20s%C3%A9ance.mp4"
down=$(elapsed "$start")
peak=$(awk '/VmHWM/{print $2}' /proc/$SERVER/status)
cmp -s "$WORK/big.bin" "$WORK/back.bin" || { echo "le fichier relu diffère" >&2; exit 1; }
say "WebDAV, 1 Gio : envoi $up s ($(echo "1024 / $up" | bc) Mio/s), lecture $down s ($(echo "1024 / $down" | bc) Mio/s), en local"
say "mémoire du serveur : $((idle / 1024)) Mio au repos, pic $((peak_up / 1024)) Mio pendant l'envoi, $((peak / 1024)) Mio après la lecture"
kill $SERVER; wait $SERVER 2>/dev/null || true
if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "DROP DATABASE $DB_NAME"
fi
