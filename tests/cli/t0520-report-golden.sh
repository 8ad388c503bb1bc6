#!/bin/bash
# The reports give the same bytes as before the reading session (report/session.c) took over
# reading: tests/data/golden/gen.sh makes every output of "report heatmap" (PNG, --ascii, --tsv),
# "report wss" (text, csv, json, plot), "report raw" and "info" over the recordings of
# tests/data/, the converted damo fixtures and a few mkrec recordings, and each must match the
# SHA-256 in tests/data/golden/SHA256SUMS (made by the binary of commit 7b7c34c, before the
# change, except where a named bug fix changed an output: see that file's history). Small text
# outputs are kept in tests/data/golden/out/ so that a mismatch shows as a diff.
. "$(dirname "$0")/lib.sh"
G="$DAPROF_TOP/tests/data/golden"

# same_sums: the sums match; if not, which differ, and the difference of those kept as text
same_sums() {
	cmp -s want sums && return 0
	diff want sums
	for f in $(diff want sums | sed -n "s/^> [0-9a-f]*  //p"); do
		if [ -f "$G/out/$f" ]; then diff -u "$G/out/$f" "out/$f" | head -40; fi
	done
	return 1
}

test_expect_success 'every report output matches the saved one' '
	bash "$G/gen.sh" out &&
	(cd out && sha256sum * | LC_ALL=C sort -k2) >sums &&
	LC_ALL=C sort -k2 "$G/SHA256SUMS" >want &&
	same_sums
'

test_expect_success 'the comparison sees a changed output' '
	bash "$G/gen.sh" out &&
	echo changed >>out/info.small &&
	(cd out && sha256sum * | LC_ALL=C sort -k2) >sums &&
	LC_ALL=C sort -k2 "$G/SHA256SUMS" >want &&
	! cmp -s want sums
'

test_done
