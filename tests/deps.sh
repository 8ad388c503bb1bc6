#!/bin/sh
# Installs daprof's build and test dependencies on Debian/Ubuntu when any is missing ("make deps").
# Elsewhere it names what to install. Runs apt-get only when something is really missing.
set -e
PKGS="build-essential g++ pkg-config libelf-dev libdw-dev zlib1g-dev libpng-dev libcmocka-dev \
libyajl-dev libunwind-dev clang libclang-rt-14-dev man-db util-linux time tmux libxml2-utils python3"
# g++ builds the C++ workload of tests/cli/t0534-report-hot-cxx.sh; build-essential has it too.
# The real-kernel tests (tests/kernel/) add what they need themselves.

missing=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $PKGS; do
		case "$p" in
		libclang-rt-14-dev) have_pkg "$p" || have_pkg libclang-rt-dev || have_pkg libclang-common-14-dev || missing="$missing $p" ;;
		*) have_pkg "$p" || missing="$missing $p" ;;
		esac
	done
else
	for l in libelf libdw zlib libpng cmocka yajl; do
		pkg-config --exists "$l" 2>/dev/null || missing="$missing $l"
	done
	if [ -n "$missing" ]; then
		echo "daprof: missing libraries:$missing (install their development packages, and clang)" >&2
		exit 1
	fi
	exit 0
fi
[ -z "$missing" ] && exit 0
echo "daprof: installing build dependencies:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# libclang-rt-14-dev exists on Debian 12; newer releases ship the runtime with clang itself
if ! $SUDO apt-get install -y -qq $missing >/dev/null; then
	missing=$(echo "$missing" | sed 's/libclang-rt-14-dev//')
	$SUDO apt-get install -y -qq $missing >/dev/null
fi
