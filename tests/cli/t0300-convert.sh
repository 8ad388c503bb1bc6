#!/bin/bash
# daprof convert: each damo fixture in tests/data/damo/ converts to the regions and times worked
# out by hand from the fixture (comments say how); the kind is found from the content, not the
# name; bad input gives one line, exit 1 and no output file; usage errors exit 2.
. "$(dirname "$0")/lib.sh"
D=$DAPROF_TOP/tests/data/damo
HDR=snapshot,target,start_ns,end_ns,start,end,nr_accesses,age

csv() { daprof report raw -i "$1" --format csv; }

# v33.json: as written, two records; record 1 (target_id 1) is target 1, after record 0's snapshots
cat >"$TEST_ROOT/v33.csv" <<EOF
$HDR
0,0,1000000000000,1000100072940,94371810639872,94371856179200,5,0
0,0,1000000000000,1000100072940,94371856179200,94371860373504,0,3
1,0,1000100072940,1000200145880,94371810639872,94371856179200,6,1
1,0,1000100072940,1000200145880,94371856179200,94371860373504,0,4
2,0,1000200145880,1000300218820,94371810639872,94371831119872,20,0
2,0,1000200145880,1000300218820,94371831119872,94371856179200,6,2
2,0,1000200145880,1000300218820,94371856179200,94371860373504,1,0
3,1,1000000000000,1000100072940,140737488216064,140737488351232,2,7
4,1,1000100072940,1000200145880,140737488216064,140737488351232,0,0
EOF

test_expect_success 'json_compressed converts to the values of the fixture' '
	daprof convert "$D/v33.data" out.data 2>err &&
	csv out.data >got && cmp "$TEST_ROOT/v33.csv" got &&
	one_line err && grep -q "damo json_compressed" err &&
	grep -q "2 records, 2 targets, 5 snapshots, 9 regions" err
'

test_expect_success 'the kind comes from the content, not the name' '
	cp "$D/v33.data" plain.txt && cp "$D/v33.json" damo.data && cp "$D/v33.json.gz" x &&
	daprof convert plain.txt a.data 2>/dev/null && csv a.data >a &&
	daprof convert damo.data b.data 2>/dev/null && csv b.data >b &&
	daprof convert x c.data 2>/dev/null && csv c.data >c &&
	cmp "$TEST_ROOT/v33.csv" a && cmp a b && cmp a c
'

test_expect_success 'metadata: source, backend, clock, intervals, target ids' '
	daprof convert "$D/v33.data" out.data 2>/dev/null &&
	daprof report raw -i out.data >raw &&
	grep -qx "# source: damo json_compressed" raw && grep -qx "# backend: damon" raw &&
	grep -qx "# clock: damo" raw && grep -qx "# sample_us: 5000" raw &&
	grep -qx "# aggr_us: 100000" raw && grep -qx "# update_us: 1000000" raw &&
	grep -qx "# target.0.id: 0" raw && grep -qx "# target.0.kdamond: 0" raw
'

# old.json: no intervals, age null -> 0; JSON numbers; two records
test_expect_success 'old damo json without intervals or age' '
	cat >want <<-EOF &&
	$HDR
	0,0,4000000000,4100000000,4194304,4268032,3,0
	0,0,4000000000,4100000000,4268032,8388608,0,0
	1,0,4100000000,4200000000,4194304,8388608,1,0
	2,1,4000000000,4100000000,140737488216064,140737488351232,7,0
	EOF
	daprof convert "$D/old.json" out.data 2>/dev/null && csv out.data >got && cmp want got &&
	daprof report raw -i out.data >raw && ! grep -q "# sample_us" raw &&
	grep -qx "# target.0.id: 18446623438842320000" raw
'

# perf.txt (damo write_perf_script): target 0 ends .100073 .200146 .300219 s, mean 100.073 ms, so
# it starts at 1000.0 s; target 1 has one snapshot plus the fake one ending at .200146 s
test_expect_success 'perf script with age, fake snapshot dropped' '
	cat >want <<-EOF &&
	$HDR
	0,0,1000000000000,1000100073000,94371810639872,94371856179200,5,0
	0,0,1000000000000,1000100073000,94371856179200,94371860373504,0,3
	1,0,1000100073000,1000200146000,94371810639872,94371856179200,6,1
	1,0,1000100073000,1000200146000,94371856179200,94371860373504,0,4
	2,0,1000200146000,1000300219000,94371810639872,94371831119872,20,0
	2,0,1000200146000,1000300219000,94371831119872,94371856179200,6,2
	2,0,1000200146000,1000300219000,94371856179200,94371860373504,1,0
	3,1,1000000000000,1000100073000,140737488216064,140737488351232,2,7
	EOF
	daprof convert "$D/perf.txt" out.data 2>err && csv out.data >got && cmp want got &&
	grep -q "damo perf-script" err &&
	daprof report raw -i out.data >raw && grep -qx "# intervals: unknown" raw
'

