#!/bin/bash
# Named metrics weighted by time, each snapshot by its own span, and the access rate of each
# snapshot by its interval in force ("report wss --metrics", design notes 22 and 48), checked
# against sums worked out here from "report raw" CSV; and the four report filters
# (--time-range, --addr-range, --target, --skip-snapshots), which every report takes.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

# Two targets. Target 0's snapshots are 100, 300 and 100 ms long (the second one stretched),
# with working sets of 2, 8 and 4 pages at nr_accesses 4, 1 and 10, beside 16 cold pages.
# Target 1 has two 100 ms snapshots of one page at nr_accesses 2.
uneven() {
	{
		echo "meta backend sampler"
		echo "meta primitive uffd-wp"
		echo "meta aggr_us 100000"
		echo "meta sample_us 5000"
		echo "meta nr_targets 2"
		echo "snap 0 0 100000000"
		echo "r 0x10000 0x12000 4 0"
		echo "r 0x12000 0x22000 0 0"
		echo "snap 1 0 100000000"
		echo "r 0x90000 0x91000 2 0"
		echo "snap 0 100000000 400000000"
		echo "r 0x10000 0x18000 1 0"
		echo "r 0x18000 0x28000 0 0"
		echo "snap 1 100000000 200000000"
		echo "r 0x90000 0x91000 2 0"
		echo "snap 0 400000000 500000000"
		echo "r 0x10000 0x14000 10 0"
		echo "r 0x14000 0x24000 0 0"
	} | "$MKREC" "$1"
}

# The time-weighted metrics of target $2 from the raw CSV of $1, worked out independently:
# "name value" lines. The recordings here keep aggr_us 100000 throughout: a region's rate is
# nr_accesses / 0.1 s, held over its snapshot's span.
expected() {
	daprof report raw -i "$1" --format csv |
	awk -F, -v t="$2" -v aggr=0.1 '
		NR > 1 && $2 == t {
			span = ($4 - $3) / 1e9; len = $6 - $5
			if (!($1 in seen)) { seen[$1] = 1; secs += span }
			mon += len * span
			if ($7 >= 1) { wbs += len * span; acc += len * span * $7 / aggr }
		}
		END {
			printf "wss.time_mean %.6f\n", wbs / secs
			printf "wss.byte_seconds %.6f\n", wbs
			printf "monitored.time_mean %.6f\n", mon / secs
			printf "time.seconds %.6f\n", secs
			printf "access.rate_hz %.6f\n", acc / wbs
		}'
}

# "name value" lines of those metrics as daprof computes them.
computed() {
	daprof report wss -i "$1" --metrics --format csv |
	awk -F, -v t="$2" '$1 == t && $2 ~ /^(wss.time_mean|wss.byte_seconds|monitored.time_mean|time.seconds|access.rate_hz)$/ {
		printf "%s %.6f\n", $2, $3 }'
}

test_expect_success 'time-weighted metrics match sums over the raw snapshots' '
	uneven rec.data &&
	expected rec.data 0 >want &&
	computed rec.data 0 >got &&
	test_line_count = 5 got &&
	diff want got &&
	# a stretched snapshot weighs three times: (2*1 + 8*3 + 4*1) / 5 pages
	grep -qx "wss.time_mean 24576.000000" got &&
	# mean of the snapshots, unweighted, differs: (2 + 8 + 4) / 3 pages
	daprof report wss -i rec.data --metrics --format csv >all &&
	grep -q "^0,wss.mean,19114.666" all
'

test_expect_success 'the rate is divided by the interval in force, weighted by each span' '
	uneven rec.data &&
	computed rec.data 0 >got &&
	# rates 40, 10 and 100 Hz (nr_accesses over 100 ms, the stretched one too), weighted by
	# 2*0.1, 8*0.3 and 4*0.1 page-seconds: (8 + 24 + 40) / 3; over the spans it was 56 / 3
	grep -qx "access.rate_hz 24.000000" got
'

