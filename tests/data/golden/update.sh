#!/bin/bash
# Remakes SHA256SUMS and out/ with the binary $DAPROF (default: the tree's daprof). Only for an
# output that a named bug fix changes on purpose; say which in the commit.
set -eu
cd "$(dirname "$0")"
G=$PWD
TOP=$(cd ../../.. && pwd)
export DAPROF=${DAPROF:-$TOP/daprof} DAPROF_TOP=$TOP DAPROF_BUILD=${DAPROF_BUILD:-$TOP/build/plain}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
bash "$G/gen.sh" "$TMP/out"
(cd "$TMP/out" && sha256sum * | LC_ALL=C sort -k2) >"$G/SHA256SUMS"
rm -rf "$G/out"
mkdir -p "$G/out"
# text outputs up to 4 KB, for readable diffs; images and big ones by hash only
for f in "$TMP"/out/*; do
	case $(basename "$f") in heat-png*|wss-plot-png*) continue;; esac
	[ "$(stat -c %s "$f")" -le 4096 ] && cp "$f" "$G/out/"
done
echo "$(wc -l <"$G/SHA256SUMS") outputs; $(du -sk "$G/out" | cut -f1) KB kept as text"
