#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: ktap-totals.sh LOGDIR
# Sum the LOGDIR/*.totals files ("passed failed skipped", one per run, written
# by selftests/qemu/run.sh) and print "N passed, N failed" as the last line.
# Exit status 1 if anything failed or if there is no totals file at all.

set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 LOGDIR" >&2; exit 2; }

passed=0 failed=0 skipped=0 runs=0
for f in "$1"/*.totals; do
	[ -e "$f" ] || continue
	read -r p x s <"$f"
	echo "# $(basename "$f" .totals): $p passed, $x failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + x)) skipped=$((skipped + s))
	runs=$((runs + 1))
done
if [ "$runs" -eq 0 ]; then
	echo "# no results in $1"
	failed=1
fi
echo "# skipped: $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
