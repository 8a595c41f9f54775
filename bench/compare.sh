#!/usr/bin/env bash
# Two yap binaries side by side on the same local responses, runs
# alternating (A, B, A, B, …) so that load on the machine hits both alike.
# Prints the median wall time and peak RSS of each case, and B/A.
#
#   bench/compare.sh OLD_YAP NEW_YAP
#
# Env knobs: RUNS (default 7), SIZES (default "1 100000 1000000").
# Everything talks to 127.0.0.1 only; servers are stopped on exit.
set -u
set -o pipefail
cd "$(dirname "$0")/.." || exit 1
A=${1:?usage: bench/compare.sh OLD_YAP NEW_YAP}
B=${2:?usage: bench/compare.sh OLD_YAP NEW_YAP}
RUNS=${RUNS:-7}
SIZES=${SIZES:-"1 100000 1000000"}
TIME_BIN=/usr/bin/time
[ -x "$TIME_BIN" ] || { echo "$TIME_BIN missing: apt-get install time" >&2; exit 1; }

unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy \
      YAP_BASE_URL OPENAI_BASE_URL YAP_PROFILE YAP_MODEL YAP_API_KEY
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 OPENAI_API_KEY=x NO_COLOR=1

TMP=$(mktemp -d /tmp/yap-compare.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A PORT
for n in $SIZES; do
    : >"$TMP/server.$n"
    python3 bench/sse_server.py "$n" 0 >"$TMP/server.$n" 2>/dev/null &
    PIDS+=("$!")
    for ((i = 0; i < 300; i++)); do
        read -r _ p _ _ <"$TMP/server.$n" 2>/dev/null && [ -n "${p:-}" ] && { PORT[$n]=$p; break; }
        sleep 0.1
    done
    [ -n "${PORT[$n]:-}" ] || { echo "server for N=$n did not start" >&2; exit 1; }
done

median() { sort -n | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# one LABEL BIN ARGS...: one run, wall ms and peak RSS KiB appended.
one() {
    local label=$1 bin=$2 t0 t1; shift 2
    t0=$(date +%s%N)
    "$TIME_BIN" -f '%M' -o "$TMP/rss" "$bin" "$@" >/dev/null 2>>"$TMP/$label.err"
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f\n", (b-a)/1e6}' >>"$TMP/$label.ms"
    cat "$TMP/rss" >>"$TMP/$label.rss"
}

echo "| case | runs | A median ms | B median ms | B/A | A RSS KiB | B RSS KiB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
cases=()
for n in $SIZES; do cases+=("stream N=$n|$n|"); done
first=$(echo "$SIZES" | awk '{print $1}')
cases+=("--no-stream|$first|--no-stream")
for spec in "${cases[@]}"; do
    IFS='|' read -r name n extra <<<"$spec"
    url="http://127.0.0.1:${PORT[$n]}/v1"
    for ((r = 0; r < RUNS; r++)); do
        # shellcheck disable=SC2086
        one "A.$n$extra" "$A" chat --base-url "$url" -m m --no-stdin $extra hi
        # shellcheck disable=SC2086
        one "B.$n$extra" "$B" chat --base-url "$url" -m m --no-stdin $extra hi
    done
    am=$(median <"$TMP/A.$n$extra.ms"); bm=$(median <"$TMP/B.$n$extra.ms")
    ar=$(median <"$TMP/A.$n$extra.rss"); br=$(median <"$TMP/B.$n$extra.rss")
    ratio=$(awk -v a="$am" -v b="$bm" 'BEGIN{printf "%.3f", b/a}')
    echo "| $name | $RUNS | $am | $bm | $ratio | $ar | $br |"
done
