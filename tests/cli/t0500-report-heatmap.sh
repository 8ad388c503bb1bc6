#!/bin/bash
# "daprof report heatmap": PNG (default file, size, tEXt naming the input, deterministic, written
# whole or not at all), --tsv values worked out by hand, --ascii cells and legend, zoom options,
# and one-line errors for bad options and bad input.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"

# Two snapshots of 1 ms aggregation (one access = 1000 Hz) over four 4 KiB rows:
#   column 0: 2000 0 0 0      column 1: 4000 4000 1000 1000   (rows from the low address)
small() {
	"$MKREC" "$1" <<-EOF
	meta backend sampler
	meta primitive soft-dirty
	meta primitive_sees writes only
	meta sample_us 100
	meta aggr_us 1000
	meta nr_targets 1
	meta target.0.cmdline ./bench --size 16K
	map 0 0 0x10000 0x14000 0 rw-p [heap]
	snap 0 1000 1100
	r 0x10000 0x11000 2 0
	r 0x11000 0x14000 0 0
	snap 0 1100 1200
	r 0x10000 0x12000 4 0
	r 0x12000 0x14000 1 0
	EOF
}

# Three ranges far apart, 60 snapshots of 100 ms, some flushed into their own chunks.
three() {
	{
		echo "meta backend damon"
		echo "meta aggr_us 100000"
		echo "meta sample_us 5000"
		echo "map 0 0 0x555555600000 0x555559600000 0 rw-p [heap]"
		echo "map 0 0 0x7f0000000000 0x7f0000200000 0 r-xp /usr/lib/libc.so.6"
		echo "map 0 0 0x7ffd00000000 0x7ffd00021000 0 rw-p [stack]"
		for k in $(seq 0 59); do
			echo "snap 0 $((1000000000 + k * 100000000)) $((1100000000 + k * 100000000))"
			echo "r 0x555555600000 0x555557600000 $((k % 20)) 0"
			echo "r 0x555557600000 0x555559600000 1 0"
			echo "r 0x7f0000000000 0x7f0000200000 3 0"
			echo "r 0x7ffd00000000 0x7ffd00021000 20 0"
			[ $((k % 10)) = 9 ] && echo flush
		done
	} | "$MKREC" "$1"
}

# png_size FILE: "WIDTHxHEIGHT" from the IHDR chunk
png_size() {
	set -- $(od -An -tu1 -j16 -N8 "$1")
	echo "$(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 ))x$(( ($5 << 24) + ($6 << 16) + \
		($7 << 8) + $8 ))"
}

is_png() { [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ]; }

test_expect_success 'help prints the usage and exits 0' '
	daprof report heatmap -h >out &&
	grep -q "usage: daprof report heatmap" out
'

test_expect_success 'default output is heatmap.png, 1200x800, naming the input' '
	three rec.data &&
	daprof report heatmap -i rec.data 2>err &&
	is_png heatmap.png &&
	test "$(png_size heatmap.png)" = 1200x800 &&
	tr -d "\000" <heatmap.png | grep -a -q "Sourcerec.data" &&
	grep -q "wrote heatmap.png" err
'

test_expect_success '-o, --width and --height set the file and its size' '
	three rec.data &&
	daprof report heatmap -i rec.data -o small.png --width 640 --height 480 2>/dev/null &&
	test "$(png_size small.png)" = 640x480 &&
	! test -e heatmap.png
'

test_expect_success 'the image is the same on every run, with every colour map and --log' '
	three rec.data &&
	daprof report heatmap -i rec.data -o a.png 2>/dev/null &&
	daprof report heatmap -i rec.data -o b.png 2>/dev/null &&
	cmp a.png b.png &&
	for m in viridis magma inferno gray; do
		daprof report heatmap -i rec.data -o $m.png --colormap $m --log 2>/dev/null &&
		is_png $m.png || return 1
	done &&
	! cmp -s viridis.png magma.png
'

test_expect_success '-o - writes the image to a pipe' '
	three rec.data &&
	{ daprof report heatmap -i rec.data -o - 2>err; echo $? >rc; } | cat >piped.png &&
	test "$(cat rc)" = 0 && test ! -s err &&
	is_png piped.png &&
	! test -e heatmap.png && ! test -e ./-
'

test_expect_success '--tsv prints the cells worked out by hand' '
	small rec.data &&
	daprof report heatmap -i rec.data --tsv --width 2 --height 4 >out &&
	grep -q "^# backend: sampler, primitive: soft-dirty (sees writes only)" out &&
	grep -v "^#" out >rows &&
	cat >want <<-EOF &&
	0	65536	2000
	0	69632	0
	0	73728	0
	0	77824	0
	100	65536	4000
	100	69632	4000
	100	73728	1000
	100	77824	1000
	EOF
	diff want rows
