#!/bin/bash
# Metadata written after the first snapshots (the recorder's final figures, a damo import's late
# target keys) reaches what "report heatmap" prints: the title names the target by the final
# metadata and the intervals line appears, as the colour scale (Hz) already used them.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

late() {
	"$MKREC" "$1" <<-EOF
	meta backend sampler
	meta nr_targets 1
	meta target.0.comm early-name
	snap 0 1000000 2000000
	r 0x10000 0x20000 3 0
	latemeta target.0.comm late-name
	latemeta sample_us 100
	latemeta aggr_us 1000
	snap 0 2000000 3000000
	r 0x10000 0x20000 1 0
	EOF
}

test_expect_success 'the terminal title names the target by the final metadata' '
	late rec.data &&
	NO_COLOR=1 daprof report heatmap -i rec.data --ascii --width 60 --height 6 >out &&
	head -1 out >title &&
	grep -q "^daprof heat map: late-name (" title &&
	! grep -q early-name out &&
	grep -q " Hz (linear" out
'

test_expect_success 'the PNG title (its tEXt Title) names the target by the final metadata' '
	late rec.data &&
	daprof report heatmap -i rec.data -o map.png 2>err &&
	grep -a -q "Data access heat map: late-name" map.png &&
	! grep -a -q early-name map.png
'

test_done
