#!/bin/busybox sh
# /init of the qemu guest of tests/kernel/run.sh (busybox sh). It runs the kernel DAMON
# backend's checks against the real kernel and prints, on the serial console:
#   CHECK <name> ok|FAIL [detail]   one per check
#   BENCH <line>                    benchmark figures (kernel command line has daprof.bench=1)
#   VERDICT PASS|FAIL               last, when every check ran
# The host test reads these lines; no VERDICT means the guest died or hung.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
D=/sys/kernel/mm/damon/admin/kdamonds
FAILED=0
G=/bin/guest-damon

echo "INFO kernel $(uname -r) cpus $(grep -c ^processor /proc/cpuinfo)"
ok() { echo "CHECK $1 ok ${2:-}"; }
bad() { echo "CHECK $1 FAIL ${2:-}"; FAILED=1; }
# run NAME CMD...: the command's output goes to the console as INFO lines
run() { out=$(timeout 120 "$@" 2>&1); rc=$?; printf '%s\n' "$out" | sed 's/^/INFO /'; return $rc; }
wait_file() { i=0; while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; [ -s "$1" ]; }
field() { printf '%s\n' "$out" | sed -n "s/.*$1=\([^ ]*\).*/\1/p" | tail -1; }
# heat_ok FILE INFO: hot range hot (>= 5 of 20 samples) and cold range cold (<= 1)
heat_ok() {
	read HL HH CL CH <"$2"
	run $G heat "$1" $HL $HH $CL $CH || return 1
	h=$(field hot); c=$(field cold)
	awk -v h="$h" -v c="$c" 'BEGIN { exit !(h >= 5 && c <= 1 && c >= 0) }'
}
no_kdamond() {
	run $G kdamonds
	[ "$(field nr_kdamonds)" = 0 ] && [ "$(field kdamond_threads)" = 0 ]
}
finish() {
	if [ $FAILED = 0 ]; then echo "VERDICT PASS"; else echo "VERDICT FAIL"; fi
	sync
	poweroff -f
}

