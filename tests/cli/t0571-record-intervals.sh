#!/bin/bash
# The recorder stores the intervals in force as they change: a change the backend reports
# (stood in for by the test hook DAPROF_TEST_INTERVALS=N:SAMPLE_US:AGGR_US, which makes the
# recorder take those as in force from its N+1th snapshot on) becomes one INTERVALS change, at
# the start of the first snapshot it rules, shown by info and report raw; a recording whose
# intervals never change has none; the stretch is given against the interval in force. No
# timing is asserted: the hook changes only what is stored, not how the sampler samples.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
FAST="-b sampler --primitive refs -s 2ms -a 40ms -u 200ms"

test_expect_success 'a change becomes one INTERVALS change before the snapshot it rules' '
	DAPROF_TEST_INTERVALS=5:4000:80000 daprof record -q $FAST -o rec.data -- \
		"$W/memtouch" 8 10 0.8 >/dev/null &&
	daprof info -i rec.data >info &&
	grep -q "^interval changes 1 change (goal 1); sampling 2 ms to 4 ms, aggregation 40 ms to 80 ms$" info &&
	grep -q "^aggr windows  *[a-z ]*: median [0-9.]*x, the longest [0-9.]*x the interval in force$" info &&
	daprof report raw -i rec.data --format json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
c = d[\"interval_changes\"]
assert len(c) == 1, c
assert (c[0][\"sample_us\"], c[0][\"aggr_us\"], c[0][\"update_us\"]) == (4000, 80000, 200000), c
assert c[0][\"cause\"] == \"goal\"
s = d[\"snapshots\"]
assert len(s) > 6, len(s)
assert c[0][\"time_ns\"] == s[5][\"start_ns\"], (c[0], s[5][\"start_ns\"])
assert \"aggr_real_median_pct\" in d[\"meta\"] and \"aggr_real_max_pct\" in d[\"meta\"]
"
'

test_expect_success 'intervals that never change store no change' '
	daprof record -q $FAST -o rec.data -- "$W/memtouch" 8 10 0.4 >/dev/null &&
	daprof info -i rec.data >info &&
	grep -q "^format  *1\.2, closed cleanly$" info &&
	test_must_fail grep -q "^interval changes" info &&
	grep -q "^aggr windows  *[a-z ]*: median [0-9.]*x, the longest [0-9.]*x the interval in force$" info
'

test_expect_success 'a recorder killed -9 leaves its changes readable, as its snapshots' '
	{ DAPROF_TEST_INTERVALS=5:4000:80000 daprof record -q $FAST -d 60s -o rec.data -- \
		"$W/memtouch" 8 10 60 >/dev/null 2>&1 & pid=$!; } &&
	test_when_finished "kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; true" &&
	for i in $(seq 300); do
		{ test_might_fail daprof info -i rec.data >info 2>/dev/null &&
		  grep -q "^interval changes 1 change" info && break; } || sleep 0.1 || return 1
	done &&
	grep -q "^interval changes 1 change (goal 1)" info &&
	kill -9 $pid && { wait $pid 2>/dev/null; test $? = 137; } &&
	daprof info -i rec.data >info &&
	grep -q "^format  *1\.2, not closed cleanly" info &&
	grep -q "^interval changes 1 change (goal 1); sampling 2 ms to 4 ms, aggregation 40 ms to 80 ms$" info
'

test_done
