#!/bin/bash
# "daprof record --paddr" keeps the NUMA node layout of the machine (design note 29), read from a
# fake /sys tree (DAPROF_SYS_ROOT) while the kernel DAMON it records from is tests/tools/fake-damon
# (DAPROF_SYSFS_ROOT); report hot then names its rows by node and memory block. Needs root and
# /dev/fuse, as t0400; runs in its own mount namespace. The host's /sys is never read for this.
if [ "$(id -u)" = 0 ] && [ -z "${T0533_NS:-}" ] && [ -e /dev/fuse ] &&
   unshare -m true 2>/dev/null; then
	T0533_NS=1 exec unshare -m bash -c 'mount --make-rprivate / && exec bash "$0" "$@"' "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake-damon.sh"
trap 'fake_down; rm -rf "$TEST_ROOT"' EXIT

if [ -z "${T0533_NS:-}" ] || ! grep -q "^ *0*[1-9a-f][0-9a-f]*-.*System RAM" /proc/iomem; then
	test_skip 'record --paddr keeps the node layout' \
		"needs root (System RAM addresses), /dev/fuse and unshare for the fake DAMON tree"
	test_done
	exit
fi

# a fake /sys: 128 MiB blocks, node 0 holds blocks 0-7, node 1 blocks 8-1023
S=$TEST_ROOT/sys
mkdir -p "$S/devices/system/memory" "$S/devices/system/node/node0" "$S/devices/system/node/node1"
echo 8000000 >"$S/devices/system/memory/block_size_bytes"
for b in $(seq 0 7); do mkdir "$S/devices/system/node/node0/memory$b"; done
for b in $(seq 8 1023); do mkdir "$S/devices/system/node/node1/memory$b"; done

fake_up
export DAPROF_SYSFS_ROOT=$M/admin DAPROF_DAMON_SOURCE=tried_regions DAPROF_SYS_ROOT=$S M

test_expect_success 'the layout goes into the recording and names the rows' '
	daprof record -q --backend damon --paddr -d 1 -a 50ms -o p.data 2>err &&
	daprof report raw -i p.data >raw &&
	grep -q "^# ops: paddr$" raw &&
	grep -q "^# phys.memory_block_size: 134217728$" raw &&
	grep -q "^# phys.node_blocks: 0:0-7;1:8-1023$" raw &&
	daprof report hot -i p.data --top 0 >out &&
	grep -q "listed by 128 MiB memory block and NUMA node" out &&
	grep -q "node 0, memory block 0" out
'

test_expect_success 'no layout under DAPROF_SYS_ROOT: no keys, ranges in the report' '
	DAPROF_SYS_ROOT=$TEST_ROOT/nowhere daprof record -q --backend damon --paddr -d 1 -a 50ms -o n.data 2>err &&
	daprof report raw -i n.data >raw &&
	! grep -q "^# phys\." raw &&
	daprof report hot -i n.data >out &&
	grep -q "no NUMA node layout was recorded" out
'
fake_down
test_done
