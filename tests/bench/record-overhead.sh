#!/bin/bash
# Recorder CPU time as a share of one core, at the default intervals (5 ms / 100 ms / 1 s), for
# a target of 256 MiB and one of 2 GiB resident (memtouch: 10 % of it written over and over),
# with each primitive that works here. The share is daprof info's "overhead" line (resource
# samples of the recorder, first to last); the mean region count is printed beside it, because
# the sampler's cost follows the regions, not the memory.
#   tests/bench/record-overhead.sh [SECONDS]      (default 10 per run)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
SECS=${1:-10}
T=$(mktemp -d /tmp/daprof-bench-overhead.XXXXXX)
trap 'rm -rf "$T"' EXIT

avail() { $D check | grep -q "^primitive $1  *available"; }

echo "# recorder CPU, default intervals, ${SECS} s per run"
printf "%-10s %8s %14s %14s %10s\n" primitive target recorder target_cpu regions
for prim in uffd-wp refs page-idle soft-dirty; do
	if ! avail $prim; then
		printf "%-10s %8s %s\n" $prim - "n/a: $($D check | sed -n "s/^primitive $prim  *unavailable: //p")"
		continue
	fi
	for mib in 256 2048; do
		rm -f "$T/truth"
		$W/memtouch $mib 10 $((SECS + 5)) "$T/truth" >"$T/out" &
		pid=$!
		while [ ! -s "$T/truth" ]; do sleep 0.1; done
		$D record -q --primitive $prim -o "$T/rec.data" -d $SECS -p $pid
		wait $pid
		$D info -i "$T/rec.data" >"$T/info"
		share=$(sed -n 's/^overhead *recorder \([0-9.]*%\) of a core, target \([0-9.]*%\).*/\1 \2/p' "$T/info")
		regions=$(sed -n 's/^regions *[0-9]* (mean \([0-9.]*\),.*/\1/p' "$T/info")
		printf "%-10s %7sM %14s %14s %10s\n" $prim $mib ${share% *} ${share#* } "$regions"
	done
done
