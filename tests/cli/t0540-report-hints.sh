#!/bin/bash
# daprof report hints on a recording of a workload with known hot and cold globals
# (tests/workloads/hotsyms.c): the cold global gets MADV_COLD or MADV_PAGEOUT, the hot one mlock
# or MADV_WILLNEED; the C form compiles, links against the globals and runs; the JSON parses and
# names objects by build-id and offset, never by bare address. The rules on hand-computed numbers
# are tests/unit/report-hints.c's.
. "$(dirname "$0")/lib.sh"

W=$DAPROF_BUILD/tests/workloads
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms"

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'report hints on uffd-wp recordings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

cp "$W/hotsyms" "$TEST_ROOT/hotsyms" &&
(cd "$TEST_ROOT" && daprof record $REC -o rec.data -- ./hotsyms 2.5 >hs.out) ||
	echo "recording failed" >&2
R=$TEST_ROOT/rec.data
# the idle threshold: t0530 finds cold_table idle for more than 0.1 s at the end
IDLE="--idle 100ms"

test_expect_success 'text: hot_table is pinned or prefetched, cold_table cooled or paged out' '
	daprof report hints -i "$R" $IDLE >out &&
	grep -q "^daprof report hints: " out &&
	grep -q "^hot: hot share >= 0.90 (nr_accesses >= 1) -> .*idle >= 100 ms" out &&
	grep -Eq "^(mlock|MADV_WILLNEED) .* hot_table  *hotsyms " out &&
	grep -Eq "^MADV_(COLD|PAGEOUT) .* cold_table  *hotsyms  *0x[0-9a-f]+  *writes-only$" out &&
	! grep -Eq "^MADV_(COLD|PAGEOUT) .* hot_table " out &&
	! grep -Eq "^(mlock|MADV_WILLNEED) .* cold_table " out &&
	! grep -Eq " (hot_function|main) " out
'

test_expect_success 'the thresholds are options' '
	daprof report hints -i "$R" $IDLE --hot-share 1 --min-size 2M >out &&
	! grep -q " hot_table " out &&
	! grep -q " cold_table " out &&
	grep -q "none: no object of 2 MiB or more" out
'

test_expect_success 'c: compiles, names the globals, and runs against them' '
	daprof report hints -i "$R" $IDLE --format c >hints.c &&
	grep -q "^static inline void \*page_align_down(const void \*p)$" hints.c &&
	grep -q "^extern char hot_table\[\];$" hints.c &&
	grep -Eq "^	madvise\(page_align_down\(cold_table\), page_span\(cold_table, 1048576\), MADV_(COLD|PAGEOUT)\);$" hints.c &&
	grep -Eq "^	(mlock\(page_align_down\(hot_table\)|madvise\(page_align_down\(hot_table\).*MADV_WILLNEED)" hints.c &&
	grep -q "not addressable by name from here: a function-scope static" hints.c &&
	! grep -E "^	[a-z].*0x" hints.c &&
	cc -std=c11 -Wall -Wextra -Werror -fsyntax-only hints.c &&
	{ cat hints.c &&
	  sed -n "s/^extern char \(.*\)\[\];$/char \1[1 << 20];/p" hints.c &&
	  echo "int main(void) { daprof_hints_apply(); return 0; }"; } >prog.c &&
	cc -std=c11 -Wall -Werror -o prog prog.c &&
	./prog
'

test_expect_success 'json: parses, with the build-id and offsets of the program' '
	daprof report hints -i "$R" $IDLE --format json >j &&
	id=$(readelf -n "$TEST_ROOT/hotsyms" | sed -n "s/.*Build ID: *//p") &&
	off=$(nm "$TEST_ROOT/hotsyms" | awk "\$3 == \"cold_table\" { print \$1 }") &&
	python3 -c "
import json, sys
d = json.load(open(\"j\"))
assert d[\"target\"][\"build_id\"] == \"$id\", d[\"target\"]
assert d[\"target\"][\"path\"].endswith(\"/hotsyms\"), d[\"target\"]
cold = [h for h in d[\"hints\"] if h[\"object\"][\"name\"] == \"cold_table\"]
assert cold and cold[0][\"advice\"] in (\"MADV_COLD\", \"MADV_PAGEOUT\"), cold
o = cold[0][\"object\"]
assert o[\"build_id\"] == \"$id\" and o[\"offset\"] == int(\"$off\", 16), o
assert o[\"size\"] == 1048576 and cold[0][\"page_aligned\"] == 1, cold
assert cold[0][\"confidence\"] in (\"high\", \"medium\", \"low\")
assert set(cold[0][\"evidence\"]) == {\"access_rate_hz\", \"hot_share\", \"idle_s\", \"idle_bytes\", \"coverage\"}
for h in d[\"hints\"]:
    assert \"addr\" not in h and \"addr\" not in h[\"object\"], h
"
'

test_expect_success 'bad options: one line, exit 2' '
	test_expect_code 2 daprof report hints -i "$R" --hot-share 2 2>err &&
	one_line err &&
	test_expect_code 2 daprof report hints -i "$R" --idle 0 2>err &&
	one_line err &&
	test_expect_code 2 daprof report hints -i "$R" --huge lots 2>err &&
	one_line err &&
	test_expect_code 2 daprof report hints -i "$R" --format yaml 2>err &&
	one_line err &&
	test_expect_code 2 daprof report hints -i "$R" extra 2>err &&
	one_line err &&
	test_must_fail daprof report hints -i nonexistent.data 2>err &&
	one_line err
'

test_done
