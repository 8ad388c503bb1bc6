#!/bin/bash
# Hostile input that is well formed: small files with valid CRCs that ask a reader for a lot of
# memory or time (mkrec --hostile), heat map sizes past the memory budget, damo input with a bad
# time stamp, trailing bytes or times that go back, stored values with newlines and bad UTF-8,
# and FIFOs with no writer. Every reader must stay under 256 MB (DPF_MAX_DECODE_BYTES and the
# heat map budget keep it near 160 MB), answer in one line and never block.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"
H="$TEST_ROOT/hostile"
mkdir -p "$H"
for k in regions slots gaps maps meta; do
	"$MKREC" --hostile $k "$H/$k.data" || echo "mkrec --hostile $k failed" >&2
done
CEILING_KB=262144	# 256 MB

# peak RSS in KB of a command, by GNU time; an ASan build's shadow and quarantine don't count
rss_ok() {
	if ! [ -x /usr/bin/time ] || grep -q __asan_init "$DAPROF" 2>/dev/null; then
		test_might_fail "$@" >/dev/null 2>&1
		return
	fi
	test_might_fail /usr/bin/time -f %M -o rss "$@" >/dev/null 2>&1 || return 1
	local kb
	kb=$(tail -1 rss)
	[ "$kb" -le $CEILING_KB ] || { echo "'$*' peaked at $kb KB (ceiling $CEILING_KB)"; return 1; }
}

for k in regions slots gaps maps meta; do
	test_expect_success "$k: info, report wss and report heatmap stay under 256 MB" '
		rss_ok timeout 120 "$DAPROF" info -i "$H/'$k'.data" &&
		rss_ok timeout 120 "$DAPROF" report wss -i "$H/'$k'.data" &&
		rss_ok timeout 120 "$DAPROF" report heatmap --tsv -i "$H/'$k'.data" &&
		rss_ok timeout 120 "$DAPROF" report heatmap -o map.png -i "$H/'$k'.data"
	'
done

test_expect_success 'a chunk of 16.7 million regions is damage that names the cap' '
	daprof info -i "$H/regions.data" >out 2>err &&
	grep -q "more regions than a reader holds (96 MiB)" out &&
	grep -q "^damage  *1 damaged part" out
'

test_expect_success 'four such chunks on four targets: four damaged parts' '
	daprof info -i "$H/slots.data" >out 2>err &&
	grep -q "^damage  *4 damaged parts" out
'

test_expect_success 'a map of 10 million entries is damage that names the cap' '
	daprof info -i "$H/maps.data" >out 2>err &&
	grep -q "memory map larger than a reader holds (96 MiB)" out
'

test_expect_success '4 million disjoint regions, just within the cap, are read whole' '
	daprof info -i "$H/gaps.data" >out &&
	grep -q "^regions  *4000000 " out &&
	grep -q "^damage  *none" out
'

test_expect_success '400,000 metadata keys load (a hang guard, not a timing)' '
	timeout 60 "$DAPROF" report raw --format json -i "$H/meta.data" >out.json 2>err &&
	python3 -c "
