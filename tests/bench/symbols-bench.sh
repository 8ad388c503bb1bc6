#!/bin/bash
# Symbolization figures (report/symbols.c): the symbols fixture (a program linked against libc
# that dlopens a library of its own), python3 with a few extension modules loaded (libc, libm,
# libz, libssl, libpython and some 25 shared objects: a program with many libraries, mostly
# without DWARF) and a generated program with 100,000 global variables and their DWARF. Times
# the first lookup per file (the load), random lookups, and a walk.
set -u
cd "$(dirname "$0")/../.."
B=build/plain
W=build/bench-symbols
mkdir -p "$W"
if [ ! -x "$W/big" ]; then
	awk 'BEGIN {
		print "#include <stdio.h>"
		for (i = 0; i < 100000; i++)
			printf "int g%06d[%d];\n", i, 1 + i % 16
		for (i = 0; i < 1000; i++)
			printf "int f%04d(int x) { return g%06d[0] += x; }\n", i, i * 97
		print "int main(void) { FILE *f = fopen(\"/proc/self/maps\", \"r\"); int c;"
		print "  puts(\"maps\"); while (f && (c = getc(f)) != EOF) putchar(c); return f0001(1) > 1000; }"
	}' > "$W/big.c"
	t0=$(date +%s.%N)
	cc -O0 -g -fPIE -pie -o "$W/big" "$W/big.c" || exit 1
	echo "symbols: generated 100,000-global program compiled in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
fi
echo "# symbols: fixture program + libc + dlopen'ed library"
taskset -c 0 "$B/tests/bench/symbols-bench" 1000000 "$B/tests/symbols/prog-pie" "$PWD/$B/tests/symbols/libsym.so" || exit 1
if command -v python3 >/dev/null; then
	echo "# symbols: python3 with zlib, ssl, ctypes, sqlite3, json loaded"
	taskset -c 0 "$B/tests/bench/symbols-bench" 1000000 python3 -c \
		'import zlib, ssl, ctypes, sqlite3, json; print("maps"); print(open("/proc/self/maps").read(), end="")'
fi
echo "# symbols: program with 100,000 globals"
taskset -c 0 "$B/tests/bench/symbols-bench" 1000000 "$W/big"
