#!/bin/bash
# False alarms and detection of "daprof diff"'s default gates on real recordings (the sampler,
# uffd-wp) of tests/workloads/diffwork: a 3-recording baseline of a 2 MiB hot set; then RUNS (10)
# more runs of the same work, each compared alone with the baseline (goal: 0 failures), and RUNS
# runs with the hot set 25 % larger (2.5 MiB; goal: RUNS failures). SECONDS_EACH (2.5) a run.
# Takes a few minutes; prints one line per comparison and the two counts.
set -u
cd "$(dirname "$0")/../.."
TOP=$PWD
B=${DAPROF_BUILD:-$TOP/build/plain}
DAPROF=${DAPROF:-$TOP/daprof}
RUNS=${RUNS:-10}
SECS=${SECONDS_EACH:-2.5}
REC="-b sampler -q --primitive uffd-wp -s 4ms -a 40ms"

if ! "$DAPROF" check | grep -q "^primitive uffd-wp  *available"; then
	echo "# diff-noise: skipped: $("$DAPROF" check | grep "^primitive uffd-wp")"
	exit 0
fi
TMP=$(mktemp -d /tmp/daprof-diff-noise.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cp "$B/tests/workloads/diffwork" "$TMP/"
cd "$TMP"
record() { "$DAPROF" record $REC -o "$1" -- ./diffwork "$SECS" "$2" >/dev/null; }

for i in 1 2 3; do record base$i.data 2048 || exit 1; done
echo "# baseline: 3 recordings of diffwork $SECS 2048 (KiB hot); load average $(cut -d' ' -f1-3 /proc/loadavg)"
false_alarms=0
detected=0
for kind in same grown; do
	kib=2048
	[ $kind = grown ] && kib=2560
	for i in $(seq "$RUNS"); do
		record new.data $kib || exit 1
		"$DAPROF" diff base1.data base2.data base3.data -- new.data >out 2>err
		rc=$?
		[ $rc = 2 ] && { cat err; exit 1; }
		printf '%-6s %2d  exit %d  %s | %s\n' $kind "$i" $rc \
			"$(grep -o 'wss.p90>+10%: [^(]*([^,]*, p=[^,]*' out)" "$(grep -o 'hot.bytes>+10%: [^(]*([^,]*, p=[^,]*' out)"
		if [ $kind = same ]; then
			false_alarms=$((false_alarms + (rc == 1)))
		else
			detected=$((detected + (rc == 1)))
		fi
	done
done
echo "diff default gates: false alarms $false_alarms of $RUNS (goal 0), 25 % larger hot set" \
	"detected $detected of $RUNS (goal $RUNS)"
