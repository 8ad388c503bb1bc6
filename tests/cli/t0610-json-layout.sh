#!/bin/bash
# The JSON of report raw and report wss, byte for byte: cmd/json-writer.c goes through yajl's
# generator, and its layout (members on lines or inline) and escaping (bad UTF-8 as \u00XX) must
# stay what scripts and the man pages know.
. "$(dirname "$0")/lib.sh"

mkrec() { "$DAPROF_BUILD/tests/tools/mkrec" "$@"; }

test_expect_success 'report raw --format json, exactly' '
	hex=$(printf "a\"b\\\\c/\001\377\303\251\037\tz" | od -An -tx1 | tr -d " \n") &&
	printf "metahex cmd %s\nmeta k\376 v\nsnap 0 1000 2000\nr 4096 8192 1 0\nr 8192 12288 3 9\nsnap 1 1500 2500\n" \
		"$hex" | mkrec rec.data &&
	daprof report raw -i rec.data --format json >out &&
	printf "%s\n" "{" \
		"  \"snapshots\": [" \
		"    {\"snapshot\": 0, \"target\": 0, \"start_ns\": 1000, \"end_ns\": 2000, \"regions\": [" \
		"      {\"start\": 4096, \"end\": 8192, \"nr_accesses\": 1, \"age\": 0}," \
		"      {\"start\": 8192, \"end\": 12288, \"nr_accesses\": 3, \"age\": 9}" \
		"    ]}," \
		"    {\"snapshot\": 1, \"target\": 1, \"start_ns\": 1500, \"end_ns\": 2500, \"regions\": []}" \
		"  ]," \
		"  \"meta\": {" \
		"    \"cmd\": \"a\\\"b\\\\c/\\u0001\\u00ff$(printf "\303\251")\\u001f\\tz\"," \
		"    \"k\\u00fe\": \"v\"" \
		"  }" \
		"}" >expect &&
	cmp expect out
'

test_expect_success 'an empty recording is an empty list and an empty object' '
	: | mkrec empty.data &&
	daprof report raw -i empty.data --format json >out &&
	printf "{\n  \"snapshots\": [],\n  \"meta\": {}\n}\n" >expect &&
	cmp expect out
'

test_expect_success 'report wss --format json, exactly' '
	printf "meta backend sampler\nsnap 0 0 100\nr 0 4096 1 0\nsnap 0 100 200\nr 0 8192 2 0\n" |
		mkrec w.data &&
	daprof report wss -i w.data --format json --percentiles 50,100 >out &&
	printf "%s\n" "{" \
		"  \"input\": \"w.data\"," \
		"  \"backend\": \"sampler\"," \
		"  \"primitive\": null," \
		"  \"primitive_sees\": null," \
		"  \"caveat\": null," \
		"  \"min_accesses\": 1," \
		"  \"skip_snapshots\": 0," \
		"  \"targets\": [" \
		"    {\"target\": 0, \"snapshots\": 2, \"skipped\": 0, \"mean\": 6144.0, \"percentiles\": [{\"percentile\": 50, \"bytes\": 8192}, {\"percentile\": 100, \"bytes\": 8192}]}" \
		"  ]" \
		"}" >expect &&
	cmp expect out &&
	daprof report wss -i w.data --format json --series >out &&
	printf "%s\n" "{" \
		"  \"input\": \"w.data\"," \
		"  \"min_accesses\": 1," \
		"  \"series\": [" \
		"    {\"target\": 0, \"time_ns\": [0, 100], \"bytes\": [4096, 8192]}" \
		"  ]" \
		"}" >expect &&
	cmp expect out
'

test_done
