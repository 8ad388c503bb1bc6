#!/bin/bash
# "daprof info" and "daprof report raw" on recordings whose every value the test wrote itself
# (tests/data/format-1.0.txt through mkrec), and on bad ones.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"
GOLDEN="$DAPROF_TOP/tests/data/format-1.0.data"

test_expect_success 'report raw csv has the exact header and one row per region' '
	daprof report raw -i "$GOLDEN" --format csv >out &&
	head -1 out >hdr &&
	echo "snapshot,target,start_ns,end_ns,start,end,nr_accesses,age" >want &&
	cmp hdr want &&
	# 3 + 4 + 1 regions in tests/data/format-1.0.txt
	test_line_count = 9 out &&
	# snapshot 0 region 0: 0x555555554000-0x555555556000, 20 accesses, age 1
	grep -qx "0,0,1000000000,1100000000,$((0x555555554000)),$((0x555555556000)),20,1" out &&
	grep -qx "1,0,1100000000,1200000000,$((0x555555555000)),$((0x555555556000)),0,0" out &&
	grep -qx "2,1,1200000000,1300000000,$((0x10000)),$((0x20000)),1,0" out
'

test_expect_success 'report raw csv equals the source text, region by region' '
	# every "r" line of the source, in order, against columns 5-8 of the CSV
	grep "^r " "$DAPROF_TOP/tests/data/format-1.0.txt" >r-lines &&
	while read -r _ s e n a; do
		echo "$((s)),$((e)),$n,$a" || return 1
	done <r-lines >want &&
	test_line_count = 8 want &&
	daprof report raw -i "$GOLDEN" --format csv >csv &&
	tail -n +2 csv | cut -d, -f5-8 >got &&
	cmp want got
'

test_expect_success 'report raw json parses and holds the same regions' '
	daprof report raw -i "$GOLDEN" --format json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"meta\"][\"target.0.comm\"] == \"golden\"
s = d[\"snapshots\"]
assert [len(x[\"regions\"]) for x in s] == [3, 4, 1], s
assert s[1][\"regions\"][0] == {\"start\": 0x555555554000, \"end\": 0x555555555000, \"nr_accesses\": 19, \"age\": 2}
assert s[2][\"target\"] == 1 and s[2][\"start_ns\"] == 1200000000
"
'

test_expect_success 'report raw json carries metadata completed after the snapshots' '
	# a damo JSON import learns the second record (target 1) only after writing snapshots
	daprof convert "$DAPROF_TOP/tests/data/damo/v33.json" conv.data 2>/dev/null &&
	daprof report raw -i conv.data --format json >out.json &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert d[\"meta\"][\"nr_targets\"] == \"2\", d[\"meta\"]
assert \"target.1.id\" in d[\"meta\"]
" &&
	daprof report raw -i conv.data >out.txt &&
	grep -q "^# nr_targets: 2$" out.txt
'

test_expect_success 'report raw text shows damo-like region lines' '
	daprof report raw -i "$GOLDEN" >out &&
	grep -q "^555555554000-555555556000 (        8192)          20     1$" out &&
	grep -q "^nr_regions: 4$" out
'

test_expect_success 'info states counts, span, backend and clean close' '
	daprof info -i "$GOLDEN" >out &&
	grep -q "^snapshots  *3 (2 targets)$" out &&
	grep -q "^regions  *8 (mean 2.7, max 4 per snapshot)$" out &&
	grep -q "^format  *1.0, closed cleanly$" out &&
	grep -q "^backend  *sampler, primitive uffd-wp (sees writes, page)$" out &&
	grep -q "^time span  *300 ms" out &&
	grep -q "^damage  *none$" out
'

test_expect_success 'info reads the default daprof.data' '
	cp "$GOLDEN" daprof.data &&
	daprof info >out &&
	grep -q "^snapshots  *3 " out
'

test_expect_success 'missing file: one line, exit 1' '
	test_expect_code 1 daprof info -i nope.data 2>err &&
	one_line err && grep -q "cannot open .nope.data.: No such file" err
'

test_expect_success 'empty file: one line, exit 1' '
	: >empty.data &&
	test_expect_code 1 daprof report raw -i empty.data >out 2>err &&
	one_line err && grep -q "not a daprof recording" err &&
	test ! -s out
'

test_expect_success 'wrong magic: one line, exit 1' '
	echo "this is not a recording at all, just some text that is long enough" >text.data &&
	test_expect_code 1 daprof info -i text.data 2>err &&
	one_line err && grep -q "not a daprof recording" err
'

test_expect_success 'newer major version: the message names both versions' '
	cp "$GOLDEN" new.data &&
	printf "\\x07\\x00\\x03\\x00" | dd of=new.data bs=1 seek=8 conv=notrunc 2>/dev/null &&
	test_expect_code 1 daprof info -i new.data 2>err &&
	one_line err && grep -q "format version 7.3, newer than this daprof reads (1.x)" err
'

test_expect_success 'truncated recording: partial result with a warning, exit 0' '
	"$MKREC" --synth big.data 300 50 1 10 &&	# a chunk every 10 snapshots
	size=$(stat -c %s big.data) &&
	head -c $((size * 2 / 3)) big.data >cut.data &&
	daprof report raw -i cut.data --format csv >out 2>err &&
	grep -q "warning: .cut.data.: truncated chunk" err &&
	rows=$(($(wc -l <out) - 1)) &&
	test $rows -gt 0 && test $rows -lt $((300 * 50)) &&
	test $((rows % 50)) -eq 0 &&	# whole snapshots only
	daprof info -i cut.data >info &&
	grep -q "not closed cleanly" info &&
	grep -q "^damage  *1 damaged part" info
'

test_expect_success 'bit flip in the middle: damage reported, the rest still read' '
	"$MKREC" --synth big.data 3000 50 1 10 &&
	size=$(stat -c %s big.data) &&
	printf "\\xff\\xff\\xff\\xff" | dd of=big.data bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	daprof report raw -i big.data --format csv >out 2>err &&
	grep -q "warning: .big.data.:" err &&
	# chunks hold 10 snapshots of 50 regions; 4 flipped bytes damage exactly one chunk
	test_line_count = $(((3000 - 10) * 50 + 1)) out
'

test_expect_success 'a directory is refused in one line' '
	mkdir d &&
	test_expect_code 1 daprof info -i d 2>err &&
	one_line err && grep -q "Is a directory" err
'

test_done
