#!/bin/bash
# The recorder's death never damages its target (issue: kill -9 during the injection). The
# uffd-wp primitive runs system calls inside the target with ptrace; whatever instant the
# recorder dies at, the target must resume as it was: registers, FPU state, signal mask,
# interrupted system calls, memory. tests/workloads/regcheck checks all of that itself after
# every system call and prints "DAMAGED: ..." otherwise.
#
# Two ways of killing: the recorder kills itself at each step of the injection in turn
# (DAPROF_TEST_INJECT_DIE_AT, every step, -p and -- CMD), and tests/tools/inject-torture kills it
# with SIGKILL or SIGQUIT at random microsecond offsets across attach, injection, recording and
# detach, DAPROF_TORTURE_TRIALS times (default 200) for each of -p and -- CMD.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
TRIALS=${DAPROF_TORTURE_TRIALS:-200}
case $DAPROF_BUILD in	# the sanitizer pass only moves the timings: fewer trials there
*/asan) TRIALS=${DAPROF_TORTURE_TRIALS:-50} ;;
esac

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'the recorder dies during the injection' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi
if [ "$(uname -m)" != x86_64 ]; then
	test_skip 'the recorder dies during the injection' 'injection is x86-64 only'
	test_done
	exit 0
fi

wait_ready() {	# OUT: the pid in the target's "ready PID" line
	for _ in $(seq 200); do
		sed -n "s/^ready //p" "$1" | grep . && return 0
		sleep 0.02
	done
	return 1
}

# whole PID OUT: alive, let go, mask as it set it, answers SIGUSR1, ends on SIGTERM, found nothing
whole() {
	{ test -e /proc/$1 || { echo "target $1 is gone"; return 1; }; } &&
	for _ in $(seq 100); do
		grep -q "^TracerPid:[[:space:]]*0$" /proc/$1/status && break
		sleep 0.02
	done &&
	grep -q "^TracerPid:[[:space:]]*0$" /proc/$1/status &&
	grep -q "^SigBlk:[[:space:]]*0000001000000800$" /proc/$1/status &&
	kill -USR1 $1 &&
	for _ in $(seq 100); do grep -q "^pong 1$" "$2" && break; sleep 0.02; done &&
	grep -q "^pong 1$" "$2" &&
	kill -TERM $1 &&
	for _ in $(seq 100); do [ -e /proc/$1 ] || break; sleep 0.02; done &&
	test ! -e /proc/$1 &&
	! grep DAMAGED "$2"
}

# Die at step 1, 2, ... until a run gets through all of them; the target is checked each time.
die_at_every_step() {	# MODE (p or cmd)
	n=1 &&
	while [ $n -lt 60 ]; do
		: >out &&
		if [ "$1" = p ]; then
			"$W/regcheck" >out &
			pid=$(wait_ready out) &&
			rc=0 &&
			DAPROF_TEST_INJECT_DIE_AT=$n daprof record -q -b sampler --primitive uffd-wp -o rec.data \
				-d 0.2 -p $pid 2>err || rc=$?
		else
			rc=0 &&
			DAPROF_TEST_INJECT_DIE_AT=$n daprof record -q -b sampler --primitive uffd-wp -o rec.data \
				-d 0.2 -- "$W/regcheck" >out 2>err || rc=$?
			pid=$(wait_ready out)
		fi &&
		if [ $rc = 0 ]; then
			echo "all $((n - 1)) steps done" &&
			{ [ "$1" = cmd ] || kill $pid; } &&
			break
		fi &&
		{ [ $rc = 137 ] || { echo "step $n: exit $rc"; cat err; return 1; }; } &&
		{ whole $pid out || { echo "step $n: target $pid damaged"; cat out; return 1; }; } &&
		n=$((n + 1)) || return 1
	done &&
	test $n -gt 10 && test $n -lt 60
}

test_expect_success '-p: the recorder dies at every step of the injection' '
	die_at_every_step p
'

test_expect_success '-- CMD: the recorder dies at every step of the injection' '
	die_at_every_step cmd
'

test_expect_success "-p: killed at random offsets $TRIALS times, no target damaged" '
	test_might_fail "$DAPROF_BUILD/tests/tools/inject-torture" -d "$DAPROF" -t "$W/regcheck" \
		-m p -n $TRIALS -a -b -a sampler -a --primitive -a uffd-wp >log 2>&1 &&
	cat log &&
	grep -q "^trials $TRIALS damaged 0 " log
'

test_expect_success "-- CMD: killed at random offsets $TRIALS times, no target damaged" '
	test_might_fail "$DAPROF_BUILD/tests/tools/inject-torture" -d "$DAPROF" -t "$W/regcheck" \
		-m cmd -n $TRIALS -a -b -a sampler -a --primitive -a uffd-wp >log 2>&1 &&
	cat log &&
	grep -q "^trials $TRIALS damaged 0 " log
'

test_done
