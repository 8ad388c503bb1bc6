#!/bin/bash
# daprof record with the page-exact uffd-wp primitive, end to end: each workload of
# tests/workloads writes its ground truth (hot and cold address ranges) to a file; the recording,
# read back with "report raw --format csv", must show every hot range hot and every cold range
# cold at page precision (score-truth.awk). Attaching to a running process must leave it as it
# was: a system call it waits in, its signals, a stop, its threads.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
S=$DAPROF_TOP/tests/workloads
FAST="-q --primitive uffd-wp -s 4ms -a 40ms -u 200ms"	# 10 samples per aggregation

wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
wait_line() { for _ in $(seq 200); do grep -q "$1" "$2" && return 0; sleep 0.05; done; return 1; }
score() {	# RECORDING TRUTH: scores of the snapshots after the first 20 (0.8 s)
	daprof report raw -i "$1" --format csv |
		awk -v truth="$2" -v max=10 -v skip="${3:-20}" -f "$S/score-truth.awk"
}
# hot NAME / cold NAME: in the scores file "sc", the range is hot (or cold) in the typical
# snapshot (median share >= 0.9) and over all snapshots (share >= 0.8 x 0.9). Not 1.0: a target
# starved of CPU for a whole aggregation (the machine is shared; the ASan build of the recorder
# takes more of it) looks idle in that snapshot. A second argument lowers the bar.
hot() { awk -v n="$1" -v t="${2:-0.9}" '$1 == n && $4 >= t && $2 >= 0.8 * t { ok = 1 } END { exit !ok }' sc || { cat sc; return 1; }; }
cold() { awk -v n="$1" -v t="${2:-0.9}" '$1 == n && $5 >= t && $3 >= 0.8 * t { ok = 1 } END { exit !ok }' sc || { cat sc; return 1; }; }
# unharmed PID: alive, not traced, no range left registered for write-protection
unharmed() {
	grep -q "^TracerPid:[[:space:]]*0$" /proc/$1/status &&
	! grep -q "^State:.*t (tracing stop)" /proc/$1/status &&
	! grep "^VmFlags:" /proc/$1/smaps | grep -q " uw"
}

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'uffd-wp recordings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

# The 1 MiB hot global is small next to the regions around it, and DAMON's algorithm is slow to
# cut a sliver of it off a large cold neighbour: a split cuts a region at a random 10 %, 20 % ...
# 90 % point and only the left piece is cut again, so the last 10 % of a 16 MiB cold region is
# never smaller than 1.6 MiB; a piece holding 60 KiB of hot pages and 1.5 MiB of cold ones
# samples as 0 or 1 access per aggregation and merges back into its cold neighbour (merge
# threshold: max/10 = 1). Seen in a dumped recording (threads workload, 1 MiB buffers): the first
# 60 KiB of a hot buffer stayed in a 16 MiB cold region for all of 2 s. Kernel DAMON splits and
# merges the same way. Measured on a 2-core machine, scoring after 1.6 s: hot_global 0.875-0.992
# in 10 launched runs; attached, 0.95-1.0 in 12 runs but 0.64 in one more (heap buffers 0.99+
# throughout). So both cases record 3 s, score the last 1.4 s (skip 40 snapshots of 40 ms),
# keep 0.9 for the heap buffers and 0.8 for the cold global's coldness, and ask of the hot global
# only that it is mostly hot (0.5).
test_expect_success '-- CMD: hot and cold globals and heap buffers, at page precision' '
	daprof record $FAST -o rec.data -- "$W/hotcold" 3 truth >out &&
	grep -q "^hotcold: " out &&
	score rec.data truth 40 >sc &&
	hot hot_global 0.5 && hot hot_heap && cold cold_global 0.8 && cold cold_heap &&
	daprof info -i rec.data >info &&
	grep -q "primitive uffd-wp (sees writes, page)" info &&
	grep -q "closed cleanly" info && grep -q "hotcold 3 truth" info &&
	! grep -q "^caveat" info
