#!/bin/bash
# Benchmark of "daprof diff" on two big recordings: 10,000 snapshots of 150 regions each (1.5
# million regions a file, "mkrec --synth" with two seeds), the default gates, RUNS (7) times:
# median and best wall time, and peak RSS (GNU time). Goal: under 0.5 s and 50 MB.
set -eu
cd "$(dirname "$0")/../.."
TOP=$PWD
B=${DAPROF_BUILD:-$TOP/build/plain}
DAPROF=${DAPROF:-$TOP/daprof}
RUNS=${RUNS:-7}
TMP=$(mktemp -d /tmp/daprof-diff-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

"$B/tests/tools/mkrec" --synth "$TMP/old.data" 10000 150 1
"$B/tests/tools/mkrec" --synth "$TMP/new.data" 10000 150 2
echo "# input: two files of $(stat -c %s "$TMP/old.data") bytes, 10000 snapshots x 150 regions;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
walls=""
for i in $(seq "$RUNS"); do
	t0=$(us)
	"$DAPROF" diff "$TMP/old.data" "$TMP/new.data" >/dev/null 2>"$TMP/err" ||
		{ [ $? = 1 ] || { cat "$TMP/err"; exit 1; }; }
	t1=$(us)
	walls="$walls $((t1 - t0))"
done
rss="n/a (no /usr/bin/time)"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f "%M" -o "$TMP/rss" "$DAPROF" diff "$TMP/old.data" "$TMP/new.data" \
		>/dev/null 2>"$TMP/err" || true
	rss="$(($(tail -1 "$TMP/rss") / 1024)) MiB ($(tail -1 "$TMP/rss") KiB)"
fi
med=$(printf '%s\n' $walls | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
best=$(printf '%s\n' $walls | sort -n | head -1)
printf '%-24s wall %6s ms median, %6s ms best of %d   peak RSS %s   (goal: 500 ms, 50 MB)\n' \
	"diff 2 x 1.5 M regions" "$(awk -v us="$med" 'BEGIN { printf "%.1f", us / 1000 }')" \
	"$(awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }')" "$RUNS" "$rss"