# perf-515.txt: no age; target A ends .315633 .415633 .515633 (mean 100 ms), target B ends
# .315640 .415640 .615640 (mean 150 ms); interleaved in the file
test_expect_success 'perf script of Linux 5.15 (no age), interleaved targets' '
	cat >want <<-EOF &&
	$HDR
	0,0,82877215633000,82877315633000,140731667070976,140731668037632,0,0
	0,0,82877215633000,82877315633000,140731668037632,140731669086208,4,0
	1,1,82877165640000,82877315640000,4194304,4268032,1,0
	2,0,82877315633000,82877415633000,140731667070976,140731668037632,1,0
	2,0,82877315633000,82877415633000,140731668037632,140731669086208,3,0
	3,1,82877315640000,82877415640000,4194304,4268032,0,0
	4,0,82877415633000,82877515633000,140731667070976,140731668037632,0,0
	4,0,82877415633000,82877515633000,140731668037632,140731669086208,5,0
	5,1,82877415640000,82877615640000,4194304,4268032,2,0
	EOF
	daprof convert "$D/perf-515.txt" out.data 2>/dev/null && csv out.data >got && cmp want got &&
	daprof report raw -i out.data >raw &&
	grep -qx "# target.0.id: 18446623435582458880" raw &&
	grep -qx "# target.1.id: 18446623435582461952" raw
'

test_expect_success 'trace-cmd report text' '
	cat >want <<-EOF &&
	$HDR
	0,0,1394312830000,1394412830000,4096,8192,1,5
	0,0,1394312830000,1394412830000,8192,16384,0,9
	1,0,1394412830000,1394512830000,4096,12288,2,0
	1,0,1394412830000,1394512830000,12288,16384,0,10
	2,0,1394512830000,1394612830000,4096,16384,0,11
	EOF
	daprof convert "$D/trace-cmd.txt" out.data 2>err && csv out.data >got && cmp want got &&
	grep -q "trace-cmd report" err
'

test_expect_success 'mkdamo and mkrec --synth describe the same data' '
	"$DAPROF_BUILD/tests/tools/mkdamo" synth.damo 40 12 &&
	"$DAPROF_BUILD/tests/tools/mkrec" --synth synth.data 40 12 &&
	daprof convert synth.damo conv.data 2>/dev/null &&
	csv synth.data >want && csv conv.data >got && cmp want got && test $(wc -l <got) = 481
'

test_expect_success 'an existing output is kept without --force' '
	echo precious >out.data &&
	test_expect_code 1 daprof convert "$D/v33.data" out.data 2>err &&
	one_line err && grep -q "exists" err && grep -qx precious out.data
'

test_expect_success '--force overwrites' '
	echo precious >out.data &&
	daprof convert --force "$D/v33.data" out.data 2>/dev/null && csv out.data >got &&
	cmp "$TEST_ROOT/v33.csv" got &&
	echo precious >out.data && daprof convert -f "$D/v33.data" out.data 2>/dev/null
'

# bad_input NAME FILE WORDS: exit 1, one line naming the problem, no output, no temp file left
bad_input() {
	test_expect_success "bad input: $1" "
		test_expect_code 1 daprof convert '$2' out.data 2>err &&
		one_line err && grep -q '$3' err && test ! -e out.data &&
		test -z \"\$(ls -A | grep -v '^err\$')\"
	"
}
head -c 300 "$D/v33.data" >"$TEST_ROOT/in-truncated"
cp "$D/v33.data" "$TEST_ROOT/in-flipped"
printf '\377' | dd of="$TEST_ROOT/in-flipped" bs=1 seek=200 conv=notrunc 2>/dev/null
: >"$TEST_ROOT/in-empty"
head -c 3000 "$D/v33.json" >"$TEST_ROOT/in-cut.json"
bad_input 'overlapping regions' "$D/bad-overlap.json" 'regions 4096-12288 and 8192-16384 overlap'
bad_input 'a garbled perf script line' "$D/bad-line.txt" "line 2: bad address range"
bad_input 'truncated json_compressed' "$TEST_ROOT/in-truncated" 'ends early'
bad_input 'bit-flipped json_compressed' "$TEST_ROOT/in-flipped" 'corrupt'
bad_input 'empty file' "$TEST_ROOT/in-empty" 'empty'
bad_input 'truncated json' "$TEST_ROOT/in-cut.json" 'ends early'
bad_input 'a daprof recording' "$DAPROF_TOP/tests/fuzz/corpus/recording/small.data" 'already a daprof'
bad_input 'no such file' "$TEST_ROOT/nonexistent" 'No such file'
bad_input 'a directory' "$TEST_ROOT" 'Is a directory'

test_expect_success 'an output in a missing directory' '
	test_expect_code 1 daprof convert "$D/v33.data" nodir/out.data 2>err &&
	one_line err && grep -q "cannot write" err && test -z "$(ls -A | grep -v "^err$")"
'

test_expect_success '-h prints the usage' '
	daprof convert -h >out && grep -q "^usage: daprof convert" out
'
test_expect_success 'no arguments' 'test_expect_code 2 daprof convert 2>err && one_line err'
test_expect_success 'one argument' 'test_expect_code 2 daprof convert "$D/v33.data" 2>err && one_line err'
test_expect_success 'three arguments' 'test_expect_code 2 daprof convert a b c 2>err && one_line err'
test_expect_success 'unknown option' '
	test_expect_code 2 daprof convert --frobnicate a b 2>err &&
	one_line err && grep -q "unknown option .--frobnicate." err
'

test_done
