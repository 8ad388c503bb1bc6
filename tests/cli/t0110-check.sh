#!/bin/bash
# daprof check: one line per backend and primitive; each verdict agrees with what the system
# shows by other means (the kernel's own config in /proc/config.gz, files under /sys and /proc,
# the kernel version); it writes nothing; it runs unprivileged; usage errors exit 2.
. "$(dirname "$0")/lib.sh"

config() {	# config OPTION: y, m or n, from /proc/config.gz; empty when unknown
	[ -r /proc/config.gz ] || return 0
	zcat /proc/config.gz | sed -n "s/^CONFIG_$1=\(.*\)/\1/p; s/^# CONFIG_$1 is not set/n/p"
}

test_expect_success 'one line per backend and primitive, and the choice of auto' '
	daprof check >out 2>err &&
	test ! -s err &&
	# damon: one line for -p/-- (vaddr), one for --paddr, one for the tracepoint
	test "$(grep -c "^backend damon  *\(available\|unavailable\) for " out)" = 2 &&
	test "$(grep -c "^damon tracepoint " out)" = 1 &&
	test "$(grep -c "^damon auto-tuning " out)" = 1 &&
	test "$(grep -c "^backend sampler " out)" = 1 &&
	for p in page-idle uffd-wp soft-dirty refs; do
		test "$(grep -c "^primitive $p  *\(available\|unavailable\): " out)" = 1 || return 1
	done &&
	test "$(grep -c "^auto " out)" = 1 &&
	! grep -v "^\(kernel\|damon operations\|damon auto-tuning\|damon tracepoint\|backend\|primitive\|rank [1-6]\|auto\) " out
'

# the kernel's sysfs code has functions named damon_sysfs_intervals_goal_* from 6.15
test_expect_success 'damon auto-tuning: available exactly when the kernel has intervals_goal' '
	daprof check >out &&
	if [ -n "${DAPROF_SYSFS_ROOT:-}" ] || [ ! -e /sys/kernel/mm/damon/admin ]; then
		grep -q "^damon auto-tuning " out
	elif ls /sys/kernel/mm/damon/admin/kdamonds/*/contexts/0/monitoring_attrs/intervals \
		>/dev/null 2>&1; then
		if ls -d /sys/kernel/mm/damon/admin/kdamonds/*/contexts/0/monitoring_attrs/intervals/intervals_goal >/dev/null 2>&1; then
			grep -q "^damon auto-tuning  *available (intervals_goal)" out
		else
			grep -q "^damon auto-tuning  *unavailable: .*no intervals_goal (Linux 6.15)" out
		fi
	elif grep -q " damon_sysfs_intervals_goal" /proc/kallsyms; then
		grep -q "^damon auto-tuning  *available (intervals_goal)" out
	elif grep -q " damon_sysfs_" /proc/kallsyms; then
		grep -q "^damon auto-tuning  *unavailable: .*no intervals_goal (Linux 6.15)" out
	else
		grep -q "^damon auto-tuning  *unknown until a kdamond exists" out
	fi
'

test_expect_success 'page-idle: unavailable exactly when the kernel has no idle page tracking' '
	daprof check >out &&
	if [ -e /sys/kernel/mm/page_idle/bitmap ] && [ "$(id -u)" = 0 ]; then
		grep -q "^primitive page-idle  *available" out
	else
		grep -q "^primitive page-idle  *unavailable: " out
	fi &&
	if [ "$(config IDLE_PAGE_TRACKING)" = n ]; then
		grep -q "^primitive page-idle  *unavailable: .*CONFIG_IDLE_PAGE_TRACKING" out
	fi
'

if [ "$(id -u)" = 0 ]; then
	test_expect_success 'page-idle can be pointed at a fake bitmap file' '
		: >bitmap &&
		DAPROF_PAGE_IDLE_BITMAP=$PWD/bitmap daprof check >out &&
		grep -q "^primitive page-idle  *available: sees reads+writes, page" out &&
		grep -q "^auto  *sampler with primitive page-idle" out &&
		test ! -s bitmap
	'
else
	test_skip 'page-idle can be pointed at a fake bitmap file' 'needs root'
fi

