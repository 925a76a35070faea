#!/usr/bin/env bash
# Figures of the real-time side, on this machine (not part of the test suite):
#   - a pad edited by 100 people typing 5 updates a second each: latency from one editor to
#     the others (p50, p99), the server's CPU and memory; then the same load on Node's
#     reference server (@y/websocket-server, bench/node/package-lock.json), for the ratio;
#   - a chat room of 1,000 connected members receiving 50 messages a second: delivery latency
#     to every member (p50, p99);
#   - 10,000 idle sockets: the server's memory per connection.
# SQLite by default; TERRITOIRE_BENCH_POSTGRES (an admin URL) measures PostgreSQL instead.
# Results are printed and appended to bench/results/realtime.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/realtime.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
say() { echo "$*" | tee -a "$RESULTS"; }
EDITORS=${BENCH_EDITORS:-100}
MEMBERS=${BENCH_MEMBERS:-1000}
IDLE=${BENCH_IDLE:-10000}
SECONDS_EACH=${BENCH_SECONDS:-30}
# Every socket is a file descriptor, on both sides (each process has its own limit).
ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((IDLE + 1000)) ]; then
  echo "il faut au moins $((IDLE + 1000)) descripteurs de fichiers par processus (ulimit -Hn : $(ulimit -Hn))" >&2
  exit 1
fi

TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"
DATA="$WORK/data"
PORT=18083
NODE_PORT=18093
if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  DB_NAME="territoire_bench_realtime_$$"
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
read -r SPACE ROOM PAD < <("$BIN/realtime-load" fill "$DB_URL" enseignant-1d@demo.territoire.fr "$MEMBERS" "$WORK/tokens")
TERRITOIRE_LOG=warn "$BIN/territoire" --data "$DATA" serve --bind "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
say "espace $SPACE, salon $ROOM, pad $PAD ; serveur au repos : $(awk '/VmRSS/{print int($2/1024)}' /proc/$SERVER/status) Mio"

say "-- pad, Territoire ($DATABASE, mises à jour enregistrées) :"
"$BIN/realtime-load" pad "ws://127.0.0.1:$PORT/api/v1/pads/$PAD/sync" "$WORK/tokens" "$EDITORS" 5 "$SECONDS_EACH" "$SERVER" | tee -a "$RESULTS"

(cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
HOST=127.0.0.1 PORT=$NODE_PORT node bench/node/node_modules/@y/websocket-server/src/server.js > "$WORK/node.log" 2>&1 &
NODE=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NODE_PORT/" >/dev/null && break; sleep 0.2; done
say "-- pad, @y/websocket-server $(node -p "require('./bench/node/node_modules/@y/websocket-server/package.json').version") sur Node $(node --version) (en mémoire, sans persistance) :"
"$BIN/realtime-load" pad "ws://127.0.0.1:$NODE_PORT/banc-essai" "$WORK/tokens" "$EDITORS" 5 "$SECONDS_EACH" "$NODE" | tee -a "$RESULTS"
kill "$NODE"

say "-- salon :"
"$BIN/realtime-load" chat "ws://127.0.0.1:$PORT/api/v1/rooms/$ROOM/ws" "$WORK/tokens" "$MEMBERS" 50 "$SECONDS_EACH" "$SERVER" | tee -a "$RESULTS"

say "-- connexions inactives :"
"$BIN/realtime-load" idle "ws://127.0.0.1:$PORT/api/v1/rooms/$ROOM/ws" "$WORK/tokens" "$IDLE" "$SERVER" | tee -a "$RESULTS"
if [ -n "${TERRITOIRE_BENCH_POSTGRES:-}" ]; then
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  psql -q "$TERRITOIRE_BENCH_POSTGRES" -c "DROP DATABASE $DB_NAME"
fi
