#!/bin/bash
# "make check": builds and runs every test, plain and again under ASan+UBSan, then a short fuzz
# pass and the real-kernel tests. Prints each runner's summary, the tests it skipped (cmocka's
# skip() and the CLI tests' test_skip) and a closing "N passed, N failed, N skipped".
#
# As root, the tests run in a mount namespace where the host's /sys/kernel/mm/damon is read-only,
# so no test can ever write to the machine's own DAMON (a kdamond there belongs to the machine).
set -u
cd "$(dirname "$0")/.."
TOP=$PWD
DAMON=/sys/kernel/mm/damon
if [ "$(id -u)" = 0 ] && [ -d "$DAMON" ] && [ -z "${DAPROF_TEST_NS:-}" ] && command -v unshare >/dev/null; then
	export DAPROF_TEST_NS=1
	exec unshare -m sh -c 'mount --make-rprivate / 2>/dev/null; mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' \
		sh "$DAMON" "$0" "$@"
fi
if [ "$(id -u)" = 0 ] && [ -d "$DAMON" ]; then
	if touch "$DAMON/admin/.daprof-probe" 2>/dev/null; then
		rm -f "$DAMON/admin/.daprof-probe"
		echo "run-tests: $DAMON is writable; refusing to run tests as root" >&2
		exit 1
	fi
	echo "run-tests: $DAMON is read-only in this mount namespace"
fi

PASS=0
FAIL=0
SKIP=0
FAILED_NAMES=""
JOBS=${JOBS:-2}
export DAPROF_TOP=$TOP

fail_note() { FAIL=$((FAIL + ${2:-1})); FAILED_NAMES="$FAILED_NAMES $1"; }

# cmocka's closing lines: "[  PASSED  ] N test(s)." (skipped ones not included),
# "[  SKIPPED ] N test(s), listed below:" then one "[  SKIPPED ] name" per test, the same for FAILED
run_units() {	# $1 = build dir
	local bin out p f s
	for bin in "$1"/tests/unit/*; do
		[ -x "$bin" ] || continue
		out=$("$bin" 2>&1)
		local rc=$?
		printf '%s\n' "$out" | grep -E '^\[ *(PASSED|FAILED|SKIPPED|==========) ' | awk '!seen[$0]++' |
			sed "s|^|$(basename "$bin"): |"
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		s=$(printf '%s\n' "$out" | sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' | tail -1)
		PASS=$((PASS + ${p:-0})); SKIP=$((SKIP + ${s:-0}))
		if [ -n "$f" ] && [ "$f" -gt 0 ]; then
			fail_note "$bin" "$f"
			printf '%s\n' "$out" | grep -E 'FAILED|error|Error' | head -20
		elif [ $rc -ne 0 ]; then
			fail_note "$bin"
			echo "$bin: exited $rc"
			printf '%s\n' "$out" | tail -20
		fi
	done
}

run_clis() {	# $1 = build dir, $2 = daprof binary
	local t out res np nf ns rc
	for t in tests/cli/t[0-9]*.sh; do
		[ -f "$t" ] || continue
		out=$(DAPROF="$2" DAPROF_BUILD="$TOP/$1" bash "$t" 2>&1)
		rc=$?
		res=$(printf '%s\n' "$out" | sed -n 's/^# result: \([0-9]*\) \([0-9]*\) \([0-9]*\)$/\1 \2 \3/p' | tail -1)
		if [ -z "$res" ]; then
			fail_note "$t"
			echo "$t: no result line (exit $rc)"
			printf '%s\n' "$out" | tail -20
			continue
		fi
		read -r np nf ns <<<"$res"
		PASS=$((PASS + np)); SKIP=$((SKIP + ns))
		echo "$(basename "$t" .sh) ($(basename "$1")): $np passed, $nf failed, $ns skipped"
		printf '%s\n' "$out" | grep '^ok [0-9]* # skip ' | sed "s|^|$(basename "$t" .sh): |"
		if [ "$nf" -gt 0 ] || [ $rc -ne 0 ]; then
			fail_note "$t" "$(( nf > 0 ? nf : 1 ))"
			printf '%s\n' "$out" | grep -E '^(not ok|#)' | head -30
		fi
	done
}

build() {	# make arguments
	if ! make --no-print-directory -j"$JOBS" "$@" test-bins >/tmp/daprof-build.$$ 2>&1; then
		cat /tmp/daprof-build.$$ | grep -v '^cc \|^ar \|^rm ' | tail -40
		rm -f /tmp/daprof-build.$$
		echo "run-tests: build failed ($*)"
		return 1
	fi
	rm -f /tmp/daprof-build.$$
}

echo "== plain build"
if build && make --no-print-directory check-layers check-comments; then
	run_units build/plain
	run_clis build/plain "$TOP/daprof"
else
	fail_note "build"
fi

echo "== ASan+UBSan build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if build O=build/asan SANITIZE=1; then
	run_units build/asan
	run_clis build/asan "$TOP/build/asan/daprof"
else
	fail_note "asan-build"
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

echo "== fuzz (short pass over the seed corpus)"
if [ -x tests/fuzz/run.sh ]; then
	out=$(tests/fuzz/run.sh check "${FUZZ_CHECK_SECONDS:-20}" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^fuzz' 
	if [ $rc -eq 0 ]; then PASS=$((PASS + 1)); else fail_note fuzz; printf '%s\n' "$out" | tail -30; fi
fi

# 6.12 (bookworm-security) and 6.17 (trixie-backports, where the kernel tunes DAMON's intervals
# itself): about 65 s and 85 s here once the kernels are cached under build/kernel/
if [ -x tests/kernel/run.sh ]; then
	for series in 6.12 6.17; do
		echo "== real kernel under qemu ($series)"
		out=$(DAPROF_KERNEL_SERIES=$series tests/kernel/run.sh 2>&1)
		rc=$?
		printf '%s\n' "$out" | grep '^not ok'
		printf '%s\n' "$out" | tail -40
		res=$(printf '%s\n' "$out" | sed -n 's/^# result: \([0-9]*\) \([0-9]*\) \([0-9]*\)$/\1 \2 \3/p' | tail -1)
		if [ -n "$res" ]; then
			read -r np nf ns <<<"$res"
			PASS=$((PASS + np)); SKIP=$((SKIP + ns))
			if [ "$nf" -gt 0 ]; then fail_note "kernel-$series" "$nf"
			elif [ $rc -ne 0 ]; then fail_note "kernel-$series"; fi
		elif [ $rc -ne 0 ]; then
			fail_note "kernel-$series"
		fi
	done
fi

echo
[ -n "$FAILED_NAMES" ] && echo "failed:$FAILED_NAMES"
echo "$PASS passed, $FAIL failed, $SKIP skipped"
[ "$FAIL" -eq 0 ]
