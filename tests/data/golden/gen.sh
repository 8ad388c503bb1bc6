#!/bin/bash
# Writes the report outputs that tests/cli/t0520-report-golden.sh compares, into folder $1:
# "report heatmap" (PNG bytes, --ascii, --tsv), "report wss" (text, csv, json, --series),
# "report raw" (text, csv, json) and "info" over every recording in tests/data/, the damo
# fixtures after "daprof convert", and recordings made here with tests/tools/mkrec.
# Each output is one file NAME.INPUT (stdout, then "# stderr" and "# exit N"); a PNG is the
# image's bytes. Usage: gen.sh OUTDIR (uses $DAPROF, $DAPROF_TOP, $DAPROF_BUILD).
set -u
mkdir -p "$1" && OUT=$(cd "$1" && pwd)
TOP=${DAPROF_TOP:?}
MKREC="${DAPROF_BUILD:?}/tests/tools/mkrec"
IN="$OUT/.inputs"
mkdir -p "$IN"
export NO_COLOR=1 COLUMNS=100 TZ=UTC LC_ALL=C

# ---- inputs ----
cp "$TOP/tests/data/format-1.0.data" "$IN/format-1.0"
for f in v33.data v33.json perf.txt perf-515.txt trace-cmd.txt old.json; do
	"$DAPROF" convert "$TOP/tests/data/damo/$f" "$IN/damo-$f" 2>/dev/null
done
# one target, one range, two snapshots worked out by hand (t0500's "small")
"$MKREC" "$IN/small" <<-X
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
X
# three ranges far apart, two targets, several chunks, a memory map that changes
{
	echo "meta backend damon"
	echo "meta primitive damon-vaddr"
	echo "meta aggr_us 100000"
	echo "meta sample_us 5000"
	echo "meta nr_targets 2"
	echo "meta target.0.comm mysqld"
	echo "meta target.0.pid 4242"
	echo "meta target.1.comm redis"
	echo "map 0 0 0x555555600000 0x555559600000 0 rw-p [heap]"
	echo "map 0 0 0x7f0000000000 0x7f0000200000 0 r-xp /usr/lib/libc.so.6"
	echo "map 0 0 0x7ffd00000000 0x7ffd00021000 0 rw-p [stack]"
	echo "map 1 0 0x600000 0x900000 0 rw-p [heap]"
	for k in $(seq 0 59); do
		echo "snap 0 $((1000000000 + k * 100000000)) $((1100000000 + k * 100000000))"
		echo "r 0x555555600000 0x555557600000 $((k % 20)) $k"
		echo "r 0x555557600000 0x555559600000 1 0"
		echo "r 0x7f0000000000 0x7f0000200000 3 0"
		echo "r 0x7ffd00000000 0x7ffd00021000 20 0"
		echo "snap 1 $((1000000000 + k * 100000000)) $((1100000000 + k * 100000000))"
		echo "r 0x600000 0x700000 $(( (k * 7) % 20 )) 0"
		echo "r 0x700000 0x900000 $(( k > 30 ? 15 : 0 )) 0"
		[ $((k % 10)) = 9 ] && echo flush
		[ $k = 30 ] && echo "map 1 4000000000 0x600000 0xa00000 0 rw-p [heap]"
	done
} | "$MKREC" "$IN/two-targets"
# a moving hot window, chunk cut every 50 snapshots
"$MKREC" --synth "$IN/synth" 200 20 7 25
# the same, damaged: a few bytes overwritten in the middle, and the end cut off
cp "$IN/synth" "$IN/damaged"
printf 'XXXXXXXXXXXXXXXX' | dd of="$IN/damaged" bs=1 seek=1500 conv=notrunc 2>/dev/null
truncate -s $(( $(stat -c %s "$IN/damaged") - 300 )) "$IN/damaged"
# metadata written after the first snapshots (the recorder's final figures): the late chunk
# names the target and the intervals
"$MKREC" "$IN/late-meta" <<-X
meta backend sampler
meta primitive uffd-wp
meta nr_targets 1
meta target.0.comm early-name
map 0 0 0x10000 0x20000 0 rw-p [heap]
snap 0 1000000 2000000
r 0x10000 0x18000 3 0
r 0x18000 0x20000 1 0
snap 0 2000000 3000000
r 0x10000 0x18000 1 0
r 0x18000 0x20000 5 0
latemeta target.0.comm late-name
latemeta sample_us 100
latemeta aggr_us 1000
snap 0 3000000 4000000
r 0x10000 0x20000 2 0
X

# ---- outputs ----
# run NAME INPUT ARGS...: stdout, stderr and the exit status of "daprof ARGS" into NAME.INPUT
run() {
	local name=$1 in=$2 rc=0
	shift 2
	"$DAPROF" "$@" >"$OUT/$name.$in" 2>"$OUT/.err" || rc=$?
	sed "s|$IN/||g" "$OUT/.err" | { echo "# stderr"; cat; } >>"$OUT/$name.$in"
	echo "# exit $rc" >>"$OUT/$name.$in"
}

for p in "$IN"/*; do
	in=$(basename "$p")
	(cd "$IN" &&
	run heat-png "$in" report heatmap -i "$in" -o - &&
	run heat-png-small-log "$in" report heatmap -i "$in" -o - --width 640 --height 480 --log &&
	run heat-png-percent "$in" report heatmap -i "$in" -o - --percent --colormap magma &&
	run heat-png-target0 "$in" report heatmap -i "$in" -o - --target 0 --width 400 \
		--height 300 &&
	run heat-ascii "$in" report heatmap -i "$in" --ascii --width 100 --height 16 &&
	run heat-ascii-log "$in" report heatmap -i "$in" --ascii --width 80 --height 12 --log &&
	run heat-tsv "$in" report heatmap -i "$in" --tsv --width 24 --height 12 &&
	run heat-tsv-zoom "$in" report heatmap -i "$in" --tsv --width 12 --height 8 \
		--time-range 0.5s,4s --addr-range 0x10000,0x7f0000100000 &&
	run wss-text "$in" report wss -i "$in" &&
	run wss-csv "$in" report wss -i "$in" --format csv --percentiles 10,50,99 &&
	run wss-json "$in" report wss -i "$in" --format json --sum-targets &&
	run wss-series "$in" report wss -i "$in" --series --format csv --skip-snapshots 2 \
		--min-accesses 2 &&
	run wss-plot "$in" report wss -i "$in" --plot "../wss-plot-png.$in" &&
	run raw-text "$in" report raw -i "$in" &&
	run raw-csv "$in" report raw -i "$in" --format csv &&
	run raw-json "$in" report raw -i "$in" --format json &&
	run info "$in" info -i "$in")
done
rm -f "$OUT/.err"
rm -rf "$IN"
