#!/bin/bash
# report hot names C++ statics by their scope (design note 30): a static data member
# (Cache::slots), namespace variables (store::table, store::inner::deep, an anonymous
# namespace's counts) and function-scope statics of a member function and of a namespace's
# function defined outside it (Cache::touch::scratch, store::fill::buf), from the DWARF 4 and
# DWARF 5 that g++ writes (tests/symbols/hotcpp.cc).
. "$(dirname "$0")/lib.sh"

REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms"

if ! command -v g++ >/dev/null; then
	test_skip 'C++ statics by scope' "no g++ (tests/deps.sh installs it)"
	test_done
	exit 0
fi
if ! daprof check | grep -q "^primitive uffd-wp  *available"; then
	test_skip 'C++ statics by scope' "$(daprof check | grep "^primitive uffd-wp")"
	test_done
	exit 0
fi

row() { awk -F, -v n="$1" '$2 == n' "$2"; }
field() { row "$1" "$3" | cut -d, -f"$2"; }
B=$TEST_ROOT/b

test_expect_success 'setup: build hotcpp with DWARF 4 and 5, record each' '
	mkdir -p "$B" &&
	for d in 4 5
	do
		g++ -O1 -gdwarf-$d -Wall -Wl,--build-id -o "$B/hotcpp$d" "$DAPROF_TOP/tests/symbols/hotcpp.cc" &&
		(cd "$B" && daprof record $REC -o $d.data -- ./hotcpp$d 2 >$d.out) &&
		grep -q "^hotcpp: [1-9][0-9]* passes$" "$B/$d.out" || return 1
	done
'

for d in 4 5; do
	test_expect_success "DWARF $d: statics named by class, namespace and function" '
		daprof report hot -i "$B/'$d'.data" --format csv >hot.csv &&
		test "$(field Cache::slots 1 hot.csv)" = 1 &&
		test "$(field Cache::slots 3 hot.csv)" = object &&
		test "$(field Cache::slots 5 hot.csv)" = 524288 &&
		test "$(field store::table 1 hot.csv)" = 2 &&
		test "$(field store::inner::deep 5 hot.csv)" = 65536 &&
		test "$(field Cache::touch::scratch 5 hot.csv)" = 32768 &&
		test "$(field store::fill::buf 5 hot.csv)" = 16384 &&
		test "$(field "(anonymous namespace)::counts" 5 hot.csv)" = 16384 &&
		test "$(field Cache::cold 3 hot.csv)" = object &&
		test "$(field Cache::cold 1 hot.csv)" -gt "$(field store::fill::buf 1 hot.csv)" &&
		! grep -q "^[0-9]*,\(slots\|table\|deep\|scratch\|buf\|counts\|cold\)," hot.csv
	'
done

test_expect_success 'the JSON names a static data member by its class' '
	daprof report hot -i "$B/5.data" --format json >j &&
	grep -q "\"name\": \"Cache::slots\", \"kind\": \"object\", \"mapping\": \"hotcpp5\"" j
'

test_done
