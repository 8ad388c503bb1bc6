#!/bin/bash
# Can the CLI tests fail? Runs them against a daprof broken on purpose in a few standard ways and
# lists, for each test, the breakages that made it fail; a test that no breakage fails is named
# "NOT CAUGHT" (either it checks something these breakages do not touch, or an assertion of it
# cannot fail). Not part of "make check": it runs the suite once per breakage (minutes).
#
#   tests/cli/mutate.sh [tests/cli/tNNNN-NAME.sh ...]     (default: every CLI test)
#   MUTATIONS="fail0 stderr+" tests/cli/mutate.sh ...      (a subset of the breakages)
#
# The breakages (a wrapper around the real binary, $DAPROF or ./daprof; SIGINT and SIGTERM are
# passed on to it, and SIGKILL of the wrapper kills it): fail0 exits 1 where daprof succeeded; exitswap turns exit 1 into 2 and 2
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

# in Python: a shell started in the background (as the tests start "$DAPROF record ... &")
# cannot trap SIGINT, which it inherits ignored, so it could not pass it on
cat >"$W/daprof" <<'EOF'
#!/usr/bin/python3
# daprof, broken as $DAPROF_MUTATION says; --pdeathsig: kill -9 of this wrapper ends daprof too
import os, signal, subprocess, sys, tempfile
m = os.environ["DAPROF_MUTATION"]
out = tempfile.TemporaryFile() if m == "lastline" else subprocess.DEVNULL if m == "nostdout" else None
err = tempfile.TemporaryFile() if m == "stderr+" else None
p = subprocess.Popen(["setpriv", "--pdeathsig", "KILL", os.environ["DAPROF_REAL"]] + sys.argv[1:],
                     stdout=out, stderr=err)
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda n, f: p.send_signal(n))
rc = p.wait()
rc = 128 - rc if rc < 0 else rc
if m == "lastline":
    out.seek(0)
    lines = out.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    sys.stdout.buffer.write(b"".join(l + b"\n" for l in lines[:-1]))
if m == "stderr+":
    err.seek(0)
    sys.stderr.buffer.write(err.read() + b"daprof: one line too many\n")
rc = {("fail0", 0): 1, ("exitswap", 1): 2, ("exitswap", 2): 1}.get((m, rc), rc)
if m == "exit0":
    rc = 0
if m == "crash" and rc != 0:
    rc = 134
sys.stdout.flush()
sys.stderr.flush()
os._exit(rc)
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
