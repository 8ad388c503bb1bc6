#!/bin/bash
# Where outputs go, and inputs come from. A device or a pipe named as the output (/dev/null,
# /dev/stdout, a FIFO) is written in place, never renamed to .old nor replaced by a temporary
# file renamed over it (as root that would replace /dev/null itself); a directory is refused in
# one line. FIFOs stand for devices here: a test must not risk the machine's /dev/null.
# "-i -" reads standard input redirected from a file; a pipe is refused in one line (a
# recording is read with random access).
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

# read FIFO into FILE in the background (given up after 30 s, should nothing ever write to it)
drain() { timeout 30 cat "$1" >"$2" & }

test_expect_success 'record -o FIFO: written through the pipe, which stays a pipe' '
	mkfifo out.pipe && drain out.pipe got.data &&
	daprof record -q -b sampler -s 2ms -a 40ms -o out.pipe -- "$W/memtouch" 8 10 1 >/dev/null &&
	wait &&
	test -p out.pipe && ! test -e out.pipe.old &&
	daprof info -i got.data >info &&
	grep -q "closed cleanly" info &&
	test "$(sed -n "s/^snapshots *\([0-9]*\).*/\1/p" info)" -gt 5
'

test_expect_success 'record -o DIRECTORY: refused in one line, the directory left alone' '
	mkdir out.dir && touch out.dir/keep &&
	test_expect_code 1 daprof record -q -o out.dir -- "$W/memtouch" 8 10 0.3 >/dev/null 2>err &&
	one_line err && grep -q "out.dir.*directory" err &&
	test -f out.dir/keep && ! test -e out.dir.old &&
	test "$(ls out.dir)" = keep
'

test_expect_success 'convert to a FIFO: no --force needed, the pipe stays a pipe' '
	"$DAPROF_BUILD/tests/tools/mkdamo" in.damo 20 8 &&
	mkfifo out.pipe && drain out.pipe got.data &&
	daprof convert in.damo out.pipe && wait &&
	test -p out.pipe &&
	daprof info -i got.data >info &&
	grep -q "^snapshots  *20 " info
'

test_expect_success 'report heatmap and wss --plot to a FIFO: a PNG through the pipe' '
	"$MKREC" --synth rec.data 50 20 &&
	mkfifo img.pipe && drain img.pipe got.png &&
	daprof report heatmap -i rec.data -o img.pipe >/dev/null 2>&1 && wait &&
	test -p img.pipe && test "$(head -c 8 got.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a &&
	drain img.pipe got2.png &&
	daprof report wss -i rec.data --plot img.pipe >/dev/null && wait &&
	test -p img.pipe && test "$(head -c 4 got2.png | od -An -tx1 | tr -d " ")" = 89504e47 &&
	test "$(ls | grep -c tmp)" = 0
'

test_expect_success '-i - reads standard input redirected from a file, in every report' '
	"$MKREC" --synth rec.data 30 10 &&
	daprof info -i - <rec.data >info && grep -q "^snapshots  *30 " info &&
	daprof report raw -i - --format csv <rec.data >a.csv &&
	daprof report raw -i rec.data --format csv >b.csv && cmp a.csv b.csv &&
	daprof report wss -i - --format csv <rec.data >a.wss &&
	daprof report wss -i rec.data --format csv >b.wss && cmp a.wss b.wss &&
	daprof report heatmap -i - --tsv <rec.data >a.out && grep -v "^#" a.out >a.tsv &&
	daprof report heatmap -i rec.data --tsv >b.out && grep -v "^#" b.out >b.tsv &&
	cmp a.tsv b.tsv &&
	test_line_count -gt 100 a.tsv
'

test_expect_success 'a recording through a pipe: refused in one line' '
	"$MKREC" --synth rec.data 30 10 &&
	cat rec.data | test_expect_code 1 daprof report wss -i - >out 2>err &&
	one_line err && grep -q "not a regular file" err && ! test -s out
'

test_done
