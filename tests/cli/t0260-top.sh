#!/bin/bash
# "daprof top": the live view. Under tmux (a real terminal: send-keys, capture-pane) the screen
# shows the working set and a mapping of the workload, p pauses (the frame counter stops), -
# and + zoom the time axis, s lists by symbol, q quits with exit 0 and the terminal as it was, and so does SIGTERM
# (SIGQUIT too, before it ends the process as it would);
# --batch prints N frames to stdout; -o records at the same time; bad options and a missing
# terminal exit 2 with one line. Always the sampler: no test here reaches kernel DAMON.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
FAST="-b sampler -s 2ms -a 40ms -u 200ms"

wait_file() { for _ in $(seq 600); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

# tmux on a socket of this test's own, one pane of 120x40 running the script "run"
TM="tmux -L daprof-t0260-$$ -f /dev/null"
start_pane() {
	$TM new-session -d -x 120 -y 40 "sh $PWD/run" &&
	$TM set-option -g remain-on-exit off >/dev/null
}
screen() { $TM capture-pane -p >screen.txt 2>/dev/null; }
# wait until the screen has a line matching the ERE $1 (30 s at most: a loaded machine)
wait_screen() {
	for _ in $(seq 600); do
		screen && grep -qE -- "$1" screen.txt && return 0
		sleep 0.05
	done
	echo "the screen never showed /$1/:"; cat screen.txt; return 1
}
frame_no() { sed -n 's/^daprof top: frame \([0-9]*\),.*/\1/p' screen.txt; }
# wait until the frame counter is above $1
wait_frame_above() {
	for _ in $(seq 600); do
		screen && test "$(frame_no)" -gt "$1" && return 0
		sleep 0.05
	done
	echo "the frame counter stayed at $(frame_no)"; return 1
}
pane_tty() { $TM display-message -p '#{pane_tty}'; }
# "stty -a" output FILE shows flag $2 exactly ("icanon" is not "-icanon")
has_flag() { tr ' ;' '\n\n' <"$1" | grep -qx -- "$2"; }

if ! command -v tmux >/dev/null; then
	test_skip 'the live view under tmux' 'tmux is not installed (tests/deps.sh installs it)'
else
test_expect_success 'the screen shows the working set and a mapping; p pauses; q quits, restored' '
	cat >run <<-EOF &&
	cd "$PWD"
	NO_COLOR=1 "$DAPROF" top $FAST -- "$W/hotcold" 30 truth 2>err
	echo \$? >rc
	stty -a >stty.after
	EOF
	test_when_finished "$TM kill-server 2>/dev/null; true" &&
	start_pane &&
	wait_screen "^working set [0-9.]+ [KMG]?i?B now, p50 .*, p90 " &&
	wait_screen "^hotcold +\|" &&
	grep -q "^hot: .*hotcold" screen.txt &&
	grep -q "^note: this primitive sees writes only" screen.txt &&
	grep -q "^legend: 0123456789" screen.txt &&
	stty -a -F "$(pane_tty)" >stty.during &&
	has_flag stty.during -icanon && has_flag stty.during -echo &&
	$TM send-keys p &&
	wait_screen "^daprof top: frame [0-9]+, .*\[paused\]" &&
	n1=$(frame_no) && sleep 1 && screen && n2=$(frame_no) &&
	test -n "$n1" && test "$n1" = "$n2" &&
	$TM send-keys p &&
	wait_screen "^daprof top: frame [0-9]+, 40 ms a column \|" &&
	wait_frame_above "$n2" &&
	$TM send-keys - &&
	wait_screen "^daprof top: frame [0-9]+, 80 ms a column" &&
	$TM send-keys + &&
	wait_screen "^daprof top: frame [0-9]+, 40 ms a column" &&
	$TM send-keys s &&
	wait_screen "^hot: .*hot_global" &&
	$TM send-keys q &&
	wait_file rc &&
	test "$(cat rc)" = 0 &&
	has_flag stty.after icanon && has_flag stty.after echo &&
	grep -q "^daprof: recording command, pid" err &&
	child=$(sed -n "s/^daprof: recording command, pid \([0-9]*\) .*/\1/p" err) &&
	! kill -0 $child 2>/dev/null
'

test_expect_success 'SIGTERM ends the view with the terminal restored' '
	cat >run <<-EOF &&
	cd "$PWD"
	"$DAPROF" top $FAST -p $$ -d 60 2>err
	echo \$? >rc
	stty -a >stty.after
	EOF
	{ "$W/hotcold" 30 truth >/dev/null & pid=$!; } &&
	test_when_finished "kill $pid; $TM kill-server 2>/dev/null; true" &&
	wait_file truth &&
	sed -i "s/-p $$/-p $pid/" run &&
	start_pane &&
	wait_screen "^working set " &&
	top=$(pgrep -f "top $FAST -p $pid" | head -1) && test -n "$top" &&
	kill -TERM $top &&
	wait_file rc &&
	test "$(cat rc)" = 0 &&
	has_flag stty.after icanon && has_flag stty.after echo &&
	grep -q "^TracerPid:[[:space:]]*0$" /proc/$pid/status
'

test_expect_success 'SIGQUIT gives the terminal back before its own action' '
	cat >run <<-EOF &&
	cd "$PWD"
	"$DAPROF" top $FAST -p PID -d 60 2>err
	echo \$? >rc
	stty -a >stty.after
	EOF
	{ "$W/hotcold" 30 truth >/dev/null & pid=$!; } &&
	test_when_finished "kill $pid; $TM kill-server 2>/dev/null; true" &&
	wait_file truth &&
	sed -i "s/-p PID/-p $pid/" run &&
	start_pane &&
	wait_screen "^working set " &&
	top=$(pgrep -f "top $FAST -p $pid" | head -1) && test -n "$top" &&
	kill -QUIT $top &&
	wait_file rc &&
	{ test "$(cat rc)" = 131 || { echo "exit $(cat rc)"; cat err; false; }; } &&
	has_flag stty.after icanon && has_flag stty.after echo
'
fi

test_expect_success '--batch prints N frames, and -o records at the same time' '
	daprof top --batch --frames 3 -o rec.data $FAST -- "$W/hotcold" 30 truth >out 2>err &&
	grep "^daprof top: frame " out >titles &&
	test_line_count = 3 titles &&
	sed -n 3p titles | grep -q "^daprof top: frame 3, 40 ms a column | recorder" &&
	grep -c "^working set [0-9.]* [KMG]*i*B now, p50" out >n && test "$(cat n)" = 3 &&
	grep -c "^legend: 0123456789" out >n && test "$(cat n)" = 3 &&
	grep -q "^hotcold  *|[0-9]" out &&
	! grep -q "$(printf "\033")" out &&
	grep -q "^daprof: wrote [0-9]* snapshots (.*) to .rec.data.$" err &&
	daprof info -i rec.data >info && grep -q "closed cleanly" info
'

test_expect_success '--symbols lists hot and cold by symbol' '
	daprof top --batch --symbols --frames 60 $FAST -- "$W/hotsyms" 30 >out 2>err &&
	grep "^hot: " out | tail -1 >hot &&
	grep "^cold: " out | tail -1 >cold &&
	grep -q "hot_table" hot && ! grep -q "cold_table" hot &&
	grep -q "cold_table .* idle" cold
'

test_expect_success '--batch of a running process leaves it untraced' '
	{ "$W/hotcold" 30 truth >/dev/null & pid=$!; } &&
	test_when_finished "kill $pid" &&
	wait_file truth &&
	COLUMNS=70 LINES=20 daprof top --batch --frames 2 $FAST -p $pid >out 2>err &&
	grep "^daprof top: frame " out >titles &&
	test_line_count = 2 titles &&
	awk "length > 69 { bad = 1 } END { exit bad }" out &&
	grep -q "^working set " out &&
	test ! -e daprof.data &&
	grep -q "^TracerPid:[[:space:]]*0$" /proc/$pid/status
'

test_expect_success 'bad options and a missing terminal exit 2 with one line' '
	test_expect_code 2 daprof top -b sampler -p 1 </dev/null >out 2>err &&
	one_line err && grep -q "not a terminal.*--batch" err &&
	test_expect_code 2 daprof top --batch --frames 0 -p 1 2>err &&
	one_line err && grep -q "bad --frames .0." err &&
	test_expect_code 2 daprof top --batch --frames x -p 1 2>err &&
	one_line err &&
	test_expect_code 2 daprof top --batch 2>err &&
	one_line err && grep -q "nothing to record" err &&
	test_expect_code 2 daprof top --batch -p 1 --paddr 2>err &&
	one_line err && grep -q "only one target" err &&
	test_expect_code 2 daprof top --batch -b bogus -p 1 2>err &&
	one_line err && grep -q "^daprof: unknown backend .bogus. .*daprof top -h" err &&
	test_expect_code 2 daprof top --batch -s 200ms -a 100ms -p 1 2>err &&
	one_line err && grep -q "exceeds the aggregation interval" err
'

test_done
