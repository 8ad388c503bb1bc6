#!/bin/bash
# refs measures with smaps' Rss and Referenced and the pagemap's present bit: on a buffer of which
# half was never touched (not resident) and a tenth is read over and over, the working set is
# about the hot bytes and never above the resident ones, and the never-touched half is not
# called accessed (the old rule, Referenced / Size over the whole mapping, called most of it
# accessed and gave a working set of most of the buffer).
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads

wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
range_bytes() { awk -v n="$2" '$1 == n { print $3 - $2 }' "$1"; }
# share RECORDING_CSV TRUTH NAME [MAX]: of NAME's bytes x snapshots (after the first 10), the share
# in regions with nr_accesses > 0 (DAMON's rule); with MAX (samples per aggregation), each byte
# weighs min(1, nr_accesses / MAX) instead, as report wss counts a per-mapping recording
share() {
	awk -F, -v truth="$2" -v name="$3" -v max="${4:-0}" '
	BEGIN { while ((getline l < truth) > 0) { split(l, f, " "); if (f[1] == name) { s = f[2] + 0; e = f[3] + 0 } } }
	NR > 1 && $1 >= 10 {
		lo = $5 + 0 > s ? $5 + 0 : s; hi = $6 + 0 < e ? $6 + 0 : e
		if (hi <= lo) next
		tot += hi - lo
		if (max) acc += (hi - lo) * ($7 >= max ? 1 : $7 / max); else if ($7 > 0) acc += hi - lo
	}
	END { printf "%.3f\n", tot ? acc / tot : 0 }' "$1"
}

# 64 MiB: the first 32 MiB resident, of which the first 6.4 MiB read over and over. The shares
# are weighted as the working set is: a region across the edge of the resident part, which the
# regions take a while to find on a loaded machine, then counts by its resident share.
test_expect_success 'refs: the working set is the bytes read, never the untouched half' '
	{ "$W/readhot" 64 10 50 3.5 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q -b sampler --primitive refs -s 2ms -a 40ms -o rec.data -d 2.5 -p $pid &&
	wait $pid &&
	hot=$(range_bytes truth hot) && res=$(( $(range_bytes truth hot) + $(range_bytes truth cold) )) &&
	wss=$(daprof report wss -i rec.data --skip-snapshots 10 --format csv |
		awk -F, "\$1 == 50 { print \$2 }") &&
	echo "wss p50 $wss, hot $hot, resident $res" &&
	test "$wss" -le "$res" &&
	test "$wss" -ge $((hot / 2)) &&
	test "$wss" -le $((hot * 2)) &&
	daprof report raw -i rec.data --format csv >csv &&
	u=$(share csv truth untouched 20) && h=$(share csv truth hot 20) &&
	echo "weighted share called accessed: hot $h, untouched $u" &&
	awk -v u="$u" -v h="$h" "BEGIN { exit !(h > 0 && u < 0.5 * h) }"
'

# uffd-wp+refs: written pages page-exact from uffd-wp, the rest of Referenced spread by refs (refs
# alone calls 0.8 of the cold bytes accessed; the hot bar is 0.7, not 1: a target starved of CPU
# for a window writes nothing in it)
if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'uffd-wp+refs' "uffd-wp is not available here"
else
test_expect_success 'uffd-wp+refs: a written hot set exact, a read one counted, the target unharmed' '
	{ "$W/memtouch" 64 10 3.5 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q -b sampler --primitive uffd-wp+refs -s 2ms -a 40ms -o rec.data -d 2.5 -p $pid &&
	! grep "^VmFlags:" /proc/$pid/smaps | grep -q " uw" &&
	wait $pid &&
	hot=$(range_bytes truth hot) &&
	daprof report raw -i rec.data --format csv >csv &&
	h=$(share csv truth hot) && c=$(share csv truth cold) &&
	echo "written: hot $h, cold $c" &&
	awk -v c="$c" -v h="$h" "BEGIN { exit !(c < 0.2 && h > 0.7) }" &&
	rm truth &&
	{ "$W/readhot" 64 10 50 3.5 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q -b sampler --primitive uffd-wp+refs -s 2ms -a 40ms -o rec.data -d 2.5 -p $pid &&
	wait $pid &&
	hot=$(range_bytes truth hot) &&
	wss=$(daprof report wss -i rec.data --skip-snapshots 10 --format csv |
		awk -F, "\$1 == 50 { print \$2 }") &&
	echo "read: wss p50 $wss, hot $hot" &&
	test "$wss" -ge $((hot / 2)) && test "$wss" -le $((hot * 2)) &&
	daprof info -i rec.data >info &&
	grep -q "^backend  *sampler, primitive uffd-wp+refs (sees reads+writes, mapping; writes, page)$" info
'
fi

test_done
