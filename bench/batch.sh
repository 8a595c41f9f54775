#!/usr/bin/env bash
# Batches (issue 18): yap replay --live over N non-streamed requests with
# --concurrency 64 and -O, against `xargs -P 64 curl` (one process per
# request) on the same local asyncio server, in alternating pairs; and
# yap's peak RSS at 1,000 and 20,000 records.
#
#   bench/batch.sh             (after `cargo build --release`)
#   YAP=/path/to/yap PAIRS=5 N=1000 BIG=20000 bench/batch.sh
#
# Everything talks to 127.0.0.1 only; the server is stopped on exit.
set -u
set -o pipefail
cd "$(dirname "$0")/.." || exit 1
YAP=${YAP:-target/release/yap}
PAIRS=${PAIRS:-5}
N=${N:-1000}
BIG=${BIG:-20000}
[ -x "$YAP" ] || { echo "$YAP missing: cargo build --release" >&2; exit 1; }
unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy YAP_BASE_URL OPENAI_BASE_URL
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 OPENAI_API_KEY=x NO_COLOR=1 YAP_NO_LOG=1
TMP=$(mktemp -d /tmp/yap-batch-bench.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
: >"$TMP/port"
python3 bench/batch_server.py >"$TMP/port" 2>/dev/null &
PID=$!
for _ in $(seq 100); do read -r _ P <"$TMP/port" 2>/dev/null && [ -n "${P:-}" ] && break; sleep 0.1; done
[ -n "${P:-}" ] || { echo "server did not start" >&2; exit 1; }
URL="http://127.0.0.1:$P/v1"

records() { # COUNT FILE
    python3 -c "
import json,sys
n=int(sys.argv[1])
with open(sys.argv[2],'w') as f:
    for i in range(n):
        f.write(json.dumps({'model':'m','messages':[{'role':'user','content':'p%d'%i}],'stream':False})+'\n')
" "$1" "$2"
}
records "$N" "$TMP/in.jsonl"
records "$BIG" "$TMP/big.jsonl"
median() { sort -n | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f\n", (b-a)/1e6}'; }

: >"$TMP/yap.ms"; : >"$TMP/curl.ms"; : >"$TMP/ratio"
for ((i = 0; i < PAIRS; i++)); do
    t0=$(date +%s%N)
    "$YAP" replay --live "$TMP/in.jsonl" --base-url "$URL" --concurrency 64 -O "$TMP/out.jsonl" -q || echo "yap failed" >&2
    t1=$(date +%s%N)
    # shellcheck disable=SC2016
    seq "$N" | xargs -P 64 -I{} curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
        --data '{"model":"m","messages":[{"role":"user","content":"p{}"}],"stream":false}' "$URL/chat/completions"
    t2=$(date +%s%N)
    y=$(ms "$t0" "$t1"); c=$(ms "$t1" "$t2")
    echo "$y" >>"$TMP/yap.ms"; echo "$c" >>"$TMP/curl.ms"
    awk -v y="$y" -v c="$c" 'BEGIN{printf "%.3f\n", y/c}' >>"$TMP/ratio"
done
lines=$(wc -l <"$TMP/out.jsonl")
echo "# Batches: yap replay --live vs xargs -P 64 curl"
echo
echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $N non-streamed requests, concurrency 64, $PAIRS alternating pairs; yap wrote $lines lines"
echo
echo "| tool | median wall ms |"
echo "|---|---:|"
echo "| yap replay --live --concurrency 64 -O | $(median <"$TMP/yap.ms") |"
echo "| xargs -P 64 curl | $(median <"$TMP/curl.ms") |"
echo "| median of pair ratios yap/curl | $(median <"$TMP/ratio") |"
echo
for n in "$N" "$BIG"; do
    f="$TMP/in.jsonl"; [ "$n" = "$BIG" ] && f="$TMP/big.jsonl"
    /usr/bin/time -f '%M' -o "$TMP/rss" "$YAP" replay --live "$f" --base-url "$URL" --concurrency 64 -O "$TMP/rss.jsonl" -q
    echo "- peak RSS with $n records: $(cat "$TMP/rss") KiB ($(wc -l <"$TMP/rss.jsonl") lines)"
done
