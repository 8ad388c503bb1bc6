#!/bin/bash
# Recordings whose intervals change halfway (INTERVALS chunks, written here with
# tests/tools/mkrec), against the same true access pattern recorded at fixed intervals: the heat
# map gives the same Hz and report wss the same working set, with and without a time range (the
# index seek passes over the chunk that holds the change); info lists the changes by cause and
# their range, how far the aggregation windows stretched and the cost against the budget of
# --max-overhead (end keys written here), and report raw carries the changes; a file of format 1.1 (no INTERVALS chunk) reads as
# before.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

# heat CHANGE: 40 snapshots of one target; [0x10000000, 0x10080000) is accessed at 20 Hz, the
# next 512 KiB never. At fixed intervals (5 ms, 100 ms: 20 checks) that is nr_accesses 2 a
# snapshot. With CHANGE, from snapshot 20 on the controller doubled both intervals (10 ms,
# 200 ms: still 20 checks, each twice as likely to see an access): nr_accesses 4 a snapshot of
# 200 ms. A chunk every 5 snapshots, as the recorder's flushes cut them. STRETCH (default 1)
# makes every window last that many times its aggregation interval, as a late recorder's do: the
# same checks, so the same nr_accesses, over a longer span. heat_src prints the description, heat
# CHANGE FILE [STRETCH] writes FILE.
heat() { heat_src "$1" "${3:-1}" | "$MKREC" "$2"; }
heat_src() {
	awk -v change="$1" -v stretch="${2:-1}" 'BEGIN {
		print "meta backend sampler"
		print "meta primitive uffd-wp"
		print "meta primitive_sees writes, page"
		print "meta sample_us 5000"
		print "meta aggr_us 100000"
		print "meta update_us 1000000"
		print "meta nr_targets 1"
		t = 0; a = 100000000; n = 2
		for (k = 0; k < 40; k++) {
			if (change && k == 20) {
				printf "intervals 0 %.0f 10000 200000 1000000 10 1000 2\n", t
				a = 200000000; n = 4
			}
			printf "snap 0 %.0f %.0f\n", t, t + a * stretch
			printf "r 0x10000000 0x10080000 %d 0\n", n
			printf "r 0x10080000 0x10100000 0 %d\n", k
			t += a * stretch
			if (k % 5 == 4)
				print "flush"
		}
	}'
}

# wss CHANGE: a per-mapping primitive (refs) sees half of a 4 MiB mapping touched each
# aggregation: nr_accesses 10 of 20 checks at 5 ms. With CHANGE, the sampling interval doubled
# at snapshot 20 (the auto-tuning): 5 of 10 checks, the same share, half the count.
wss() {
	awk -v change="$1" 'BEGIN {
		print "meta backend sampler"
		print "meta primitive refs"
		print "meta primitive_sees reads+writes, mapping"
		print "meta sample_us 5000"
		print "meta aggr_us 100000"
		print "meta nr_targets 1"
		n = 10
		for (k = 0; k < 40; k++) {
			if (change && k == 20) {
				printf "intervals 0 %.0f 10000 100000 1000000 10 1000 3\n", k * 100000000
				n = 5
			}
			printf "snap 0 %.0f %.0f\n", k * 100000000, (k + 1) * 100000000
			printf "r 0x10000000 0x10400000 %d 0\n", n
		}
	}' | "$MKREC" "$2"
}

# hot_hz FILE OUT [ARGS]: the heat map of the hot row, one value a line, into OUT
hot_hz() {
	f=$1 out=$2 && shift 2 &&
	daprof report heatmap -i "$f" --tsv --width 8 --height 2 "$@" >tsv &&
	awk '!/^#/ && $2 == 268435456 { print $3 }' tsv >"$out"
}

test_expect_success 'the heat map gives the same Hz after the intervals doubled' '
	heat 0 fixed.data &&
	heat 1 changed.data &&
	hot_hz fixed.data fixed.hz &&
	hot_hz changed.data changed.hz &&
	test_line_count = 8 fixed.hz &&
	test_line_count = 8 changed.hz &&
	sort -u fixed.hz >u && echo 20 | cmp - u &&
	sort -u changed.hz >u && echo 20 | cmp - u
