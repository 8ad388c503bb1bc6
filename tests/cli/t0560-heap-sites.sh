#!/bin/bash
# daprof record --heap-sites and report hot --by site on a workload with allocation sites of known
# heat (tests/workloads/heapsites.c): the sites ranked by heat and by idleness with the names the
# symbolizer gives (function and file:line), the bytes of a large block exactly and of the many
# small sampled ones within the sampling error, folded stacks, and one-line refusals.
. "$(dirname "$0")/lib.sh"

W=$DAPROF_BUILD/tests/workloads
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms -u 100ms"

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'heap sites on uffd-wp recordings' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

# the CSV row of NAME (its first field up to " ("), and its field N
row() { awk -F, -v n="$1" '{ s = $2; sub(/ \(.*/, "", s) } s == n && $3 == "site"' "$2" | head -1; }
field() { row "$1" "$3" | cut -d, -f"$2"; }
# NAME's bytes are within PCT % of the truth's figure for it
near() {
	awk -F, -v n="$1" -v p="$2" -v t="$(awk -v n="$1" '$1 == n { print $2 }' "$TEST_ROOT/truth")" \
		'{ s = $2; sub(/ \(.*/, "", s) } s == n && $3 == "site" && $5 >= t * (1 - p / 100) &&
		 $5 <= t * (1 + p / 100) { ok = 1 } END { exit !ok }' "$3" || { row "$1" "$3"; return 1; }
}

# One recording for the tests below; 64 KiB sampling makes about 200 samples of the small nodes.
(cd "$TEST_ROOT" && daprof record $REC --heap-sites --heap-sample-bytes 64K -o rec.data -- \
	"$W/heapsites" 3 truth >hs.out) || echo "recording failed" >&2
R=$TEST_ROOT/rec.data

test_expect_success 'hot: the sites by heat, named by function and file:line' '
	daprof report hot -i "$R" --by site --format csv >hot.csv &&
	grep -q "^[0-9]*,hot_table (heapsites.c:[0-9]*),site,heapsites," hot.csv &&
	grep -q "^[0-9]*,make_node (heapsites.c:[0-9]*),site,heapsites," hot.csv &&
	grep -q "^[0-9]*,cold_index (heapsites.c:[0-9]*),site,heapsites," hot.csv &&
	test "$(field hot_table 1 hot.csv)" -lt "$(field cold_index 1 hot.csv)" &&
	test "$(field make_node 1 hot.csv)" -lt "$(field cold_index 1 hot.csv)" &&
	test "$(field make_node 1 hot.csv)" -lt "$(field grow_log 1 hot.csv)" &&
	! grep -q "^[0-9]*,scratch (" hot.csv
'

test_expect_success 'bytes: a large block exactly, the sampled small ones within the error' '
	daprof report hot -i "$R" --by site --format csv >hot.csv &&
	near hot_table 2 hot.csv &&
	near cold_index 2 hot.csv &&
	near grow_log 2 hot.csv &&
	near make_node 25 hot.csv
'

test_expect_success '--cold: the idle block first among the sites' '
	daprof report hot -i "$R" --by site --cold --format csv >cold.csv &&
	test "$(field cold_index 1 cold.csv)" -lt "$(field hot_table 1 cold.csv)" &&
	test "$(field grow_log 1 cold.csv)" -lt "$(field make_node 1 cold.csv)"
'

# (a loaded machine may starve the recorder's reader, and the ring fill: losses are then shown)
test_expect_success 'text: the recorded and lost counts, and the sampled mark' '
	daprof report hot -i "$R" --by site >hot.txt &&
	grep -q "^by site, " hot.txt &&
	grep -q "^heap sites: [0-9]* allocations recorded (every block of a page or more, smaller ones sampled once per 64 KiB)" hot.txt &&
	lost=$(daprof report raw -i "$R" | sed -n "s/^# heap_lost: //p" | tail -1) &&
	if [ "$lost" = 0 ]; then
		! grep -q "^heap sites lost" hot.txt
	else
		grep -q "^heap sites lost: $lost events (the channel was full)" hot.txt
	fi &&
	grep -q "\*make_node (heapsites.c" hot.txt &&
	grep -q "^\* bytes estimated from sampled blocks" hot.txt
'

test_expect_success 'folded: site;caller;... weight, for flame graphs' '
	daprof report hot -i "$R" --by site --format folded >f.txt &&
	grep -q "^hot_table_(heapsites.c:[0-9]*);main_(heapsites.c:[0-9]*);.* [0-9][0-9]*$" f.txt &&
	grep -q "^make_node_(heapsites.c:[0-9]*);main_(heapsites.c:[0-9]*);" f.txt
'

test_expect_success 'json: each site carries its stack' '
	daprof report hot -i "$R" --by site --format json >h.json &&
	grep -q "\"by\": \"site\"" h.json &&
	grep -q "\"name\": \"hot_table (heapsites.c:[0-9]*)\".*\"stack\": \"hot_table (heapsites.c:[0-9]*);main (heapsites.c:[0-9]*);.*\"stacks\": 1," h.json
'

# (the cold block only: whether the hot one is hot 90 % of its time depends on the machine's load)
test_expect_success 'hints name the allocation site of heap advice' '
	daprof report hints -i "$R" --idle 500ms >hints.txt &&
	grep -q "^by site, " hints.txt &&
	grep -q "^  allocated at cold_index (heapsites.c:[0-9]*): 32 MiB idle for .* -> MADV_\(COLD\|PAGEOUT\) on the block after it is built, or allocate it apart from the hot data$" hints.txt &&
	daprof report hints -i "$R" --idle 500ms --format c >hints.c &&
	grep -q "a heap block allocated at cold_index (heapsites.c:[0-9]*): advise the block where it is allocated" hints.c
'

test_expect_success 'the file records the sampling rate and what was recorded' '
	daprof report raw -i "$R" >raw.txt &&
	grep -q "^# heap_sites: 1$" raw.txt &&
	grep -q "^# heap_sample_bytes: 65536$" raw.txt &&
	grep -q "^# heap_lost: [0-9][0-9]*$" raw.txt &&
	grep -q "^# heap_programs: 1$" raw.txt
'

test_expect_success '--by site on a recording without heap sites: one line' '
	(cd "$TEST_ROOT" && test -f plain.data ||
	 daprof record $REC -o plain.data -- "$W/heapsites" 0.5 >/dev/null) &&
	test_must_fail daprof report hot -i "$TEST_ROOT/plain.data" --by site 2>err &&
	one_line err &&
	grep -q "has no heap allocation sites (record it with --heap-sites)" err &&
	daprof report hot -i "$R" --format csv >sym.csv &&
	grep -q ",main::nodes,object," sym.csv
'

test_expect_success 'refusals: -p, a bad rate, a missing library; no file is left' '
	test_expect_code 2 daprof record -b sampler --heap-sites -p $$ -o p.data 2>err &&
	one_line err && grep -q "does not inject it into a running process" err &&
	test_expect_code 2 daprof record -b sampler --heap-sample-bytes 0 -o p.data -- true 2>err &&
	one_line err && grep -q "bad --heap-sample-bytes" err &&
	DAPROF_HEAP_LIB=/nonexistent/lib.so test_expect_code 1 daprof record -b sampler -q \
		--heap-sites -o p.data -- true 2>err &&
	one_line err && grep -q "cannot use the heap-site library" err &&
	! test -e p.data
'

test_done
