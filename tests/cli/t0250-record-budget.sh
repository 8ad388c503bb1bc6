#!/bin/bash
# record --max-overhead with the sampler: on a busy target watched at a 1 ms sampling interval
# (a quarter of a core and more without a budget, in this project's VMs), a small budget
# lengthens the intervals (the windows last longer than asked) and keeps the recorder's
# measured share and its estimated cost to the target within a tolerance of it (3 times: the
# start, whose cost the controller has not yet seen, counts in the whole run's figure: a few
# windows at a quarter of a core, about 1 % of 12 s; and a noisy 2-core machine); the
# recording says what was asked and what it cost. --max-overhead 0 leaves the intervals as
# asked. Timing is not judged finely here: the margins are many times the noise; the figures
# themselves are tests/bench/record-budget.sh's.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads

wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
meta() { daprof report raw -i "$1" | sed -n "s/^# $2: //p" | tail -n 1; }
# spans REC: the snapshots' spans, in ms, shortest first
spans() {
	daprof report raw -i "$1" --format csv |
	awk -F, 'NR > 1 && !seen[$1]++ { print int(($4 - $3) / 1000000) }' | sort -n
}
median_span() { spans "$1" | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'; }
max_span() { spans "$1" | tail -n 1; }

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'record --max-overhead' "uffd-wp is not available here"
	test_done
fi

test_expect_success 'bad budgets are refused in one line' '
	test_expect_code 2 daprof record --max-overhead 101 -- true 2>err &&
	one_line err && grep -q "bad --max-overhead .101." err &&
	test_expect_code 2 daprof record --max-overhead -1 -- true 2>err &&
	one_line err &&
	test_expect_code 2 daprof record --max-overhead 2x -- true 2>err &&
	one_line err
'

test_expect_success 'no budget: the intervals stay as asked, and it costs more' '
	{ "$W/memtouch" 64 10 9 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q -b sampler --primitive uffd-wp -s 1ms -o free.data -d 6 \
		--max-overhead 0 -p $pid &&
	wait $pid &&
	test -z "$(meta free.data overhead_budget_pct)" &&
	test "$(meta free.data overhead_changes)" = 0 &&
	self=$(meta free.data overhead_self_pct) && tgt=$(meta free.data overhead_target_pct) &&
	span=$(median_span free.data) &&
	echo "no budget: recorder $self %, target $tgt %, median window $span ms" &&
	echo "$self" | grep -Eq "^[0-9]+\.[0-9]{2}$" &&
	echo "$tgt" | grep -Eq "^[0-9]+\.[0-9]{2}$" &&
	test "$span" -lt 300 &&
	awk -v s="$self" "BEGIN { exit !(s > 3) }"
'

test_expect_success 'a budget of 1 %: longer windows, the cost within 3 times it' '
	{ "$W/memtouch" 64 10 15 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q -b sampler --primitive uffd-wp -s 1ms -o ctl.data -d 12 \
		--max-overhead 1 -p $pid &&
	wait $pid &&
	test "$(meta ctl.data overhead_budget_pct)" = 1.00 &&
	self=$(meta ctl.data overhead_self_pct) && tgt=$(meta ctl.data overhead_target_pct) &&
	changes=$(meta ctl.data overhead_changes) && span=$(max_span ctl.data) &&
	echo "budget 1 %: recorder $self %, target $tgt %, $changes changes, longest window $span ms" &&
	test "$changes" -ge 1 &&
	test "$span" -ge 1000 &&
	awk -v s="$self" -v t="$tgt" "BEGIN { exit !(s + t <= 3) }"
'

test_expect_success 'the default budget: 2 % over the default intervals, none over asked ones' '
	{ "$W/memtouch" 16 10 4 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q -b sampler --primitive uffd-wp -o def.data -d 0.5 -p $pid &&
	daprof record -q -b sampler --primitive uffd-wp -o asked.data -d 0.5 -s 2ms -p $pid &&
	daprof record -q -b sampler --primitive uffd-wp -o both.data -d 0.5 -s 2ms \
		--max-overhead 3 -p $pid &&
	wait $pid &&
	test "$(meta def.data overhead_budget_pct)" = 2.00 &&
	test -z "$(meta asked.data overhead_budget_pct)" &&
	test "$(meta both.data overhead_budget_pct)" = 3.00
'

# An idle target (asleep): the goal (4 % of the possible events) sees far fewer and lengthens
# the sampling interval every 3 windows (up to twice): 5 ms, then 9 ms, 16 ms ... within 2.5 s.
test_expect_success 'the intervals goal lengthens the intervals on an idle target' '
	daprof record -q -b sampler --primitive uffd-wp -o goal.data --intervals-goal auto \
		--max-overhead 0 -- sleep 2.5 &&
	test -z "$(meta goal.data overhead_budget_pct)" &&
	changes=$(meta goal.data overhead_changes) && span=$(max_span goal.data) &&
	echo "goal on an idle target: $changes changes, longest window $span ms" &&
	test "$changes" -ge 2 &&
	test "$span" -ge 250
'

test_done
