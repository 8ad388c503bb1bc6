#!/bin/bash
# report hot on a --paddr recording: rows by the memory block size the recording keeps, named
# "node N, memory block M" from the node layout recorded with it (design note 29); without a
# layout, or with a damaged one, by physical range. The recordings are crafted (tests/tools/mkrec):
# the recorder's reading of /sys is tests/unit/record-nodes.c's, on a fake tree.
. "$(dirname "$0")/lib.sh"

MKREC=$DAPROF_BUILD/tests/tools/mkrec
# two nodes of 128 MiB blocks: node 0 has blocks 0-1, node 1 has block 2
rec() {	# OUT [META LINES...]
	out=$1 && shift &&
	{
		echo "meta backend damon" && echo "meta ops paddr" && echo "meta aggr_us 100000" &&
		echo "meta nr_targets 1" &&
		for m in "$@"; do echo "meta $m"; done &&
		for s in 0 1 2 3; do
			echo "snap 0 $((s * 100000000)) $(((s + 1) * 100000000))" &&
			echo "r 0x0 0x8000000 5 0" &&
			echo "r 0x8000000 0x10000000 0 $s" &&
			echo "r 0x10000000 0x18000000 20 0" || return 1
		done
	} | "$MKREC" "$out"
}

test_expect_success 'a recorded layout names node and memory block' '
	rec l.data "phys.memory_block_size 134217728" "phys.node_blocks 0:0-1;1:2" &&
	daprof report hot -i l.data --format csv >hot.csv &&
	sed -n 2p hot.csv | grep -q "^1,\"node 1, memory block 2\",physical," &&
	daprof report hot -i l.data >out &&
	grep -q "listed by 128 MiB memory block and NUMA node" out &&
	grep -q "node 0, memory block 0" out &&
	grep -q "node 0, memory block 1" out &&
	grep -q "node 1, memory block 2" out &&
	! grep -q "0x10000000-0x18000000" out
'

test_expect_success 'the recorded block size is the unit of listing' '
	rec s.data "phys.memory_block_size 268435456" "phys.node_blocks 0:0;1:1" &&
	daprof report hot -i s.data >out &&
	grep -q "listed by 256 MiB memory block" out &&
	grep -q "node 0, memory block 0" out &&
	grep -q "node 1, memory block 1" out &&
	! grep -q "memory block 2" out
'

test_expect_success 'no layout, or a damaged one: physical ranges, no crash' '
	rec n.data &&
	daprof report hot -i n.data >out &&
	grep -q "no NUMA node layout was recorded" out &&
	grep -q "0x10000000-0x18000000" out &&
	for bad in "0:0-1;1" "0:1-0" "x:1" "0:0-1;1:1" "0:99999999999999999999" "0:0,,1" ""
	do
		rec b.data "phys.memory_block_size 134217728" "phys.node_blocks $bad" &&
		daprof report hot -i b.data >out &&
		grep -q "0x10000000-0x18000000" out &&
		! grep -q "node [0-9]" out || return 1
	done &&
	rec z.data "phys.memory_block_size 1000" "phys.node_blocks 0:0-1" &&
	daprof report hot -i z.data >out &&
	grep -q "0x10000000-0x18000000" out
'

test_done
