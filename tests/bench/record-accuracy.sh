#!/bin/bash
# Accuracy: precision and recall of "hot" pages against the workload's own ground truth, per
# primitive, at the default intervals. A page counts as predicted hot in a snapshot when its
# region has nr_accesses > 0; only the workload's buffer is scored, after the first 3 s.
#   stable: memtouch, 256 MiB resident, the first 10 % written over and over
#   moving: movewin, a 4 MiB window moving through 32 MiB every 2 s (snapshots within 0.5 s,
#           then 1 s, of a move are skipped: how fast the regions follow, and where they settle;
#           so is the first period, in which the buffer enters the regions only at the first map
#           update)
#   tests/bench/record-accuracy.sh [SECONDS]      (default 12 per run)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
S=tests/workloads
SECS=${1:-12}
T=$(mktemp -d /tmp/daprof-bench-accuracy.XXXXXX)
trap 'rm -rf "$T"' EXIT

# precision/recall over the snapshots after the first 3 s (30 at 100 ms)
stable_score() {
	$D report raw -i "$1" --format csv | awk -F, -v truth="$2" '
	BEGIN { while ((getline l < truth) > 0) { split(l, f, " "); s[f[1]] = f[2] + 0; e[f[1]] = f[3] + 0 } }
	NR > 1 && $1 >= 30 {
		lo = $5 + 0; hi = $6 + 0; a = $7 + 0
		h = ov(lo, hi, s["hot"], e["hot"]); c = ov(lo, hi, s["cold"], e["cold"])
		if (a > 0) { tp += h; fp += c } else fn += h
	}
	function ov(a, b, x, y) { a = a > x ? a : x; b = b < y ? b : y; return b > a ? b - a : 0 }
	END { printf "precision %.4f recall %.4f\n", tp + fp ? tp / (tp + fp) : 0, tp + fn ? tp / (tp + fn) : 0 }'
}

echo "# accuracy of hot pages vs ground truth, default intervals, ${SECS} s per run"
printf "%-10s %-8s %s\n" primitive pattern result
for prim in uffd-wp refs page-idle soft-dirty; do
	if ! $D check | grep -q "^primitive $prim  *available"; then
		printf "%-10s %-8s %s\n" $prim - "n/a: $($D check | sed -n "s/^primitive $prim  *unavailable: //p")"
		continue
	fi
	rm -f "$T/truth"
	$W/memtouch 256 10 $((SECS + 3)) "$T/truth" >/dev/null &
	pid=$!
	while [ ! -s "$T/truth" ]; do sleep 0.05; done
	$D record -q --primitive $prim -o "$T/rec.data" -d $SECS -p $pid
	wait $pid
	printf "%-10s %-8s %s\n" $prim stable "$(stable_score "$T/rec.data" "$T/truth")"

	rm -f "$T/truth"
	$D record -q --primitive $prim -o "$T/rec.data" -- $W/movewin $SECS 2000 "$T/truth" >/dev/null
	for settle in 500000000 1000000000; do
		printf "%-10s %-8s %s (settle %s s)\n" $prim moving "$($D report raw -i "$T/rec.data" \
			--format csv | awk -v truth="$T/truth" -v max=20 -v settle=$settle -v from=2000000000 \
			-f $S/score-window.awk)" $((settle / 1000000))e-3
	done
done
