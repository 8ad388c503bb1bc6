#!/bin/bash
# What the primitive cannot see is told everywhere, in one wording (report/sees.c): record says
# it in one line at the start with what to use instead; the headers of report hot, heatmap
# (--ascii and --tsv) and wss, and info, carry it; a per-mapping working set is labelled as
# such; "check" ranks the choices by what they see. A primitive that sees reads and writes page
# by page gets no note.
. "$(dirname "$0")/lib.sh"
MKREC="$DAPROF_BUILD/tests/tools/mkrec"
W=$DAPROF_BUILD/tests/workloads

# rec FILE SEES: a small recording whose primitive sees SEES
rec() {
	"$MKREC" "$1" <<-EOF
	meta backend sampler
	meta primitive p
	meta primitive_sees $2
	meta sample_us 5000
	meta aggr_us 100000
	map 0 0 0x10000 0x14000 0 rw-p [heap]
	snap 0 1000 100001000
	r 0x10000 0x12000 4 0
	r 0x12000 0x14000 0 0
	snap 0 100001000 200001000
	r 0x10000 0x14000 2 0
	EOF
}

WRITES="this primitive sees writes only: memory that is only read (a read-only table, code, a file read through mmap) shows as cold and is not in the working set"
MAPPINGS="this primitive sees whole mappings, not pages: it counts the bytes of a mapping that were touched, not where they lie, so objects of one mapping share its heat"

test_expect_success 'writes only: every report header and info carry the one caveat' '
	rec w.data "writes, page" &&
	daprof report hot -i w.data >hot &&
	grep -qxF "note: $WRITES" hot &&
	NO_COLOR=1 daprof report heatmap -i w.data --ascii --width 40 --height 4 >ascii &&
	grep -qxF "note: $WRITES" ascii &&
	daprof report heatmap -i w.data --tsv --width 2 --height 2 >tsv &&
	grep -qxF "# note: $WRITES" tsv &&
	daprof report wss -i w.data >wss &&
	grep -qxF "note: $WRITES" wss &&
	grep -q "^written set (writes only: memory that is only read is not in it): bytes of regions" wss &&
	daprof report wss -i w.data --series >series &&
	grep -qxF "note: $WRITES" series &&
	daprof info -i w.data >info &&
	grep -qxF "cannot see       $WRITES" info &&
	daprof report wss -i w.data --format json >wss.json &&
	daprof report hot -i w.data --format json >hot.json &&
	daprof report hints -i w.data --format json >hints.json &&
	for j in wss.json hot.json hints.json; do
		CAVEAT="$WRITES" python3 -c "
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d[\"caveat\"] == os.environ[\"CAVEAT\"], (sys.argv[1], d.get(\"caveat\"))
" $j || return 1
	done
'

test_expect_success 'per mapping: the caveat, and the working set says what it is' '
	rec m.data "reads+writes, mapping" &&
	daprof report wss -i m.data >wss &&
	grep -qxF "note: $MAPPINGS" wss &&
	grep -q "^working set (per mapping: bytes referenced, not where they lie): bytes of regions" wss &&
	daprof report hot -i m.data >hot &&
	grep -qxF "note: $MAPPINGS" hot &&
	daprof info -i m.data >info &&
	grep -qxF "cannot see       $MAPPINGS" info
'

test_expect_success 'writes by page, reads per mapping (uffd-wp+refs): its own caveat' '
	rec x.data "reads+writes, mapping; writes, page" &&
	daprof report wss -i x.data >wss &&
	grep -qxF "note: this primitive sees writes page by page but reads only per mapping: it counts the bytes of a mapping that were read, not where they lie, so read objects of one mapping share its heat" wss &&
	grep -q "^working set (writes by page, reads per mapping: bytes read, not where they lie): bytes of regions with nr_accesses >= 1 times their share of accessed samples" wss
'

test_expect_success 'reads and writes by page: no note anywhere' '
	rec p.data "reads+writes, page" &&
	daprof report wss -i p.data >wss &&
	daprof report hot -i p.data >hot &&
	NO_COLOR=1 daprof report heatmap -i p.data --ascii --width 40 --height 4 >ascii &&
	daprof info -i p.data >info &&
	! grep -q "^note: \|^cannot see" wss hot ascii info &&
	grep -q "^working set: bytes of regions" wss &&
	daprof report wss -i p.data --format json >wss.json &&
	grep -q "^  \"caveat\": null,$" wss.json
'

test_expect_success 'check ranks the choices: page-exact, then per mapping, then writes only' '
	DAPROF_SYSFS_ROOT=$PWD/no-damon daprof check >out &&
	grep "^rank " out >ranks &&
	sed -n 1p ranks | grep -q "^rank 1  *kernel DAMON (vaddr): reads and writes, page by page; unavailable$" &&
	refs=$(grep -n "primitive refs:" ranks | cut -d: -f1) &&
	uffd=$(grep -n "primitive uffd-wp:" ranks | cut -d: -f1) &&
	idle=$(grep -n "primitive page-idle:" ranks | cut -d: -f1) &&
	both=$(grep -n "primitive uffd-wp+refs:" ranks | cut -d: -f1) &&
	test "$idle" -lt "$both" && test "$both" -lt "$refs" && test "$refs" -lt "$uffd" &&
	grep -q "primitive uffd-wp: writes only (blind to memory that is only read); " ranks &&
	test_line_count = 6 ranks
'

if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'record says it at the start' "uffd-wp is not available here"
else
test_expect_success 'record says it at the start, in one line, with what to use instead' '
	DAPROF_SYSFS_ROOT=$PWD/no-damon daprof record -b sampler --primitive uffd-wp -s 5ms -a 50ms -d 1 \
		-o r.data -- "$W/memtouch" 8 50 1 truth >out 2>err &&
	grep "sees writes only" err >said &&
	test_line_count = 1 said &&
	grep -qxF "daprof: this primitive sees writes only: read-mostly memory will look idle; --primitive refs sees reads too, per mapping (this kernel'"'"'s DAMON has no vaddr)" said &&
	DAPROF_SYSFS_ROOT=$PWD/no-damon daprof record -q -b sampler --primitive uffd-wp -s 5ms -a 50ms -d 1 \
		-o r.data -- "$W/memtouch" 8 50 1 truth >out 2>err &&
	! grep -q "sees" err
'
fi

test_expect_success 'record with refs says what a per-mapping count is' '
	DAPROF_SYSFS_ROOT=$PWD/no-damon daprof record -b sampler --primitive refs -s 5ms -a 50ms -d 1 \
		-o r.data -- "$W/memtouch" 8 50 1 truth >out 2>err &&
	grep "sees whole mappings" err >said &&
	test_line_count = 1 said &&
	grep -qxF "daprof: this primitive sees whole mappings: the bytes touched are exact, where they lie in a mapping is not" said
'

test_done
