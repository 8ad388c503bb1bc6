#!/bin/bash
# What write-watching costs a target that writes every page of its memory over and over
# (writeall, 256 MiB, 4 KiB pages): its passes per second and its minor faults per second,
# without monitoring, under "record -p" (attached once the memory is resident) and under
# "record --" (launched by daprof), with the sampler and uffd-wp at the default intervals. With
# DAMON's semantics only the sample pages (one per region per sampling interval) are protected,
# so the faults follow the sampling, not the memory; the "churn" rows also map and unmap a page
# next to the buffer each pass (a heap that grows and shrinks), which changes the target's map;
# the "sweep" rows sleep 1.5 s after each pass, so that the memory lies idle between passes (a
# primitive that protected what went idle would make every page fault once a pass: design note
# 59), and there the CPU cost per pass is the figure, not passes per second. RECORD_ARGS adds
# record options (--max-overhead 0: no budget, the intervals as asked).
# slowdown is the loss of passes per second, cpu_cost the target's extra CPU time per pass (the
# steadier figure when other work shares the machine). Runs alternate, ROUNDS times; the target runs alone on CPU 1 and the recorder on CPU 0 (see
# record-slowdown.sh), and each figure is a ratio to the unmonitored runs of the same round.
# With DAPROF_OLD=/path/to/another/daprof, its runs ("-p-old", "---old") alternate with these in
# every round: a before/after comparison measured back to back.
#   tests/bench/write-faults.sh [SECONDS [ROUNDS [MIB]]]     (default 8 s, 2 rounds, 256 MiB)
set -u
cd "$(dirname "$0")/../.."
D=$PWD/daprof
W=$PWD/build/plain/tests/workloads
SECS=${1:-8}
ROUNDS=${2:-2}
MIB=${3:-256}
T=$(mktemp -d /tmp/daprof-bench-writes.XXXXXX)
trap 'rm -rf "$T"' EXIT

if ! $D check | grep -q "^primitive uffd-wp  *available"; then
	echo "# write-faults: skipped, uffd-wp unavailable here"
	exit 0
fi

run() {	# HOW MODE -> "passes/s faults cpu_us/pass"
	local D=$D
	rm -f "$T/ready"
	case $1 in
	*-old)
		D=$DAPROF_OLD
		set -- "${1%-old}" "$2" ;;
	esac
	case $1 in
	none)
		taskset -c 1 $W/writeall $MIB $SECS "$T/ready" $2 >"$T/out" ;;
	-p)
		taskset -c 1 $W/writeall $MIB $SECS "$T/ready" $2 >"$T/out" &
		local pid=$!
		while [ ! -s "$T/ready" ]; do sleep 0.05; done
		# shellcheck disable=SC2086
		taskset -c 0 $D record -q -b sampler --primitive uffd-wp ${RECORD_ARGS:-} \
			-o "$T/rec.data" -p $pid
		wait $pid ;;
	--)
		# shellcheck disable=SC2086
		taskset -c 0 $D record -q -b sampler --primitive uffd-wp ${RECORD_ARGS:-} \
			-o "$T/rec.data" -- \
			taskset -c 1 $W/writeall $MIB $SECS "$T/ready" $2 >"$T/out" ;;
	esac
	sed -n 's/^writeall: \([0-9.]*\) passes\/s, \([0-9.]*\) us CPU\/pass, \([0-9]*\) minor faults.*/\1 \3 \2/p' "$T/out"
}

hows="none -p --"
[ -n "${DAPROF_OLD:-}" ] && hows="none -p -p-old -- ---old"
for mode in "" churn sweep; do
	for r in $(seq $ROUNDS); do
		for how in $hows; do
			run $how "$mode" >>"$T/$how$mode"
		done
	done
	echo "# writeall $MIB MiB ${mode:-static}, every page written each pass, ${SECS} s x $ROUNDS rounds," \
		"${RECORD_ARGS:-default options}"
	base=$(awk '{ s += $1; c += $3 } END { print s / NR, c / NR }' "$T/none$mode")
	printf "%-8s %10s %10s %12s %10s %14s\n" record passes/s slowdown us_CPU/pass cpu_cost \
		minor_faults/s
	for how in $hows; do
		awk -v b="$base" -v h=$how -v secs=$SECS '{ s += $1; f += $2; c += $3 } END {
			split(b, x, " ")
			printf "%-8s %10.1f %9.1f%% %12.1f %9.1f%% %14.0f\n", h, s / NR,
				(1 - s / NR / x[1]) * 100, c / NR, (c / NR / x[2] - 1) * 100, f / NR / secs
		}' "$T/$how$mode"
	done
done
