# Shared by the CLI tests (tests/cli/tNNNN-<cmd>-<what>.sh), git's t/test-lib.sh in small. It
# exists so that every assertion a test makes can fail, and a failure is never hidden.
#
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it shows' '
#   	daprof report raw -i rec.data >out &&
#   	grep -q "^nr_regions: 4$" out
#   '
#   test_expect_success 'what it refuses' '
#   	test_expect_code 2 daprof report raw --bogus 2>err &&
#   	test_line_count = 1 err
#   '
#   test_skip 'what' 'why'
#   test_done
#
# A body is one &&-chain, evaluated without "set -e"; its exit status is the verdict. Inside it:
#   test_must_fail CMD...        CMD exits 1..125 (success, a crash, a signal, 126/127 fail it)
#   test_expect_code N CMD...    CMD exits exactly N
#   test_might_fail CMD...       CMD exits 0..125: its status is not the point, a crash still is
#   test_line_count OP N FILE    FILE has OP N lines (OP: = != -lt -gt -le -ge)
#   one_line FILE                FILE holds exactly one line (the one-line error contract)
#   test_when_finished 'CMD'     run CMD when the body ends, passed or failed (clean-up: kill a
#                                background job); a failing CMD fails the test
# Rules, as in git: a loop ends each iteration with "|| return 1"; a command under test is not
# put upstream of a pipe ("daprof X | grep" loses its exit status: write "daprof X >out &&
# grep ... out"); a failure it expects is "test_must_fail daprof", never "! daprof" (which
# passes on a crash), and a status it does not care about is "test_might_fail CMD", never
# "CMD || true" (which, in a chain, also swallows every failure before it); a background job is
# "{ CMD & pid=$!; } &&" so that the chain goes on.
#
# Before it runs, each body is linted (DAPROF_TEST_CHAIN_LINT=0 turns it off): it is evaluated
# once as "(exit 117) && BODY" in a throwaway directory and must come out 117 having run nothing,
# which catches a command not joined by && at the top level of the body (git's test_chain_lint);
# each do...done must hold a "|| return" or "|| exit"; "! daprof" is refused. A body that fails
# the lint is reported as a failed test and not run.
#
# Each test runs in a subshell inside a fresh scratch directory $T, stdin from /dev/null; $DAPROF
# is the binary under test (plain or sanitizer build), $DAPROF_TOP the source tree,
# $DAPROF_BUILD the build folder. The last line printed is "# result: PASSED FAILED SKIPPED".
set -u
: "${DAPROF_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${DAPROF:=$DAPROF_TOP/daprof}"
: "${DAPROF_BUILD:=$DAPROF_TOP/build/plain}"
: "${DAPROF_TEST_CHAIN_LINT:=1}"
export DAPROF DAPROF_TOP DAPROF_BUILD
TEST_NAME=$(basename "$0" .sh)
TEST_ROOT=$(mktemp -d "/tmp/daprof-$TEST_NAME.XXXXXX")
_pass=0
_fail=0
_skip=0
_n=0
trap 'rm -rf "$TEST_ROOT"' EXIT

daprof() { "$DAPROF" "$@"; }

# a function, so that "return 1" in a body's loop ends the body with status 1 (as in git)
_eval_body() { eval "$1"; }

_lint_loops() {	# BODY: every do...done holds "|| return" or "|| exit", itself or in a nested loop
	printf '%s\n' "$1" | awk '
	{
		n = split($0, w, /[ \t;()]+/)
		for (i = 1; i <= n; i++) {
			t = w[i]
			if (substr(t, 1, 1) == "#") break
			if (t == "||" && d > 0)	# "|| return 1", "|| { echo why; return 1; }"
				for (j = i + 1; j <= n && w[j] != "done"; j++)
					if (w[j] ~ /^(return|exit)$/) ok[d] = 1
			if (t != "||") sub(/[&|<>].*$/, "", t)
			if (t == "do") { d++; ok[d] = 0 }
			else if (t == "done" && d > 0) {
				if (!ok[d]) bad = 1
				d--
				if (d > 0) ok[d] = 1
			}
		}
	}
	END { exit bad }'
}

