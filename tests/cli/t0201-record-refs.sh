#!/bin/bash
# daprof record with the per-mapping refs primitive: it sees reads and writes of whole mappings,
# so a hot mapping must come out hot and a cold mapping cold (but not ranges inside a mapping);
# it needs no ptrace, so it records a process that someone else traces, and "auto" falls back
# to it there, saying why.
. "$(dirname "$0")/lib.sh"
W=$DAPROF_BUILD/tests/workloads
S=$DAPROF_TOP/tests/workloads
FAST="--primitive refs -s 2ms -a 40ms -u 200ms"

wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }

# in the typical snapshot (median, >= 0.95) and over all of them (>= 0.8: a snapshot in which
# the target waited for a CPU looks cold; see score-truth.awk)
test_expect_success 'a hot mapping is hot and a cold mapping cold' '
	{ "$W/hotcold" 2.4 truth >out & pid=$!; } &&
	wait_file truth &&
	daprof record -q $FAST -o rec.data -d 1.8 -p $pid &&
	wait $pid &&
	daprof report raw -i rec.data --format csv >csv &&
	awk -v truth=truth -v max=20 -v skip=20 -f "$S/score-truth.awk" csv >sc &&
	{ awk "\$1 == \"hot_heap\" && \$4 >= 0.95 && \$2 >= 0.8 { h = 1 }
	     \$1 == \"cold_heap\" && \$5 >= 0.95 && \$3 >= 0.8 { c = 1 }
	     END { exit !(h && c) }" sc || { cat sc; false; }; }
'

test_expect_success 'the recording says what refs sees' '
	daprof record -q $FAST -o rec.data -- "$W/hotcold" 0.5 truth >/dev/null &&
	daprof info -i rec.data >info &&
	grep -q "backend  *sampler, primitive refs (sees reads+writes, mapping)" info &&
	! grep -q "^target execs" info
'

test_expect_success 'a traced process is recorded with refs, and auto says why it chose it' '
	{ "$W/traced" 3 beat & tracer=$!; } &&
	wait_file beat.pid && pid=$(cat beat.pid) &&
	test_when_finished "kill $pid 2>/dev/null; wait $tracer; :" &&
	daprof record -s 2ms -a 40ms -o rec.data -d 0.6 -p $pid 2>err &&
	grep -q "primitive refs chosen because uffd-wp: cannot attach to pid $pid: it is already traced by pid $tracer (traced)" err &&
	daprof record -q $FAST -o rec2.data -d 0.4 -p $pid &&
	daprof info -i rec2.data >info &&
	test "$(sed -n "s/^snapshots *\([0-9]*\).*/\1/p" info)" -ge 5 &&
	b1=$(cat beat) && sleep 0.3 && b2=$(cat beat) && test "$b1" != "$b2" &&
	grep -q "^TracerPid:[[:space:]]*$tracer$" /proc/$pid/status
'

test_done
