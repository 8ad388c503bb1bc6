#!/bin/bash
# Target slowdown and extra faults caused by monitoring at the default intervals: memtouch
# (256 MiB resident, 10 % written over and over) reports its own write throughput and minor
# faults; runs without monitoring and with each available primitive alternate, ROUNDS times,
# and the means are compared. The target runs alone on CPU 1 and the recorder on CPU 0, so that
# the figure is what monitoring costs the target, not two processes sharing a core (on a shared
# 2-core machine, unpinned runs measured 20 %+ from contention alone).
#   tests/bench/record-slowdown.sh [SECONDS [ROUNDS]]     (default 8 s, 2 rounds)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
SECS=${1:-8}
ROUNDS=${2:-2}
T=$(mktemp -d /tmp/daprof-bench-slowdown.XXXXXX)
trap 'rm -rf "$T"' EXIT

prims=none
for p in uffd-wp refs page-idle soft-dirty; do
	$D check | grep -q "^primitive $p  *available" && prims="$prims $p"
done

run() {	# PRIMITIVE -> "throughput faults"
	rm -f "$T/truth"
	taskset -c 1 $W/memtouch 256 10 $SECS "$T/truth" >"$T/out" &
	local pid=$!
	while [ ! -s "$T/truth" ]; do sleep 0.05; done
	if [ "$1" != none ]; then
		taskset -c 0 $D record -q --primitive $1 -o "$T/rec.data" -p $pid
	fi
	wait $pid
	sed -n 's/^memtouch: \([0-9.]*\) Mwrites\/s, \([0-9]*\) minor faults/\1 \2/p' "$T/out"
}

for r in $(seq $ROUNDS); do
	for p in $prims; do
		run $p >>"$T/$p"
	done
done
echo "# target slowdown, memtouch 256 MiB, 10 % hot, ${SECS} s x $ROUNDS rounds"
base=$(awk '{ s += $1 } END { print s / NR }' "$T/none")
printf "%-10s %14s %10s %14s\n" primitive Mwrites/s slowdown minor_faults/s
for p in $prims; do
	awk -v b=$base -v p=$p -v secs=$SECS '{ s += $1; f += $2 } END {
		printf "%-10s %14.2f %9.1f%% %14.0f\n", p, s / NR, (1 - s / NR / b) * 100, f / NR / secs }' "$T/$p"
done
