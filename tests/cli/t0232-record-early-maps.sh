#!/bin/bash
# Nothing missed at the start: a launched command's map is followed closely in its first moments
# (record/sampler.c, the early schedule), so that a buffer it maps 30 ms after its start is
# monitored, and seen accessed, in a snapshot that begins within 100 ms of the recording's start
# (before, the map was first read again after the 1 s update interval). Times are the
# recording's own (its snapshots' CLOCK_MONOTONIC start times) and the workload's, never the
# test's. Tolerance for a loaded machine: when the workload itself maps its buffer late (it was
# not scheduled), the bound becomes 70 ms after its mapping; either way it is far below the update
# interval, which an unfollowed map would need. The same holds after an exec (the new program is
# followed closely from its start).
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads

prim=uffd-wp
daprof check | grep -q "^primitive uffd-wp  *available" || prim=refs

# first_seen RECORDING TRUTH: "START_DELAY_MS MAPPED_MS BOUND_MS" of the first snapshot that shows
# the buffer accessed, relative to the recording's first snapshot start; nothing when none does
first_seen() {
	daprof report raw -i "$1" --format csv | awk -F, -v truth="$2" '
	BEGIN { while ((getline l < truth) > 0) { split(l, f, " ")
		if (f[1] == "buf") { s = f[2] + 0; e = f[3] + 0 } else if (f[1] == "mapped_ns") m = f[2] + 0 } }
	NR == 2 { r0 = $3 + 0 }
	NR > 1 && $6 + 0 > s && $5 + 0 < e && $7 > 0 {
		mapped = (m - r0) / 1e6; bound = mapped + 70 > 100 ? mapped + 70 : 100
		printf "%.1f %.1f %.1f\n", ($3 - r0) / 1e6, mapped, bound; exit
	}'
}

test_expect_success "a buffer mapped 30 ms after the start is monitored within 100 ms ($prim)" '
	daprof record -q -b sampler --primitive $prim -s 2ms -a 20ms -o rec.data -- \
		"$W/earlymap" 30 16 1 truth &&
	first_seen rec.data truth >seen &&
	cat seen && test_line_count = 1 seen &&
	read -r at mapped bound <seen &&
	awk -v at="$at" -v b="$bound" "BEGIN { exit !(at < b) }"
'

# after an exec (2.2 s in, past the first 2 s), the new program's first moments are followed the same way
test_expect_success "after an exec, a buffer mapped 30 ms in is monitored within 70 ms ($prim)" '
	daprof record -q -b sampler --primitive $prim -s 2ms -a 20ms -o rec.data -- \
		sh -c "sleep 2.2; exec \"$W/earlymap\" 30 16 1 truth" &&
	first_seen rec.data truth >seen &&
	cat seen && test_line_count = 1 seen &&
	read -r at mapped bound <seen &&
	awk -v at="$at" -v m="$mapped" -v b="$bound" "BEGIN { exit !(m > 2150 && at < b) }"
'

test_done
