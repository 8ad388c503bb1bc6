# The fake kernel DAMON of the kernel-backend tests (tests/tools/fake-damon, a FUSE tree), brought
# up and down the same way by each: source it after lib.sh. fake_up OPTIONS... mounts a fresh
# tree at $M (the fake's pid in $FP); fake_down unmounts and removes it. One copy, so that a
# change to how the fake starts or stops reaches every test that uses it.
FAKE=$DAPROF_BUILD/tests/tools/fake-damon
M=""
FP=""

fake_up() {	# fake-damon options...
	M=$(mktemp -d "/tmp/daprof-$(basename "$0" .sh).XXXXXX")
	"$FAKE" "$@" "$M" >/dev/null &
	FP=$!
	for _ in $(seq 100); do [ -e "$M/admin/kdamonds/nr_kdamonds" ] && return 0; sleep 0.05; done
	return 1
}
fake_down() {
	[ -n "$M" ] && umount -l "$M" 2>/dev/null
	[ -n "$FP" ] && kill "$FP" 2>/dev/null && wait "$FP" 2>/dev/null
	[ -n "$M" ] && rmdir "$M"
	M=""; FP=""
}