'

test_expect_success 'the same with a time range whose seek passes over the change' '
	heat 1 changed.data &&
	hot_hz changed.data late.hz --time-range 5s 6s &&
	test_line_count = 8 late.hz &&
	sort -u late.hz >u && echo 20 | cmp - u
'

# rates FILE: "secs S" (time.seconds), "wss R" (report wss access.rate_hz), "hot R" and "cold R"
# (report hot access_rate_hz of the accessed and the idle region), one a line
rates() {
	daprof report wss -i "$1" --metrics --format csv >m.csv &&
	daprof report hot -i "$1" --by region --format csv >h.csv &&
	awk -F, '$2 == "access.rate_hz" { print "wss", $3 }
		 $2 == "time.seconds" { print "secs", $3 }' m.csv &&
	awk -F, '$2 == "0x10000000-0x10080000" { print "hot", $6 }
		 $2 == "0x10080000-0x10100000" { print "cold", $6 }' h.csv
}

test_expect_success 'report wss and report hot give the same Hz after the intervals doubled' '
	heat 0 fixed.data &&
	heat 1 changed.data &&
	rates fixed.data >fixed.rates &&
	rates changed.data >changed.rates &&
	printf "secs 4\nwss 20\nhot 20.000\ncold 0.000\n" >want &&
	diff want fixed.rates &&
	printf "secs 6\nwss 20\nhot 20.000\ncold 0.000\n" >want &&
	diff want changed.rates
'

# The windows took 1.5 times their aggregation interval: nr_accesses is still that of 20 Hz over
# the interval in force; over the real span it would read 13.3 Hz. The time weights stay on the
# span: 40 x 150 ms, or 20 x 150 ms and 20 x 300 ms.
test_expect_success 'windows stretched 1.5x keep the rate of nr_accesses over the interval' '
	heat 0 slow.data 1.5 &&
	heat 1 slow-changed.data 1.5 &&
	rates slow.data >slow.rates &&
	rates slow-changed.data >slow-changed.rates &&
	printf "secs 6\nwss 20\nhot 20.000\ncold 0.000\n" >want &&
	diff want slow.rates &&
	printf "secs 9\nwss 20\nhot 20.000\ncold 0.000\n" >want &&
	diff want slow-changed.rates &&
	hot_hz slow-changed.data slow.hz &&
	sort -u slow.hz >u && echo 20 | cmp - u
'

test_expect_success 'report wss gives the same working set after the sampling doubled' '
	wss 0 fixed.data &&
	wss 1 changed.data &&
	daprof report wss -i fixed.data >fixed.out &&
	daprof report wss -i changed.data >changed.out &&
	grep -q "^  *100  *2097152 " changed.out &&
	grep -q "^  *0  *2097152 " changed.out &&
	sed 1d fixed.out >a && sed 1d changed.out >b && cmp a b
'

test_expect_success 'info lists the changes by cause and the range of intervals used' '
	heat 1 changed.data &&
	daprof info -i changed.data >out &&
	grep -q "^format  *1\.2, closed cleanly$" out &&
	grep -q "^intervals  *sampling 5 ms, aggregation 100 ms, update 1 s$" out &&
	grep -q "^interval changes 1 change (budget 1); sampling 5 ms to 10 ms, aggregation 100 ms to 200 ms$" out &&
	heat 0 fixed.data &&
	daprof info -i fixed.data >out &&
	test_must_fail grep -q "^interval changes" out
'

# ends FILE KEY=VALUE...: the heat recording with these end keys (as the recorder writes them);
# CHANGE=0 in the environment: without the change of intervals
ends() {
	f=$1 && shift &&
	heat_src "${CHANGE:-1}" >src &&
	for kv in "$@"; do echo "latemeta ${kv%%=*} ${kv#*=}" >>src || return 1; done &&
	"$MKREC" "$f" <src
}