'

test_expect_success '-p PID: the same at page precision, and the target runs on unharmed' '
	{ "$W/hotcold" 4.5 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record $FAST -o rec.data -d 3 -p $pid &&
	unharmed $pid &&
	wait $pid && grep -q "^hotcold: " out &&
	score rec.data truth 40 >sc &&
	hot hot_global 0.5 && hot hot_heap && cold cold_global 0.8 && cold cold_heap
'

# DAMON's semantics: only the sample pages (one per region per sampling interval) are protected.
# Protecting whole mappings at registration made every page the target wrote afterwards fault
# once (under -p, where the memory is resident at the start). writeall writes each of its 16384
# pages once, after the recorder has started watching; the sample pages protected meanwhile may
# fault (an idle sample page stays protected until written, so they add up: about 1400 here
# after 0.2 s at 4 ms sampling), the others must not (the old way: 16386 faults).
test_expect_success '-p PID: a page that is not sampled never faults' '
	{ "$W/writeall" 64 1 ready burst >out & pid=$!; } &&
	wait_file ready &&
	{ "$DAPROF" record ${FAST#-q} -o rec.data -d 10 -p $pid 2>err & rec=$!; } &&
	wait_line "^daprof: recording pid" err &&
	sleep 0.2 && touch ready.go &&
	wait $pid && wait $rec &&
	faults=$(sed -n "s/^writeall: .* \([0-9]*\) minor faults.*/\1/p" out) &&
	echo "minor faults in one pass over 16384 pages: $faults" &&
	test -n "$faults" && test "$faults" -lt 8192 &&
	grep -q "the target exited" err
'

# 4 MiB per thread, for the reason above: with 1 MiB buffers one of them scored 0.92-0.97 hot in
# 4 of 12 ASan runs and 0.88 in one CI run; with 4 MiB, 0.97 or more in 20 ASan runs.
test_expect_success 'threads: each thread'"'"'s buffer hot, the shared one cold' '
	{ "$W/threads" 3.5 2 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record $FAST -o rec.data -d 2 -p $pid &&
	unharmed $pid &&
	wait $pid &&
	score rec.data truth >sc &&
	hot hot_0 && hot hot_1 && cold cold
'

# The window is scored per snapshot from 0.4 s after each move. Precision and recall over all
# scored snapshots ranged 0.89-1.0 in 16 runs of the ASan build: one bad snapshot (the target
# starved of CPU, or the first period, before the regions have split up the buffer) weighs on
# the totals. So the typical snapshot (the median) must score >= 0.9, the totals >= 0.8.
test_expect_success 'a moving hot window is followed: median precision and recall >= 0.9' '
	daprof record $FAST -o rec.data -- "$W/movewin" 3 1000 truth >/dev/null &&
	daprof report raw -i rec.data --format csv >csv &&
	awk -v truth=truth -v max=10 -v settle=400000000 -f "$S/score-window.awk" csv >sc &&
	{ awk "\$2 >= 0.8 && \$4 >= 0.8 && \$6 >= 15 && \$8 >= 0.9 && \$10 >= 0.9 { ok = 1 }
		END { exit !ok }" sc || { cat sc; false; }; }
'

# Transparent huge pages: a write to a write-protected huge page splits it (the kernel's
# asynchronous uffd-wp fault path does), so the hot ones end up split while watched; the cold
# ones must stay whole, the scores must be right, and both the notice and the recording must say
# so. At the end the split ones are collapsed again (process_madvise MADV_COLLAPSE, Linux 6.1),
# and the notice says how much is huge again; on a kernel without it, that they stay split.
# memtouch: 64 MiB in huge pages, the first 16 MiB hot.
thp_huge() { awk '/^AnonHugePages:/ { print $2 }' /proc/$1/smaps_rollup; }
if ! grep -qs "\[always\]\|\[madvise\]" /sys/kernel/mm/transparent_hugepage/enabled; then
	test_skip 'huge pages' "transparent huge pages are off here"
else
test_expect_success 'huge pages: scored right; the cold ones stay whole; the split is told' '
	{ "$W/memtouch" 64 25 4 truth huge >out & pid=$!; } &&
	wait_file truth && before=$(thp_huge $pid) &&
	echo "AnonHugePages before: $before kB" &&
	test "$before" -ge 49152 &&
	daprof record ${FAST#-q} -o rec.data -d 2.5 -p $pid 2>err &&
	after=$(thp_huge $pid) && echo "after: $after kB" &&
	unharmed $pid && wait $pid &&
	score rec.data truth >sc &&
	hot hot && cold cold &&
	msg="uffd-wp splits the transparent huge pages that are written while watched (the target had $((before / 1024)) MiB of them); --primitive refs leaves them whole" &&
	grep -qxF "daprof: $msg" err &&
	daprof info -i rec.data >info &&
	grep -qxF "caveat           $msg" info &&
	if grep -q "^daprof: uffd-wp split [0-9]* MiB of the target.s huge pages, and they stay split: this kernel cannot" err
	then
		test "$after" -ge $((before - 16384))
	else
		re="^daprof: uffd-wp split [1-9][0-9]* MiB of the target.s huge pages; collapsed again" &&
		re="$re at detach: $((before / 1024)) of $((before / 1024)) MiB are huge pages now" &&
		grep -q "$re (process_madvise MADV_COLLAPSE)\$" err &&
		test "$after" -ge "$before" &&
		grep -q "^detach  *uffd-wp split" info
	fi
'

# A launched command has no huge pages at its exec: the notice comes once it has them, still once
test_expect_success '-- CMD with huge pages: the split is told once, as for -p' '
	daprof record ${FAST#-q} -o rec.data -- "$W/memtouch" 64 25 2.5 truth huge >out 2>err &&
	re="^daprof: uffd-wp splits the transparent huge pages that are written while watched" &&
	re="$re (the target had [0-9]* MiB of them); --primitive refs leaves them whole\$" &&
	test "$(grep -c "$re" err)" = 1 &&
	daprof info -i rec.data >info &&
	grep -q "^caveat  *uffd-wp splits the transparent huge pages" info
'
fi

test_expect_success 'a changing map: new mappings are watched and the maps are recorded' '
	daprof record $FAST -u 100ms -o rec.data -- "$W/mapunmap" 2 250 truth >out &&
	score rec.data truth >sc &&
	hot hot &&
	daprof report raw -i rec.data --format csv >csv &&
	read -r _ s0 s1 < <(grep "^slots " truth) &&
	awk -F, -v s0=$s0 -v s1=$s1 "NR > 1 && \$7 > 0 && \$5 < s1 && \$6 > s0 { n++ } END { exit !(n > 0) }" csv &&
	daprof info -i rec.data >info &&
	test "$(sed -n "s/^memory maps *//p" info)" -ge 4
'

# exec replaces the address space the userfaultfd belongs to: the primitive is opened again on
# the new program (a shell that execs the real program is the common case)
test_expect_success '-- CMD that calls exec: the new program is recorded' '
	daprof record ${FAST#-q} -o rec.data -- sh -c "sleep 0.3; exec \"$W/memtouch\" 32 25 2.5 truth" >out 2>err &&
	grep -q "^memtouch: " out &&
	grep -qF "the target called exec 1 time(s)" err &&
	daprof info -i rec.data >info &&
	test "$(sed -n "s/^target execs *//p" info)" = 1 &&
	score rec.data truth 25 >sc &&
	hot hot && cold cold
'

# right after an exec the new program may have only its loader mapped, with nothing to inject
# with: the recorder waits for it (t0561 saw "cannot inject ... safely" now and then); here a
# program without the C library stands for that moment, 0.3 s long, then execs the real one
test_expect_success '-- CMD that execs through a program without the C library: followed' '
	daprof record ${FAST#-q} -o rec.data -- \
		sh -c "exec \"$W/nolibc-exec\" \"$W/memtouch\" 32 25 2.5 truth" >out 2>err &&
	grep -q "^memtouch: " out &&
	! grep -q "cannot watch" err &&
	daprof info -i rec.data >info &&
	test "$(sed -n "s/^target execs *//p" info)" -ge 1 &&
	score rec.data truth 25 >sc &&
	hot hot && cold cold
'

test_expect_success '-p PID that calls exec: followed too, and unharmed' '
	{ sh -c "sleep 0.5; exec \"$W/memtouch\" 32 25 2.5 truth" >out & pid=$!; } &&
	sleep 0.1 &&
	daprof record $FAST -o rec.data -d 2.5 -p $pid &&
	unharmed $pid && wait $pid && grep -q "^memtouch: " out &&
	daprof info -i rec.data >info &&
	test "$(sed -n "s/^target execs *//p" info)" = 1 &&
	score rec.data truth 30 >sc &&
	hot hot && cold cold
'

# exec into a program that cannot be watched (here: someone else traces it by then, as a
# set-uid program would refuse a non-root recorder): the recording ends, finalized, and says why
test_expect_success 'exec into a program that cannot be watched: the recording ends and says why' '
	{ sh -c "sleep 1.2; exec \"$W/memtouch\" 16 25 1.5" >out & pid=$!; } &&
	sleep 0.1 &&
	{ "$DAPROF" record $FAST -o rec.data -d 4 -p $pid 2>err & rec=$!; } &&
	sleep 0.5 &&
	{ "$W/attacher" $pid 4 >att & att=$!; } &&
	test_when_finished "kill $att 2>/dev/null; wait" &&
	test_expect_code 1 wait $rec &&
	one_line err &&
	grep -q "monitoring stopped: the target called exec, and uffd-wp cannot watch the new program: cannot attach to pid $pid: it is already traced by pid $att" err &&
	grep -q "^seized$" att &&
	daprof info -i rec.data >info &&
	grep -q "closed cleanly" info
'

test_expect_success 'a target asleep in nanosleep() sleeps exactly as long' '
	{ "$W/blocker" sleep 2000 res & pid=$!; } &&
	wait_file res.pid &&
	sleep 0.2 && daprof record $FAST -o rec.data -d 0.4 -p $pid &&
	unharmed $pid && wait $pid &&
	read -r _ ms _ ret _ err _ usr1 <res &&
	test "$ret" = 0 && test "$err" = 0 && test "$usr1" = 0 &&
	test "$ms" -ge 1995 && test "$ms" -lt 2400
'

test_expect_success 'a target blocked in read() goes on reading, and gets its data' '
	mkfifo fifo &&
	{ "$W/blocker" read res <fifo & pid=$!; } &&
	exec 3>fifo &&
	wait_file res.pid &&
	sleep 0.2 && daprof record $FAST -o rec.data -d 0.4 -p $pid &&
	unharmed $pid &&
	echo hello >&3 && exec 3>&- &&
	wait $pid && grep -q "^read 6 .hello. errno 0 usr1 0$" res
'

test_expect_success 'a signal sent while recording reaches the target' '
	{ "$W/blocker" sleep 3000 res & pid=$!; } &&
	wait_file res.pid &&
	{ "$DAPROF" record $FAST -o rec.data -d 0.6 -p $pid & rec=$!; } &&
	sleep 0.3 && kill -USR1 $pid &&
	wait $rec && wait $pid &&
	grep -q "ret -1 errno 4 usr1 1$" res
'

test_expect_success 'a stopped target stays stopped' '
	{ "$W/blocker" sleep 600 res & pid=$!; } &&
	wait_file res.pid &&
	kill -STOP $pid && sleep 0.1 &&
	daprof record $FAST -o rec.data -d 0.3 -p $pid &&
	grep -q "^State:.*T (stopped)" /proc/$pid/status &&
	kill -CONT $pid && wait $pid &&
	grep -q "ret 0 errno 0 usr1 0$" res
'

test_done
