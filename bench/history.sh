#!/usr/bin/env bash
# The history's cost: yap with the history on (a database already holding
# FILL exchanges) and with --no-log, against curl on the same local
# responses, in paired alternating runs (yap, curl, yap, curl, …).
# Prints, per case, the median wall time of yap and of curl and the median
# of the per-pair ratios yap/curl.
#
#   bench/history.sh           (from the repo root, after `cargo build --release`)
#   YAP=/path/to/yap PAIRS=31 bench/history.sh
#
# Env knobs: YAP (default target/release/yap), PAIRS (default 21), FILL
# (exchanges put in the history first, default 1000).
# Everything talks to 127.0.0.1 only; the server and the data folder are
# removed on exit.
set -u
set -o pipefail
cd "$(dirname "$0")/.." || exit 1
YAP=${YAP:-target/release/yap}
PAIRS=${PAIRS:-21}
FILL=${FILL:-1000}
[ -x "$YAP" ] || { echo "$YAP missing: cargo build --release" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl missing" >&2; exit 1; }

unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy \
      YAP_BASE_URL OPENAI_BASE_URL YAP_PROFILE YAP_MODEL YAP_API_KEY YAP_NO_LOG
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 OPENAI_API_KEY=x NO_COLOR=1

TMP=$(mktemp -d /tmp/yap-history-bench.XXXXXX)
export YAP_DATA_DIR=$TMP/data
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

: >"$TMP/server"
python3 bench/sse_server.py 1 0 >"$TMP/server" 2>/dev/null &
PID=$!
for ((i = 0; i < 300; i++)); do
    read -r _ PORT _ _ <"$TMP/server" 2>/dev/null && [ -n "${PORT:-}" ] && break
    sleep 0.1
done
[ -n "${PORT:-}" ] || { echo "the server did not start" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/v1"

# The history as a user's would be after a while.
for ((i = 0; i < FILL; i++)); do
    "$YAP" chat --base-url "$URL" -m m "question $i" >/dev/null || exit 1
done
rows=$("$YAP" logs -n 100000 --json | wc -l)

median() { sort -n | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# Times from bash's $EPOCHREALTIME (a builtin: no process is started to
# read the clock, so neither tool's time holds the start of a `date`).
ms() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f\n", (b-a)*1000}'; }

# pair LABEL STREAM(true|false) YAP-ARGS...: PAIRS alternating runs.
pair() {
    local label=$1 stream=$2 t0 t1 t2 y c; shift 2
    : >"$TMP/$label.yap"; : >"$TMP/$label.curl"; : >"$TMP/$label.ratio"
    for ((i = 0; i < PAIRS; i++)); do
        t0=$EPOCHREALTIME
        "$YAP" chat --base-url "$URL" -m m "$@" hi >/dev/null 2>>"$TMP/$label.err"
        t1=$EPOCHREALTIME
        curl -sN -X POST -H 'Content-Type: application/json' -H 'Authorization: Bearer x' \
            --data "{\"model\":\"m\",\"stream\":$stream,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" \
            "$URL/chat/completions" >/dev/null
        t2=$EPOCHREALTIME
        y=$(ms "$t0" "$t1"); c=$(ms "$t1" "$t2")
        echo "$y" >>"$TMP/$label.yap"; echo "$c" >>"$TMP/$label.curl"
        awk -v y="$y" -v c="$c" 'BEGIN{printf "%.3f\n", y/c}' >>"$TMP/$label.ratio"
    done
    printf '| %s | %d | %s | %s | %s |\n' "$label" "$PAIRS" \
        "$(median <"$TMP/$label.yap")" "$(median <"$TMP/$label.curl")" \
        "$(median <"$TMP/$label.ratio")"
}

echo "# history cost: yap vs curl, paired alternating runs"
echo
echo "- yap: $("$YAP" --version), history rows before timing: $rows"
echo "- curl: $(curl --version | head -1)"
echo "- $(nproc) cores; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | pairs | yap median ms | curl median ms | median yap/curl |"
echo "|---|---:|---:|---:|---:|"
pair "stream N=1, history on" true
pair "stream N=1, --no-log" true --no-log
pair "--no-stream, history on" false --no-stream
pair "--no-stream, --no-log" false --no-stream --no-log
echo
echo "history rows after: $("$YAP" logs -n 100000 --json | wc -l) (each history-on run adds one)"
if [ -s "$TMP/stream N=1, history on.err" ] || [ -s "$TMP/--no-stream, history on.err" ]; then
    echo "stderr of the history-on runs:"; cat "$TMP"/*history\ on.err
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
