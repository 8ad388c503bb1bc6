#!/bin/bash
# Real-kernel tests of the kernel DAMON backend (run by "make check" through tests/run-tests.sh).
# Boots a Debian bookworm kernel (6.12 by default) under qemu (software emulation: KVM does
# not work on these machines) with a busybox initramfs holding static test programs, runs
# tests/kernel/guest-init.sh there and reads its verdict from the serial console. The host's
# own /sys/kernel/mm/damon is never touched.
#
#   tests/kernel/run.sh            the checks (one boot)
#   DAPROF_KERNEL_BENCH=1 tests/kernel/run.sh   the checks plus benchmark figures
#   DAPROF_KERNEL_SERIES=6.1 tests/kernel/run.sh  bookworm's own 6.1 kernel instead of 6.12
#     (newest linux-image-6.1.0-NN-amd64; Debian builds it without CONFIG_DAMON, so there the
#     guest checks only that daprof refuses the damon backend cleanly and falls back)
#   DAPROF_KERNEL_SERIES=6.17 tests/kernel/run.sh  trixie-backports' 6.17 (newest
#     linux-image-6.17.N+deb13-amd64, fetched through a private apt directory, so the machine's
#     apt sources stay as they are): the kernel tunes DAMON's intervals itself (intervals_goal)
#     and starts DAMON_STAT at boot; "make check" runs it after 6.12
#
# Fails on a failed check, no verdict or timeout. When qemu or the kernel cannot be had it says
# so loudly and reports the test as skipped ("ok - kernel-SERIES # skip REASON"), except with
# CI=true, where that is a failure; 6.17 comes from outside the machine's apt sources, so it is
# skipped even then when trixie-backports cannot be reached and nothing is cached.
# The kernel is cached under build/kernel/ (vmlinuz and config, by version; DAPROF_KERNEL_CACHE
# moves it), so it is fetched once.
set -u
cd "$(dirname "$0")/../.."
TOP=$PWD
KDIR=${DAPROF_KERNEL_CACHE:-$TOP/build/kernel}
WORK=$(mktemp -d /tmp/daprof-kernel.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
TIMEOUT=${DAPROF_KERNEL_TIMEOUT:-420}
CI=${CI:-}
SERIES=${DAPROF_KERNEL_SERIES:-6.12}
APT=()	# apt-get options of a series fetched from outside the machine's apt sources

result() {	# pass fail skip
	echo "# result: $1 $2 $3"
	[ "$2" -eq 0 ]
	exit $?
}

unavailable() {	# reason
	if [ "$CI" = true ] && [ ${#APT[@]} -eq 0 ]; then
		echo "kernel: FAILED: $1 (CI=true: the real-kernel tests must run)"
		result 0 1 0
	fi
	echo "kernel: ############################################################"
	echo "kernel: SKIPPED, NOT PASSED: $1"
	echo "kernel: the kernel DAMON backend was not tested against a real Linux $SERIES"
	echo "kernel: ############################################################"
	echo "ok - kernel-$SERIES # skip $1"
	result 0 0 1
}

# ---- host tools ----
need=""
command -v qemu-system-x86_64 >/dev/null || need="$need qemu-system-x86"
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
	need="$need busybox-static"
command -v cpio >/dev/null || need="$need cpio"
if [ -n "$need" ]; then
	echo "kernel: installing$need"
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
			  apt-get install -y -qq --no-install-recommends $need >/dev/null 2>&1; }
	fi
fi
command -v qemu-system-x86_64 >/dev/null || unavailable "qemu-system-x86_64 not available"
command -v cpio >/dev/null || unavailable "cpio not available"
BUSYBOX=$(dpkg -L busybox-static 2>/dev/null | grep '/busybox$' | head -1)
[ -n "$BUSYBOX" ] && [ -x "$BUSYBOX" ] || unavailable "no static busybox (package busybox-static)"

# ---- the kernel: newest package of the chosen series, cached per version ----
# 6.12 and 6.1 come from the machine's own apt sources (bookworm, bookworm-security); 6.17 from
# trixie-backports through a private apt directory under build/kernel/, so that the machine's
# apt configuration is neither needed nor changed.
case $SERIES in
6.12)	PKG_RE='^linux-image-6\.12\.[0-9]+\+deb12-amd64$'
	PKG_DESC='linux-image-6.12.*+deb12-amd64'; CACHE_GLOB='vmlinuz-6.12.*' ;;
6.1)	PKG_RE='^linux-image-6\.1\.0-[0-9]+-amd64$'
	PKG_DESC='linux-image-6.1.0-NN-amd64'; CACHE_GLOB='vmlinuz-6.1.0-*' ;;
