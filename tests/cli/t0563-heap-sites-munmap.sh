#!/bin/bash
# record --heap-sites sees the munmap of the tail of a recorded mapping (tests/workloads/
# heaptail.c): the block keeps the bytes before the cut, and a mapping made later where the
# tail was is its own site's, not the first block's. (The tail is 2 MiB: the library sends
# longer unmaps without looking, so a short one is what tests its check.) And the library's own
# ring is not in the reports.
. "$(dirname "$0")/lib.sh"

W=$DAPROF_BUILD/tests/workloads
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms -u 100ms"

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'partial munmaps of recorded mappings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

(cd "$TEST_ROOT" && daprof record $REC --heap-sites -o rec.data -- "$W/heaptail" 1.5 >out) ||
	echo "recording failed" >&2
R=$TEST_ROOT/rec.data

# the bytes of site NAME in the CSV
bytes() { awk -F, -v n="$1" '{ s = $2; sub(/ \(.*/, "", s) } s == n && $3 == "site" { print $5 }' "$2"; }

test_expect_success 'the workload mapped its new block where the cut tail was' '
	grep -q "^heaptail: reused$" "$TEST_ROOT/out" &&
	grep -q "^heaptail: [1-9][0-9]* passes$" "$TEST_ROOT/out"
'

test_expect_success 'a cut mapping keeps its head; the new one at its tail is its own' '
	daprof report hot -i "$R" --by site --format csv >s.csv &&
	grep ",site," s.csv &&
	test "$(bytes tail_map s.csv)" = 6291456 &&
	test "$(bytes reuse_map s.csv)" = 2097152 &&
	test "$(bytes whole_map s.csv)" = 8388608
'

# the memfd the library writes its messages to is the recorder's, not the program's
test_expect_success 'the library'"'"'s ring is in no report' '
	daprof report raw -i "$R" >raw.txt &&
	grep -q "^# heap_recorded: [1-9]" raw.txt &&
	daprof report hot -i "$R" --format csv >hot.csv &&
	grep -q ",heaptail," hot.csv &&
	test_must_fail grep -q "memfd:daprof-heap" raw.txt hot.csv
'

test_done
