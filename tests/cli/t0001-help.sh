#!/bin/bash
# Every command and report view answers -h with its usage (exit 0) and has a man page; unknown
# commands and options give one line and exit 2 (git's t0012 + t0450, bpftool's synctypes).
. "$(dirname "$0")/lib.sh"

test_expect_success 'every command accepts -h and has a man page' '
	daprof --list-cmds >cmds
	test -s cmds
	for c in $(cat cmds); do
		case $c in
		report-*) daprof report ${c#report-} -h >out ;;
		*) daprof $c -h >out ;;
		esac
		grep -q "^usage: daprof" out || { echo "$c: no usage"; cat out; exit 1; }
		test -f "$DAPROF_TOP/Documentation/daprof-$c.1" || { echo "$c: no man page"; exit 1; }
	done
'

test_expect_success 'man pages render without warnings' '
	for p in "$DAPROF_TOP"/Documentation/*.[157]; do
		MANWIDTH=80 man --warnings -l "$p" >/dev/null 2>err || { echo "$p"; cat err; exit 1; }
		test ! -s err || { echo "$p:"; cat err; exit 1; }
	done
'

test_expect_success '--version names the version and the format' '
	daprof --version >out
	grep -q "^daprof [0-9]*\.[0-9]*\.[0-9]* (recording format 1\.0)$" out
'

test_expect_code 2 'unknown command suggests the close one' '
	daprof recrod 2>err; rc=$?
	one_line err && grep -q "did you mean .record." err && exit $rc
'

test_expect_code 2 'unknown report view suggests the close one' '
	daprof report heatmpa 2>err; rc=$?
	one_line err && grep -q "did you mean .heatmap." err && exit $rc
'

test_expect_code 2 'no command is a usage error' '
	daprof 2>err
'

test_expect_code 2 'unknown option is one line and exit 2' '
	daprof info --frobnicate 2>err; rc=$?
	one_line err && grep -q "unknown option .--frobnicate." err && exit $rc
'

test_expect_code 2 'missing option value is one line and exit 2' '
	daprof report raw --format 2>err; rc=$?
	one_line err && grep -q "needs a value" err && exit $rc
'

test_expect_code 1 'help for an unknown page fails' '
	daprof help nosuchcommand 2>err; rc=$?
	one_line err && exit $rc
'

test_expect_success 'help opens the command man page' '
	MANPAGER=cat MANWIDTH=80 daprof help info >out 2>err
	grep -q "daprof-info" out
'

test_expect_code 1 'a full stdout is a failure, not a silent success' '
	test -w /dev/full || exit 1
	daprof --version >/dev/full 2>err; rc=$?
	grep -q "cannot write to standard output" err && exit $rc
'

test_done
