#!/usr/bin/env bash
# Markdown that could freeze the server (not part of the test suite): the worst inputs of
# maximum size rendered in process (bench/src/bin/markdown-worst.rs), then `/healthz` while 8
# clients read the heaviest practice page of a release server on SQLite
# (bench/src/bin/markdown-load.rs). Results are printed and appended to
# bench/results/markdown.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
RESULTS=bench/results/markdown.txt
WORK=$(mktemp -d /tmp/territoire-bench.XXXXXX)
say() { echo "$*" | tee -a "$RESULTS"; }
TARGET=${BENCH_TARGET_DIR:-target}
CARGO_TARGET_DIR="$TARGET" cargo build --release --locked -q -p territoire -p bench
BIN="$TARGET/release"

say "== $(date -u +%FT%TZ) — $(nproc) cœurs, $(free -g | awk '/Mem:/{print $2}') Gio, $(uname -m)"
say "Rendu des pires entrées (100 000 caractères), médiane et maximum de ${BENCH_ROUNDS:-9} rendus :"
"$BIN/markdown-worst" "${BENCH_ROUNDS:-9}" | tee -a "$RESULTS"

PORT=${BENCH_PORT:-18090}
"$BIN/territoire" --data "$WORK" migrate > /dev/null
TOKEN=$(printf 'une phrase de passe\n' | "$BIN/territoire" --data "$WORK" user add bench@ac-lille.fr --name "Banc d'essai" > /dev/null && "$BIN/territoire" --data "$WORK" user token bench@ac-lille.fr)
TERRITOIRE_LOG=warn "$BIN/territoire" --data "$WORK" serve --bind "127.0.0.1:$PORT" > /dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null && break; sleep 0.2; done
"$BIN/markdown-load" "http://127.0.0.1:$PORT" "$TOKEN" "${BENCH_SECONDS:-20}" 8 | tee -a "$RESULTS"
