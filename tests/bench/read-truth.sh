#!/bin/bash
# What each primitive sees of a read-mostly hot set, against the workload's own truth: the
# working set it reports (report wss, median) next to the true one, and which share of the hot,
# the resident-but-idle and the never-resident bytes it calls accessed (a byte counts in a
# snapshot when its region has nr_accesses > 0, DAMON's rule; after the first second).
#   readhot:  256 MiB, the first 50 % resident, the first 10 % read over and over (never written)
#   memtouch: 256 MiB resident, the first 10 % written over and over
# The true working set is the hot range; RSS is the resident part. CPU: the recorder's share of a
# core (daprof info). Figures for an older daprof
# (e.g. the refs primitive before it used Rss and the pagemap) come with OLD=path/to/daprof.
#   tests/bench/read-truth.sh [SECONDS]      (default 6 per run)
set -u
cd "$(dirname "$0")/../.."
D=./daprof
W=build/plain/tests/workloads
SECS=${1:-6}
T=$(mktemp -d /tmp/daprof-bench-read.XXXXXX)
trap 'rm -rf "$T"; [ -n "${pid:-}" ] && kill $pid 2>/dev/null' EXIT

# shares RECORDING TRUTH: "hot H cold C untouched U" (share of bytes x snapshots called accessed)
shares() {
	"$D" report raw -i "$1" --format csv | awk -F, -v truth="$2" '
	BEGIN { while ((getline l < truth) > 0) { split(l, f, " "); n[++k] = f[1]; s[k] = f[2] + 0; e[k] = f[3] + 0 } }
	function ov(a, b, x, y) { a = a > x ? a : x; b = b < y ? b : y; return b > a ? b - a : 0 }
	NR > 1 && $1 >= 10 {
		for (i = 1; i <= k; i++) { o = ov($5 + 0, $6 + 0, s[i], e[i]); tot[i] += o; if ($7 > 0) acc[i] += o }
	}
	END { for (i = 1; i <= k; i++) printf "%s %.3f ", n[i], tot[i] ? acc[i] / tot[i] : 0; print "" }'
}
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
range_bytes() { awk -v n="$2" '$1 == n { print $3 - $2 }' "$1"; }

# run LABEL DAPROF PRIMITIVE WORKLOAD...: record it (-p, after its buffer is ready) and print a row
run() {
	local label=$1 bin=$2 prim=$3 wss sh hot cpu
	shift 3
	rm -f "$T/truth"
	"$@" >/dev/null &
	pid=$!
	while [ ! -s "$T/truth" ]; do sleep 0.05; done
	"$bin" record -q -b sampler --primitive "$prim" -o "$T/rec.data" -d "$SECS" -p $pid
	wait $pid
	pid=
	wss=$("$bin" report wss -i "$T/rec.data" --skip-snapshots 10 --format csv 2>/dev/null |
		awk -F, '$1 == 50 { print $2 }')
	# the old report counted every region with a positive sample whole: so does this one for
	# an old recording, since it has no per-mapping weighting to apply
	sh=$(shares "$T/rec.data" "$T/truth")
	hot=$(range_bytes "$T/truth" hot)
	cpu=$("$D" info -i "$T/rec.data" | sed -n "s/^overhead *recorder \([0-9.]*%\).*/\1/p")
	printf "%-9s %-12s %10s %10s %7s  %s\n" "$workload" "$label" "$(mib "${wss:-0}")" "$(mib "$hot")" \
		"${cpu:-?}" "$sh"
}

echo "# ${SECS} s per run, default intervals; WSS = report wss p50 (MiB); shares of bytes x snapshots called accessed"
printf "%-9s %-12s %10s %10s %7s  %s\n" workload primitive "WSS" "true WSS" "CPU" "accessed share per truth range"
for workload in readhot memtouch; do
	case $workload in
	readhot) cmd=("$W/readhot" 256 10 50 $((SECS + 3)) "$T/truth") ;;
	memtouch) cmd=("$W/memtouch" 256 10 $((SECS + 3)) "$T/truth") ;;
	esac
	for prim in uffd-wp refs uffd-wp+refs; do
		if [ $prim != uffd-wp+refs ] && ! $D check | grep -q "^primitive $prim  *available"; then
			printf "%-9s %-12s n/a\n" $workload $prim
			continue
		fi
		run "$prim" "$D" $prim "${cmd[@]}"
		[ -n "${OLD:-}" ] && [ $prim = refs ] && run "refs (old)" "$OLD" refs "${cmd[@]}"
	done
done