test_expect_success 'soft-dirty: available exactly when the kernel has CONFIG_MEM_SOFT_DIRTY' '
	daprof check >out &&
	case "$(config MEM_SOFT_DIRTY)" in
	y) grep -q "^primitive soft-dirty  *available: sees writes, page" out ;;
	n) grep -q "^primitive soft-dirty  *unavailable: .*never sets" out ;;
	*) grep -q "^primitive soft-dirty " out ;;
	esac
'

test_expect_success 'uffd-wp: available on x86-64 from Linux 6.7 with userfaultfd' '
	daprof check >out &&
	rel=$(uname -r) && maj=${rel%%.*} && min=${rel#*.} && min=${min%%[!0-9]*} &&
	if [ "$(uname -m)" = x86_64 ] && [ $((maj * 100 + min)) -ge 607 ] &&
	   [ "$(config USERFAULTFD)" != n ]; then
		grep -q "^primitive uffd-wp  *available: sees writes, page (attaching: " out
	else
		grep -q "^primitive uffd-wp  *unavailable: " out
	fi
'

# the huge-page side effect is told where huge pages can exist (see t0200 for the effect itself)
test_expect_success 'uffd-wp: says that it splits written huge pages where THP is on' '
	daprof check >out &&
	if grep -q "^primitive uffd-wp  *available" out &&
	   grep -qs "\[always\]\|\[madvise\]" /sys/kernel/mm/transparent_hugepage/enabled; then
		grep -q "^primitive uffd-wp .*); splits the transparent huge pages it sees written$" out
	fi
'

test_expect_success 'refs: available where /proc/PID/clear_refs is' '
	daprof check >out &&
	if [ -w /proc/self/clear_refs ]; then
		grep -q "^primitive refs  *available: sees reads+writes, mapping" out
	else
		grep -q "^primitive refs  *unavailable: " out
	fi
'

test_expect_success 'auto names the first available primitive' '
	daprof check >out &&
	first=$(sed -n "s/^primitive \([a-z-]*\)  *available:.*/\1/p" out | head -1) &&
	grep -q "^auto  *sampler with primitive $first\$" out
'

test_expect_success 'the damon lines read a sysfs tree and change nothing' '
	# a tree as the kernel shows it with two kdamonds of someone else: busy, read-only check
	mkdir -p fake/kdamonds/0/contexts/0 fake/kdamonds/1 &&
	echo 2 >fake/kdamonds/nr_kdamonds && echo on >fake/kdamonds/0/state &&
	echo off >fake/kdamonds/1/state && printf "vaddr\\nfvaddr\\npaddr\\n" >fake/kdamonds/0/contexts/0/avail_operations &&
	find fake -type f -exec md5sum {} + | sort >before &&
	DAPROF_SYSFS_ROOT=$PWD/fake daprof check >out &&
	grep -q "^damon operations  *vaddr,fvaddr,paddr (from $PWD/fake)\$" out &&
	grep -q "^backend damon  *unavailable for -p/--: DAMON is in use by another kdamond" out &&
	grep -q "^backend damon  *unavailable for --paddr: DAMON is in use by another kdamond" out &&
	grep -q "^auto  *sampler with primitive" out &&
	find fake -type f -exec md5sum {} + | sort >after && cmp before after &&
	# a kernel whose DAMON offers only paddr is named
	echo paddr >fake/kdamonds/0/contexts/0/avail_operations &&
	DAPROF_SYSFS_ROOT=$PWD/fake daprof check >out &&
	grep -q "^backend damon  *unavailable for -p/--: this kernel.s DAMON offers only paddr\$" out &&
	# and no tree at all
	DAPROF_SYSFS_ROOT=$PWD/none daprof check >out &&
	grep -q "^backend damon  *unavailable for -p/--: no DAMON sysfs interface at .$PWD/none.\$" out
'

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	test_expect_success 'it runs unprivileged and says what needs root' '
		chmod 755 . &&
		setpriv --reuid=65534 --regid=65534 --clear-groups "$DAPROF" check >out 2>err &&
		test ! -s err && grep -q "not root" out &&
		grep -q "^primitive refs  *available" out
	'
else
	test_skip 'it runs unprivileged and says what needs root' 'needs root and setpriv'
fi

test_expect_success 'an argument is a usage error, in one line' '
	test_expect_code 2 daprof check foo >out 2>err &&
	one_line err && test ! -s out
'
test_expect_success '-h prints the usage' '
	daprof check -h >out &&
	grep -q "^usage: daprof check" out
'

test_done
