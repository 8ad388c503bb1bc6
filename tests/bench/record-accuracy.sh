#!/bin/bash
# Accuracy: precision and recall of "hot" pages against the workload's own ground truth, per
# primitive, at the default intervals and at each overhead budget (issue 13: the default 2 %, none
# with --max-overhead 0, then 1, 2 and 5 %), so that the curve of accuracy against budget can be
# read. A page counts as predicted hot in a snapshot when its region has nr_accesses > 0; only
# the workload's buffer is scored, after the first 3 s (by time: a budget lengthens the windows).
#   stable: memtouch, 256 MiB resident, the first 10 % written over and over
#   moving: movewin, a 4 MiB window moving through 32 MiB every 2 s (snapshots within 0.5 s,
#           then 1 s, of a move are skipped: how fast the regions follow, and where they settle;
#           so is the first period, in which the buffer enters the regions only at the first map
#           update); "timed" scores every snapshot against the window's positions during it,
#           weighed by time (score-window.awk -v timed=1): what the heat map shows at its own
#           resolution, which long windows lower even where the regions are right
#   window: the median snapshot span
#   tests/bench/record-accuracy.sh [SECONDS [BUDGET...]]   (default 12 s per run;
#                                                           budgets default 0 1 2 5)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
S=tests/workloads
SECS=${1:-12}
shift
BUDGETS="default ${*:-0 1 2 5}"
T=$(mktemp -d /tmp/daprof-bench-accuracy.XXXXXX)
trap 'rm -rf "$T"' EXIT

# precision/recall over the snapshots that start 3 s or more after the first
stable_score() {
	$D report raw -i "$1" --format csv | awk -F, -v truth="$2" '
	BEGIN { while ((getline l < truth) > 0) { split(l, f, " "); s[f[1]] = f[2] + 0; e[f[1]] = f[3] + 0 } }
	NR == 2 { t0 = $3 + 0 }
	NR > 1 && $3 - t0 >= 3e9 {
		lo = $5 + 0; hi = $6 + 0; a = $7 + 0
		h = ov(lo, hi, s["hot"], e["hot"]); c = ov(lo, hi, s["cold"], e["cold"])
		if (a > 0) { tp += h; fp += c } else fn += h
	}
	function ov(a, b, x, y) { a = a > x ? a : x; b = b < y ? b : y; return b > a ? b - a : 0 }
	END { printf "precision %.4f recall %.4f\n", tp + fp ? tp / (tp + fp) : 0, tp + fn ? tp / (tp + fn) : 0 }'
}

# the median snapshot span in ms
window_ms() {
	$D report raw -i "$1" --format csv |
		awk -F, 'NR > 1 && !seen[$1]++ { print int(($4 - $3) / 1000000) }' | sort -n |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}

echo "# accuracy of hot pages vs ground truth, default intervals, ${SECS} s per run;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf "%-10s %-8s %-8s %8s %s\n" primitive budget pattern window result
for prim in uffd-wp refs page-idle soft-dirty; do
	if ! $D check | grep -q "^primitive $prim  *available"; then
		printf "%-10s %-8s %-8s %8s %s\n" $prim - - - "n/a: $($D check | sed -n "s/^primitive $prim  *unavailable: //p")"
		continue
	fi
	for budget in $BUDGETS; do
		flag=
		[ "$budget" != default ] && flag="--max-overhead $budget"
		rm -f "$T/truth"
		$W/memtouch 256 10 $((SECS + 3)) "$T/truth" >/dev/null &
		pid=$!
		while [ ! -s "$T/truth" ]; do sleep 0.05; done
		# shellcheck disable=SC2086
		$D record -q --primitive $prim $flag -o "$T/rec.data" -d $SECS -p $pid
		wait $pid
		printf "%-10s %-8s %-8s %6sms %s\n" $prim $budget stable "$(window_ms "$T/rec.data")" \
			"$(stable_score "$T/rec.data" "$T/truth")"

		rm -f "$T/truth"
		# shellcheck disable=SC2086
		$D record -q --primitive $prim $flag -o "$T/rec.data" -- $W/movewin $SECS 2000 "$T/truth" >/dev/null
		win=$(window_ms "$T/rec.data")
		for settle in 500000000 1000000000 timed; do
			how="-v settle=$settle" label="(settle $((${settle/timed/0} / 1000000))e-3 s)"
			[ $settle = timed ] && how="-v timed=1" label="(timed)"
			# shellcheck disable=SC2086
			printf "%-10s %-8s %-8s %6sms %s %s\n" $prim $budget moving "$win" "$($D report raw \
				-i "$T/rec.data" --format csv | awk -v truth="$T/truth" -v max=20 $how \
				-v from=2000000000 -f $S/score-window.awk)" "$label"
		done
	done
done