6.17)	PKG_RE='^linux-image-6\.17\.[0-9]+\+deb13-amd64$'
	PKG_DESC='linux-image-6.17.*+deb13-amd64 (trixie-backports)'; CACHE_GLOB='vmlinuz-6.17.*'
	A=$KDIR/apt-trixie-backports
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	echo "deb [trusted=yes] ${DAPROF_KERNEL_MIRROR:-http://deb.debian.org/debian} trixie-backports main" \
		>"$A/sources.list"
	APT=(-o "Dir::Etc::sourcelist=$A/sources.list" -o Dir::Etc::sourceparts=/dev/null
	     -o "Dir::State::lists=$A/lists" -o "Dir::Cache=$A/cache"
	     -o Acquire::Retries=0 -o Acquire::http::Timeout=15) ;;
*)	echo "kernel: FAILED: DAPROF_KERNEL_SERIES=$SERIES: known are 6.12, 6.17 and 6.1"
	result 0 1 0 ;;
esac
mkdir -p "$KDIR"
pick_pkg() { apt-cache "${APT[@]}" pkgnames "linux-image-$SERIES" 2>/dev/null |
	grep -E "$PKG_RE" | sort -V | tail -1; }
PKG=$(pick_pkg)
if [ -z "$PKG" ] && { [ "$(id -u)" = 0 ] || [ ${#APT[@]} -gt 0 ]; }; then
	apt-get "${APT[@]}" update -qq >/dev/null 2>&1
	PKG=$(pick_pkg)
fi
VMLINUZ=""
if [ -n "$PKG" ]; then
	KVER=${PKG#linux-image-}
	VMLINUZ=$KDIR/vmlinuz-$KVER
	# a private list may be old (backports drop superseded kernels): read it again before a fetch
	if [ ! -s "$VMLINUZ" ] && [ ${#APT[@]} -gt 0 ] &&
	   apt-get "${APT[@]}" update -qq >/dev/null 2>&1 && [ -n "$(pick_pkg)" ]; then
		PKG=$(pick_pkg); KVER=${PKG#linux-image-}; VMLINUZ=$KDIR/vmlinuz-$KVER
	fi
	if [ ! -s "$VMLINUZ" ]; then
		echo "kernel: fetching $PKG"
		(cd "$WORK" && apt-get "${APT[@]}" download "$PKG" >/dev/null 2>&1) &&
		dpkg-deb --fsys-tarfile "$WORK"/linux-image-*.deb |
			tar -x -C "$WORK" --wildcards './boot/vmlinuz-*' './boot/config-*' &&
		cp "$WORK"/boot/config-* "$KDIR/config-$KVER" &&
		cp "$WORK"/boot/vmlinuz-* "$VMLINUZ.tmp" && mv "$VMLINUZ.tmp" "$VMLINUZ"
		rm -rf "$WORK"/linux-image-*.deb "$WORK/boot"
	fi
fi
if [ -z "$VMLINUZ" ] || [ ! -s "$VMLINUZ" ]; then
	VMLINUZ=$(ls "$KDIR"/$CACHE_GLOB 2>/dev/null | sort -V | tail -1)
	[ -n "$VMLINUZ" ] && echo "kernel: package lookup failed; using the cached $(basename "$VMLINUZ")"
fi
if [ -z "$VMLINUZ" ] || [ ! -s "$VMLINUZ" ]; then
	[ ${#APT[@]} -gt 0 ] && unavailable "cannot obtain $PKG_DESC: $(sed 's/^deb \[[^]]*\] //' \
		"$A/sources.list") not reachable, and none cached in $KDIR"
	unavailable "cannot obtain $PKG_DESC"
fi
echo "kernel: $(basename "$VMLINUZ") (package ${PKG:-cached})"

# ---- static programs and the initramfs ----
if ! make --no-print-directory -j2 static-guest >"$WORK/build.log" 2>&1; then
	tail -20 "$WORK/build.log"
	echo "kernel: FAILED: cannot build the static guest programs"
	result 0 1 0
fi
R=$WORK/root
mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
# the whole program too, when its static link works here (the guest then checks it as well)
if make --no-print-directory -j2 build/static/daprof >>"$WORK/build.log" 2>&1; then
	cp build/static/daprof "$R/bin/"
else
	echo "kernel: note: no static daprof (see build log); its checks are skipped"
fi
cp "$BUSYBOX" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
cp build/static/guest-damon build/static/hotcold-guest "$R/bin/"
cp tests/kernel/guest-init.sh "$R/init"
chmod 755 "$R/init"
echo "this initramfs is daprof's kernel test guest" >"$R/daprof-guest"
(cd "$R" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$WORK/initramfs.cpio.gz"

# ---- boot ----
# pti=on: DAMON clears accessed bits without a TLB flush (as x86 allows), and qemu's TCG keeps
# its software TLB until CR3 changes, so a process spinning on a few pages of one CPU would stay
# "idle" for ever. With page-table isolation every kernel entry reloads CR3, which flushes that
# TLB about as often as a real CPU's turns over. Without it the -p checks saw hot=0.
APPEND="console=ttyS0 panic=-1 quiet pti=on ${DAPROF_KERNEL_APPEND:-}"
[ -n "${DAPROF_KERNEL_BENCH:-}" ] && APPEND="$APPEND daprof.bench=1"
# a kernel built without DAMON's sysfs (Debian's 6.1): the guest then checks that daprof refuses
# the damon backend in one clear line and falls back to the sampler, instead of recording
KCONFIG=$KDIR/config-${VMLINUZ##*/vmlinuz-}
if [ -s "$KCONFIG" ] && ! grep -q '^CONFIG_DAMON_SYSFS=y' "$KCONFIG"; then
	echo "kernel: $(basename "$KCONFIG") has no CONFIG_DAMON_SYSFS:" \
		"$(grep -E '^(# )?CONFIG_DAMON[ =]' "$KCONFIG")"
	APPEND="$APPEND daprof.nodamon=1"
fi
echo "kernel: booting under qemu (tcg, 2 vCPUs, timeout ${TIMEOUT}s)"
start=$(date +%s)
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -nographic -nic none -m 1G -smp 2 \
	-kernel "$VMLINUZ" -initrd "$WORK/initramfs.cpio.gz" -append "$APPEND" -no-reboot \
	</dev/null >"$WORK/console.log" 2>&1
qrc=$?
tr -d '\r' <"$WORK/console.log" >"$WORK/console.txt"
echo "kernel: qemu exited $qrc after $(( $(date +%s) - start ))s"
[ -n "${DAPROF_KERNEL_LOG:-}" ] && cp "$WORK/console.txt" "$DAPROF_KERNEL_LOG"

pass=0
fail=0
skip=0
while read -r _ name res detail; do
	case $res in
	ok) pass=$((pass + 1)); echo "ok - $name $detail" ;;
	skip) skip=$((skip + 1)); echo "ok - $name # skip $detail" ;;
	*) fail=$((fail + 1)); echo "not ok - $name $detail" ;;
	esac
done < <(grep '^CHECK ' "$WORK/console.txt")
grep '^BENCH ' "$WORK/console.txt"
if ! grep -q '^VERDICT ' "$WORK/console.txt"; then
	echo "kernel: FAILED: no verdict from the guest (qemu exit $qrc; 124 = timeout); console tail:"
	tail -40 "$WORK/console.txt" | sed 's/^/#   /'
	fail=$((fail + 1))
elif [ "$fail" -gt 0 ]; then
	echo "kernel: failed checks; guest output:"
	grep -E '^(INFO|CHECK)' "$WORK/console.txt" | tail -80 | sed 's/^/#   /'
fi
result "$pass" "$fail" "$skip"
