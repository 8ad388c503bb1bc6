# Shared by the CLI tests (tests/cli/tNNNN-<cmd>-<what>.sh), git's t/test-lib.sh in small:
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it shows' 'commands'
#   test_expect_success 'what it refuses' 'test_expect_code 2 daprof ... 2>err && one_line err'
#   test_skip 'what' 'why'
#   test_done
# Each test runs in a subshell inside a fresh scratch directory $T; $DAPROF is the binary under
# test (plain or sanitizer build), $DAPROF_TOP the source tree, $DAPROF_BUILD the build folder.
set -u
: "${DAPROF_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${DAPROF:=$DAPROF_TOP/daprof}"
: "${DAPROF_BUILD:=$DAPROF_TOP/build/plain}"
export DAPROF DAPROF_TOP DAPROF_BUILD
TEST_NAME=$(basename "$0" .sh)
TEST_ROOT=$(mktemp -d "/tmp/daprof-$TEST_NAME.XXXXXX")
_pass=0
_fail=0
_skip=0
_n=0
trap 'rm -rf "$TEST_ROOT"' EXIT

daprof() { "$DAPROF" "$@"; }

_run_test() {
	T="$TEST_ROOT/$_n"
	mkdir -p "$T"
	(_in_test=1 && cd "$T" && eval "$1") >"$TEST_ROOT/$_n.log" 2>&1
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

test_expect_success() {
	_n=$((_n + 1))
	_run_test "set -e; $2"
	_report $? "$1"
}

# Inside a test body, as commands of an &&-chain (git's t/test-lib.sh):
#   test_must_fail CMD...        CMD exits 1..125 (a crash, a signal or 126/127 is no "failure")
#   test_expect_code N CMD...    CMD exits exactly N
#   test_line_count OP N FILE    FILE has OP N lines (OP: = -lt -gt -le -ge !=)
test_must_fail() {
	local rc=0
	"$@" || rc=$?
	if [ $rc = 0 ]; then echo "test_must_fail: '$*' succeeded"; return 1; fi
	if [ $rc -gt 125 ]; then echo "test_must_fail: '$*' died (exit $rc)"; return 1; fi
	return 0
}

test_line_count() {
	local n
	n=$(wc -l <"$3") || return 1
	if ! [ "$n" "$1" "$2" ]; then echo "test_line_count: $3 has $n lines, expected $1 $2:"; cat "$3"; return 1; fi
}

test_expect_code() {
	if [ -n "${_in_test:-}" ]; then	# the command form: test_expect_code N CMD...
		local want=$1 rc=0
		shift
		"$@" || rc=$?
		[ $rc = "$want" ] && return 0
		echo "test_expect_code: '$*' exited $rc, expected $want"
		return 1
	fi
	# the old definition form (code, description, commands: the LAST command must exit with
	# code) is being retired: it cannot see a failing assertion earlier in the body
	_n=$((_n + 1))
	_run_test "$3"
	local rc=$?
	if [ "$rc" = "$1" ]; then _report 0 "$2"; else echo "# exit $rc, expected $1" >>"$TEST_ROOT/$_n.log"; _report 1 "$2"; fi
}

test_skip() {
	_n=$((_n + 1))
	_skip=$((_skip + 1))
	echo "ok $_n # skip $1 ($2)"
}

# one_line FILE: the file holds exactly one line (the error contract)
one_line() { [ "$(wc -l <"$1")" -eq 1 ] || { echo "expected one line in $1:"; cat "$1"; return 1; }; }

test_done() {
	echo "# result: $_pass $_fail $_skip"
	[ "$_fail" -eq 0 ]
}
