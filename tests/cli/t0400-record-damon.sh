#!/bin/bash
# "daprof record --backend damon" against tests/tools/fake-damon, a FUSE file system that answers
# like the kernel's DAMON sysfs tree (DAPROF_SYSFS_ROOT points the backend at it): the recording
# holds the fake's scripted regions, and each refusal is one clear line with exit 1. Needs root
# and /dev/fuse; runs in its own mount namespace so that the fake's mount vanishes with it.
if [ "$(id -u)" = 0 ] && [ -z "${T0400_NS:-}" ] && [ -e /dev/fuse ] &&
   unshare -m true 2>/dev/null; then
	T0400_NS=1 exec unshare -m bash -c 'mount --make-rprivate / && exec bash "$0" "$@"' "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fake-damon.sh"
trap 'fake_down; rm -rf "$TEST_ROOT"' EXIT

if [ -z "${T0400_NS:-}" ]; then
	why="needs root, /dev/fuse and unshare to mount the fake DAMON tree"
	test_skip 'record --backend damon against the fake kernel' "$why"
	test_done
	exit
fi

fake_up --region 0x10000000,0x10800000,10 --region 0x10800000,0x14000000,0
sleep 1000 & TARGET=$!
export DAPROF_SYSFS_ROOT=$M/admin DAPROF_DAMON_SOURCE=tried_regions M TARGET

if true; then
	test_expect_success 'records the fake kernel'"'"'s regions' '
		daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o rec.data 2>err &&
		daprof report raw -i rec.data >raw &&
		grep -q "^# backend: damon" raw &&
		grep -q "^000010000000-000010800000 (     8388608)          10 " raw &&
		grep -q "^000010800000-000014000000 (    58720256)           0 " raw &&
		[ "$(grep -c ^snapshot raw)" -ge 5 ] &&
		grep -q "admin/kdamonds/0/state off = 0" "$M/fake/log" &&
		[ "$(cat "$M/admin/kdamonds/nr_kdamonds")" = 0 ]
	'
	test_expect_success 'another kdamond running: one line, exit 1' '
		echo 1 >"$M/admin/kdamonds/nr_kdamonds" && echo 1 >"$M/admin/kdamonds/0/contexts/nr_contexts" &&
		echo paddr >"$M/admin/kdamonds/0/contexts/0/operations" &&
		echo 1 >"$M/admin/kdamonds/0/contexts/0/targets/nr_targets" &&
		test_when_finished "echo 0 >\"\$M/admin/kdamonds/nr_kdamonds\"" &&
		echo on >"$M/admin/kdamonds/0/state" &&
		test_when_finished "echo off >\"\$M/admin/kdamonds/0/state\"" &&
		test_expect_code 1 daprof record --backend damon -d 1 -p $TARGET -o busy.data 2>err &&
		one_line err && grep -q "DAMON is in use by another kdamond" err && test ! -e busy.data
	'
	# the kernel's own DAMON modules start their kdamond exclusive: Debian's 6.17 starts
	# DAMON_STAT at boot, and "on" then fails with EBUSY (seen under qemu, tests/kernel)
	S=$TEST_ROOT/sys; export S
	test_expect_success 'a running DAMON_STAT is named in check and at record, auto takes the sampler' '
		mkdir -p "$S/module/damon_stat/parameters" &&
		echo Y >"$S/module/damon_stat/parameters/enabled" &&
		test_when_finished "rm -rf \"\$S\"" &&
		named="DAMON is in use by the kernel'"'"'s damon_stat module (writing N to '"'"'$S/module/damon_stat/parameters/enabled'"'"' frees it)" &&
		DAPROF_SYS_ROOT=$S daprof check >out &&
		grep -qF "backend damon        unavailable for -p/--: $named" out &&
		grep -qF "backend damon        unavailable for --paddr: $named" out &&
		grep -q "^auto  *sampler" out &&
		logged=$(wc -l <"$M/fake/log") &&
		DAPROF_SYS_ROOT=$S test_expect_code 1 daprof record --backend damon -d 1 -p $TARGET -o stat.data 2>err &&
		one_line err && test "$(cat err)" = "daprof: $named" && test ! -e stat.data &&
		test "$(wc -l <"$M/fake/log")" = "$logged" &&
		DAPROF_SYS_ROOT=$S daprof record -q -d 1 -p $TARGET -o auto.data &&
		daprof report raw -i auto.data >raw &&
		grep -q "^# backend: sampler" raw &&
		echo N >"$S/module/damon_stat/parameters/enabled" &&
		DAPROF_SYS_ROOT=$S daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o off.data &&
		daprof report raw -i off.data >raw &&
		grep -q "^# backend: damon" raw
	'
	test_expect_success 'a module with kdamond_pid is busy only while its kdamond runs' '
		mkdir -p "$S/module/damon_reclaim/parameters" &&
		test_when_finished "rm -rf \"\$S\"" &&
		echo Y >"$S/module/damon_reclaim/parameters/enabled" &&
		echo -1 >"$S/module/damon_reclaim/parameters/kdamond_pid" &&
		DAPROF_SYS_ROOT=$S daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o r1.data &&
		echo 4242 >"$S/module/damon_reclaim/parameters/kdamond_pid" &&
		DAPROF_SYS_ROOT=$S test_expect_code 1 daprof record --backend damon -d 1 -p $TARGET -o r2.data 2>err &&
		one_line err && grep -q "in use by the kernel'"'"'s damon_reclaim module" err && test ! -e r2.data
	'
fi
kill $TARGET; wait $TARGET 2>/dev/null
fake_down

# Linux 6.17.13 named tried_regions/<N> from a count kept across updates, in steps of two
fake_up --tried-gaps --region 0x10000000,0x10800000,10 --region 0x10800000,0x14000000,0
sleep 1000 & TARGET=$!
export DAPROF_SYSFS_ROOT=$M/admin DAPROF_DAMON_SOURCE=tried_regions
if true; then
	test_expect_success 'tried_regions named neither from 0 nor one after another' '
		daprof record -q --backend damon -d 1 -a 50ms -p $TARGET -o gaps.data 2>err &&
		test ! -s err &&
		daprof report raw -i gaps.data >raw &&
		grep -q "^000010000000-000010800000 (     8388608)          10 " raw &&
		grep -q "^000010800000-000014000000 (    58720256)           0 " raw &&
		[ "$(grep -c ^snapshot raw)" -ge 5 ] &&
		grep -q "^# damon.empty_tried_regions: 0$" raw
	'
fi
kill $TARGET; wait $TARGET 2>/dev/null
fake_down

fake_up --ops paddr
sleep 1000 & TARGET=$!
export DAPROF_SYSFS_ROOT=$M/admin
if true; then
	test_expect_success 'a paddr-only kernel is named in one line' '
		test_expect_code 1 daprof record --backend damon -d 1 -p $TARGET -o p.data 2>err &&
		one_line err && grep -q "this kernel'"'"'s DAMON offers only paddr" err &&
		test ! -e p.data &&
		test "$(cat "$M/admin/kdamonds/nr_kdamonds")" = 0
	'
fi
kill $TARGET; wait $TARGET 2>/dev/null
fake_down
test_done
