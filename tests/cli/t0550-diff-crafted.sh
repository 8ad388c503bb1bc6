#!/bin/bash
# daprof diff on recordings written here (tests/tools/mkrec), whose every number is known: the
# same working set twice passes the default gate, even at another heap address (ASLR); a hot
# set 25 % larger fails it; absolute and relative gates; several recordings a side (medians,
# no "weaker estimate" note); and noise: a change that is inside the spread is "~".
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

# rec FILE HEAP_BASE HOT_PAGES [WOBBLE]: 40 snapshots of 100 ms of one [heap] mapping of 1024
# pages at HEAP_BASE, of which the first HOT_PAGES (+ 0, 1 or 2, by snapshot, times WOBBLE:
# default 1) are accessed 5 times an interval and the rest idle for longer and longer.
rec() {
	awk -v base="$(($2))" -v hot="$3" -v wob="${4:-1}" 'BEGIN {
		print "meta backend sampler"
		print "meta primitive uffd-wp"
		print "meta aggr_us 100000"
		print "meta sample_us 5000"
		print "meta nr_targets 1"
		printf "map 0 0 %.0f %.0f 0 rw-p [heap]\n", base, base + 1024 * 4096
		for (k = 0; k < 40; k++) {
			h = hot + (k % 3) * wob
			printf "snap 0 %.0f %.0f\n", k * 100000000, (k + 1) * 100000000
			printf "r %.0f %.0f 5 0\n", base, base + h * 4096
			printf "r %.0f %.0f 0 %d\n", base + h * 4096, base + 1024 * 4096, k
		}
	}' | "$MKREC" "$1"
}

test_expect_success 'the same working set at another heap address passes the default gate' '
	rec old.data 0x55d000000000 200 &&
	rec new.data 0x5600aa000000 200 &&
	daprof diff old.data new.data >out &&
	grep -q "^gates (the default" out &&
	grep -q "^  pass  wss.p90>+10%: 808 KiB -> 808 KiB (+0.0%, p=1, not significant)$" out &&
	grep -q "^  pass  hot.bytes>+10%" out &&
	grep -q "^result: pass$" out &&
	grep -q "^wss.p90  *808 KiB  *808 KiB  ~ " out &&
	# the heap is one object on both sides, matched by its label, not its address
	daprof diff old.data new.data --format json >j &&
	python3 -c "
import json, sys
d = json.load(open(\"j\"))
assert d[\"objects\"][0][\"name\"] == \"[heap]\", d[\"objects\"]
assert d[\"objects\"][0][\"change\"] == \"same\", d[\"objects\"][0]
assert len(d[\"objects\"]) == 1
"
'

test_expect_success 'a hot set 25 % larger fails the default gate, each failure with its values' '
	rec old.data 0x55d000000000 200 &&
	rec big.data 0x55d000000000 250 &&
	test_expect_code 1 daprof diff old.data big.data >out &&
	grep -q "^  FAIL  wss.p90>+10%: 808 KiB -> 1008 KiB (+24.8%, p=[0-9.e-]*, significant)$" out &&
	grep -q "^  FAIL  hot.bytes>+10%: " out &&
	grep -q "^result: FAIL (2 of 2 gates)$" out &&
	grep -q "^wss.p50  *804 KiB  *1004 KiB  +24.9% (+200 KiB) " out
'

test_expect_success 'absolute gates in bytes, and gates that hold' '
	rec old.data 0x55d000000000 200 &&
	rec big.data 0x55d000000000 250 &&
	# +200 KiB: more than 100K, not more than 300K
	test_expect_code 1 daprof diff old.data big.data --fail-on "wss.p50>+100K" >out &&
	grep -q "^  FAIL  wss.p50>+100K: 804 KiB -> 1004 KiB (200 KiB, " out &&
	daprof diff old.data big.data --fail-on "wss.p50>+300K" --fail-on "cold.bytes>+10%" >out &&
	grep -q "^  pass  wss.p50>+300K: " out &&
	grep -q "^result: pass$" out &&
	# a shrinking gate does not fire on growth
	daprof diff old.data big.data --fail-on "hot.bytes<-10%" >out &&
	grep -q "^  pass  hot.bytes<-10%" out &&
	test_expect_code 1 daprof diff big.data old.data --fail-on "hot.bytes<-10%" >out &&
	grep -q "^  FAIL  hot.bytes<-10%" out
'

test_expect_success 'a change within the noise is "~" and fails no gate' '
	# the working set wobbles by 0 to 2 x 40 pages inside each recording; the new one is
	# 4 pages (2 %) larger: beyond a 1 % gate, but not told from the noise
	rec old.data 0x55d000000000 200 40 &&
	rec new.data 0x55d000000000 204 40 &&
	daprof diff old.data new.data --fail-on "wss.time_mean>+1%" >out &&
	grep -q "^wss.time_mean .*  ~  " out &&
	grep -q "^  pass  wss.time_mean>+1%: .*(+1.7%, p=[0-9.]*, not significant)$" out &&
	grep -q "^note: one recording a side" out &&
	# the same 2 % with no wobble stands out of a noise of zero
	rec old.data 0x55d000000000 200 0 &&
	rec new.data 0x55d000000000 204 0 &&
	test_expect_code 1 daprof diff old.data new.data --fail-on "wss.time_mean>+1%" >out &&
	grep -q "^  FAIL  wss.time_mean>+1%: .*, significant)$" out
'

test_expect_success 'several recordings a side: medians, and no weaker-estimate note' '
	rec o1.data 0x55d000000000 200 &&
	rec o2.data 0x55e000000000 210 &&
	rec o3.data 0x55f000000000 190 &&
	rec n1.data 0x56d000000000 250 &&
	rec n2.data 0x56e000000000 240 &&
	rec n3.data 0x56f000000000 260 &&
	test_expect_code 1 daprof diff o1.data o2.data o3.data -- n1.data n2.data n3.data >out &&
	grep -q "^old: o1.data o2.data o3.data$" out &&
	grep -q "^samples: 24 time slices of 3 recordings (old), 24 of 3 (new)" out &&
	! grep -q "^note: one recording" out &&
	# medians of the wholes: 200 + 1 pages (p50 of 0, 1, 2) on the old side, 250 + 1 on the new
	grep -q "^wss.p50  *804 KiB  *1004 KiB " out &&
	grep -q "^  FAIL  wss.p90>+10%" out
'

test_expect_success 'one slice a recording: no noise estimate, judged on the change alone' '
	rec old.data 0x55d000000000 200 &&
	rec big.data 0x55d000000000 250 &&
	test_expect_code 1 daprof diff old.data big.data --slices 1 >out &&
	grep -q "^  FAIL  wss.p90>+10%: .*no noise estimate)$" out
'
test_done