_chain_lint() {	# BODY; the reason it is not one &&-chain goes to the test's log
	local out="$TEST_ROOT/lint.out"
	rm -rf "$TEST_ROOT/lint" && mkdir "$TEST_ROOT/lint" || return 1
	(cd "$TEST_ROOT/lint" && _in_test=1 && _eval_body "(exit 117) && $1

echo OK-\$?") </dev/null >"$out" 2>&1
	if [ "$(cat "$out")" != OK-117 ]; then
		echo "bug in the test: broken &&-chain or run-away here-doc (git's test_chain_lint; an"
		echo "\"|| handler\" at the top level of a body breaks it too: put it inside { } or a function):"
		sed 's/^/| /' "$out"
		return 1
	fi
	if ! _lint_loops "$1"; then
		echo "bug in the test: a loop without \"|| return 1\" (its failures would vanish)"
		return 1
	fi
	if printf '%s\n' "$1" | grep -Eq '(^|[;&|({][[:space:]]*)![[:space:]]+("?\$DAPROF"?|daprof)([[:space:]]|$)'; then
		echo "bug in the test: \"! daprof\" passes when daprof crashes; use test_must_fail"
		return 1
	fi
}

_run_test() {	# BODY
	T="$TEST_ROOT/$_n"
	mkdir -p "$T"
	if [ "$DAPROF_TEST_CHAIN_LINT" != 0 ] && ! _chain_lint "$1" >"$TEST_ROOT/$_n.log" 2>&1; then
		return 1
	fi
	(
		cd "$T" || exit 1
		_in_test=1 _cleanup= _cleanup_failed=
		_eval_body "$1"
		rc=$?
		eval "$_cleanup"
		if [ -n "$_cleanup_failed" ]; then echo "test_when_finished: a clean-up command failed"; fi
		[ $rc = 0 ] && [ -z "$_cleanup_failed" ]
	) </dev/null >>"$TEST_ROOT/$_n.log" 2>&1
}

_report() {	# $1 = ok?, $2 = description
	if [ "$1" = 0 ]; then
		_pass=$((_pass + 1))
		echo "ok $_n - $2"
	else
		_fail=$((_fail + 1))
		echo "not ok $_n - $2"
		sed 's/^/#   /' "$TEST_ROOT/$_n.log" | tail -25
	fi
}

test_expect_success() {	# DESCRIPTION BODY
	if [ $# != 2 ]; then
		echo "bug in the test: test_expect_success takes a description and a body ($# arguments)" >&2
		exit 1
	fi
	_n=$((_n + 1))
	_run_test "$2"
	_report $? "$1"
}

test_must_fail() {
	local rc=0
	"$@" || rc=$?
	if [ $rc = 0 ]; then echo "test_must_fail: '$*' succeeded"; return 1; fi
	if [ $rc -gt 125 ]; then echo "test_must_fail: '$*' died (exit $rc)"; return 1; fi
	return 0
}

test_might_fail() {
	local rc=0
	"$@" || rc=$?
	if [ $rc -gt 125 ]; then echo "test_might_fail: '$*' died (exit $rc)"; return 1; fi
	return 0
}

test_line_count() {
	local n
	if [ $# != 3 ]; then echo "bug in the test: test_line_count OP N FILE"; return 1; fi
	n=$(wc -l <"$3") || return 1
	if ! [ "$n" "$1" "$2" ]; then echo "test_line_count: $3 has $n lines, expected $1 $2:"; cat "$3"; return 1; fi
}

test_expect_code() {	# N CMD..., inside a body only
	if [ -z "${_in_test:-}" ]; then
		# the old definition form test_expect_code CODE 'desc' 'body' let a failing assertion
		# exit with the expected code; it is gone, and a test that still uses it stops here
		echo "bug in the test: test_expect_code is a command inside a test body:" >&2
		echo "  test_expect_success 'desc' 'test_expect_code $1 CMD... && ...'" >&2
		exit 1
	fi
	local want=$1 rc=0
	shift
	"$@" || rc=$?
	[ $rc = "$want" ] && return 0
	echo "test_expect_code: '$*' exited $rc, expected $want"
	return 1
}

test_when_finished() {	# CMD: run when the body ends, passed or failed (the last given first)
	if [ -z "${_in_test:-}" ]; then echo "bug in the test: test_when_finished outside a body" >&2; exit 1; fi
	_cleanup="{ $*
} || _cleanup_failed=1; $_cleanup"
}

test_skip() {
	_n=$((_n + 1))
	_skip=$((_skip + 1))
	echo "ok $_n # skip $1 ($2)"
}

one_line() { test_line_count = 1 "$1"; }

test_done() {
	echo "# result: $_pass $_fail $_skip"
	[ "$_fail" -eq 0 ]
}
