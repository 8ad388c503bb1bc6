#!/bin/bash
# A process whose main thread called pthread_exit() while its workers run is alive: the leader is
# a zombie ('Z') whose /proc/PID/maps reads empty, yet the address space lives on. It is recorded
# through a live thread, asked for by the process id or by a worker's thread id, and the
# recording shows the workers' buffers accessed.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
FAST="-b sampler -s 2ms -a 40ms -u 200ms"

wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

# snapshots of REC in which a region overlapping a worker buffer of OUT had accesses
accessed_snapshots() {
	daprof report raw -i "$1" --format csv |
	awk -F, -v out="$2" '
		BEGIN { while ((getline l < out) > 0) { split(l, f, " ");
			if (f[1] == "tid") { s[++n] = f[3]; e[n] = f[4] } } }
		NR > 1 && $7 > 0 { for (i = 1; i <= n; i++) if ($5 < e[i] && $6 > s[i]) hit[$1] = 1 }
		END { c = 0; for (k in hit) c++; print c }'
}

# record_leaderless PRIMITIVE pid|tid: start the workload, wait for its leader to be a zombie,
# record it for 1 s by the id asked for, and check what came out
record_leaderless() {
	{ "$W/leaderless" 4 2 out & pid=$!; } &&
	wait_file out &&
	for _ in $(seq 100); do
		grep -q "^State:[[:space:]]*Z" /proc/$pid/status && break; sleep 0.02
	done &&
	grep -q "^State:[[:space:]]*Z" /proc/$pid/status &&
	if [ "$2" = tid ]; then id=$(awk "/^tid/ { print \$2; exit }" out); else id=$pid; fi &&
	daprof record -q $FAST --primitive "$1" -o rec.data -d 1 -p "$id" 2>err &&
	! grep -q "has exited" err &&
	daprof info -i rec.data >info &&
	grep -q "closed cleanly" info &&
	grep -q "^targets  *0: pid $pid " info &&
	n=$(accessed_snapshots rec.data out) &&
	total=$(awk "\$1 == \"snapshots\" && \$2 ~ /^[0-9]+\$/ { print \$2 }" info) &&
	# the workers write their buffers all the time: most snapshots show it (on a loaded
	# machine a 1 s run may have only a few snapshots: the share counts, not the number)
	{ test "$total" -ge 3 && test $((n * 10)) -ge $((total * 8)) ||
	  { echo "$n of $total snapshots show the workers accessed"; cat info; false; }; } &&
	kill -0 $pid && grep -q "^TracerPid:[[:space:]]*0$" /proc/$(awk "/^tid/ { print \$2; exit }" out)/status &&
	kill $pid
}

test_expect_success 'refs: an exited main thread, recorded by the process id' '
	record_leaderless refs pid
'

test_expect_success 'refs: an exited main thread, recorded by a worker'"'"'s thread id' '
	record_leaderless refs tid
'

test_expect_success 'a process whose every thread has exited is refused in one line' '
	{ "$W/leaderless" 0.3 1 out & pid=$!; } &&
	wait_file out && sleep 0.6 &&
	test_must_fail daprof record -q $FAST --primitive refs -o rec.data -p $pid 2>err &&
	one_line err && ! test -e rec.data &&
	wait $pid
'

# uffd-wp reaches such a process through a live thread: the injector reads that thread's
# /proc/TID/mem (the exited leader's reads empty) and takes the fd with pidfd_open(tid,
# PIDFD_THREAD) (pidfd_getfd on the zombie leader fails with ESRCH).
if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'uffd-wp: an exited main thread' "$(daprof check | grep "^primitive uffd-wp")"
else
	test_expect_success 'uffd-wp: an exited main thread, recorded by the process id' '
		record_leaderless uffd-wp pid
	'
	test_expect_success 'uffd-wp: an exited main thread, recorded by a worker'"'"'s thread id' '
		record_leaderless uffd-wp tid
	'
fi

test_done
