#!/bin/bash
# daprof report hot (and --cold) on a recording of a workload with known hot and cold globals
# (tests/workloads/hotsyms.c): exact names, kinds and ranks, the bytes of each object, the four
# output formats, and labels instead of crashes when the program's file is gone or damaged. The
# arithmetic on hand-computed numbers is tests/unit/report-hot.c's.
. "$(dirname "$0")/lib.sh"

W=$DAPROF_BUILD/tests/workloads
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms"

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'report hot on uffd-wp recordings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

# the CSV row of NAME (exact), and its field N
row() { awk -F, -v n="$1" '$2 == n' "$2"; }
field() { row "$1" "$3" | cut -d, -f"$2"; }
# NAME's bytes are within 5 % of SIZE (a page never seen at all would be 4 KiB of 64 KiB)
about() { awk -F, -v n="$1" -v s="$2" '$2 == n && $5 <= s && $5 >= 0.95 * s { ok = 1 } END { exit !ok }' "$3" || { row "$1" "$3"; return 1; }; }

# One recording for the tests below (kept in the test root, which they all see as ../rec.data).
cp "$W/hotsyms" "$TEST_ROOT/hotsyms" &&
(cd "$TEST_ROOT" && daprof record $REC -o rec.data -- ./hotsyms 2.5 >hs.out) ||
	echo "recording failed" >&2
R=$TEST_ROOT/rec.data
# NAME was idle for more than 0.1 s at the end, with some bytes idle longer than --idle
idle_enough() { awk -F, -v n="$1" '$2 == n && $8 > 0.1 && $9 > 0 { ok = 1 } END { exit !ok }' "$2" || { row "$1" "$2"; return 1; }; }
# NAME was hot for more than 90 % of its byte-time, at more than 50 accesses a second
hot_enough() { awk -F, -v n="$1" '$2 == n && $7 > 0.9 && $6 > 50 { ok = 1 } END { exit !ok }' "$2" || { row "$1" "$2"; return 1; }; }

test_expect_success 'hot: the hot global first, by exact name, kind and size' '
	daprof report hot -i "$R" --format csv >hot.csv &&
	head -1 hot.csv | grep -q "^rank,name,kind,mapping,bytes,access_rate_hz,hot_share,idle_s," &&
	test "$(field hot_table 1 hot.csv)" = 1 &&
	test "$(field hot_table 3 hot.csv)" = object &&
	test "$(field hot_table 4 hot.csv)" = hotsyms &&
	about hot_table 1048576 hot.csv &&
	test "$(field cold_table 3 hot.csv)" = object &&
	about cold_table 1048576 hot.csv &&
	about warm_table 262144 hot.csv &&
	test "$(field tick::scratch 3 hot.csv)" = object &&
	about tick::scratch 65536 hot.csv &&
	test "$(field hot_table 1 hot.csv)" -lt "$(field cold_table 1 hot.csv)" &&
	test "$(field warm_table 1 hot.csv)" -lt "$(field cold_table 1 hot.csv)" &&
	hot_enough hot_table hot.csv &&
	! grep -q "^[0-9]*,\[unmapped\]," hot.csv
'

test_expect_success '--cold: the cold global first, with its idle time' '
	daprof report hot -i "$R" --cold --idle 100ms --format csv >cold.csv &&
	test "$(field cold_table 1 cold.csv)" = 1 &&
	idle_enough cold_table cold.csv &&
	test "$(field hot_table 8 cold.csv)" = 0.000
'

test_expect_success 'the offset of a global is its link-time address, with the build-id' '
	daprof report hot -i "$R" --format csv >hot.csv &&
	want=$(nm "$TEST_ROOT/hotsyms" | awk "\$3 == \"cold_table\" { print \$1 }" | sed "s/^0*//") &&
	test "$(field cold_table 12 hot.csv)" = "0x$want" &&
	id=$(readelf -n "$TEST_ROOT/hotsyms" | sed -n "s/.*Build ID: *//p") &&
	test "$(field cold_table 13 hot.csv)" = "$id"
'

test_expect_success 'text: a table whose header says what the primitive sees' '
	daprof report hot -i "$R" >out &&
	grep -q "^backend: sampler, primitive: uffd-wp (sees writes, page)$" out &&
	grep -q "^note: this primitive sees writes only" out &&
	grep -q "^   1 .* object  *hot_table  *hotsyms$" out &&
	test_line_count -le 30 out &&
	daprof report hot -i "$R" --top 2 >two &&
	test "$(grep -c "^   [0-9] " two)" = 2
'

test_expect_success 'folded: one "mapping;section;symbol weight" line per object' '
	daprof report hot -i "$R" --format folded >f &&
	grep -q "^hotsyms;object;hot_table [0-9][0-9]*$" f &&
	! grep -v "^[^ ;][^ ;]*;[^ ;][^ ;]*;[^ ;][^ ;]* [1-9][0-9]*$" f &&
	head -1 f | grep -q "^hotsyms;object;hot_table "
'

test_expect_success 'json: the same objects, with their evidence' '
	daprof report hot -i "$R" --format json >j &&
	grep -q "\"view\": \"hot\"" j &&
	grep -q "\"primitive_sees\": \"writes, page\"" j &&
	grep -q "{\"rank\": 1, \"name\": \"hot_table\", \"kind\": \"object\", \"mapping\": \"hotsyms\"" j
'

test_expect_success '--by mapping and --by region' '
	daprof report hot -i "$R" --by mapping --format csv >m.csv &&
	test "$(row hotsyms m.csv | wc -l)" -ge 1 &&
	! grep -q ",hot_table," m.csv &&
	daprof report hot -i "$R" --by region --format csv >r.csv &&
	grep -q "^1,0x[0-9a-f]*-0x[0-9a-f]*,region," r.csv
'

test_expect_success 'a missing or damaged program file gives labels, not a crash' '
	mv "$TEST_ROOT/hotsyms" "$TEST_ROOT/hotsyms.gone" &&
	test_when_finished "mv \"$TEST_ROOT/hotsyms.gone\" \"$TEST_ROOT/hotsyms\"" &&
	daprof report hot -i "$R" --format csv >gone.csv &&
	! grep -q ",hot_table," gone.csv &&
	grep -q "^[0-9]*,hotsyms+0x[0-9a-f]*,file,hotsyms," gone.csv &&
	head -c 100 "$TEST_ROOT/hotsyms.gone" >"$TEST_ROOT/hotsyms" &&
	daprof report hot -i "$R" --format csv >bad.csv &&
	grep -q "^[0-9]*,hotsyms+0x[0-9a-f]*,file,hotsyms," bad.csv
'

test_expect_success 'bad options: one line, exit 2' '
	test_expect_code 2 daprof report hot -i "$R" --by bogus 2>err &&
	one_line err &&
	test_expect_code 2 daprof report hot -i "$R" --idle soon 2>err &&
	one_line err &&
	test_expect_code 2 daprof report hot -i "$R" --top -1 2>err &&
	one_line err &&
	test_must_fail daprof report hot -i nonexistent.data 2>err &&
	one_line err
'

test_done
