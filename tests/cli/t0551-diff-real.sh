#!/bin/bash
# daprof diff on real sampler recordings of tests/workloads/diffwork, whose hot set has the size
# its second argument gives: two runs of the same work pass the default gate although ASLR put
# them at different addresses; a hot set 25 % larger fails it; an object that becomes hot
# (new_table, with "newhot") is named, and a gate on it fails.
. "$(dirname "$0")/lib.sh"

W=$DAPROF_BUILD/tests/workloads
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms"

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'diff of uffd-wp recordings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

# The recordings of the tests below (in the test root, which they all see).
cp "$W/diffwork" "$TEST_ROOT/diffwork" &&
(cd "$TEST_ROOT" &&
	daprof record $REC -o base1.data -- ./diffwork 2.5 2048 >/dev/null &&
	daprof record $REC -o base2.data -- ./diffwork 2.5 2048 >/dev/null &&
	daprof record $REC -o grown.data -- ./diffwork 2.5 2560 >/dev/null &&
	daprof record $REC -o newhot.data -- ./diffwork 2.5 2048 newhot >/dev/null) ||
	echo "recording failed" >&2
R=$TEST_ROOT

# the address of work_table in recording $1 (report hot's JSON has it; diff never uses it)
addr_of() {
	daprof report hot -i "$1" --format json |
	python3 -c "import json, sys; print([o[\"addr\"] for o in json.load(sys.stdin)[\"objects\"] if o[\"name\"] == \"work_table\"][0])"
}

test_expect_success 'two runs of the same work at different addresses pass the default gate' '
	a1=$(addr_of "$R/base1.data") &&
	a2=$(addr_of "$R/base2.data") &&
	test -n "$a1" && test "$a1" != "$a2" &&
	daprof diff "$R/base1.data" "$R/base2.data" >out &&
	grep -q "^result: pass$" out &&
	grep -q "^note: one recording a side" out &&
	# work_table is one object on both sides: neither appeared nor vanished
	daprof diff "$R/base1.data" "$R/base2.data" --format json >j &&
	python3 -c "
import json
d = json.load(open(\"j\"))
w = [o for o in d[\"objects\"] if o[\"name\"] == \"work_table\"]
assert len(w) == 1 and w[0][\"change\"] not in (\"appeared\", \"vanished\"), w
assert w[0][\"mapping\"] == \"diffwork\" and len(w[0][\"build_id\"]) == 40, w
assert d[\"result\"] == \"pass\"
"
'

test_expect_success 'a hot set 25 % larger fails the default gate' '
	test_expect_code 1 daprof diff "$R/base1.data" "$R/grown.data" >out &&
	{ cat out >&2; true; } &&
	# a default gate fails on a significant growth of about a quarter; which of the two it is
	# depends on how the start-up spike falls into the time slices (p90 per slice varies more)
	grep -E "^  FAIL  (wss.p90|hot.bytes)>\+10%: [0-9.]+ MiB -> [0-9.]+ MiB \(\+(1[5-9]|2[0-9]|3[0-5])\.[0-9]%, p=.*, significant\)$" out &&
	grep -q "^result: FAIL" out
'

test_expect_success 'an object that becomes hot is named, and a gate on it fails' '
	test_expect_code 1 daprof diff "$R/base1.data" "$R/newhot.data" >out &&
	grep -q "^  hotter    new_table  *diffwork  *object " out &&
	test_expect_code 1 daprof diff "$R/base1.data" "$R/newhot.data" \
		--fail-on "symbol:new_table.hot_share>+0.5" >out &&
	grep -q "^  FAIL  symbol:new_table.hot_share>+0.5: " out &&
	# and between the two base runs the same gate holds
	daprof diff "$R/base1.data" "$R/base2.data" --fail-on "symbol:new_table.hot_share>+0.5" \
		--fail-on "symbol:work_table.rate<-20%" >out &&
	grep -q "^result: pass$" out
'
test_done
