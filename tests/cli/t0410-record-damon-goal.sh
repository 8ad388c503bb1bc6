#!/bin/bash
# "daprof record --backend damon --intervals-goal" against tests/tools/fake-damon (see t0400 for
# the fake and why FUSE): the goal reaches the kernel's intervals_goal files before "on", the
# start sampling interval is moved into the goal's bounds, the tuned intervals are read back
# (update_tuned_intervals on 6.15, refresh_ms on 6.17+) and stored; a kernel without
# intervals_goal is refused in one line and --backend auto passes over to the sampler; the
# kdamond's CPU time is the cost; "daprof check" tells whether the kernel tunes. Needs root and
# /dev/fuse; runs in its own mount namespace so that the fake's mount vanishes with it.
if [ "$(id -u)" = 0 ] && [ -z "${T0410_NS:-}" ] && [ -e /dev/fuse ] &&
   unshare -m true 2>/dev/null; then
	T0410_NS=1 exec unshare -m bash -c 'mount --make-rprivate / && exec bash "$0" "$@"' "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake-damon.sh"
BUSY=""
# tune SAMPLE_US: once our kdamond is on, the fake kernel's tuning picks SAMPLE_US
tune_when_on() {
	(for _ in $(seq 200); do
		[ "$(cat "$M/admin/kdamonds/0/state" 2>/dev/null)" = on ] &&
			echo "tune 0 $1" >"$M/fake/ctl" && exit 0
		sleep 0.05
	done) &
}
meta() {	# meta FILE KEY: the value of KEY in the recording's last metadata
	daprof report raw -i "$1" | sed -n "s/^# $2: //p" | tail -1
}
trap 'fake_down; [ -n "$BUSY" ] && kill $BUSY; rm -rf "$TEST_ROOT"' EXIT

if [ -z "${T0410_NS:-}" ]; then
	why="needs root, /dev/fuse and unshare to mount the fake DAMON tree"
	test_skip 'record --backend damon --intervals-goal against the fake kernel' "$why"
	test_done
	exit
fi
sleep 1000 & TARGET=$!
export DAPROF_DAMON_SOURCE=tried_regions TARGET

# ---- 6.15: intervals_goal, no refresh_ms ----
fake_up --tree 6.15 --region 0x10000000,0x10800000,10 --region 0x10800000,0x14000000,0
export DAPROF_SYSFS_ROOT=$M/admin M

test_expect_success '6.15: the goal is written before on, the tuned intervals are read back' '
	tune_when_on 20000 && tuner=$! &&
	daprof record -q --backend damon -d 2 -s 5ms -a 50ms --intervals-goal 4%,3,5ms,1s \
		-p $TARGET -o goal.data 2>err &&
	wait $tuner &&
	test ! -s err &&
	sed -n "/intervals_goal\\/\\|0\\/state on/p" "$M/fake/log" >order &&
	cat >expect <<-\EOF &&
	admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/intervals_goal/access_bp 400 = 0
	admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/intervals_goal/min_sample_us 5000 = 0
	admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/intervals_goal/max_sample_us 1000000 = 0
	admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/intervals_goal/aggrs 3 = 0
	admin/kdamonds/0/state on = 0
	EOF
	diff -u expect order &&
	grep -q "^admin/kdamonds/0/state update_tuned_intervals = 0$" "$M/fake/log" &&
	! grep -q "refresh_ms" "$M/fake/log" &&
	test "$(meta goal.data damon.intervals_goal)" = \
		"access_bp=400,aggrs=3,min_sample_us=5000,max_sample_us=1000000" &&
	test "$(meta goal.data damon.intervals_tuning)" = \
		"kernel (read back by update_tuned_intervals)" &&
	test "$(meta goal.data damon.last_sample_us)" = 20000 &&
	test "$(meta goal.data damon.last_aggr_us)" = 200000 &&
	test "$(meta goal.data damon.sample_us_range)" = 5000-20000 &&
	test "$(meta goal.data damon.intervals_changes)" = 1 &&
	test "$(meta goal.data sample_us)" = 5000 &&
	test "$(meta goal.data aggr_us)" = 50000
