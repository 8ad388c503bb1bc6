#!/bin/bash
# "make bench": every benchmark, one after the other (they are not tests; machines are noisy, so
# compare figures as ratios or on one named machine). Each tests/bench/*.sh prints its own figures.
set -u
cd "$(dirname "$0")/../.."
B=build/plain/tests/bench
echo "# machine: $(uname -r), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
taskset -c 0 "$B/format-bench" || echo "format-bench failed"
for s in tests/bench/*.sh; do
	[ "$(basename "$s")" = run.sh ] && continue
	echo "# $s"
	bash "$s" || echo "$s failed"
done
