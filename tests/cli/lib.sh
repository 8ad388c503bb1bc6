# Shared by the CLI tests (tests/cli/tNNNN-<cmd>-<what>.sh), git's t/test-lib.sh in small:
#   . "$(dirname "$0")/lib.sh"
#   test_expect_success 'what it shows' 'commands'
#   test_expect_code 2 'what it shows' 'commands'
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
	(cd "$T" && eval "$1") >"$TEST_ROOT/$_n.log" 2>&1
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

test_expect_code() {	# code, description, commands: the LAST command must exit with code
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
