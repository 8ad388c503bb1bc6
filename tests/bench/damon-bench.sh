#!/bin/bash
# Benchmark of the kernel DAMON backend's snapshot sources (tried_regions vs the
# damon:damon_aggregated tracepoint) at 100, 1000 and 10000 regions, plus the time from start
# to the first snapshot. It boots the real-kernel test guest (tests/kernel/run.sh) with the
# benchmark enabled; the figures come from an EMULATED CPU (qemu TCG): compare them with each
# other, not with real hardware.
#
#   tests/bench/damon-bench.sh
# Each BENCH line: regions=N source=S ... backend_cpu_us_per_snapshot (CPU of next_snapshot()
# alone), loop_cpu_us_per_snapshot (also encoding and writing the file), first_snapshot_ms.
set -u
cd "$(dirname "$0")/../.."
DAPROF_KERNEL_BENCH=1 tests/kernel/run.sh | grep -E '^(BENCH|kernel:|# result)'
