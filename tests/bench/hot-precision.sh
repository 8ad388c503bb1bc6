#!/bin/bash
# Precision of report hot's attribution (issue 10's benchmark): tests/workloads/hotsyms and the
# library it dlopens (tests/symbols/libhot.c) are recorded with the sampler, once per primitive
# that runs here (uffd-wp, refs), and for each known object the table gives its size, the bytes
# report hot attributed to it (the most that one snapshot covered) and the error, which should be
# within 5 %, with its access rate and hot share: what the primitive could tell about it. The
# bytes are exact whenever the object was covered at all (the split is by address, from the
# recorded maps); what differs by primitive is the heat: refs sees whole mappings, so the
# program's cold globals share the heat of its hot ones.
# hot_table, tick::scratch and lib_hot_table are written every pass, warm_table every eighth,
# cold_table and lib_cold_table once at the start.
set -u
cd "$(dirname "$0")/../.."
TOP=$PWD
B=${DAPROF_BUILD:-$TOP/build/plain}
DAPROF=${DAPROF:-$TOP/daprof}
SECONDS_RUN=${SECONDS_RUN:-4}
TMP=$(mktemp -d /tmp/daprof-hot-precision.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

cp "$B/tests/workloads/hotsyms" "$TMP/hotsyms"
cc -std=gnu11 -O1 -g -fPIC -shared -Wl,--build-id -o "$TMP/libhot.so" tests/symbols/libhot.c || exit 1
echo "# $SECONDS_RUN s of hotsyms per primitive, sampler at -s 5ms -a 100ms (defaults);" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-9s %-16s %9s %9s %8s %9s %7s\n' primitive object size bytes error rate_hz hot%
for prim in uffd-wp refs; do
	if ! "$DAPROF" check | grep -q "^primitive $prim  *available"; then
		echo "$prim: not available here: $("$DAPROF" check | grep "^primitive $prim")"
		continue
	fi
	(cd "$TMP" && "$DAPROF" record -b sampler -q --primitive $prim -o $prim.data -- \
		./hotsyms "$SECONDS_RUN" "$TMP/libhot.so" >/dev/null) || { echo "$prim: record failed"; continue; }
	"$DAPROF" report hot -i "$TMP/$prim.data" --format csv >"$TMP/$prim.csv"
	"$DAPROF" report hot -i "$TMP/$prim.data" | sed -n '2,3p' | grep -v "^by " | sed "s/^/# $prim: /"
	for o in hot_table:1048576 cold_table:1048576 warm_table:262144 tick::scratch:65536 \
		 lib_hot_table:16384 lib_cold_table:16384; do
		awk -F, -v n="${o%:*}" -v s="${o##*:}" -v p=$prim '
			$2 == n { found = 1; e = ($5 - s) * 100 / s
				  printf "%-9s %-16s %9d %9d %7.1f%% %9.2f %6.1f%s\n", p, n, s, $5, e, $6,
					 $7 * 100, (e < -5 || e > 5) ? "  (off by more than 5 %)" : "" }
			END { if (!found) printf "%-9s %-16s %9d %9s\n", p, n, s, "absent" }' "$TMP/$prim.csv"
	done
done
