#!/bin/bash
# daprof record --heap-sites on a target that is hard on the preload library
# (tests/workloads/heapfork.c): allocations from a signal handler that interrupts the library,
# a forked child and a grandchild that execs (neither recorded), and an exec of the target itself
# (recorded again from its start); and a full ring, whose loss is counted and shown.
. "$(dirname "$0")/lib.sh"

W=$DAPROF_BUILD/tests/workloads
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms -u 100ms"

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'heap sites on uffd-wp recordings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

(cd "$TEST_ROOT" && daprof record $REC --heap-sites -o rec.data -- "$W/heapfork" >out) ||
	echo "recording failed" >&2
R=$TEST_ROOT/rec.data

test_expect_success 'the target ran to its end: signals handled, exec done' '
	grep -q "^signals [0-9][0-9]*$" "$TEST_ROOT/out" &&
	test "$(sed -n "s/^signals //p" "$TEST_ROOT/out")" -ge 200 &&
	daprof report raw -i "$R" >raw.txt &&
	grep -q "^# heap_programs: 2$" raw.txt
'

# (the handler's blocks come from several stacks, one per place it interrupted: one site row)
test_expect_success 'sites before and after exec and in the handler; none of the children' '
	daprof report hot -i "$R" --by site --format csv >s.csv &&
	grep -q "^[0-9]*,parent_block (heapfork.c:[0-9]*),site," s.csv &&
	grep -q "^[0-9]*,after_exec_block (heapfork.c:[0-9]*),site," s.csv &&
	test "$(grep -c "^[0-9]*,on_signal (heapfork.c:[0-9]*),site," s.csv)" = 1 &&
	! grep -q ",child_block (heapfork.c:[0-9]*),site," s.csv &&
	daprof report hot -i "$R" --by site >s.txt &&
	grep -q "^heap sites: .*, 2 programs (exec)$" s.txt
'

test_expect_success 'the large block of each program, its bytes exactly' '
	daprof report hot -i "$R" --by site --format csv >s.csv &&
	test "$(grep "^[0-9]*,parent_block (" s.csv | cut -d, -f5)" = 2097152 &&
	test "$(grep "^[0-9]*,after_exec_block (" s.csv | cut -d, -f5)" = 5242880
'

# Record heapfork, kill the recorder with SIGKILL while the target runs, and wait for the
# target's last line: the library must not take the target with it.
kill_recorder() {
	"$DAPROF" record $REC --heap-sites -o killed.data -- "$W/heapfork" >out 2>err &
	rec=$!
	sleep 0.7
	kill -9 $rec || { echo "the recorder was gone already"; cat err; return 1; }
	for _ in $(seq 100); do grep -q "^after done$" out && break; sleep 0.1; done
	grep -q "^signals [0-9]*$" out && grep -q "^after done$" out
}

test_expect_success 'the recorder killed: the target runs on to its end' '
	kill_recorder
'

test_expect_success 'a full ring: the loss is counted, stored and shown' '
	(cd "$TEST_ROOT" && DAPROF_HEAP_TEST_STALL_MS=1500 daprof record $REC --heap-sites \
		-o full.data -- "$W/heapfork" >/dev/null) &&
	daprof report raw -i "$TEST_ROOT/full.data" >raw.txt &&
	lost=$(sed -n "s/^# heap_lost: //p" raw.txt | tail -1) &&
	test "$lost" -gt 0 &&
	daprof report hot -i "$TEST_ROOT/full.data" --by site >s.txt &&
	grep -q "^heap sites lost: $lost events (the channel was full)" s.txt &&
	daprof info -i "$TEST_ROOT/full.data" >info.txt &&
	grep -q "^heap sites  *blocks under a page sampled once per 512 KiB; [0-9]* allocations recorded, $lost events lost, 2 programs$" info.txt
'

test_done
