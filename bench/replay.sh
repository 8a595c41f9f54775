#!/usr/bin/env bash
# `yap replay` against the live stream it recorded: time and peak memory.
#
#   cargo build --release && bench/replay.sh          (from the repo root)
#   YAP=/path/to/yap SIZES="100000 1000000" RUNS=5 bench/replay.sh
#
# For each N: receive an N-chunk stream live from bench/sse_server.py (no
# --record; with the history as by default, and with --no-log: the history
# keeps the whole answer, replay writes none), record it once with
# --record, then replay the cassette; stdout
# to /dev/null. Wall time = median of RUNS (date +%s%N around the run), peak
# RSS = /usr/bin/time %M. The replayed stdout is checked against the live
# one (cmp) before anything is timed. 127.0.0.1 only; the server is stopped
# on exit.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 1
YAP=${YAP:-target/release/yap}
RUNS=${RUNS:-5}
SIZES=${SIZES:-"10000 100000 1000000"}
TIME_BIN=/usr/bin/time

[ -x "$YAP" ] || { echo "yap binary not found at $YAP (cargo build --release)" >&2; exit 1; }
[ -x "$TIME_BIN" ] || { echo "$TIME_BIN missing: apt-get install time" >&2; exit 1; }

unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy \
      YAP_BASE_URL OPENAI_BASE_URL YAP_PROFILE YAP_MODEL YAP_API_KEY
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export OPENAI_API_KEY=x
export NO_COLOR=1

TMP=$(mktemp -d /tmp/yap-bench-replay.XXXXXX)
SERVER_PIDS=()
cleanup() {
    local p
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${SERVER_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A PORT
start_server() { # N
    local n=$1 out="$TMP/server.$1.out" i p b
    python3 bench/sse_server.py "$n" 0 >"$out" 2>"$TMP/server.$n.err" &
    SERVER_PIDS+=("$!")
    for ((i = 0; i < 300; i++)); do
        if [ -s "$out" ] && read -r _ p _ b <"$out" && [ -n "${b:-}" ]; then
            PORT[$n]=$p; return 0
        fi
        sleep 0.1
    done
    echo "server for N=$n did not start" >&2; return 1
}

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
max() { sort -n | tail -1; }

# measure LABEL -- CMD...   -> "median_ms max_rss_kib rcs"
measure() {
    local label=$1 i t0 t1; shift 2
    : >"$TMP/$label.ms"; : >"$TMP/$label.rss"; : >"$TMP/$label.rc"
    for ((i = 0; i < RUNS; i++)); do
        t0=$(now_ns)
        "$TIME_BIN" -f '%M' -o "$TMP/$label.time" "$@" >/dev/null 2>>"$TMP/$label.err"
        echo "$?" >>"$TMP/$label.rc"
        t1=$(now_ns)
        awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f\n", (b-a)/1e6}' >>"$TMP/$label.ms"
        tail -1 "$TMP/$label.time" >>"$TMP/$label.rss"
    done
    echo "$(median <"$TMP/$label.ms") $(max <"$TMP/$label.rss") $(sort -u "$TMP/$label.rc" | paste -sd, -)"
}

echo "# yap replay vs live"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC'); host: $(uname -srm), $(nproc) cores (shared)"
echo "- yap: $YAP ($("$YAP" --version 2>&1)); runs per cell: $RUNS; load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo '| N chunks | cassette bytes | live ms | live peak RSS KiB | live --no-log ms | live --no-log RSS KiB | replay ms | replay peak RSS KiB | replay --json ms | replay --json RSS KiB | stdout identical | exit codes |'
echo '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---|'
for n in $SIZES; do
    start_server "$n" || exit 1
    url="http://127.0.0.1:${PORT[$n]}/v1"
    tape="$TMP/c.$n.jsonl"
    "$YAP" chat --base-url "$url" -m m --no-stdin hi >"$TMP/live.$n.out" 2>/dev/null
    "$YAP" chat --base-url "$url" -m m --no-stdin --record "$tape" hi >/dev/null 2>&1
    "$YAP" replay "$tape" >"$TMP/replay.$n.out" 2>/dev/null
    if cmp -s "$TMP/live.$n.out" "$TMP/replay.$n.out"; then same=yes; else same=NO; fi
    rm -f "$TMP/live.$n.out" "$TMP/replay.$n.out"
    read -r live_ms live_rss live_rc <<<"$(measure live.$n -- "$YAP" chat --base-url "$url" -m m --no-stdin hi)"
    read -r nolog_ms nolog_rss nolog_rc <<<"$(measure nolog.$n -- "$YAP" chat --base-url "$url" -m m --no-stdin --no-log hi)"
    read -r rep_ms rep_rss rep_rc <<<"$(measure replay.$n -- "$YAP" replay "$tape")"
    read -r js_ms js_rss js_rc <<<"$(measure json.$n -- "$YAP" replay --json "$tape")"
    echo "| $n | $(stat -c %s "$tape") | $live_ms | $live_rss | $nolog_ms | $nolog_rss | $rep_ms | $rep_rss | $js_ms | $js_rss | $same | live $live_rc, no-log $nolog_rc, replay $rep_rc, json $js_rc |"
    rm -f "$tape"
done
echo
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
