#!/bin/bash
# daprof diff's outputs and errors: JSON read by a JSON parser, JUnit XML checked by xmllint
# against a JUnit schema (tests/data/junit/junit.xsd), the two-count folded lines of a
# differential flame graph; bad --fail-on expressions are usage errors (exit 2) whose one line
# points at the bad part; unknown metrics, wrong units and bad operands exit 2 too.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"
XSD="$DAPROF_TOP/tests/data/junit/junit.xsd"

# rec FILE HOT_PAGES [MAPPING]: 40 snapshots of a [heap] (or MAPPING) of 1024 pages, the first
# HOT_PAGES (+0..2) hot
rec() {
	awk -v hot="$2" -v path="${3:-[heap]}" 'BEGIN {
		base = 1099511627776
		print "meta backend sampler"
		print "meta aggr_us 100000"
		printf "map 0 0 %.0f %.0f 0 rw-p %s\n", base, base + 1024 * 4096, path
		for (k = 0; k < 40; k++) {
			h = hot + k % 3
			printf "snap 0 %.0f %.0f\n", k * 100000000, (k + 1) * 100000000
			printf "r %.0f %.0f 5 0\n", base, base + h * 4096
			printf "r %.0f %.0f 0 %d\n", base + h * 4096, base + 1024 * 4096, k
		}
	}' | "$MKREC" "$1"
}

test_expect_success 'JSON: one document with metrics, objects, gates and the result' '
	rec old.data 200 &&
	rec big.data 250 &&
	test_expect_code 1 daprof diff old.data big.data --format json --fail-on "wss.p90>+10%" \
		--fail-on "cold.bytes>+50%" >j 2>err &&
	python3 -c "