'

test_expect_success '6.15: a start interval outside the goal is moved into it, as the kernel wants' '
	daprof record -q --backend damon -d 1 -s 1ms -a 20ms --intervals-goal auto \
		-p $TARGET -o clamp.data 2>err &&
	test "$(meta clamp.data sample_us)" = 5000 &&
	test "$(meta clamp.data aggr_us)" = 100000 &&
	meta clamp.data damon.intervals_goal_note | grep -q "sampling interval 1000 us was moved" &&
	grep -q "intervals/sample_us 5000 = 0" "$M/fake/log"
'

test_expect_success 'without a goal nothing of the tuning is written' '
	before=$(grep -c . "$M/fake/log") &&
	daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o off.data 2>err &&
	tail -n +$((before + 1)) "$M/fake/log" >log &&
	grep -q "state on = 0" log &&
	! grep -q "intervals_goal\|update_tuned_intervals" log &&
	test "$(meta off.data damon.intervals_tuning)" = off &&
	test -z "$(meta off.data damon.intervals_goal)"
'

test_expect_success 'check: a 6.15 context says the kernel tunes' '
	echo 1 >"$M/admin/kdamonds/nr_kdamonds" &&
	test_when_finished "echo 0 >\"\$M/admin/kdamonds/nr_kdamonds\"" &&
	echo 1 >"$M/admin/kdamonds/0/contexts/nr_contexts" &&
	daprof check >out &&
	grep -q "^damon auto-tuning  *available (intervals_goal)" out
'
fake_down

# ---- 6.18: refresh_ms keeps the files fresh ----
fake_up --tree 6.18 --region 0x10000000,0x10800000,10
export DAPROF_SYSFS_ROOT=$M/admin M

test_expect_success '6.18: refresh_ms, not update_tuned_intervals, brings the tuned intervals' '
	tune_when_on 40000 && tuner=$! &&
	daprof record -q --backend damon -d 2 -s 5ms -a 50ms --intervals-goal auto \
		-p $TARGET -o refresh.data 2>err &&
	wait $tuner &&
	grep -q "^admin/kdamonds/0/refresh_ms 50 = 0$" "$M/fake/log" &&
	! grep -q "update_tuned_intervals" "$M/fake/log" &&
	test "$(meta refresh.data damon.intervals_tuning)" = \
		"kernel (read back through refresh_ms)" &&
	test "$(meta refresh.data damon.last_sample_us)" = 40000 &&
	test "$(meta refresh.data damon.last_aggr_us)" = 400000
'
fake_down

# ---- 6.12: no intervals_goal ----
fake_up --tree 6.12 --region 0x10000000,0x10800000,10
export DAPROF_SYSFS_ROOT=$M/admin M

test_expect_success '6.12: -b damon with a goal is refused in one line, nothing left behind' '
	test_expect_code 1 daprof record --backend damon -d 1 --intervals-goal auto \
		-p $TARGET -o old.data 2>err &&
	one_line err &&
	grep -q "this kernel'"'"'s DAMON cannot tune its intervals (intervals_goal came in Linux 6.15)" err &&
	test ! -e old.data &&
	test "$(cat "$M/admin/kdamonds/nr_kdamonds")" = 0 &&
	! grep -q "state on" "$M/fake/log"
'

test_expect_success '6.12: -b auto with a goal passes over to the sampler and says why' '
	daprof record --backend auto -d 0.5 --intervals-goal auto -p $TARGET -o auto.data 2>err &&
	grep -q "damon backend passed over: this kernel'"'"'s DAMON cannot tune its intervals" err &&
	test "$(meta auto.data backend)" = sampler
'

