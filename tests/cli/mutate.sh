#!/bin/bash
# Can the CLI tests fail? Runs them against a daprof broken on purpose in a few standard ways and
# lists, for each test, the breakages that made it fail; a test that no breakage fails is named
# "NOT CAUGHT" (either it checks something these breakages do not touch, or an assertion of it
# cannot fail). Not part of "make check": it runs the suite once per breakage (minutes).
#
#   tests/cli/mutate.sh [tests/cli/tNNNN-....sh ...]      (default: every CLI test)
#   MUTATIONS="fail0 stderr+" tests/cli/mutate.sh ...      (a subset of the breakages)
#
# The breakages (a wrapper around the real binary, $DAPROF or ./daprof; SIGINT and SIGTERM are
# passed on to it): fail0 exits 1 where daprof succeeded; exitswap turns exit 1 into 2 and 2
# into 1; exit0 exits 0 where daprof failed; crash exits 134 (an abort) where daprof failed;
# stderr+ adds a line to stderr; nostdout drops stdout; lastline drops the last line of stdout.
# "none" runs the wrapper unbroken first: a test that fails there is flaky, or the wrapper
# changed something, and its other results mean nothing.
set -u
cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
REAL=${DAPROF:-$TOP/daprof}
MUTATIONS=${MUTATIONS:-"fail0 exitswap exit0 crash stderr+ nostdout lastline"}
[ $# -gt 0 ] || set -- tests/cli/t[0-9]*.sh
W=$(mktemp -d /tmp/daprof-mutate.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
chmod 755 "$W"	# tests run the binary as nobody too

cat >"$W/daprof" <<'EOF'
#!/bin/bash
# daprof, broken as $DAPROF_MUTATION says
tmp=$(mktemp -d /tmp/daprof-mutant.XXXXXX) || exit 99
out=/dev/stdout err=/dev/stderr
case $DAPROF_MUTATION in
stderr+) err=$tmp/err ;;
nostdout) out=/dev/null ;;
lastline) out=$tmp/out ;;
esac
"$DAPROF_REAL" "$@" <&0 >"$out" 2>"$err" &
child=$!
trap 'kill -INT $child 2>/dev/null' INT
trap 'kill -TERM $child 2>/dev/null' TERM
while :; do
	wait $child
	rc=$?
	kill -0 $child 2>/dev/null || break
done
case $DAPROF_MUTATION in
stderr+) cat "$tmp/err" >&2; echo "daprof: one line too many" >&2 ;;
lastline) head -n -1 "$tmp/out" ;;
esac
rm -rf "$tmp"
case $DAPROF_MUTATION:$rc in
fail0:0) rc=1 ;;
exitswap:1) rc=2 ;;
exitswap:2) rc=1 ;;
exit0:*) rc=0 ;;
crash:0) ;;
crash:*) rc=134 ;;
esac
exit $rc
EOF
chmod 755 "$W/daprof"

for m in none $MUTATIONS; do
	echo "== $m" >&2
	for t in "$@"; do
		DAPROF="$W/daprof" DAPROF_REAL="$REAL" DAPROF_MUTATION=$m DAPROF_TOP="$TOP" bash "$t" 2>&1 |
			sed -n -E "s#^(not ok|ok) ([0-9]+) - (.*)#$m	\1	$(basename "$t" .sh) \2 \3#p"
	done
done >"$W/results"

# per test: "caught by: ..." or NOT CAUGHT; "FLAKY" when it failed unbroken
awk -F'\t' '
	!($3 in seen) { seen[$3] = 1; order[++n] = $3 }
	$1 == "none" && $2 == "not ok" { flaky[$3] = 1 }
	$1 != "none" && $2 == "not ok" { by[$3] = by[$3] " " $1 }
	END {
		for (i = 1; i <= n; i++) {
			k = order[i]
			if (flaky[k]) { print "FLAKY        " k; bad++ }
			else if (by[k] == "") { print "NOT CAUGHT   " k; bad++ }
			else print "caught by:" by[k] "   " k
		}
		exit bad > 0
	}' "$W/results"
