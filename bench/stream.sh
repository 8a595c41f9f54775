#!/usr/bin/env bash
# Benchmark yap against curl on the same local SSE / JSON responses.
#
#   bench/stream.sh            (from the repo root, after `cargo build --release`)
#   YAP=/path/to/yap bench/stream.sh
#
# Env knobs: YAP (default target/release/yap), RUNS (default 5), RUNS_BIG (runs for
# the 1M-chunk stream, default 3), SIZES (default "1 100000 1000000"),
# RUN_TIMEOUT (seconds per single run, default 300), HF_RUNS (hyperfine runs, default 1000).
#
# Everything talks to 127.0.0.1 only. Servers are stopped on exit.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 1
YAP=${YAP:-target/release/yap}
RUNS=${RUNS:-5}
RUNS_BIG=${RUNS_BIG:-3}
SIZES=${SIZES:-"1 100000 1000000"}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
HF_RUNS=${HF_RUNS:-1000}
TIME_BIN=/usr/bin/time

[ -x "$YAP" ] || { echo "yap binary not found at $YAP (set YAP= or cargo build --release)" >&2; exit 1; }
[ -x "$TIME_BIN" ] || { echo "$TIME_BIN missing: apt-get install time" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl missing" >&2; exit 1; }

# Local only: no proxies, dummy key, no config/profile influence.
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy \
      YAP_BASE_URL OPENAI_BASE_URL YAP_PROFILE YAP_MODEL YAP_API_KEY
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export OPENAI_API_KEY=x
export NO_COLOR=1

TMP=$(mktemp -d /tmp/yap-bench.XXXXXX)
SERVER_PIDS=()
cleanup() {
    local p
    for p in "${SERVER_PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${SERVER_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- start one server per size --------------------------------------------
declare -A PORT BYTES
start_server() { # N
    local n=$1 out="$TMP/server.$1.out" i
    : >"$out"
    python3 bench/sse_server.py "$n" 0 >"$out" 2>"$TMP/server.$n.err" &
    SERVER_PIDS+=("$!")
    for ((i = 0; i < 300; i++)); do           # up to 30 s
        if read -r _ p _ b <"$out" 2>/dev/null && [ -n "${b:-}" ]; then
            PORT[$n]=$p; BYTES[$n]=$b; return 0
        fi
        sleep 0.1
    done
    echo "server for N=$n did not start" >&2; cat "$TMP/server.$n.err" >&2
    return 1
}
for n in $SIZES; do start_server "$n" || exit 1; done
url() { echo "http://127.0.0.1:${PORT[$1]}/v1"; }

# ---- helpers ----------------------------------------------------------------
now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END{ if (NR==0) {print "NA"; exit} if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
max() { sort -n | tail -1; }

# measure LABEL RUNS -- CMD...   (stdout of CMD to /dev/null)
# Records per run: wall ms (date +%s%N around the run), peak RSS KiB (/usr/bin/time %M),
# exit code; all appended to $TMP/LABEL.{ms,rss,rc}; stderr kept in $TMP/LABEL.stderr.
measure() {
    local label=$1 runs=$2 i t0 t1 rc; shift 3
    : >"$TMP/$label.ms"; : >"$TMP/$label.rss"; : >"$TMP/$label.rc"; : >"$TMP/$label.stderr"
    for ((i = 0; i < runs; i++)); do
        t0=$(now_ns)
        timeout "$RUN_TIMEOUT" "$TIME_BIN" -f '%e %M' -o "$TMP/$label.time" "$@" \
            >/dev/null 2>>"$TMP/$label.stderr"
        rc=$?
        t1=$(now_ns)
        echo "$rc" >>"$TMP/$label.rc"
        awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f\n", (b-a)/1e6}' >>"$TMP/$label.ms"
        awk 'END{print $2}' "$TMP/$label.time" >>"$TMP/$label.rss"
    done
}
summary() { # LABEL -> "median_ms max_ms median_rss_kib max_rss_kib rcs stderr_bytes"
    local l=$1
    echo "$(median <"$TMP/$l.ms") $(max <"$TMP/$l.ms") $(median <"$TMP/$l.rss") $(max <"$TMP/$l.rss") \
$(sort -u "$TMP/$l.rc" | paste -sd, -) $(wc -c <"$TMP/$l.stderr")"
}


echo "# yap vs curl benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "- host: $(uname -srm), $(nproc) cores (shared with other work)"
echo "- yap: $YAP ($("$YAP" --version 2>&1)), $(stat -c %s "$YAP") bytes"
echo "- curl: $(curl --version | head -1)"
echo "- python: $(python3 --version 2>&1); hyperfine: $(hyperfine --version 2>/dev/null || echo none)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- runs per cell: $RUNS (1M chunks: $RUNS_BIG); wall = median of runs (date +%s%N, includes /usr/bin/time fork), RSS = /usr/bin/time %M"
echo

# ---- correctness check (untimed) -------------------------------------------
echo "## Sanity check (untimed, one run each)"
echo
echo '| N chunks | SSE body bytes | yap stdout bytes (expect 4N+1) | yap rc | curl stdout bytes | curl rc |'
echo '|---:|---:|---:|---:|---:|---:|'
for n in $SIZES; do
    yb=$(timeout "$RUN_TIMEOUT" "$YAP" chat --base-url "$(url "$n")" -m m --no-stdin hi 2>"$TMP/check.$n.err" | wc -c); yrc=${PIPESTATUS[0]}
    cb=$(timeout "$RUN_TIMEOUT" curl -sN -X POST -H 'Content-Type: application/json' --data '{"stream":true}' \
        "$(url "$n")/chat/completions" | wc -c); crc=${PIPESTATUS[0]}
    echo "| $n | ${BYTES[$n]} | $yb | $yrc | $cb | $crc |"
    [ -s "$TMP/check.$n.err" ] && { echo; echo "yap stderr (N=$n):"; head -c 2000 "$TMP/check.$n.err"; echo; }
done
echo

# ---- streaming --------------------------------------------------------------
echo "## Streaming: wall time and peak RSS"
echo
echo '| N chunks | tool | runs | wall median ms | wall max ms | RSS median KiB | RSS max KiB | exit codes | stderr bytes |'
echo '|---:|---|---:|---:|---:|---:|---:|---|---:|'
for n in $SIZES; do
    r=$RUNS; [ "$n" -ge 1000000 ] && r=$RUNS_BIG
    measure "yap.$n" "$r" -- "$YAP" chat --base-url "$(url "$n")" -m m --no-stdin hi
    measure "curl.$n" "$r" -- curl -sN -X POST -H 'Content-Type: application/json' --data '{"stream":true}' "$(url "$n")/chat/completions"
    for tool in yap curl; do
        read -r med mx rmed rmx rcs eb <<<"$(summary "$tool.$n")"
        echo "| $n | $tool | $r | $med | $mx | $rmed | $rmx | $rcs | $eb |"
    done
done
echo

# ---- non-streamed -----------------------------------------------------------
n1=$(echo "$SIZES" | awk '{print $1}')
echo "## Non-streamed (--no-stream) vs curl, same JSON body"
echo
echo '| tool | runs | wall median ms | wall max ms | RSS median KiB | RSS max KiB | exit codes | stderr bytes |'
echo '|---|---:|---:|---:|---:|---:|---|---:|'
measure yap.nostream "$RUNS" -- "$YAP" chat --base-url "$(url "$n1")" -m m --no-stdin --no-stream hi
measure curl.nostream "$RUNS" -- curl -s -X POST -H 'Content-Type: application/json' --data '{"stream":false}' "$(url "$n1")/chat/completions"
for tool in yap curl; do
    read -r med mx rmed rmx rcs eb <<<"$(summary "$tool.nostream")"
    echo "| $tool | $RUNS | $med | $mx | $rmed | $rmx | $rcs | $eb |"
done
echo

# ---- precise small-case timings ---------------------------------------------
echo "## Startup and small requests (precise timing)"
echo
if command -v hyperfine >/dev/null; then
    U=$(url "$n1")
    hyperfine -N --warmup 50 --runs "$HF_RUNS" --style basic --export-markdown "$TMP/hf1.md" \
        -n 'yap --version' "$YAP --version" \
        -n 'curl --version' 'curl --version' 2>&1
    echo; cat "$TMP/hf1.md"; echo
    HF_REQ=$(( HF_RUNS / 5 )); [ "$HF_REQ" -lt 10 ] && HF_REQ=10
    hyperfine -N --warmup 20 --runs "$HF_REQ" --style basic --export-markdown "$TMP/hf2.md" \
        -n "yap stream N=$n1" "$YAP chat --base-url $U -m m --no-stdin hi" \
        -n "curl stream N=$n1" "curl -sN -X POST -H 'Content-Type: application/json' --data '{\"stream\":true}' $U/chat/completions" \
        -n 'yap --no-stream' "$YAP chat --base-url $U -m m --no-stdin --no-stream hi" \
        -n 'curl non-stream' "curl -s -X POST -H 'Content-Type: application/json' --data '{\"stream\":false}' $U/chat/completions" 2>&1
    echo; cat "$TMP/hf2.md"; echo
else
    echo "(hyperfine not found: loop of $HF_RUNS runs, date +%s%N)"
    echo
    echo '| command | runs | mean ms |'
    echo '|---|---:|---:|'
    for spec in "yap --version|$YAP --version" "curl --version|curl --version"; do
        name=${spec%%|*}; cmd=${spec#*|}
        t0=$(now_ns)
        for ((i = 0; i < HF_RUNS; i++)); do $cmd >/dev/null 2>&1; done
        t1=$(now_ns)
        awk -v a="$t0" -v b="$t1" -v n="$HF_RUNS" -v c="$name" 'BEGIN{printf "| %s | %d | %.3f |\n", c, n, (b-a)/1e6/n}'
    done
    echo
fi
echo "## Peak RSS of --version"
echo
echo '| command | RSS KiB |'
echo '|---|---:|'
"$TIME_BIN" -f '%M' -o "$TMP/v.rss" "$YAP" --version >/dev/null; echo "| yap --version | $(cat "$TMP/v.rss") |"
"$TIME_BIN" -f '%M' -o "$TMP/v.rss" curl --version >/dev/null; echo "| curl --version | $(cat "$TMP/v.rss") |"
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "done."
