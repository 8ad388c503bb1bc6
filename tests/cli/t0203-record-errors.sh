#!/bin/bash
# daprof record refuses what it cannot record with one line on stderr and exit 1, creates no
# file, and leaves the target as it was: no such pid, a kernel thread, no permission, a target
# already traced (uffd-wp), a command that does not exist, an unwritable output; usage errors
# exit 2.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads

unused_pid() {	# the highest pid no process has
	local pid=$(($(cat /proc/sys/kernel/pid_max) - 1))
	while [ -e /proc/$pid ]; do pid=$((pid - 1)); done
	echo $pid
}
wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

test_expect_success 'a pid that does not exist' '
	pid=$(unused_pid) &&
	test_expect_code 1 daprof record -o rec.data -p $pid 2>err &&
	one_line err &&
	grep -q "^daprof: cannot attach to pid $pid: no such process$" err &&
	test ! -e rec.data
'

test_expect_success 'a kernel thread' '
	kt=$(awk "{ if (\$0 ~ /^Kthread:[ \t]*1/) print FILENAME }" /proc/[0-9]*/status 2>/dev/null |
	     head -1 | cut -d/ -f3) &&
	test -n "$kt" &&
	test_expect_code 1 daprof record -o rec.data -p $kt 2>err &&
	one_line err &&
	grep -q "^daprof: pid $kt is a kernel thread (.*): it has no user memory to record$" err &&
	test ! -e rec.data
'

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	test_expect_success 'no permission (an unprivileged user, a root process)' '
		chmod 777 . &&
		{ "$W/hotcold" 3 truth >/dev/null & pid=$!; } &&
		wait_file truth &&
		test_expect_code 1 setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$DAPROF" record -o rec.data -p $pid 2>err &&
		one_line err &&
		grep -q "^daprof: cannot attach to pid $pid: operation not permitted (try as root, or lower /proc/sys/kernel/yama/ptrace_scope)$" err &&
		test ! -e rec.data &&
		kill -0 $pid && kill $pid
	'
else
	test_skip 'no permission (an unprivileged user, a root process)' 'needs root and setpriv'
fi

if daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_expect_success 'uffd-wp on a target traced by someone else: refused, target unharmed' '
		{ "$W/traced" 2 beat & tracer=$!; } &&
		wait_file beat.pid && pid=$(cat beat.pid) &&
		test_expect_code 1 daprof record --primitive uffd-wp -o rec.data -p $pid 2>err &&
		one_line err &&
		grep -Eq "^daprof: primitive uffd-wp: cannot attach to pid $pid: it is already traced by pid $tracer \(traced\)(; damon backend passed over: .*)?$" err &&
		test ! -e rec.data &&
		b1=$(cat beat) && sleep 0.3 && b2=$(cat beat) && test "$b1" != "$b2" &&
		grep -q "^TracerPid:[[:space:]]*$tracer$" /proc/$pid/status &&
		wait $tracer
	'
else
	test_skip 'uffd-wp on a target traced by someone else' 'uffd-wp unavailable here'
fi

test_expect_success 'a command that does not exist' '
	test_expect_code 1 daprof record -o rec.data -- ./no-such-command 2>err &&
	one_line err &&
	grep -q "^daprof: cannot run .\./no-such-command.: No such file or directory$" err &&
	test ! -e rec.data
'

test_expect_success 'an output file that cannot be created; the target runs on' '
	{ "$W/hotcold" 2 truth >/dev/null & pid=$!; } &&
	wait_file truth &&
	test_expect_code 1 daprof record -o no/such/dir/rec.data -p $pid 2>err &&
	one_line err &&
	grep -q "^daprof: cannot create .no/such/dir/rec.data.: " err &&
	grep -q "^TracerPid:[[:space:]]*0$" /proc/$pid/status &&
	! grep "^VmFlags:" /proc/$pid/smaps | grep -q " uw" &&
	kill $pid
'

test_expect_success '--backend damon and --paddr without a usable DAMON: one line, no file' '
	export DAPROF_SYSFS_ROOT=$PWD/none &&
	test_expect_code 1 daprof record -b damon -o rec.data -- true 2>err &&
	one_line err &&
	grep -q "^daprof: .*no DAMON sysfs interface at .$PWD/none.\$" err &&
	test_expect_code 1 daprof record --paddr -o rec.data 2>err &&
	one_line err && grep -q "needs the kernel DAMON backend" err &&
	grep -q "damon backend passed over: no DAMON sysfs interface" err &&
	test ! -e rec.data
'

test_expect_success 'auto falls back to the sampler and says why in one line' '
	DAPROF_SYSFS_ROOT=$PWD/none daprof record -o rec.data -- sleep 0.3 2>err &&
	grep -v "^daprof: this primitive sees " err >lines &&
	test_line_count -le 2 lines &&
	grep -q "with the sampler backend.*; damon backend passed over: no DAMON sysfs interface" err &&
	daprof info -i rec.data >info && grep -q "^backend  *sampler" info
'

# usage errors: exit 2, one line naming the problem and pointing at -h, no file
usage_error() {	# DESCRIPTION WORDS ARGS...
	test_expect_success "usage error: $1" "
		test_expect_code 2 daprof record $3 2>err &&
		one_line err &&
		grep -q '^daprof: .*$2.* (see .daprof record -h.)\$' err &&
		test ! -e rec.data
	"
}
usage_error 'no target' 'nothing to record' '-o rec.data'
usage_error 'two targets' 'only one target' '-o rec.data -p 1 -- true'
usage_error 'a bad interval' "bad sampling interval .5parsecs." '-o rec.data -s 5parsecs -p 1'
usage_error 'sampling longer than aggregation' 'exceeds the aggregation' '-o rec.data -s 200ms -a 100ms -p 1'
usage_error 'too few regions' 'at least 3' '-o rec.data -n 2 -p 1'
usage_error 'min above max' 'exceeds --max-regions' '-o rec.data -n 100 -m 50 -p 1'
usage_error 'an unknown primitive' "unknown primitive .magic. (auto, page-idle, uffd-wp, soft-dirty, refs, uffd-wp+refs)" \
	'-o rec.data --primitive magic -p 1'
usage_error 'an unknown backend' "unknown backend .magic." '-o rec.data -b magic -p 1'
usage_error 'a bad pid' "bad pid .12abc." '-o rec.data -p 12abc'

test_done
