#!/bin/bash
# Every command and report view answers -h with its usage (exit 0) and has a man page; unknown
# commands and options give one line and exit 2 (git's t0012 + t0450, bpftool's synctypes).
. "$(dirname "$0")/lib.sh"

test_expect_success 'every command accepts -h and has a man page' '
	daprof --list-cmds >cmds &&
	test -s cmds &&
	for c in $(cat cmds); do
		case $c in
		report-*) daprof report ${c#report-} -h >out ;;
		*) daprof $c -h >out ;;
		esac &&
		grep -q "^usage: daprof" out &&
		test -f "$DAPROF_TOP/Documentation/daprof-$c.1" || { echo "$c: no usage or no man page"; return 1; }
	done
'

test_expect_success 'man pages render without warnings' '
	for p in "$DAPROF_TOP"/Documentation/*.[157]; do
		MANWIDTH=80 man --warnings -l "$p" >/dev/null 2>err &&
		test ! -s err || { echo "$p:"; cat err; return 1; }
	done
'

test_expect_success '--version names the version and the format' '
	daprof --version >out &&
	grep -q "^daprof [0-9]*\.[0-9]*\.[0-9]* (recording format 1\.0)$" out
'

test_expect_success 'unknown command suggests the close one' '
	test_expect_code 2 daprof recrod 2>err &&
	one_line err && grep -q "did you mean .record." err
'

test_expect_success 'unknown report view suggests the close one' '
	test_expect_code 2 daprof report heatmpa 2>err &&
	one_line err && grep -q "did you mean .heatmap." err
'

test_expect_success 'no command is a usage error' '
	test_expect_code 2 daprof 2>err &&
	grep -q "^usage: daprof" err
'

test_expect_success 'unknown option is one line and exit 2' '
	test_expect_code 2 daprof info --frobnicate 2>err &&
	one_line err && grep -q "unknown option .--frobnicate." err
'

test_expect_success 'missing option value is one line and exit 2' '
	test_expect_code 2 daprof report raw --format 2>err &&
	one_line err && grep -q "needs a value" err
'

test_expect_success 'help for an unknown page fails in one line' '
	test_expect_code 1 daprof help nosuchcommand 2>err &&
	one_line err && grep -q "nosuchcommand" err
'

test_expect_success 'help opens the command man page' '
	MANPAGER=cat MANWIDTH=80 daprof help info >out 2>err &&
	grep -q "daprof-info" out
'

if [ -w /dev/full ]; then
	test_expect_success 'a full stdout is a failure, not a silent success' '
		test_expect_code 1 daprof --version >/dev/full 2>err &&
		one_line err && grep -q "cannot write to standard output" err
	'
else
	test_skip 'a full stdout is a failure, not a silent success' 'no writable /dev/full'
fi

test_done