test_expect_success '6.12: without a goal -b damon records, and check says no tuning' '
	daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o plain.data &&
	test "$(meta plain.data damon.intervals_tuning)" = off &&
	echo 1 >"$M/admin/kdamonds/nr_kdamonds" &&
	test_when_finished "echo 0 >\"\$M/admin/kdamonds/nr_kdamonds\"" &&
	echo 1 >"$M/admin/kdamonds/0/contexts/nr_contexts" &&
	daprof check >out &&
	grep -q "^damon auto-tuning  *unavailable: .*no intervals_goal (Linux 6.15)" out
'
fake_down

# ---- the kdamond's CPU time is the cost ----
sh -c 'while :; do :; done' & BUSY=$!
fake_up --kdamond-pid $BUSY --region 0x10000000,0x10800000,10
export DAPROF_SYSFS_ROOT=$M/admin M

test_expect_success 'a busy kdamond shows in overhead_self_pct, with the budget beside it' '
	daprof record -q --backend damon -d 1 -a 50ms --max-overhead 2 -p $TARGET -o cpu.data &&
	k=$(meta cpu.data damon.kdamond_cpu_pct) && r=$(meta cpu.data damon.recorder_cpu_pct) &&
	o=$(meta cpu.data overhead_self_pct) &&
	echo "$k $r $o" | grep -q "^[0-9]*\.[0-9][0-9] [0-9]*\.[0-9][0-9] [0-9]*\.[0-9][0-9]$" &&
	awk -v k=$k -v r=$r -v o=$o "BEGIN { exit !(k > 0 && o + 0.011 >= k + r && o <= k + r + 0.011) }" &&
	test "$(meta cpu.data overhead_budget_pct)" = 2.00
'

test_expect_success 'an asked budget over a busy kdamond lengthens its intervals online' '
	daprof record -q --backend damon -d 3 -s 5ms -a 50ms --max-overhead 2 -p $TARGET \
		-o ctl.data &&
	grep "^admin/kdamonds/0/state commit = 0$" "$M/fake/log" &&
	sed -n "s|^admin/kdamonds/0/contexts/0/monitoring_attrs/intervals/sample_us \([0-9]*\) = 0$|\1|p" \
		"$M/fake/log" >samples &&
	test "$(sort -n samples | tail -1)" -gt 5000 &&
	test "$(meta ctl.data overhead_changes)" -ge 1 &&
	daprof info -i ctl.data >info &&
	grep "^interval changes .*(budget [0-9]*)" info &&
	# a commit made after a snapshot rules the next one: the first that ran, under the asked
	# intervals, is never the one a change is stamped at
	daprof report raw -i ctl.data >raw &&
	first=$(sed -n "s/^# 0 \([0-9]*\) budget .*/\1/p" raw | head -1) &&
	daprof report raw --format json -i ctl.data >json &&
	start0=$(sed -n "s/.*\"snapshot\": 0, .*\"start_ns\": \([0-9]*\),.*/\1/p" json) &&
	test -n "$first" && test -n "$start0" && test "$first" -gt "$start0"
'

test_expect_success 'the default budget leaves a busy kdamond as asked' '
	before=$(grep -c "state commit" "$M/fake/log" || :) &&
	daprof record -q --backend damon -d 2 -p $TARGET -o dflt.data &&
	test "$(grep -c "state commit" "$M/fake/log" || :)" = "$before" &&
	test -z "$(meta dflt.data overhead_budget_pct)" &&
	test -z "$(meta dflt.data overhead_changes)"
'
fake_down
kill $BUSY; wait $BUSY 2>/dev/null; BUSY=""

sleep 1000 & IDLE=$!
fake_up --kdamond-pid $IDLE --region 0x10000000,0x10800000,10
export DAPROF_SYSFS_ROOT=$M/admin M

test_expect_success 'an idle kdamond costs nothing; no budget, no budget key' '
	daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o idle.data &&
	test "$(meta idle.data damon.kdamond_cpu_pct)" = 0.00 &&
	test -n "$(meta idle.data overhead_self_pct)" &&
	test -z "$(meta idle.data overhead_budget_pct)"
'
fake_down
kill $IDLE $TARGET; wait $IDLE $TARGET 2>/dev/null
test_done