'

test_expect_success '--percent shows the rates as a share of the sampling rate' '
	small rec.data &&
	daprof report heatmap -i rec.data --tsv --width 2 --height 4 --percent >out &&
	grep -v "^#" out | head -1 | grep -q "	20$"
'

test_expect_success '--time-range and --addr-range zoom into the recording' '
	small rec.data &&
	daprof report heatmap -i rec.data --tsv --width 1 --height 1 --time-range 100ns 200ns \
		--addr-range 0x12000 0x14000 >out &&
	grep -v "^#" out >rows &&
	printf "100\t73728\t1000\n" >want &&
	diff want rows
'

test_expect_success '--ascii draws coloured cells, a time axis and a legend' '
	three rec.data &&
	daprof report heatmap -i rec.data --ascii --width 80 --height 12 >out &&
	grep -q "^backend: damon" out &&
	grep -q "\[heap\]" out &&
	grep -q "$(printf "\033")\[48;5;" out &&
	grep -q "^legend: .*Hz" out &&
	test "$(grep -c "|$" out)" -ge 10
'

test_expect_success 'NO_COLOR turns the cells into digits' '
	small rec.data &&
	NO_COLOR=1 daprof report heatmap -i rec.data --ascii --width 23 --height 4 >out &&
	! grep -q "$(printf "\033")" out &&
	grep -q "^legend: 0123456789 0 to 4000 Hz" out &&
	grep "|$" out | cut -d"|" -f2 >cells &&
	printf "02\n02\n09\n59\n" >want &&
	diff want cells
'

# 4 accesses in a 165 ms window: 24.2424... Hz, which the legend prints as the one number
# formatter does (three significant digits), not as "%g" did ("24.2424")
test_expect_success 'the legend gives its range in three significant digits' '
	"$MKREC" rec.data <<-EOF &&
	meta backend sampler
	meta aggr_us 165000
	meta sample_us 5000
	snap 0 1000 166001000
	r 0x10000 0x14000 4 0
	EOF
	NO_COLOR=1 daprof report heatmap -i rec.data --ascii --width 23 --height 4 >out &&
	grep -qx "legend: 0123456789 0 to 24.2 Hz (linear, in tenths); blank: not monitored" out
'

test_expect_success 'a damaged recording gives a warning and still an image' '
	three rec.data &&
	size=$(stat -c %s rec.data) &&
	printf "\377\377\377\377\377\377\377\377" |
		dd of=rec.data bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	daprof report heatmap -i rec.data -o d.png 2>err &&
	grep -q "warning:" err &&
	is_png d.png
'

test_expect_success 'a file that is not a recording fails in one line, leaving no image' '
	echo "not a recording" >bad.data &&
	test_expect_code 1 daprof report heatmap -i bad.data 2>err &&
	one_line err && grep -q "not a daprof recording" err &&
	! test -e heatmap.png
'

test_expect_success 'an unwritable output fails in one line, leaving nothing behind' '
	three rec.data &&
	mkdir out &&
	test_expect_code 1 daprof report heatmap -i rec.data -o out/no/such/dir.png 2>err &&
	one_line err &&
	test -z "$(ls -A out)"
'

test_expect_success 'a time range after the end fails in one line' '
	small rec.data &&
	test_expect_code 1 daprof report heatmap -i rec.data --time-range 10s 20s 2>err &&
	one_line err &&
	grep -q "no snapshots in the selected" err
'

test_expect_success '--percent needs the sampling interval' '
	"$MKREC" rec.data <<-EOF &&
	snap 0 0 100
	r 0x1000 0x2000 1 0
	EOF
	test_expect_code 1 daprof report heatmap -i rec.data --percent --tsv >out 2>err &&
	one_line err && grep -q "sampl" err &&
	test ! -s out
'

for bad in "--colormap jet" "--time-range 5s 2s" "--time-range 5s" "--width abc" \
	"--addr-range 0x2000 0x1000" "-o x.png --ascii" "--width 100" "--bogus" "extra"; do
	test_expect_success "bad usage '$bad' fails in one line" "
		small rec.data &&
		test_expect_code 2 daprof report heatmap -i rec.data $bad >out 2>err &&
		one_line err &&
		grep -q '^daprof: .* (see .daprof report heatmap -h.)\$' err &&
		test ! -s out && ! test -e heatmap.png && ! test -e x.png
	"
done

test_done
