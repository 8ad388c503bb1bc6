# Scores a recording of movewin against its ground truth (not a workload; lives beside them).
#   daprof report raw --format csv |
#       awk -v truth=FILE -v max=N [-v settle=NS] [-v from=NS] -f score-window.awk
# truth: movewin's file (buffer, window, period_ns, t0_ns); max: samples per aggregation. A page
# of the buffer is predicted hot in a snapshot when its region has nr_accesses > min (default 0,
# -v min=N for a threshold); the
# truth is the window's position during the snapshot. Snapshots that overlap a move, or start
# less than settle ns (default 0) after one, or start less than from ns after t0, are skipped.
# Prints the totals over the scored snapshots, then the median of the snapshots' own scores
# (a snapshot in which the target was starved of CPU weighs on the totals, not on the medians)
#   precision P recall R snapshots N median_precision MP median_recall MR
# With -v each=1, one line per scored snapshot first: "snapshot ID precision P recall R".
# With -v timed=1 no snapshot is skipped for overlapping a move (settle is ignored): each is
# scored against every position the window held during it, each weighed by how long it held it,
# so that a snapshot spanning a move counts the old window's bytes as false positives for the
# time after the move. This is the accuracy seen at the time resolution of the heat map, which
# long windows (an overhead budget's) lower; the totals are then byte-seconds, not bytes.
BEGIN {
	FS = ","
	while ((getline line < truth) > 0) {
		split(line, f, " ")
		if (f[1] == "buffer") { bs = f[2] + 0; be = f[3] + 0 }
		else if (f[1] == "window") win = f[2] + 0
		else if (f[1] == "period_ns") period = f[2] + 0
		else if (f[1] == "t0_ns") t0 = f[2] + 0
	}
	if (!win || !period || be <= bs) {
		print "score-window: bad truth file " truth > "/dev/stderr"
		exit 2
	}
	nwin = int((be - bs) / win)
	if (settle == "")
		settle = 0
	if (from == "")
		from = 0
	cur = -1
}
function flush() {
	if (cur >= 0 && ok) {
		nsnap++
		sp[nsnap] = stp + sfp ? stp / (stp + sfp) : 0
		sr[nsnap] = stp + sfn ? stp / (stp + sfn) : 0
		if (each)
			printf "snapshot %s precision %.4f recall %.4f\n", cur, sp[nsnap], sr[nsnap]
		tp += stp; fp += sfp; fn += sfn
	}
	cur = -1
	stp = sfp = sfn = 0
}
function median(v, n,	i, j, t) {	# sorts v[1..n] (insertion sort: n is a few hundred)
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n ? (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) : 0
}
NR == 1 { next }
{
	if ($1 != cur) {
		flush()
		cur = $1
		s0 = $3 + 0; s1 = $4 + 0
		k0 = int((s0 - t0) / period); k1 = int((s1 - t0) / period)
		ok = s0 >= t0 + from && (timed || (k0 == k1 && s0 - (t0 + k0 * period) >= settle))
		ws = bs + (k0 % nwin) * win; we = ws + win
	}
	if (!ok)
		next
	s = $5 + 0; e = $6 + 0; a = $7 + 0
	lo = s > bs ? s : bs; hi = e < be ? e : be
	if (hi <= lo)
		next
	if (timed) {
		for (k = k0; k <= k1; k++) {
			p0 = t0 + k * period; p1 = p0 + period
			w = ((s1 < p1 ? s1 : p1) - (s0 > p0 ? s0 : p0)) / 1e9
			if (w <= 0)
				continue
			ws = bs + (k % nwin) * win; we = ws + win
			ilo = lo > ws ? lo : ws; ihi = hi < we ? hi : we
			in_win = ihi > ilo ? ihi - ilo : 0
			if (a > min + 0) {
				stp += w * in_win
				sfp += w * ((hi - lo) - in_win)
			} else {
				sfn += w * in_win
			}
		}
		next
	}
	ilo = lo > ws ? lo : ws; ihi = hi < we ? hi : we
	in_win = ihi > ilo ? ihi - ilo : 0
	if (a > min + 0) {
		stp += in_win
		sfp += (hi - lo) - in_win
	} else {
		sfn += in_win
	}
}
END {
	flush()
	printf "precision %.4f recall %.4f snapshots %d median_precision %.4f median_recall %.4f\n",
		tp + fp ? tp / (tp + fp) : 0, tp + fn ? tp / (tp + fn) : 0, nsnap,
		median(sp, nsnap), median(sr, nsnap)
}
