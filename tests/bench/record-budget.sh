#!/bin/bash
# record --max-overhead (issue 13): the recorder's CPU, its estimate of the target's cost, the
# target's real slowdown and the hot-page precision and recall, at the default intervals, for
# each budget: none (--max-overhead 0), the default (no option: 2 %), 1, 2 and 5 %. The target is
# memtouch, busy (the first 10 % of its memory written over and over) or idle (resident, never
# written: memtouch's loop runs over no pages), with uffd-wp and with refs. As in record-slowdown.sh the target runs alone on CPU 1
# and the recorder on CPU 0; the slowdown is against an unmonitored run of the same round.
# recorder% and target_est% are the recording's overhead_self_pct and overhead_target_pct over
# the whole run, start included; precision and recall are over the snapshots that start 3 s or
# more in (by time, not by count: the windows lengthen under a budget). The slowdown is one run
# against one: on a machine shared with other work it is noise (record-slowdown.sh alternates
# rounds); the recorder's share is the steadier figure.
#   tests/bench/record-budget.sh [SECONDS [MIB...]]     (default 10 s, 256 MiB)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
SECS=${1:-10}
shift
MIBS=${*:-256}
T=$(mktemp -d /tmp/daprof-bench-budget.XXXXXX)
trap 'rm -rf "$T"' EXIT

meta() { $D report raw -i "$1" | sed -n "s/^# $2: //p" | tail -n 1; }

# precision/recall of the hot range over the snapshots starting >= 3 s after the first
score() {
	$D report raw -i "$1" --format csv | awk -F, -v truth="$2" '
	BEGIN { while ((getline l < truth) > 0) { split(l, f, " "); s[f[1]] = f[2] + 0; e[f[1]] = f[3] + 0 } }
	NR == 2 { t0 = $3 + 0 }
	NR > 1 && $3 - t0 >= 3e9 {
		lo = $5 + 0; hi = $6 + 0; a = $7 + 0
		h = ov(lo, hi, s["hot"], e["hot"]); c = ov(lo, hi, s["cold"], e["cold"])
		if (a > 0) { tp += h; fp += c } else fn += h
	}
	function ov(a, b, x, y) { a = a > x ? a : x; b = b < y ? b : y; return b > a ? b - a : 0 }
	END { printf "%.3f %.3f\n", tp + fp ? tp / (tp + fp) : 0, tp + fn ? tp / (tp + fn) : 0 }'
}

# run PRIM MIB HOT BUDGET -> "Mwrites/s recorder% target_est% changes median_window_ms prec rec"
run() {
	local prim=$1 mib=$2 hot=$3 budget=$4 flag=
	[ "$budget" != default ] && flag="--max-overhead $budget"
	rm -f "$T/truth"
	taskset -c 1 $W/memtouch $mib $hot $((SECS + 2)) "$T/truth" >"$T/out" &
	local pid=$!
	while [ ! -s "$T/truth" ]; do kill -0 $pid 2>/dev/null || return; sleep 0.05; done
	if [ "$prim" = none ]; then
		wait $pid
		echo "$(sed -n 's/^memtouch: \([0-9.]*\) Mwrites.*/\1/p' "$T/out") - - - - - -"
		return
	fi
	# shellcheck disable=SC2086
	taskset -c 0 $D record -q -b sampler --primitive $prim $flag -o "$T/rec.data" -d $SECS -p $pid
	wait $pid
	local span
	span=$($D report raw -i "$T/rec.data" --format csv |
		awk -F, 'NR > 1 && !seen[$1]++ { print int(($4 - $3) / 1000000) }' | sort -n |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }')
	echo "$(sed -n 's/^memtouch: \([0-9.]*\) Mwrites.*/\1/p' "$T/out")" \
		"$(meta "$T/rec.data" overhead_self_pct) $(meta "$T/rec.data" overhead_target_pct)" \
		"$(meta "$T/rec.data" overhead_changes) $span" \
		"$( [ "$hot" = 10 ] && score "$T/rec.data" "$T/truth" || echo '- -')"
}

echo "# record --max-overhead, default intervals (5 ms, 100 ms), ${SECS} s per run;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf "%-8s %6s %-5s %-8s %9s %8s %10s %11s %7s %7s %6s %6s\n" primitive MiB load budget \
	Mwrites/s slowdown recorder% target_est% changes window prec recall
for prim in uffd-wp refs; do
	if ! $D check | grep -q "^primitive $prim  *available"; then
		echo "$prim: not available here"
		continue
	fi
	for mib in $MIBS; do
		for load in busy idle; do
			hot=10
			[ $load = idle ] && hot=0.0001	# rounds down to no page
			base=$(run none $mib $hot 0 | cut -d' ' -f1)
			for budget in 0 default 1 2 5; do
				read -r tput self tgt changes span prec rec < <(run $prim $mib $hot $budget)
				slow=-
				[ $load = busy ] && slow=$(awk -v b="$base" -v t="$tput" \
					'BEGIN { printf "%.1f%%", (1 - t / b) * 100 }')
				printf "%-8s %6s %-5s %-8s %9s %8s %10s %11s %7s %5sms %6s %6s\n" $prim $mib \
					$load $budget "${tput:--}" "$slow" "$self" "$tgt" "$changes" "$span" \
					"$prec" "$rec"
			done
		done
	done
done
