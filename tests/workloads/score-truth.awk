# Scores a recording against a workload's ground truth (not a workload; lives beside them).
#   daprof report raw --format csv | awk -v truth=FILE -v max=N [-v skip=S] -f score-truth.awk
# truth: "NAME START END" lines (decimal bytes, [START, END)); max: samples per aggregation
# (aggr/sample). For every range, over the snapshots numbered >= skip, prints
#   NAME HOT COLD MEDIAN_HOT MEDIAN_COLD
# HOT: share of the range's bytes x snapshots in regions with nr_accesses > 0 (a hot page is not
# written in every sampling interval when the target waits for a CPU); COLD: share in regions
# with nr_accesses == 0. A region across a range's edge shows in both: page precision is HOT
# and COLD near 1. max is kept for callers that want a threshold (-v min=N: HOT is > N).
# MEDIAN_HOT and MEDIAN_COLD are the medians of the same shares taken snapshot by snapshot: a
# snapshot in which the target was starved of CPU (all of it looks cold) weighs on HOT, but
# not on MEDIAN_HOT.
BEGIN {
	FS = ","
	n = 0
	while ((getline line < truth) > 0) {
		split(line, f, " ")
		if (f[1] == "" || substr(f[1], 1, 1) == "#")
			continue
		name[n] = f[1]; rs[n] = f[2] + 0; re[n] = f[3] + 0
		hot[n] = 0; cold[n] = 0; tot[n] = 0
		n++
	}
	if (!n) {
		print "score-truth: no ranges in " truth > "/dev/stderr"
		exit 2
	}
	if (skip == "")
		skip = 0
}
function flush(	i) {
	if (!open_snap)
		return
	nsnap++
	for (i = 0; i < n; i++) {
		sh[i, nsnap] = st[i] ? sho[i] / st[i] : 0
		sc[i, nsnap] = st[i] ? sco[i] / st[i] : 0
		st[i] = sho[i] = sco[i] = 0
	}
	open_snap = 0
}
function median(v, i, m,	k, j, t, a) {	# of v[i, 1..m]; insertion sort (m is a few hundred)
	for (k = 1; k <= m; k++)
		a[k] = v[i, k]
	for (k = 2; k <= m; k++)
		for (j = k; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return m ? (m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2) : 0
}
NR == 1 { next }
$1 + 0 >= skip + 0 {
	if (!open_snap || $1 != cur) {
		flush()
		cur = $1
		open_snap = 1
	}
	s = $5 + 0; e = $6 + 0; a = $7 + 0
	for (i = 0; i < n; i++) {
		lo = s > rs[i] ? s : rs[i]
		hi = e < re[i] ? e : re[i]
		if (hi <= lo)
			continue
		tot[i] += hi - lo
		st[i] += hi - lo
		if (a > min + 0) {
			hot[i] += hi - lo
			sho[i] += hi - lo
		}
		if (a == 0) {
			cold[i] += hi - lo
			sco[i] += hi - lo
		}
	}
}
END {
	flush()
	for (i = 0; i < n; i++)
		printf "%s %.4f %.4f %.4f %.4f\n", name[i], tot[i] ? hot[i] / tot[i] : 0,
			tot[i] ? cold[i] / tot[i] : 0, median(sh, i, nsnap), median(sc, i, nsnap)
}