import json
d = json.load(open(\"j\"))
m = {x[\"name\"]: x for x in d[\"metrics\"]}
assert m[\"wss.p90\"][\"old\"] == 202 * 4096 and m[\"wss.p90\"][\"new\"] == 252 * 4096, m[\"wss.p90\"]
assert m[\"wss.p90\"][\"unit\"] == \"bytes\" and m[\"wss.p90\"][\"significant\"] == 1
assert \"wss.p1\" not in m and \"wss.p99\" in m and \"idle.p90\" in m
g = {x[\"expression\"]: x for x in d[\"gates\"]}
assert g[\"wss.p90>+10%\"][\"result\"] == \"fail\" and g[\"cold.bytes>+50%\"][\"result\"] == \"pass\"
assert d[\"result\"] == \"fail\" and d[\"old\"] == [\"old.data\"] and d[\"weak_noise_estimate\"] == 1
assert d[\"objects\"][0][\"name\"] == \"[heap]\"
" &&
	# the failing gate is on stderr too (stdout is the document)
	one_line err &&
	grep -q "^daprof: diff: FAIL wss.p90>+10%: 808 KiB -> 1008 KiB" err
'

test_expect_success 'JUnit: valid against the schema, one testcase per gate, failures marked' '
	rec old.data 200 &&
	rec big.data 250 &&
	test_expect_code 1 daprof diff old.data big.data --format junit --fail-on "wss.p90>+10%" \
		--fail-on "cold.bytes>+50%" >j.xml 2>err &&
	xmllint --noout --schema "$XSD" j.xml 2>lint &&
	grep -q "validates" lint &&
	test "$(xmllint --xpath "count(//testcase)" j.xml)" = 2 &&
	test "$(xmllint --xpath "count(//testcase/failure)" j.xml)" = 1 &&
	test "$(xmllint --xpath "string(//testcase[failure]/@name)" j.xml)" = "wss.p90>+10%" &&
	test "$(xmllint --xpath "string(/testsuites/@failures)" j.xml)" = 1 &&
	# passing: no failure element, exit 0
	daprof diff old.data old.data --format junit >p.xml &&
	xmllint --noout --schema "$XSD" p.xml 2>lint &&
	test "$(xmllint --xpath "count(//testcase/failure)" p.xml)" = 0 &&
	test "$(xmllint --xpath "count(//testcase)" p.xml)" = 2
'

test_expect_success 'JUnit: a path that needs escaping still makes valid XML' '
	rec "a&b<\"c\">.data" 200 &&
	daprof diff "a&b<\"c\">.data" "a&b<\"c\">.data" --format junit >j.xml &&
	xmllint --noout --schema "$XSD" j.xml &&
	test "$(xmllint --xpath "string(//property[@name=\"old\"]/@value)" j.xml)" = "a&b<\"c\">.data"
'

test_expect_success 'folded: "frames old new" lines for a differential flame graph' '
	rec old.data 200 &&
	rec big.data 250 &&
	daprof diff old.data big.data --format folded --no-gate >f &&
	test_line_count = 1 f &&
	grep -q "^\[heap\];heap;\[heap\] [1-9][0-9]* [1-9][0-9]*$" f &&
	# heat = bytes x nr_accesses summed: (40 x 200 + 13 x (0 + 1 + 2)) pages x 4096 x 5
	grep -qx "\[heap\];heap;\[heap\] 164638720 [0-9]*" f &&
	# the new count is larger: 250 hot pages against 200
	awk "{ exit !(\$3 > \$2) }" f
'

test_expect_success 'an object only in the new recording appeared, one only in the old vanished' '
	rec old.data 200 &&
	rec new.data 200 "[stack]" &&
	daprof diff old.data new.data --no-gate >out &&
	grep -q "^  appeared  \[stack\]  *\[stack\]  *stack  *heat   0.0% -> 100.0%" out &&
	grep -q "^  vanished  \[heap\]  *\[heap\]  *heap  *heat 100.0% ->   0.0%" out &&
	daprof diff old.data new.data --no-gate --format folded >f &&
	grep -qx "\[heap\];heap;\[heap\] 164638720 0" f &&
	grep -qx "\[stack\];stack;\[stack\] 0 164638720" f &&
	# several a side: the median heat of each side
	rec big.data 250 &&
	daprof diff --no-gate --format folded big.data old.data old.data -- new.data >f &&
	grep -qx "\[heap\];heap;\[heap\] 164638720 0" f
'

test_expect_success 'bad expressions: exit 2, one line that marks the bad part' '
	rec old.data 200 &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "wss.p90>>10%" 2>err &&
	one_line err &&
	grep -q "bad --fail-on .wss.p90>>10%. at column 8: .wss.p90\[>\]>10%.: one operator only" err &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "wss.p90>+10x" 2>err &&
	one_line err &&
	grep -q "at column 12: .wss.p90>+10\[x\].: unknown unit" err &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "wss.p90" 2>err &&
	one_line err &&
	grep -q "at column 8: .wss.p90\[\].: expected an operator" err &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "symbol:t.speed>1" 2>err &&
	grep -q "\[s\]peed>1.: expected a measure of a symbol" err
'

test_expect_success 'unknown metric, wrong unit, bad operands: exit 2 with one line' '
	rec old.data 200 &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "wss.p91x>+1%" 2>err &&
	one_line err &&
	grep -q "no metric .wss.p91x." err &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "symbol:nosuch.rate>+1%" 2>err &&
	grep -q "no metric .symbol:nosuch.rate." err &&
	test_expect_code 2 daprof diff old.data old.data --fail-on "access.rate_hz>+5M" 2>err &&
	one_line err &&
	grep -q "does not fit metric .access.rate_hz. (Hz)" err &&
	test_expect_code 2 daprof diff old.data 2>err &&
	one_line err &&
	test_expect_code 2 daprof diff old.data old.data old.data 2>err &&
	grep -q "put -- between" err &&
	test_expect_code 2 daprof diff old.data -- 2>err &&
	one_line err &&
	test_expect_code 2 daprof diff old.data nosuch.data 2>err &&
	one_line err &&
	grep -q "nosuch.data" err
'

test_expect_success 'damaged recordings: a truncated one is compared with a warning, garbage is exit 2' '
	rec old.data 200 &&
	size=$(stat -c %s old.data) &&
	head -c $((size - 40)) old.data >cut.data &&
	daprof diff old.data cut.data >out 2>err &&
	grep -q "^daprof: warning: .cut.data.: " err &&
	# once, although the file is read once per slice as well
	one_line err &&
	grep -q "^result: pass$" out &&
	echo "not a recording" >junk.data &&
	test_expect_code 2 daprof diff old.data junk.data >out 2>err &&
	one_line err &&
	grep -q "junk.data" err &&
	test_line_count = 0 out
'

test_expect_success '--no-gate compares only; a gate on a percentile not in the table' '
	rec old.data 200 &&
	rec big.data 250 &&
	daprof diff old.data big.data --no-gate >out &&
	grep -q "^no gate" out &&
	# "--" before the two operands only ends the options
	test_expect_code 1 daprof diff --fail-on "wss.p90>+10%" -- old.data big.data >out &&
	grep -q "^old: old.data$" out &&
	grep -q "^new: big.data$" out &&
	test_expect_code 1 daprof diff old.data big.data --fail-on "wss.p95>+10%" >out &&
	grep -q "^wss.p95 " out &&
	grep -q "^  FAIL  wss.p95>+10%" out
'
test_expect_success 'recordings without memory maps: no objects, the metrics still compared' '
	awk "BEGIN { print \"meta aggr_us 100000\"; for (k = 0; k < 12; k++) {
		printf \"snap 0 %d %d\\nr 4096 %d 3 0\\n\", k * 1e8, (k + 1) * 1e8, 4096 * (2 + k % 2) } }" |
		"$MKREC" nomaps.data &&
	daprof diff nomaps.data nomaps.data >out &&
	grep -q "^  (none: " out &&
	grep -q "^wss.p50  *8 KiB  *8 KiB  ~ " out &&
	grep -q "^wss.time_mean  *6 KiB  *6 KiB  ~ " out &&
	grep -q "^result: pass$" out
'

test_expect_success '-o: a PNG of both heat maps and their difference; no file on failure' '
	rec old.data 200 &&
	rec big.data 250 &&
	test_expect_code 1 daprof diff old.data big.data -o d.png >out 2>err &&
	grep -q "^result: FAIL" out &&
	grep -q "^daprof: wrote d.png (1 mapping label, 1 on both sides)$" err &&
	head -c 8 d.png | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" &&
	test_expect_code 2 daprof diff old.data big.data -o nosuchdir/d.png >out 2>err &&
	one_line err &&
	grep -q "cannot write .nosuchdir/d.png." err &&
	! test -e nosuchdir
'
# The README's CI job, run as written there on recordings made here: its diff command line
# (options before the recordings) must parse and give valid JUnit.
test_expect_success 'the README CI example runs as written' '
	mkdir -p baseline &&
	for i in 1 2 3; do rec baseline/base$i.data 200 && rec new$i.data 200 || return 1; done &&
	sed -n "/^    - daprof diff --fail-on/,/>daprof-diff.xml/p" "$DAPROF_TOP/README.md" >cmd &&
	test_line_count = 4 cmd &&
	sed "s/^    - //" cmd | tr "\n" " " >cmd.sh &&
	PATH="$(dirname "$DAPROF"):$PATH" sh cmd.sh &&
	xmllint --noout --schema "$XSD" daprof-diff.xml &&
	grep -q "failures=\"0\"" daprof-diff.xml &&
	test -s diff.png
'

test_done