# 0. a kernel without DAMON's sysfs (run.sh found no CONFIG_DAMON_SYSFS in its config, as in
#    Debian's 6.1): the damon backend must refuse in one clear line, daprof check must say the
#    same, and daprof's automatic choice must fall back to the sampler
if grep -q daprof.nodamon=1 /proc/cmdline; then
	NO='no DAMON sysfs interface'
	if [ ! -e /sys/kernel/mm/damon ]; then ok nodamon-no-sysfs
	else bad nodamon-no-sysfs "/sys/kernel/mm/damon exists"; fi
	run $G probe; rc=$?
	if [ $rc != 0 ] && printf '%s' "$out" | grep -q "$NO"; then ok nodamon-probe-refuses
	else bad nodamon-probe-refuses "rc=$rc"; fi
	/bin/hotcold-guest /tmp/hc0 0 & W0=$!
	wait_file /tmp/hc0
	run $G record /tmp/n0.dpf --pid $W0 --seconds 2; rc=$?
	if [ $rc != 0 ] && printf '%s' "$out" | grep -q "$NO"; then ok nodamon-record-refuses
	else bad nodamon-record-refuses "rc=$rc"; fi
	if [ -x /bin/daprof ]; then
		run daprof record -q --backend damon -d 2 -p $W0 -o /tmp/n1.data; rc=$?
		if [ $rc != 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		   printf '%s' "$out" | grep -q "^daprof: $NO"; then
			ok nodamon-daprof-refuses-damon
		else
			bad nodamon-daprof-refuses-damon "rc=$rc"
		fi
		if run daprof record -q -d 3 -p $W0 -o /tmp/n2.data && run $G meta /tmp/n2.data backend &&
		   [ "$out" = sampler ]; then
			ok nodamon-daprof-auto-sampler
		else
			bad nodamon-daprof-auto-sampler "backend=$out"
		fi
		run daprof check
		if printf '%s\n' "$out" | grep -q "^backend damon  *unavailable for -p/--: $NO" &&
		   printf '%s\n' "$out" | grep -q "^backend damon  *unavailable for --paddr: $NO" &&
		   printf '%s\n' "$out" | grep -q '^auto  *sampler'; then
			ok nodamon-daprof-check
		else
			bad nodamon-daprof-check
		fi
	else
		echo "CHECK nodamon-daprof skip (no static daprof in this build)"
	fi
	kill $W0; wait $W0 2>/dev/null
	finish
fi

# 1. probe
if run $G probe && run $G probe --paddr; then ok probe-usable; else bad probe-usable; fi

# 2. vaddr by pid, tried_regions
/bin/hotcold-guest /tmp/hc1 0 & W1=$!
wait_file /tmp/hc1
if run $G record /tmp/v1.dpf --source tried_regions --pid $W1 --seconds 6 &&
   [ "$(field source)" = tried_regions ] && heat_ok /tmp/v1.dpf /tmp/hc1; then
	ok vaddr-pid-tried-regions "hot=$h cold=$c"
else
	bad vaddr-pid-tried-regions "hot=$h cold=$c"
fi

# 3. vaddr by pid, default source: auto must pick the tracepoint here
if run $G record /tmp/v2.dpf --pid $W1 --seconds 6 && [ "$(field source)" = tracepoint ] &&
   heat_ok /tmp/v2.dpf /tmp/hc1; then
	ok vaddr-pid-tracepoint-auto "hot=$h cold=$c"
else
	bad vaddr-pid-tracepoint-auto "source=$(field source) hot=$h cold=$c"
fi

# 4. another kdamond running: probe and start refuse, the other one is left alone;
#    then SIGINT stops the first recorder and leaves no kdamond
$G record /tmp/v4.dpf --pid $W1 --seconds 100 >/tmp/rec4.out 2>&1 & R4=$!
i=0; while [ "$(cat $D/0/state 2>/dev/null)" != on ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
run $G probe; p=$out
run $G record /tmp/v5.dpf --pid $W1 --seconds 2; rc=$?
st=$(cat $D/0/state)
if printf '%s' "$p" | grep -q 'DAMON is in use by another kdamond' && [ $rc = 1 ] &&
   printf '%s' "$out" | grep -q 'in use by another kdamond' && [ "$st" = on ]; then
	ok busy-other-kdamond
else
	bad busy-other-kdamond "probe='$p' rc=$rc state=$st"
fi
kill -INT $R4; wait $R4; rc=$?
out=$(cat /tmp/rec4.out); printf '%s\n' "$out" | sed 's/^/INFO /'
if [ $rc = 0 ] && [ "$(field end)" = signal ] && no_kdamond; then ok sigint-leaves-no-kdamond
else bad sigint-leaves-no-kdamond "rc=$rc"; fi

# 5. the sampler's soft-dirty primitive on the same workload (writes hot, not cold)
read HL HH CL CH </tmp/hc1
if $G 2>&1 | grep -q softdirty; then
	if run $G softdirty $W1 $HL $CL; then ok softdirty-primitive; else bad softdirty-primitive; fi
else
	echo "CHECK softdirty-primitive skip (guest-damon built without the sampler)"
fi
kill $W1; wait $W1 2>/dev/null

# 6. vaddr by launching the command
if run $G record /tmp/v6.dpf --seconds 6 --update 200000 -- /bin/hotcold-guest /tmp/hc6 10 &&
   wait_file /tmp/hc6 && heat_ok /tmp/v6.dpf /tmp/hc6; then
	ok vaddr-launched "hot=$h cold=$c"
else
	bad vaddr-launched "hot=$h cold=$c"
fi
no_kdamond || bad no-kdamond-after-launch

# 7. the target dies: the recorder ends and nothing is left. With tried_regions the workload is
#    reaped at once (a subshell waits for it), so the kdamond stops by itself; with the
#    tracepoint it stays a zombie while the recorder runs (init is busy), which DAMON still
#    counts as alive: the backend must notice that itself.
for src in tried_regions tracepoint; do
	rm -f /tmp/hc7 /tmp/w7
	if [ $src = tried_regions ]; then
		( /bin/hotcold-guest /tmp/hc7 3 & echo $! >/tmp/w7; wait ) &
		wait_file /tmp/w7; W7=$(cat /tmp/w7)
	else
		/bin/hotcold-guest /tmp/hc7 3 & W7=$!
	fi
	wait_file /tmp/hc7
	if run $G record /tmp/v7.dpf --source $src --pid $W7 --seconds 60 &&
	   [ "$(field end)" = target ] && n=$(field snapshots) && [ "$n" -lt 150 ] && no_kdamond; then
		ok target-death-$src "snapshots=$n"
	else
		bad target-death-$src
	fi
	wait
done

# 8. paddr records System RAM
if run $G record /tmp/p.dpf --paddr --seconds 4 && [ "$(field snapshots)" -gt 0 ] &&
   run $G ram /tmp/p.dpf; then
	ok paddr-system-ram
else
	bad paddr-system-ram
fi
no_kdamond && ok nothing-left-running || bad nothing-left-running

# 9. the daprof program itself
if [ -x /bin/daprof ]; then
	/bin/hotcold-guest /tmp/hc9 0 & W9=$!
	wait_file /tmp/hc9
	if run daprof record -q --backend damon -d 5 -p $W9 -o /tmp/d1.data &&
	   daprof report raw -i /tmp/d1.data | grep -q '^# backend: damon' && heat_ok /tmp/d1.data /tmp/hc9; then
		ok daprof-record-damon-pid "hot=$h cold=$c"
	else
		bad daprof-record-damon-pid "hot=$h cold=$c"
	fi
	if run daprof record -q -d 2 -p $W9 -o /tmp/d2.data && run $G meta /tmp/d2.data backend &&
	   [ "$out" = damon ]; then
		ok daprof-auto-picks-damon
	else
		bad daprof-auto-picks-damon "backend=$out"
	fi
	daprof record -q --backend damon -p $W9 -o /tmp/d4.data >/tmp/d4.out 2>&1 & R9=$!
	sleep 3
	kill -INT $R9; wait $R9; rc=$?
	if [ $rc = 0 ] && daprof report raw -i /tmp/d4.data | grep -q '^snapshot' && no_kdamond; then
		ok daprof-sigint-leaves-no-kdamond
	else
		bad daprof-sigint-leaves-no-kdamond "rc=$rc $(cat /tmp/d4.out)"
	fi
	# the kernel's intervals tuning: used from 6.15 (intervals_goal), refused before; the
	# kdamond's CPU time is the cost either way
	rel=$(uname -r); maj=${rel%%.*}; min=${rel#*.}; min=${min%%[!0-9]*}
	daprof check >/tmp/check.out 2>&1
	if [ $((maj * 100 + min)) -ge 615 ]; then
		if grep -q '^damon auto-tuning  *available (intervals_goal)' /tmp/check.out &&
		   run daprof record -q --backend damon -d 3 --intervals-goal auto -p $W9 \
			-o /tmp/d5.data &&
		   daprof report raw -i /tmp/d5.data | grep -q '^# damon.intervals_tuning: kernel'; then
			ok daprof-intervals-goal-kernel
		else
			bad daprof-intervals-goal-kernel "$(grep auto-tuning /tmp/check.out)"
		fi
	else
		run daprof record --backend damon -d 2 --intervals-goal auto -p $W9 -o /tmp/d5.data; rc=$?
		if grep -q '^damon auto-tuning  *unavailable: .*no intervals_goal' /tmp/check.out &&
		   [ $rc = 1 ] && [ ! -e /tmp/d5.data ] &&
		   printf '%s\n' "$out" | grep -q "cannot tune its intervals (intervals_goal came in Linux 6.15)" &&
		   [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] && no_kdamond; then
			ok daprof-intervals-goal-refused-before-6.15
		else
			bad daprof-intervals-goal-refused-before-6.15 "rc=$rc $(grep auto-tuning /tmp/check.out)"
		fi
	fi
	k=$(daprof report raw -i /tmp/d1.data | sed -n 's/^# damon.kdamond_cpu_pct: //p' | tail -1)
	o=$(daprof report raw -i /tmp/d1.data | sed -n 's/^# overhead_self_pct: //p' | tail -1)
	if [ -n "$k" ] && [ -n "$o" ] && awk -v k="$k" -v o="$o" 'BEGIN { exit !(k > 0 && o >= k) }'; then
		ok daprof-kdamond-cpu "kdamond=$k% total=$o%"
	else
		bad daprof-kdamond-cpu "kdamond=$k total=$o"
	fi
	kill $W9; wait $W9 2>/dev/null
	if run daprof record -q --backend damon -d 6 -u 200ms -o /tmp/d3.data -- /bin/hotcold-guest /tmp/hc10 8 &&
	   heat_ok /tmp/d3.data /tmp/hc10; then
		ok daprof-record-damon-command "hot=$h cold=$c"
	else
		bad daprof-record-damon-command "hot=$h cold=$c"
	fi
	run daprof check
	no_kdamond || bad no-kdamond-after-daprof
else
	echo "CHECK daprof-record-damon skip (no static daprof with the damon backend in this build)"
fi

# benchmarks (emulated CPU: compare the figures with each other, not with real hardware)
if grep -q daprof.bench=1 /proc/cmdline; then
	for n in 100 1000 10000; do
		for src in tried_regions tracepoint; do
			k=20; [ $n = 10000 ] && k=8
			run $G record /tmp/b.dpf --paddr --min $n --max $n --source $src \
				--snapshots $k --seconds 40
			echo "BENCH regions=$n $out"
		done
	done
	no_kdamond || bad no-kdamond-after-bench
fi

finish
