#!/bin/bash
# What "record --heap-sites" costs and how well it attributes (tests/workloads/allocbench.c,
# tests/workloads/heapsites.c):
#   slowdown   allocbench's throughput per CPU-second of the target under "record -b sampler"
#              with and without --heap-sites (the difference is the library's: per CPU-second,
#              so that other work on the machine does not count), small blocks from 4 threads
#              and large ones from 2; the target on CPU 1, the recorder on CPU 0; runs
#              alternate, ROUNDS each. Three workloads: "small", nothing but malloc and free
#              (the worst case: the library's fixed cost per call over glibc's ~4 ns);
#              "work", millions of small allocations per second whose bytes are written and
#              read (what the issue's goal is about); "large", blocks of 64 KiB to 1 MiB.
#              DAPROF_OLD=PATH adds a column for another build of daprof (with the library
#              beside it), run alternately with this one.
#   python     the CPU seconds of a CPython program, with and without
#   bytes      HEAP bytes in the file per recorded allocation (file size with less without)
#   accuracy   each site's bytes in "report hot --by site" over the workload's truth
#   tests/bench/heap-sites.sh [SECONDS [ROUNDS]]     (default 4 s, 3 rounds)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
SECS=${1:-4}
ROUNDS=${2:-3}
T=$(mktemp -d /tmp/daprof-bench-heap.XXXXXX)
trap 'rm -rf "$T"' EXIT
REC="-b sampler -q"

OLD=${DAPROF_OLD:-}
run() {	# MODE THREADS with|without|old -> Mops/s
	local heap= d=$D
	[ "$3" != without ] && heap=--heap-sites
	[ "$3" = old ] && d=$OLD
	taskset -c 0 $d record $REC $heap -o "$T/$1-$3.data" -- \
		taskset -c 1 $W/allocbench $1 $2 $SECS |
		sed -n 's/^allocbench: .* \([0-9.]*\) Mops per CPU-s/\1/p'
}

echo "# target slowdown with --heap-sites (default 512 KiB sampling), ${SECS} s x $ROUNDS rounds"
printf "%-28s %12s %12s %9s" "workload (Mops per CPU-s)" without with slowdown
[ -n "$OLD" ] && printf " %12s %9s" "old daprof" slowdown
echo
for w in "small 4" "work 4" "large 2"; do
	set -- $w
	for r in $(seq $ROUNDS); do
		run $1 $2 without >>"$T/$1.without"
		run $1 $2 with >>"$T/$1.with"
		[ -n "$OLD" ] && run $1 $2 old >>"$T/$1.old"
	done
	a=$(awk '{ s += $1 } END { print s / NR }' "$T/$1.without")
	b=$(awk '{ s += $1 } END { print s / NR }' "$T/$1.with")
	printf "%-28s %12.4f %12.4f %8.1f%%" "$1 blocks, $2 threads" "$a" "$b" \
		"$(awk -v a=$a -v b=$b 'BEGIN { print (1 - b / a) * 100 }')"
	if [ -n "$OLD" ]; then
		c=$(awk '{ s += $1 } END { print s / NR }' "$T/$1.old")
		printf " %12.4f %8.1f%%" "$c" "$(awk -v a=$a -v c=$c 'BEGIN { print (1 - c / a) * 100 }')"
	fi
	echo
	rec=$($D report raw -i "$T/$1-with.data" | sed -n 's/^# heap_recorded: //p' | tail -1)
	lost=$($D report raw -i "$T/$1-with.data" | sed -n 's/^# heap_lost: //p' | tail -1)
	extra=$(( $(stat -c %s "$T/$1-with.data") - $(stat -c %s "$T/$1-without.data") ))
	echo "  $1: $rec allocations recorded in the last run, $lost lost;" \
		"$(awk -v e=$extra -v n=$rec 'BEGIN { printf "%.1f", n ? e / n : 0 }') bytes per allocation in the file"
done

# a real program: CPython building dicts of lists of strings (its small objects come from its
# own arenas, which it maps with mmap; larger ones from malloc), its own CPU seconds
PY='import resource
d = {}
for i in range(3000000):
    d.setdefault(i % 5000, []).append(str(i) * (1 + i % 7))
    if i % 500000 == 0:
        d.clear()
r = resource.getrusage(resource.RUSAGE_SELF)
print("cpu", r.ru_utime + r.ru_stime)'
# (the refs primitive: uffd-wp stops some python3 recordings with "the target called exec",
# with or without --heap-sites, on this daprof)
PYREC="-b sampler -q --primitive refs"
if command -v python3 >/dev/null; then
	for r in $(seq $ROUNDS); do
		$D record $PYREC -o "$T/py.data" -- python3 -c "$PY" |
			sed -n 's/^cpu //p' >>"$T/py.without"
		$D record $PYREC --heap-sites -o "$T/py.data" -- python3 -c "$PY" |
			sed -n 's/^cpu //p' >>"$T/py.with"
	done
	a=$(awk '{ s += $1 } END { print s / NR }' "$T/py.without")
	b=$(awk '{ s += $1 } END { print s / NR }' "$T/py.with")
	printf "%-28s %11.2fs %11.2fs %8.1f%%\n" "python3 dicts (CPU seconds)" "$a" "$b" \
		"$(awk -v a=$a -v b=$b 'BEGIN { print (b / a - 1) * 100 }')"
fi

echo "# attribution accuracy: heapsites, bytes per site over the truth"
for rate in 512K 64K; do
	$D record $REC --heap-sites --heap-sample-bytes $rate -o "$T/acc.data" -- \
		$W/heapsites 3 "$T/truth" >/dev/null
	$D report hot -i "$T/acc.data" --by site --format csv >"$T/acc.csv"
	printf "  %-6s" "$rate"
	while read -r site bytes; do
		awk -F, -v n="$site" -v t="$bytes" '{ s = $2; sub(/ \(.*/, "", s) }
			s == n && $3 == "site" { printf " %s %.3f", n, $5 / t; found = 1; exit }
			END { if (!found) printf " %s missing", n }' "$T/acc.csv"
	done <"$T/truth"
	echo
done
