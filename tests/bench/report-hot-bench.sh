#!/bin/bash
# Benchmark of "report hot" on a one-hour recording at default settings (100 ms aggregation:
# 36,000 snapshots). The input is real: tests/workloads/hotsyms (linked against libc, dlopening a
# library of its own) recorded for a few seconds with the sampler at default intervals, its memory
# map taken from /proc while it ran, and its snapshots repeated over an hour (tests/tools/mkrec).
# Prints wall time (median and best of RUNS) and peak RSS of report hot --format csv, text and
# --cold; the goal is under 1 s and under 50 MB. Symbolization alone is symbols-bench.sh's.
set -eu
cd "$(dirname "$0")/../.."
TOP=$PWD
B=${DAPROF_BUILD:-$TOP/build/plain}
DAPROF=${DAPROF:-$TOP/daprof}
RUNS=${RUNS:-5}
HOURS_SNAPS=${HOURS_SNAPS:-36000}
TMP=$(mktemp -d /tmp/daprof-hot-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

cp "$B/tests/workloads/hotsyms" "$TMP/hotsyms"
cc -std=gnu11 -O1 -g -fPIC -shared -Wl,--build-id -o "$TMP/libhot.so" tests/symbols/libhot.c
prim=uffd-wp
"$DAPROF" check | grep -q "^primitive uffd-wp  *available" || prim=auto
(cd "$TMP" && exec "$DAPROF" record -b sampler -q --primitive $prim -o short.data -- \
	./hotsyms 6 "$TMP/libhot.so" >/dev/null) &
rec=$!
sleep 2
pid=$(pgrep -P $rec hotsyms || true)
[ -n "$pid" ] && cat "/proc/$pid/maps" >"$TMP/maps" || true
wait $rec
[ -s "$TMP/maps" ] || { echo "report-hot-bench: could not read the workload's maps"; exit 1; }
"$DAPROF" report raw -i "$TMP/short.data" --format csv >"$TMP/short.csv"

awk -v n="$HOURS_SNAPS" -v prim=$prim 'BEGIN { FS = "," }
	FNR == NR {	# the maps
		split($1, a, "-"); path = $6
		for (i = 7; i <= NF; i++) path = path " " $i
		nm++
		maps[nm] = sprintf("%s 0x%s 0x%s 0x%s %s %s", nm > 1 ? "map+" : "map 0 0", a[1], a[2], $3, $2,
				     path == "" ? "-" : path)
		next
	}
	FNR == 1 { next }	# the CSV header
	{
		if ($1 != last) { ns++; last = $1; nr[ns] = 0 }
		r[ns, ++nr[ns]] = sprintf("r %s %s %s %s", $5, $6, $7, $8)
	}
	END {
		print "meta backend sampler"; print "meta ops vaddr"; print "meta primitive " prim
		print "meta sample_us 5000"; print "meta aggr_us 100000"; print "meta update_us 1000000"
		print "meta nr_targets 1"; print "meta target.0.cmdline ./hotsyms 3600"
		for (i = 1; i <= nm; i++) print maps[i]
		for (s = 0; s < n; s++) {
			k = s % ns + 1
			printf "snap 0 %.0f %.0f\n", 1000000000 + s * 100000000, 1000000000 + (s + 1) * 100000000
			for (j = 1; j <= nr[k]; j++) print r[k, j]
			if (s % 10 == 9) print "flush"
		}
	}' FS=" " "$TMP/maps" FS="," "$TMP/short.csv" >"$TMP/hour.txt"
"$B/tests/tools/mkrec" "$TMP/hour.data" <"$TMP/hour.txt"
regions=$(grep -c "^r " "$TMP/hour.txt")
echo "# input: one hour, $HOURS_SNAPS snapshots, $regions regions ($((regions / HOURS_SNAPS)) a snapshot)," \
	"$(grep -c "^map" "$TMP/hour.txt") mappings, $(stat -c %s "$TMP/hour.data") bytes; primitive $prim;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

us() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
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
		rss="$(($(tail -1 "$TMP/rss") / 1024)) MiB"
	fi
	med=$(printf '%s\n' $walls | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	best=$(printf '%s\n' $walls | sort -n | head -1)
	printf '%-28s wall %7s ms median, %7s ms best of %d   peak RSS %s\n' "$name" \
		"$(awk -v us="$med" 'BEGIN { printf "%.1f", us / 1000 }')" \
		"$(awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }')" "$RUNS" "$rss"
}
bench "report hot (one hour, csv)" "$DAPROF" report hot -i "$TMP/hour.data" --format csv
bench "report hot (one hour, text)" "$DAPROF" report hot -i "$TMP/hour.data"
bench "report hot --cold" "$DAPROF" report hot -i "$TMP/hour.data" --cold
bench "report hints" "$DAPROF" report hints -i "$TMP/hour.data"
"$DAPROF" report hot -i "$TMP/hour.data" --top 5 | sed 's/^/# /'
