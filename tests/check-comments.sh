#!/bin/bash
# "make check-comments": every file a comment names must exist in this tree, so that a reader
# who follows a pointer finds something. Comments are those of the C sources (/* */ and //),
# of the shell, awk and make files (#) and of the man pages (.\"). A name counts as one of ours
# when it starts with a folder of the tree (record/prim.c, tests/cli/lib.sh, Documentation/),
# when it is a bare file name with one of our extensions (inject.h: looked up beside the file,
# then anywhere in the tree), or when it is a man page, daprof-record(1). Globs and upper-case
# placeholders match as patterns (record/damon-*.c, tests/fuzz/fuzz-NAME.c). Paths into other
# trees (mm/damon/core.c, <signal.h>, /proc/PID/maps, t/test-lib.sh) are not ours and are
# skipped; the project documents kept outside this tree (*.md but README.md) may not be named.
# Prints each dangling name as FILE:LINE: NAME and fails when there is one.
set -u
cd "$(dirname "$0")/.."

TOPS='cmd|record|report|format|viz|tests|Documentation|docs'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t FILES < <(git ls-files --cached --others --exclude-standard)
else
	mapfile -t FILES < <(find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
		sed 's|^\./||')
fi

# The comment text of each file, one comment line per output line: "FILE:LINE:TEXT".
comments() {
	local f
	for f in "${FILES[@]}"; do
		[ -f "$f" ] || continue
		case "$f" in
		*.c|*.h)
			awk -v F="$f" '
			{
				line = $0; out = ""; i = 1; n = length(line)
				while (i <= n) {
					c = substr(line, i, 1); d = substr(line, i, 2)
					if (inc) {
						if (d == "*/") { inc = 0; i += 2; continue }
						out = out c
					} else if (instr) {
						if (c == "\\") { i += 2; continue }
						if (c == q) instr = 0
					} else if (d == "/*") { inc = 1; i += 2; out = out " "; continue
					} else if (d == "//") { out = out substr(line, i + 2); break
					} else if (c == "\"" || c == "'\''") { instr = 1; q = c }
					i++
				}
				instr = 0
				if (out ~ /[^ \t]/) print F ":" NR ":" out
			}' "$f" ;;
		*.sh|*.awk|Makefile|.ci/*)
			awk -v F="$f" '
			{
				if (match($0, /(^|[ \t])#/)) print F ":" NR ":" substr($0, RSTART + RLENGTH)
			}' "$f" ;;
		Documentation/*.[157])
			awk -v F="$f" '/^[.'\'']\\"/ { print F ":" NR ":" substr($0, 4) }' "$f" ;;
		esac
	done
}

# Names of files and man pages in the comment text: "FILE:LINE:NAME".
names() {
	awk -v TOPS="^(${TOPS})/" '
	{
		match($0, /^[^:]*:[0-9]+/)
		loc = substr($0, 1, RLENGTH)		# FILE:LINE
		text = substr($0, RLENGTH + 2)
		gsub(/<[^<> ]*\.h>/, " ", text)		# <system headers>
		gsub(/<[a-z]+>/, "*", text)		# <placeholders>
		gsub(/[a-z]+:\/\/[^ \t]*/, " ", text)	# URLs
		rest = text
		while (match(rest, /daprof(-[a-z]+)*\([157]\)/)) {
			m = substr(rest, RSTART, RLENGTH); rest = substr(rest, RSTART + RLENGTH)
			sub(/\(/, ".", m); sub(/\)/, "", m)
			print loc ":Documentation/" m
		}
		gsub(/\{[^}]*\}/, "*", text)		# {a,b}.c is a pattern
		n = split(text, w, /[^A-Za-z0-9_.*\/~-]+/)
		for (i = 1; i <= n; i++) {
			t = w[i]
			sub(/^\.\//, "", t)
			sub(/[.]+$/, "", t)		# the full stop of a sentence
			if (t == "" || t ~ /^\//) continue	# absolute: /proc, /sys
			if (t ~ /\.md$/)
				print loc ":" t			# never outside the tree
			else if (t ~ /\//) {
				if (t ~ TOPS) print loc ":" t	# else another tree, or ../
			} else if (t ~ /^[A-Za-z0-9_*~-]*[a-z][A-Za-z0-9_*~-]*\.(c|h|sh|awk)$/ ||
				   t ~ /^daprof(-[a-z0-9]+)*\.[157]$/) {
				print loc ":" t
			}
		}
	}'
}

# Does NAME, named in FILE, exist? Globs and the placeholders NAME, CMD, VIEW, PID, NNNN in a
# name are patterns (tests/fuzz/fuzz-NAME.c, tests/cli/tNNNN-*.sh).
exists() {	# $1 = FILE, $2 = NAME
	local dir=${1%/*} pat m
	[ "$dir" = "$1" ] && dir=.
	pat=$(printf '%s' "$2" | sed -E 's/NAME|CMD|VIEW|PID|N{2,}/*/g')
	if [[ "$pat" == */* ]]; then
		# a folder, a file, or a module or program named without .c/.h (viz/axis)
		pat=${pat%/}
		compgen -G "$pat" >/dev/null && return 0
		compgen -G "$pat.[ch]" >/dev/null && return 0
		return 1
	fi
	compgen -G "$dir/$pat" >/dev/null && return 0
	for m in "${FILES[@]}"; do
		# shellcheck disable=SC2053
		[[ "${m##*/}" == $pat ]] && return 0
	done
	return 1
}

bad=0
while IFS= read -r rec; do
	name=${rec##*:}
	loc=${rec%:*}
	file=${loc%:*}
	if ! exists "$file" "$name"; then
		echo "$loc: '$name' does not exist in this tree"
		bad=1
	fi
done < <(comments | names | sort -u)

if [ $bad -ne 0 ]; then
	echo 'check-comments: a comment names a file that is not in the tree' >&2
	exit 1
fi
echo 'comments: ok'
