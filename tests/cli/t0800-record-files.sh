#!/bin/bash
# The recording file's life: an output that cannot be created is refused before the target is
# touched; a start that fails (a full disk) leaves FILE and FILE.old exactly as they were and no
# temporary file; a FIFO whose reader goes away ends the recording with one line and exit 1, not
# a silent SIGPIPE death, while a started command still gets SIGPIPE as usual.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
FAST="-b sampler --primitive refs -s 2ms -a 40ms -u 200ms"

wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

# a command that cannot be started: its error would come first were it started first
test_expect_success 'a missing folder is refused before the command is started' '
	test_expect_code 1 daprof record -q $FAST -o nodir/rec.data -- ./no-such-command 2>err &&
	one_line err &&
	grep -q "^daprof: cannot create .nodir/rec.data.: No such file or directory$" err &&
	! test -e nodir
'

test_expect_success 'a directory is refused before the command is started, and left alone' '
	mkdir out.dir && echo keep >out.dir/keep &&
	test_expect_code 1 daprof record -q $FAST -o out.dir -- ./no-such-command 2>err &&
	one_line err && grep -q "^daprof: cannot write .out.dir.: it is a directory$" err &&
	test "$(ls out.dir)" = keep && ! test -e out.dir.old
'

# a process traced by someone else: attaching to it would fail with "already traced"; the
# output is refused first, so the error is about the output
test_expect_success 'a bad output is refused before a running target is looked at' '
	{ "$W/traced" 5 beat & tracer=$!; } &&
	test_when_finished "kill \$tracer 2>/dev/null; wait \$tracer; true" &&
	wait_file beat.pid && pid=$(cat beat.pid) &&
	test_expect_code 1 daprof record -q -b sampler --primitive uffd-wp -o nodir/x -p $pid 2>err &&
	one_line err && grep -q "nodir/x" err && ! grep -q "traced" err &&
	grep -q "^TracerPid:[[:space:]]*$tracer$" /proc/$pid/status &&
	kill $pid
'

test_expect_success 'a recording that starts: FILE.old is the old FILE, no stray file' '
	echo older >rec.data.old && echo newer >rec.data &&
	daprof record -q $FAST -o rec.data -- "$W/memtouch" 8 10 0.3 >/dev/null &&
	test "$(cat rec.data.old)" = newer &&
	daprof info -i rec.data | grep -q "closed cleanly" &&
	test "$(ls | tr "\n" " ")" = "rec.data rec.data.old "
'

# full_disk RESULT_DIR: in a private mount namespace, a 256 KiB tmpfs holding rec.data and
# rec.data.old and filled up; record into it and leave the evidence in RESULT_DIR
full_disk() {
	mount -t tmpfs -o size=256k daprof-t0800 disk &&
	echo newer >disk/rec.data && echo older >disk/rec.data.old &&
	cp disk/rec.data want.data && cp disk/rec.data.old want.old &&
	{ dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null; test -s disk/fill; } &&
	{ "$DAPROF" record -q $FAST -o disk/rec.data -- "$W/memtouch" 8 10 0.5 >/dev/null 2>err
	  echo $? >rc; } &&
	cmp disk/rec.data want.data && cmp disk/rec.data.old want.old &&
	ls disk >ls
}

if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	test_skip 'a start that fails on a full disk leaves FILE and FILE.old' \
		'needs root and mount namespaces'
else
	test_expect_success 'a start that fails on a full disk leaves FILE and FILE.old' '
		mkdir disk &&
		export FAST W && export -f full_disk &&
		unshare -m bash -c full_disk &&
		test "$(cat rc)" = 1 && one_line err &&
		grep -q "^daprof: cannot write .disk/rec.data.: No space left on device$" err &&
		test "$(tr "\n" " " <ls)" = "fill rec.data rec.data.old "
	'
fi

test_expect_success 'a FIFO whose reader exits: one line and exit 1, no SIGPIPE death' '
	mkfifo out.pipe &&
	{ timeout 30 head -c 100 out.pipe >/dev/null & } &&
	test_expect_code 1 daprof record -q $FAST -o out.pipe -- "$W/memtouch" 8 10 3 >/dev/null 2>err &&
	one_line err &&
	grep -q "^daprof: cannot write .out.pipe.: the reader of the pipe went away$" err &&
	test -p out.pipe
'

test_expect_success 'a started command still dies of SIGPIPE as usual' '
	daprof record -q $FAST -o rec.data -- \
		bash -c "yes | head -1 >/dev/null; echo \${PIPESTATUS[0]} >st" 2>err &&
	test "$(cat st)" = 141 && ! test -s err
'

test_done
