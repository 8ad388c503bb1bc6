#!/bin/bash
# Benchmark of the report views on a big recording: 10,000 snapshots of 150 regions (1.5 million
# regions, "mkrec --synth"); "report heatmap" to a 1200x800 PNG and "report wss", each run RUNS
# (7) times: median and best wall time, and peak RSS (GNU time). Then the heat map accumulation
# alone, in regions per second on one core (heatmap-accum). damo needs about 60 s and 3 GB for
# each view of such a file; the goals are 500 times faster (120 ms) and at most 50 MB.
set -eu
cd "$(dirname "$0")/../.."
TOP=$PWD
B=${DAPROF_BUILD:-$TOP/build/plain}
DAPROF=${DAPROF:-$TOP/daprof}
RUNS=${RUNS:-7}

if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "# installing GNU time for peak RSS"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || true
	fi
fi
TMP=$(mktemp -d /tmp/daprof-report-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

"$B/tests/tools/mkrec" --synth "$TMP/bench.data" 10000 150
echo "# input: $(stat -c %s "$TMP/bench.data") bytes, 10000 snapshots x 150 regions;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# us: microseconds of bash's clock (no fork, so nothing but the command is timed)
us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

# bench NAME COMMAND...: median and best wall time of $RUNS runs, then one more run under GNU
# time for the peak RSS
bench() {
	local name=$1 walls="" rss="n/a (no /usr/bin/time)" i t0 t1 med best
	shift
	for i in $(seq "$RUNS"); do
		t0=$(us)
		"$@" >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
		t1=$(us)
		walls="$walls $((t1 - t0))"
	done
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%M" -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/err" ||
			{ cat "$TMP/err"; return 1; }
		rss="$(($(tail -1 "$TMP/rss") / 1024)) MiB ($(tail -1 "$TMP/rss") KiB)"
	fi
	med=$(printf '%s\n' $walls | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	best=$(printf '%s\n' $walls | sort -n | head -1)
	printf '%-24s wall %6s ms median, %6s ms best of %d   peak RSS %s\n' "$name" \
		"$(awk -v us="$med" 'BEGIN { printf "%.1f", us / 1000 }')" \
		"$(awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }')" "$RUNS" "$rss"
}

bench "report heatmap (PNG)" "$DAPROF" report heatmap -i "$TMP/bench.data" -o "$TMP/heat.png"
bench "report heatmap --tsv" "$DAPROF" report heatmap -i "$TMP/bench.data" --tsv
bench "report wss" "$DAPROF" report wss -i "$TMP/bench.data"
bench "report wss --plot" "$DAPROF" report wss -i "$TMP/bench.data" --plot "$TMP/wss.png"
bench "heatmap --time-range tenth" "$DAPROF" report heatmap -i "$TMP/bench.data" -o "$TMP/heat.png" \
	--time-range "$(awk 'BEGIN { printf "%.3fs", 10000 * 0.1 * 0.9 }')" 10000s
# chunks read for the last tenth of the time (the INDEX seek), the file cut into 1-second chunks
# as the recorder cuts them
"$B/tests/tools/mkrec" --synth "$TMP/bench-flushed.data" 10000 150 1 10
"$B/tests/bench/session-seek" "$TMP/bench-flushed.data" 9 10
taskset -c 0 "$B/tests/bench/heatmap-accum" 10000 150 1200 800
taskset -c 0 "$B/tests/bench/heatmap-accum" 1000 1500 1200 800
