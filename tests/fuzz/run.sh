#!/bin/bash
# Builds and runs the libFuzzer targets: every tests/fuzz/fuzz-NAME.c is a target over the readers
# of untrusted input in format/ and the symbolizer's ELF input, seeded from tests/fuzz/corpus/NAME/
# (the ELF seeds are built from tests/symbols/ at run time).
#   run.sh build SECONDS   "make fuzz": each target runs SECONDS (new inputs kept in build/fuzz/)
#   run.sh check TOTAL     "make check": TOTAL seconds split over the targets, seed corpus first
# Any crash, leak or sanitizer report fails the run (and leaves the crashing input in build/fuzz/).
# Memory is capped low (300 MB RSS, 300 MB for one allocation): the readers are bounded by design
# (DPF_MAX_DECODE_BYTES), and the well-formed hostile files of "mkrec --hostile" (millions of
# tiny regions, many target slots, a huge map, 400,000 metadata keys) are first run once each
# through the recording target, under the same caps, in both modes.
set -u
cd "$(dirname "$0")/../.."
mode=${1:-check}
secs=${2:-20}
out=build/fuzz
mkdir -p "$out"
CLANG=${CLANG:-clang}
if ! command -v "$CLANG" >/dev/null; then
	echo "fuzz: clang not found (make deps installs it)" >&2
	exit 1
fi
targets=$(ls tests/fuzz/fuzz-*.c 2>/dev/null)
[ -n "$targets" ] || { echo "fuzz: no targets"; exit 0; }
n=$(echo "$targets" | wc -l)
flags="-std=c11 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(pkg-config --cflags zlib yajl)"
libs="$(pkg-config --libs zlib yajl) -lm"
limits="-rss_limit_mb=300 -malloc_limit_mb=300"
# a small quarantine: freed memory ASan holds back must not count against the RSS cap
export ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16
fail=0
# ELF seeds of the symbols target, built from its unit test's fixtures (none is committed): a
# program with DWARF, the same stripped, and a shared library, all small.
symbols_seeds() {
	mkdir -p "$1"
	[ -s "$1/seed-prog" ] && return 0
	$CLANG -O1 -g -fPIE -pie -o "$1/seed-prog" tests/symbols/prog.c -ldl -pthread &&
	strip --strip-all -o "$1/seed-stripped" "$1/seed-prog" &&
	$CLANG -O1 -g -fPIC -shared -o "$1/seed-lib.so" tests/symbols/lib.c ||
	{ echo "fuzz-symbols: seed build failed"; return 1; }
}
hostile=$out/hostile-seeds
mkdir -p "$hostile"
if $CLANG -std=c11 -D_GNU_SOURCE -I. -O1 $(pkg-config --cflags zlib yajl) -o "$out/mkrec" \
	tests/tools/mkrec.c format/*.c $libs 2>"$out/mkrec.build.log"; then
	for k in regions slots gaps maps meta; do
		[ -s "$hostile/$k.data" ] || "$out/mkrec" --hostile $k "$hostile/$k.data" || fail=1
	done
else
	echo "fuzz: mkrec build failed"; cat "$out/mkrec.build.log"; fail=1
fi
for t in $targets; do
	name=$(basename "$t" .c)
	name=${name#fuzz-}
	bin=$out/fuzz-$name
	extra=""
	if [ "$name" = symbols ]; then	# the symbolizer reads ELF files: report/symbols*.c, libelf, libdw
		extra="report/symbols*.c $(pkg-config --cflags --libs libelf libdw)"
		symbols_seeds "$out/corpus-$name" || fail=1
	fi
	[ "$name" = physmap ] && extra="report/physmap.c"	# a --paddr recording's node layout
	if ! $CLANG $flags -o "$bin" "$t" format/*.c $extra $libs 2>"$out/$name.build.log"; then
		echo "fuzz-$name: build failed"; cat "$out/$name.build.log"; fail=1; continue
	fi
	work=$out/corpus-$name
	mkdir -p "$work"
	seeds=tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=""
	if [ "$mode" = check ]; then
		t_each=$(( secs / n )); [ $t_each -ge 2 ] || t_each=2
	else
		t_each=$secs
	fi
	if [ "$name" = recording ] && ! (cd "$out" && ./fuzz-$name $limits -timeout=60 \
		hostile-seeds/*.data) >"$out/$name.hostile.log" 2>&1; then
		echo "fuzz-$name: FAILED on the hostile seeds, see $out/$name.hostile.log"
		grep -E 'ERROR|SUMMARY|out-of-memory|malloc' "$out/$name.hostile.log" | head -10
		fail=1
		continue
	fi
	if (cd "$out" && ./fuzz-$name -max_total_time=$t_each $limits \
		-timeout=10 -print_final_stats=0 "corpus-$name" ${seeds:+"../../$seeds"}) >"$out/$name.log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$out/$name.log" | tail -1)
		echo "fuzz-$name: ok (${runs:-no stats}, ${t_each}s)"
	else
		echo "fuzz-$name: FAILED, see $out/$name.log"
		grep -E 'ERROR|SUMMARY|crash-|leak-|timeout-' "$out/$name.log" | head -10
		fail=1
	fi
done
exit $fail