test_expect_success 'the summed series weighs the targets together' '
	uneven rec.data &&
	daprof report wss -i rec.data --metrics --format csv --sum-targets >sum &&
	grep -q "^sum,wss.byte_seconds," sum &&
	# 3 page-seconds of target 0 and 0.2 of target 1, each at its own spans
	awk -F, "\$2 == \"wss.byte_seconds\" { exit !(\$3 > 13107.19 && \$3 < 13107.21) }" sum
'

test_expect_success '--metrics text and json name every metric with its unit' '
	uneven rec.data &&
	daprof report wss -i rec.data --metrics >text &&
	grep -q "^  access.rate_hz  *24 Hz  accesses seen per second" text &&
	grep -q "^  wss.time_mean  *24 KiB  " text &&
	daprof report wss -i rec.data --metrics --format json >json &&
	python3 -c "
import json, sys
d = json.load(open(\"json\"))
m = {x[\"name\"]: x for x in d[\"targets\"][0][\"metrics\"]}
assert m[\"access.rate_hz\"][\"unit\"] == \"Hz\", m[\"access.rate_hz\"]
assert m[\"wss.byte_seconds\"][\"unit\"] == \"byte-seconds\"
assert m[\"wss.p50\"][\"value\"] == 16384, m[\"wss.p50\"]
assert abs(m[\"time.seconds\"][\"value\"] - 0.5) < 1e-9
"
'

test_expect_success '--series and --metrics do not go together' '
	uneven rec.data &&
	test_expect_code 2 daprof report wss -i rec.data --metrics --series 2>err &&
	one_line err
'

test_expect_success 'wss --time-range keeps the snapshots overlapping the range' '
	uneven rec.data &&
	daprof report wss -i rec.data --target 0 --time-range 150ms 450ms --series \
		--format csv >out &&
	printf "time_ns,bytes\n100000000,32768\n400000000,16384\n" >want &&
	diff want out
'

test_expect_success 'wss --addr-range clips the regions' '
	uneven rec.data &&
	daprof report wss -i rec.data --target 0 --addr-range 0x11000 0x13000 --series \
		--format csv >out &&
	printf "time_ns,bytes\n0,4096\n100000000,8192\n400000000,8192\n" >want &&
	diff want out
'

test_expect_success 'wss --target picks one series' '
	uneven rec.data &&
	daprof report wss -i rec.data --target 1 --metrics --format csv >out &&
	test_must_fail grep -q "^0," out &&
	grep -q "^1,wss.snapshots,2,count" out
'

test_expect_success 'wss says when the filters leave nothing' '
	uneven rec.data &&
	test_expect_code 1 daprof report wss -i rec.data --time-range 10s 20s 2>err &&
	one_line err &&
	grep -q "selected time, address and target range" err
'

test_expect_success 'raw takes the filters and keeps times from the recording start' '
	uneven rec.data &&
	daprof report raw -i rec.data --format csv --target 0 --skip-snapshots 1 \
		--addr-range 0x10000 0x11000 >out &&
	cat >want <<-EOF &&
	snapshot,target,start_ns,end_ns,start,end,nr_accesses,age
	0,0,100000000,400000000,65536,69632,1,0
	1,0,400000000,500000000,65536,69632,10,0
	EOF
	diff want out
'

test_expect_success 'heatmap takes --skip-snapshots' '
	uneven rec.data &&
	daprof report heatmap -i rec.data --target 0 --tsv --width 3 --height 1 >all &&
	daprof report heatmap -i rec.data --target 0 --tsv --width 3 --height 1 \
		--skip-snapshots 2 >skipped &&
	grep -v "^#" all >all.rows &&
	grep -v "^#" skipped >skipped.rows &&
	test_line_count = 3 all.rows &&
	test_line_count = 3 skipped.rows &&
	# all: from 0 ms; skipped: only the last snapshot, from 400 ms, at 10 accesses a 100 ms
	head -n 1 all.rows | grep -q "^0	" &&
	head -n 1 skipped.rows | grep -q "^400000000	65536	20\$" &&
	awk -F"\t" "\$3 != 20 { exit 1 }" skipped.rows
'

test_done
