#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: ktap-totals.sh LOGDIR...
# Sum the LOGDIR/*.totals files of every LOGDIR ("passed failed skipped", one per run, written
# by selftests/qemu/run.sh) and print "N passed, N failed" as the last line.
# Above it, what failed (the runs' NAME.failures, at most FAILURE_LINES
# lines, default 16), so that the end of a log whose files are gone (CI)
# still says which test failed and why.
# Exit status 1 if anything failed or if there is no totals file at all.

set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 LOGDIR..." >&2; exit 2; }

max=${FAILURE_LINES:-16}
why=$(mktemp)
trap 'rm -f "$why"' EXIT
passed=0 failed=0 skipped=0
for dir in "$@"; do
	runs=0
	for f in "$dir"/*.totals; do
		[ -e "$f" ] || continue
		read -r p x s <"$f"
		echo "# $(basename "$dir")/$(basename "$f" .totals): $p passed, $x failed, $s skipped"
		passed=$((passed + p)) failed=$((failed + x)) skipped=$((skipped + s))
		runs=$((runs + 1))
		if [ "$x" -gt 0 ] && [ -s "$dir/$(basename "$f" .totals).failures" ]; then
			sed "s|^# FAILED: |# FAILED $(basename "$dir")/$(basename "$f" .totals): |" \
				"$dir/$(basename "$f" .totals).failures" >>"$why"
		fi
	done
	if [ "$runs" -eq 0 ]; then
		echo "# no results in $dir"
		failed=$((failed + 1))
	fi
done
echo "# skipped: $skipped"
if [ -s "$why" ]; then
	n=$(wc -l <"$why")
	head -n "$max" "$why"
	[ "$n" -le "$max" ] || echo "# ... $((n - max)) more lines in the runs' *.failures"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
