#!/bin/bash
# Benchmark, not a test: damo's json_compressed against daprof's format on the same synthetic
# data (mkrec --synth's moving hot window, by default 10,000 snapshots x 150 regions = 1.5 M
# regions; mkdamo writes it byte for byte as damo 3.3 would), and the wall time and peak RSS of
# "daprof convert" on the damo file. Prints the figures; SNAPS= and REGS= change the size.
#   tests/bench/damo-convert.sh            (after "make test-bins")
set -eu
cd "$(dirname "$0")/../.."
B=${DAPROF_BUILD:-build/plain}
DAPROF=${DAPROF:-./daprof}
SNAPS=${SNAPS:-10000}
REGS=${REGS:-150}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "damo-convert: needs GNU time (apt-get install time)" >&2; exit 1; }
for t in "$B/tests/tools/mkdamo" "$B/tests/tools/mkrec" "$DAPROF"; do
	[ -x "$t" ] || { echo "damo-convert: '$t' missing (make test-bins)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/daprof-bench-damo.XXXXXX)
trap 'rm -rf "$W"' EXIT

regions=$((SNAPS * REGS))
"$B/tests/tools/mkdamo" "$W/damo.data" "$SNAPS" "$REGS"
"$B/tests/tools/mkrec" --synth "$W/daprof.data" "$SNAPS" "$REGS"
"$TIME" -v "$DAPROF" convert "$W/damo.data" "$W/conv.data" 2>"$W/time"

size() { stat -c %s "$1"; }
damo=$(size "$W/damo.data")
native=$(size "$W/daprof.data")
conv=$(size "$W/conv.data")
text=$(python3 -c '
import sys, zlib
d, n = zlib.decompressobj(), 0
with open(sys.argv[1], "rb") as f:
	for chunk in iter(lambda: f.read(1 << 20), b""):
		n += len(d.decompress(chunk))
print(n + len(d.flush()))' "$W/damo.data")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$W/time")
secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
user=$(sed -n 's/.*User time (seconds): //p' "$W/time")
sys=$(sed -n 's/.*System time (seconds): //p' "$W/time")
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$W/time")
same=no
if [ "$("$DAPROF" report raw -i "$W/conv.data" --format csv | md5sum)" = \
     "$("$DAPROF" report raw -i "$W/daprof.data" --format csv | md5sum)" ]; then
	same=yes
fi

echo "damo convert benchmark: $SNAPS snapshots x $REGS regions = $regions regions"
awk -v r="$regions" -v d="$damo" -v t="$text" -v n="$native" -v c="$conv" 'BEGIN {
	printf "  damo json_compressed   %10d bytes  %6.2f bytes/region (JSON text %d bytes, %.0f/region)\n", d, d / r, t, t / r
	printf "  daprof (mkrec --synth) %10d bytes  %6.2f bytes/region (%.1fx smaller than damo)\n", n, n / r, d / n
	printf "  daprof (converted)     %10d bytes  %6.2f bytes/region\n", c, c / r
}'
awk -v s="$secs" -v u="$user" -v y="$sys" -v m="$rss" -v r="$regions" -v t="$text" 'BEGIN {
	printf "  daprof convert         %.2f s wall (%.2f user + %.2f sys), %.2f M regions/s, %.0f MB/s of JSON\n", s, u, y, r / s / 1e6, t / s / 1e6
	printf "  peak RSS               %.1f MiB\n", m / 1024
}'
echo "  converted == mkrec --synth (report raw csv): $same"
