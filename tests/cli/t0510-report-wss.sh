#!/bin/bash
# "daprof report wss": percentiles by damo's nearest-rank rule against values worked out here,
# CSV/JSON/text forms, --skip-snapshots, --min-accesses, --sum-targets, --plot, and one-line
# errors for bad options and bad input.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

# Ten snapshots whose working sets are 7 3 9 1 10 5 2 8 6 4 pages (in that order); each also
# has a cold region of 100 pages. Snapshot k's hot region has nr_accesses 1 + k % 2.
ten() {
	{
		echo "meta backend sampler"
		echo "meta primitive soft-dirty"
		echo "meta primitive_sees writes only"
		echo "meta aggr_us 100000"
		echo "meta sample_us 5000"
		echo "meta nr_targets ${2:-1}"
		k=0
		for p in 7 3 9 1 10 5 2 8 6 4; do
			t=0
			while [ $t -lt "${2:-1}" ]; do
				echo "snap $t $((k * 100000000)) $(((k + 1) * 100000000))"
				echo "r 0x10000 $((0x10000 + (p + t) * 4096)) $((1 + k % 2)) 0"
				echo "r $((0x10000 + (p + t) * 4096)) $((0x10000 + (p + t + 100) * 4096)) 0 0"
				t=$((t + 1))
			done
			k=$((k + 1))
		done
	} | "$MKREC" "$1"
}

is_png() { [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]; }

test_expect_success 'help prints the usage and exits 0' '
	daprof report wss -h >out &&
	grep -q "usage: daprof report wss" out
'

# sorted pages 1..10: p -> sorted[floor(p / 100 * 10)] clamped to index 9
test_expect_success 'csv percentiles follow the nearest-rank rule' '
	ten rec.data &&
	daprof report wss -i rec.data --format csv >out &&
	cat >want <<-EOF &&
	percentile,bytes
	0,4096
	25,12288
	50,24576
	75,32768
	90,40960
	99,40960
	100,40960
	EOF
	diff want out
'

test_expect_success '--percentiles takes a list, decimals included' '
	ten rec.data &&
	daprof report wss -i rec.data --format csv --percentiles 10,55.5,95 >out &&
	printf "percentile,bytes\n10,8192\n55.5,24576\n95,40960\n" >want &&
	diff want out
'

test_expect_success '--skip-snapshots drops the first snapshots' '
	ten rec.data &&
	daprof report wss -i rec.data --format csv --skip-snapshots 5 --percentiles 0,100 >out &&
	printf "percentile,bytes\n0,8192\n100,32768\n" >want &&
	diff want out
'

test_expect_success '--min-accesses raises the bar for the working set' '
	ten rec.data &&
	daprof report wss -i rec.data --format csv --min-accesses 2 --percentiles 0,50,100 >out &&
	# odd snapshots only: 3 1 5 8 4 pages, and five zeros
	printf "percentile,bytes\n0,0\n50,4096\n100,32768\n" >want &&
	diff want out
'

test_expect_success 'text shows the backend line, a table with bars and the mean' '
	ten rec.data &&
	daprof report wss -i rec.data >out &&
	grep -q "^backend: sampler, primitive: soft-dirty (sees writes only)$" out &&
	grep -q "^ *50 *24576 *24 KiB  #*$" out &&
	grep -q "^ *100 *40960 *40 KiB  ########################################$" out &&
	grep -q "^ *mean *22528 " out
'

test_expect_success 'json carries the same numbers' '
	ten rec.data &&
	daprof report wss -i rec.data --format json >out &&
	grep -q "\"backend\": \"sampler\"" out &&
	grep -q "{\"percentile\": 25, \"bytes\": 12288}" out &&
	grep -q "\"mean\": 22528.0" out
'

test_expect_success 'targets are reported apart, or summed with --sum-targets' '
	ten rec.data 2 &&
	daprof report wss -i rec.data --format csv --percentiles 0,100 >out &&
	printf "target,percentile,bytes\n0,0,4096\n0,100,40960\n1,0,8192\n1,100,45056\n" >want &&
	diff want out &&
	daprof report wss -i rec.data --format csv --percentiles 0,100 --sum-targets >out &&
	printf "percentile,bytes\n0,12288\n100,86016\n" >want &&
	diff want out
'

test_expect_success '--series prints every snapshot in time order' '
	ten rec.data &&
	daprof report wss -i rec.data --series --format csv --skip-snapshots 8 >out &&
	printf "time_ns,bytes\n800000000,24576\n900000000,16384\n" >want &&
	diff want out &&
	daprof report wss -i rec.data --series >out &&
	grep -q "^backend: sampler" out &&
	grep -q "^ *0 *28672$" out
'

test_expect_success '--plot draws a PNG next to the table' '
	ten rec.data &&
	daprof report wss -i rec.data --plot wss.png >out &&
	is_png wss.png &&
	grep -q "percentile" out
'

test_expect_success 'a damaged recording gives a warning and the rest' '
	{
		echo "meta aggr_us 100000"
		for k in $(seq 0 39); do
			echo "snap 0 $((k * 100)) $((k * 100 + 100))"
			echo "r 0x10000 0x20000 1 0" &&
			echo flush || return 1
		done
	} | "$MKREC" rec.data &&
	size=$(stat -c %s rec.data) &&
	printf "\377\377\377\377\377\377\377\377" |
		dd of=rec.data bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	daprof report wss -i rec.data --format csv 2>err >out &&
	grep -q "warning:" err &&
	grep -q "^50,65536$" out
'

test_expect_success 'skipping every snapshot fails in one line' '
	ten rec.data &&
	test_expect_code 1 daprof report wss -i rec.data --skip-snapshots 10 >out 2>err &&
	one_line err &&
	test ! -s out
'

test_expect_success 'a file that is not a recording fails in one line' '
	echo "not a recording" >bad.data &&
	test_expect_code 1 daprof report wss -i bad.data >out 2>err &&
	one_line err && grep -q "not a daprof recording" err &&
	test ! -s out
'

test_expect_success 'an unwritable plot fails in one line and leaves nothing' '
	ten rec.data &&
	mkdir out &&
	test_expect_code 1 daprof report wss -i rec.data --plot out/no/dir/wss.png >/dev/null 2>err &&
	one_line err &&
	test -z "$(ls -A out)"
'

for bad in "--percentiles 101" "--percentiles 5,x" "--percentiles ''" "--format xml" \
	"--min-accesses -1" "--skip-snapshots lots" "--bogus" "extra"; do
	test_expect_success "bad usage $bad fails in one line" "
		ten rec.data &&
		test_expect_code 2 daprof report wss -i rec.data $bad >out 2>err &&
		one_line err &&
		grep -q '^daprof: .* (see .daprof report wss -h.)\$' err &&
		test ! -s out
	"
done

test_done
