#!/bin/bash
# Each command's option table (its -h list, generated from the table) and the OPTIONS section of
# its man page name the same options (git's t0450, bpftool's test_bpftool_synctypes.py); and the
# parser takes options anywhere before "--", as git and perf do.
. "$(dirname "$0")/lib.sh"

# the options of "daprof CMD -h", one a line (-x and --long), sorted
opts_from_help() {
	case $1 in
	report-*) daprof report ${1#report-} -h ;;
	*) daprof $1 -h ;;
	esac | sed -n 's/^    \( *-.*\)/\1/p' | sed 's/^ *//; s/  .*//' |
		grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' ,' | sort -u
}

# the options the man page's OPTIONS section lists in its .TP headings, sorted
opts_from_man() {
	awk '/^\.SH OPTIONS/ { on = 1; next } /^\.SH/ { on = 0 }
	     on && /^\.TP/ { getline; print }' "$DAPROF_TOP/Documentation/daprof-$1.1" |
		sed 's/\\f[RBIP]//g; s/\\-/-/g' | grep -oE -- '(^|[ "])--?[a-zA-Z][a-zA-Z-]*' | tr -d ' "' | sort -u
}

test_expect_success 'every option of every table is in its man page, and the other way round' '
	daprof --list-cmds >cmds &&
	test_line_count -ge 10 cmds &&
	for c in $(cat cmds); do
		opts_from_help $c >help.$c &&
		opts_from_man $c >man.$c &&
		{ diff -u help.$c man.$c >d.$c || { echo "$c: -h (-) and man page (+) differ:"; cat d.$c; exit 1; }; }
	done &&
	grep -qx -- --output help.report-heatmap &&
	grep -qx -- --time-range help.report-heatmap &&
	grep -qx -- -h help.check
'

test_expect_success 'the usage line of -h comes from the table' '
	daprof report raw -h >out &&
	head -2 out >first &&
	printf "%s\n%25s%s\n" \
		"usage: daprof report raw [-i <file>] [--time-range <a> <b>] [--addr-range <a> <b>] [--target <id>]" \
		"" "[--skip-snapshots <n>] [--format <fmt>]" >want &&
	diff want first &&
	grep -q "^    -i, --input <file> " out &&
	grep -q "^        --format <fmt> " out &&
	grep -q "^    -h, --help " out
'

test_expect_success 'options after the operands (convert IN OUT -f)' '
	daprof convert "$DAPROF_TOP/tests/data/damo/v33.json" out.data 2>err &&
	daprof convert "$DAPROF_TOP/tests/data/damo/v33.json" out.data -f 2>err &&
	grep -q "^daprof: converted" err &&
	test_expect_code 1 daprof convert "$DAPROF_TOP/tests/data/damo/v33.json" out.data 2>err &&
	grep -q "use --force" err
'

test_expect_success '"--" ends the options: what follows is an operand' '
	test_expect_code 2 daprof convert -- "$DAPROF_TOP/tests/data/damo/v33.json" out.data -f 2>err &&
	one_line err &&
	grep -q "unexpected argument .-f." err
'

test_expect_success 'values, clusters, abbreviations and "=" as getopt_long took them' '
	D="$DAPROF_TOP/tests/data/format-1.0.data" &&
	daprof report raw --format=csv -i "$D" >a &&
	daprof report raw -i"$D" --form csv >b &&
	daprof report raw --input="$D" --format csv >c &&
	test_cmp_bytes() { cmp "$1" "$2"; } &&
	test_cmp_bytes a b && test_cmp_bytes a c &&
	head -1 a | grep -qx "snapshot,target,start_ns,end_ns,start,end,nr_accesses,age"
'

test_expect_success 'errors keep their one line and exit 2' '
	test_expect_code 2 daprof report raw --format 2>err && one_line err &&
	grep -q "option .--format. needs a value" err &&
	test_expect_code 2 daprof report raw -i 2>err && one_line err &&
	grep -q "option .-i. needs a value" err &&
	test_expect_code 2 daprof report raw -z 2>err && one_line err &&
	grep -q "unknown option .-z." err &&
	test_expect_code 2 daprof report heatmap --log=1 2>err && one_line err &&
	grep -q "option .--log. takes no value" err &&
	test_expect_code 2 daprof report wss --p x 2>err && one_line err &&
	grep -q "ambiguous option .--p. (--plot, --percentiles)" err &&
	test_expect_code 2 daprof report raw --format xml 2>err && one_line err &&
	grep -q "unknown format .xml. (text, json, csv)" err &&
	test_expect_code 2 daprof report raw -f json 2>err && one_line err &&
	grep -q "unknown option .-f." err
'

test_expect_success 'record: options end at the command, which keeps its own' '
	test_expect_code 2 daprof record -p 1 -- true -p 2 2>err && one_line err &&
	grep -q "give only one target" err &&
	test_expect_code 2 daprof record -p 1 true --bogus 2>err && one_line err &&
	grep -q "give only one target" err
'

test_expect_success 'report wss -o is --plot, which stays' '
	mk="$DAPROF_BUILD/tests/tools/mkrec" &&
	"$mk" --synth rec.data 20 8 &&
	daprof report wss -i rec.data -o a.png >ta &&
	daprof report wss -i rec.data --plot b.png >tb &&
	cmp a.png b.png && cmp ta tb &&
	test "$(head -c 8 a.png | od -An -tx1 | tr -d " ")" = 89504e470d0a1a0a
'

test_done