import json
d = json.load(open(\"out.json\"))
assert len(d[\"meta\"]) == 400001, len(d[\"meta\"])
assert d[\"meta\"][\"key.399999\"] == \"\"
"
'

test_expect_success 'a heat map past the cell budget is refused in one line naming it' '
	test_expect_code 2 daprof report heatmap --width 10000 --height 1677 -o x.png \
		-i "$DAPROF_TOP/tests/data/format-1.0.data" 2>err &&
	one_line err &&
	grep -q "10000 x 1677 map is too large (at most 4194304 cells" err &&
	test_expect_code 2 daprof report heatmap --tsv --width 5000 --height 1000 \
		-i "$DAPROF_TOP/tests/data/format-1.0.data" 2>err &&
	one_line err &&
	! test -e x.png
'

test_expect_success 'a heat map at the budget is drawn' '
	daprof report heatmap --width 2048 --height 2048 -o ok.png \
		-i "$DAPROF_TOP/tests/data/format-1.0.data" 2>err &&
	test -s ok.png
'

test_expect_success 'convert names a bad time stamp' '
	printf "x 1 [0] 1e999: damon:damon_aggregated: target_id=0 nr_regions=1 4096-8192: 0 1\n" \
		>ts.txt &&
	test_expect_code 1 daprof convert ts.txt out.data 2>err &&
	one_line err &&
	grep -q "line 1: bad timestamp '"'"'1e999'"'"'" err &&
	! test -e out.data
'

test_expect_success 'convert refuses bytes after a zlib stream' '
	{ cat "$DAPROF_TOP/tests/fuzz/corpus/damo/perf.zlib" && echo garbage; } >tail.zlib &&
	test_expect_code 1 daprof convert tail.zlib out.data 2>err &&
	one_line err &&
	grep -q "bytes after the end of the compressed data, at byte 206" err &&
	daprof convert "$DAPROF_TOP/tests/fuzz/corpus/damo/perf.zlib" ok.data 2>err &&
	test -s ok.data
'

test_expect_success 'convert refuses JSON snapshots whose times go backwards' '
	python3 -c "
import json
d = json.load(open(\"$DAPROF_TOP/tests/data/damo/v33.json\"))
s = d[0][\"snapshots\"][1]
s[\"start_time\"], s[\"end_time\"] = \"900000000000\", \"900100000000\"
json.dump(d, open(\"back.json\", \"w\"))
" &&
	test_expect_code 1 daprof convert back.json out.data 2>err &&
	one_line err &&
	grep -q "record 0, snapshot 1: times go backwards" err &&
	! test -e out.data
'

# ./run<newline>--x<0xff><0xfe>: a command line stored as the recorder found it
printf 'metahex target.0.cmdline %s\nmeta nr_targets 1\nsnap 0 1000 2000\nr 4096 8192 1 0\n' \
	"$(printf './run\n--x\377\376' | od -An -tx1 | tr -d ' \n')" >"$TEST_ROOT/nl.txt"
"$MKREC" "$TEST_ROOT/nl.data" <"$TEST_ROOT/nl.txt"

test_expect_success 'report raw json is valid UTF-8 whatever the stored bytes' '
	daprof report raw --format json -i "$TEST_ROOT/nl.data" >out.json &&
	python3 -c "
import json
d = json.loads(open(\"out.json\", \"rb\").read().decode(\"utf-8\"))
assert d[\"meta\"][\"target.0.cmdline\"] == \"./run\n--x\u00ff\u00fe\", d[\"meta\"]
"
'

test_expect_success 'info and the wss header show a stored newline escaped, one fact a line' '
	daprof info -i "$TEST_ROOT/nl.data" >out &&
	grep -qxF "targets          0: ./run\\n--x\\xff\\xfe" out &&
	! grep -q "^--x" out &&
	daprof report wss -i "$TEST_ROOT/nl.data" >wss &&
	grep -qF "target 0 (./run\\n--x\\xff\\xfe): 1 snapshot" wss &&
	! grep -q "^--x" wss &&
	daprof report raw -i "$TEST_ROOT/nl.data" >raw &&
	grep -qxF "# target.0.cmdline: ./run\\n--x\\xff\\xfe" raw
'

test_expect_success 'a FIFO with no writer is refused at once by info, report and convert' '
	mkfifo fifo &&
	test_expect_code 1 timeout 10 "$DAPROF" info -i fifo 2>err &&
	one_line err && grep -q "a FIFO, socket or device" err &&
	test_expect_code 1 timeout 10 "$DAPROF" report wss -i fifo 2>err &&
	one_line err && grep -q "a FIFO, socket or device" err &&
	test_expect_code 1 timeout 10 "$DAPROF" report heatmap --tsv -i fifo 2>err &&
	one_line err && grep -q "a FIFO, socket or device" err &&
	test_expect_code 1 timeout 10 "$DAPROF" convert fifo out.data 2>err &&
	one_line err && grep -q "is a FIFO or a socket" err &&
	! test -e out.data
'

test_expect_success '-i - reads standard input redirected from a file' '
	daprof info -i - <"$DAPROF_TOP/tests/data/format-1.0.data" >out &&
	grep -q "^format  *1.0, closed cleanly" out
'

test_done