test_expect_success 'info says how far the windows stretched, against the interval in force' '
	ends s.data aggr_real_median_us=112000 aggr_real_max_us=297000 snapshots_late=9 \
		aggr_real_median_pct=112 aggr_real_max_pct=297 &&
	daprof info -i s.data >out &&
	grep -q "^snapshots came   every 100 ms (median), the longest 297 ms; 9 snapshots late$" out &&
	grep -q "^aggr windows     stretched: median 1.12x, the longest 2.97x the interval in force$" out &&
	ends old.data aggr_real_median_us=100000 aggr_real_max_us=110000 snapshots_late=0 &&
	daprof info -i old.data >out &&
	grep -q "^aggr windows     on time: median 1.00x, the longest 1.10x the interval asked for$" out
'

# The recorder's median span is as if the intervals never changed (daprof-data.5): 112 ms here,
# where 20 snapshots took 100 ms and 20 took 200 ms. With changes, info gives the snapshots' own
# median (above); without, the recorder's figure, exact to 1 % of the interval.
test_expect_success 'info: how often snapshots came, from the recorder or, after changes, the snapshots' '
	CHANGE=0 ends n.data aggr_real_median_us=112000 aggr_real_max_us=297000 snapshots_late=9 &&
	daprof info -i n.data >out &&
	grep -q "^snapshots came   every 112 ms (median), the longest 297 ms; 9 snapshots late$" out &&
	heat_src 1 1.5 >src &&
	for kv in aggr_real_median_us=112000 aggr_real_max_us=297000 snapshots_late=9; do
		echo "latemeta ${kv%%=*} ${kv#*=}" >>src || return 1
	done &&
	"$MKREC" c.data <src &&
	daprof info -i c.data >out &&
	grep -q "^snapshots came   every 150 ms (median)," out
'

test_expect_success 'info gives the cost against the budget, and says when it went over' '
	ends w.data overhead_budget_pct=2.00 overhead_self_pct=1.20 overhead_target_pct=0.60 \
		overhead_changes=14 &&
	daprof info -i w.data >out &&
	grep -q "^budget  *recorder 1.20 % of a core, target ~0.60 %, budget 2.00 % (within); 14 changes$" out &&
	ends o.data overhead_budget_pct=2.00 overhead_self_pct=1.84 overhead_target_pct=0.60 \
		overhead_changes=1 &&
	daprof info -i o.data >out &&
	grep -q "^budget  *recorder 1.84 % of a core, target ~0.60 %, budget 2.00 % (over budget); 1 change$" out &&
	ends n.data overhead_self_pct=1.84 &&
	daprof info -i n.data >out &&
	test_must_fail grep -q "^budget" out
'

test_expect_success 'report raw carries the changes in json and text' '
	wss 1 changed.data &&
	daprof report raw -i changed.data --format json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
c = d[\"interval_changes\"]
assert c == [{\"target\": 0, \"time_ns\": 2000000000, \"cause\": \"goal\", \"sample_us\": 10000,
              \"aggr_us\": 100000, \"update_us\": 1000000, \"min_nr_regions\": 10,
              \"max_nr_regions\": 1000}], c
assert len(d[\"snapshots\"]) == 40
" &&
	daprof report raw -i changed.data >out &&
	grep -q "^# 0 2000000000 goal 10000 100000 1000000 10 1000$" out &&
	wss 0 fixed.data &&
	daprof report raw -i fixed.data --format json >out.json &&
	python3 -c "
import json
assert \"interval_changes\" not in json.load(open(\"out.json\"))
"
'

test_expect_success 'a file of format 1.1 (no INTERVALS chunk) reads as before' '
	daprof info -i "$DAPROF_TOP/tests/data/format-1.1-heap.data" >out &&
	grep -q "^format  *1\.1, closed cleanly$" out &&
	test_must_fail grep -q "^interval changes" out &&
	daprof report raw -i "$DAPROF_TOP/tests/data/format-1.1-heap.data" --format json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert len(d[\"snapshots\"]) == 2 and \"interval_changes\" not in d
"
'

test_done
