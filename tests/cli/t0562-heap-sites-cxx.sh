#!/bin/bash
# report hot --by site names C++ allocation sites by their demangled names, in the text, CSV
# and folded outputs (tests/symbols/heapcpp.cc): a member function of a class in a namespace
# that allocates with new[], and a function template that allocates with malloc. (Code
# symbols in the other rows keep their linker names, as "report hints --format c" needs.)
. "$(dirname "$0")/lib.sh"

REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms -u 100ms"

if ! command -v g++ >/dev/null; then
	test_skip 'C++ allocation sites' "no g++ (tests/deps.sh installs it)"
	test_done
	exit 0
fi
if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'C++ allocation sites' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

R=$TEST_ROOT/rec.data
test_expect_success 'setup: build heapcpp, record it with --heap-sites' '
	g++ -O1 -g -Wall -o "$TEST_ROOT/heapcpp" "$DAPROF_TOP/tests/symbols/heapcpp.cc" &&
	(cd "$TEST_ROOT" && daprof record $REC --heap-sites -o rec.data -- ./heapcpp 1.5 >out) &&
	grep -q "^heapcpp: [1-9][0-9]* passes$" "$TEST_ROOT/out"
'

test_expect_success 'csv: the sites by their C++ names, their bytes exactly' '
	daprof report hot -i "$R" --by site --format csv >s.csv &&
	grep -q "^[0-9]*,store::Index::build(unsigned long) (heapcpp.cc:[0-9]*),site,heapcpp,4194304," s.csv &&
	grep -q "^[0-9]*,\"\\{0,1\\}long\\* make_block<long>(unsigned long) (heapcpp.cc:[0-9]*)\"\\{0,1\\},site,heapcpp,2097152," s.csv &&
	grep ",site," s.csv >sites.csv &&
	test_line_count = 2 sites.csv &&
	! grep -q "_Z" sites.csv
'

test_expect_success 'text and folded: the same names, the caller demangled too' '
	daprof report hot -i "$R" --by site >s.txt &&
	grep -q "store::Index::build(unsigned long) (heapcpp.cc:[0-9]*)" s.txt &&
	daprof report hot -i "$R" --by site --format folded >s.folded &&
	grep -q "^store::Index::build(unsigned_long)_(heapcpp.cc:[0-9]*);main_(heapcpp.cc:[0-9]*);" s.folded &&
	grep -q "^long\\*_make_block<long>(unsigned_long)_(heapcpp.cc:[0-9]*);main_" s.folded &&
	grep " site " s.txt >sites.txt &&
	grep "(heapcpp.cc:" s.folded >sites.folded &&
	test_line_count = 2 sites.txt &&
	test_line_count = 2 sites.folded &&
	! grep -q "_Z" sites.txt sites.folded
'

test_done
