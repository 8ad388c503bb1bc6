#!/bin/bash
# Why there is no UFFDIO_MOVE read sampler (design note 36), checked on this kernel: a page
# parked by UFFDIO_MOVE is lost to zeros when the only holder of the userfaultfd dies, and a
# reader of it blocks when the target holds the userfaultfd too; moving it back is the only
# way out, and pages shared after fork cannot be parked at all. If a kernel ever changes any
# of this, this test fails and the note must be read again.
. "$(dirname "$0")/lib.sh"
PROBE="$DAPROF_BUILD/tests/tools/uffd-move-probe"

OUT="$TEST_ROOT/probe.out"
"$PROBE" >"$OUT" 2>&1
if grep -q "^move: unsupported" "$OUT"; then
	test_skip 'UFFDIO_MOVE' 'this kernel has no UFFDIO_MOVE (Linux 6.8+) or no userfaultfd'
	test_done
	exit 0
fi

test_expect_success 'a parked page is lost to zeros when the only uffd holder dies' '
	grep -qx "lost: R reads 0, parked page .A." "$OUT"
'

test_expect_success 'with the target holding the uffd, a reader of a parked page blocks' '
	grep -qx "hang: blocked" "$OUT" &&
	grep -qx "restore: ok, the reader saw .B." "$OUT"
'

test_expect_success 'moving it back twice is harmless; a page shared after fork cannot move' '
	grep -qx "again: EEXIST" "$OUT" &&
	grep -qx "shared: EBUSY" "$OUT"
'

test_done
