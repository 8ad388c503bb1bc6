#!/bin/bash
# Target slowdown and extra faults caused by monitoring at the default intervals: memtouch
# (MIB MiB resident, 256 by default; HOT % of it written over and over, 10 by default, 0.0001
# rounds down to an idle target) reports its own write throughput and minor faults; runs
# without monitoring and with each available primitive alternate, ROUNDS times, and the means
# are compared. The target runs
# alone on CPU 1 and the recorder on CPU 0, so that the figure is what monitoring costs the
# target, not two processes sharing a core (on a shared 2-core machine, unpinned runs measured
# 20 %+ from contention alone). recorder% and target_est% are the recording's overhead_self_pct
# and overhead_target_pct; tlb/s the TLB-shootdown interrupts CPU 1 took a second (the target's,
# and whatever else ran there). RECORD_ARGS adds record options (--max-overhead 0: no budget).
# With DAPROF_OLD=/path/to/another/daprof, its uffd-wp runs ("uffd-wp-old") alternate with these
# in every round: a before/after comparison measured back to back (design note 59).
# PRIMS lists the primitives to run (default: all that are available).
#   tests/bench/record-slowdown.sh [SECONDS [ROUNDS [HOT [MIB]]]]
#                                   (default 8 s, 2 rounds, 10 %, 256 MiB)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
SECS=${1:-8}
ROUNDS=${2:-2}
HOT=${3:-10}
MIB=${4:-256}
T=$(mktemp -d /tmp/daprof-bench-slowdown.XXXXXX)
trap 'rm -rf "$T"' EXIT

prims=none
for p in ${PRIMS:-uffd-wp refs page-idle soft-dirty}; do
	$D check | grep -q "^primitive $p  *available" && prims="$prims $p"
done
case " $prims " in
*" uffd-wp "*) [ -n "${DAPROF_OLD:-}" ] && prims="$prims uffd-wp-old" ;;
esac

tlb_cpu1() { awk '/TLB:/ { print $3 }' /proc/interrupts; }
meta() { $D report raw -i "$T/rec.data" | sed -n "s/^# $1: //p" | tail -n 1; }

run() {	# PRIMITIVE -> "throughput faults recorder% target_est% tlb"
	local d=$D p=$1 tlb0 tlb1
	case $p in
	*-old) d=$DAPROF_OLD p=${p%-old} ;;
	esac
	rm -f "$T/truth" "$T/rec.data"
	taskset -c 1 $W/memtouch "$MIB" "$HOT" $SECS "$T/truth" >"$T/out" &
	local pid=$!
	while [ ! -s "$T/truth" ]; do sleep 0.05; done
	tlb0=$(tlb_cpu1)
	if [ "$p" != none ]; then
		# shellcheck disable=SC2086
		taskset -c 0 $d record -q -b sampler --primitive $p ${RECORD_ARGS:-} \
			-o "$T/rec.data" -p $pid
	fi
	wait $pid
	tlb1=$(tlb_cpu1)
	echo "$(sed -n 's/^memtouch: \([0-9.]*\) Mwrites\/s, \([0-9]*\) minor faults/\1 \2/p' \
		"$T/out") $([ -s "$T/rec.data" ] && echo "$(meta overhead_self_pct)" \
		"$(meta overhead_target_pct)" || echo 0 0) $((tlb1 - tlb0))"
}

for r in $(seq $ROUNDS); do
	for p in $prims; do
		run $p >>"$T/$p"
	done
done
echo "# target slowdown, memtouch $MIB MiB, $HOT % hot, ${SECS} s x $ROUNDS rounds," \
	"${RECORD_ARGS:-default options}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
base=$(awk '{ s += $1 } END { print s / NR }' "$T/none")
printf "%-12s %10s %9s %14s %10s %11s %8s\n" primitive Mwrites/s slowdown minor_faults/s \
	recorder% target_est% tlb/s
for p in $prims; do
	awk -v b=$base -v p=$p -v secs=$SECS '{ s += $1; f += $2; r += $3; e += $4; t += $5 }
	END {
		printf "%-12s %10.2f %8.1f%% %14.0f %10.2f %11.2f %8.0f\n", p, s / NR,
			(b > 0 ? (1 - s / NR / b) * 100 : 0), f / NR / secs, r / NR, e / NR,
			t / NR / secs }' "$T/$p"
done
