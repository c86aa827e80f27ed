#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the libFuzzer harness fuzz_wire for a bounded time on a fresh seed
# corpus and print one KTAP result with the executions and the coverage.
#
# usage: run-fuzz.sh [FUZZER_DIR]   (default: ../fuzz from this script)
#   FUZZ_SECONDS  how long (default 20)
# Exit status 0 if the fuzzer found nothing, 1 if it did, 4 (skip) when the
# fuzzer was not built (no clang with libFuzzer).

dir=${1:-$(dirname "$0")/../fuzz}
dir=$(cd "$dir" 2>/dev/null && pwd) || dir=/nonexistent
secs=${FUZZ_SECONDS:-20}
echo "TAP version 13"
echo "1..1"
if [ ! -x "$dir/fuzz_wire" ] || [ ! -x "$dir/fuzz_seed" ]; then
	echo "ok 1 fuzz_wire # SKIP not built (needs clang and libFuzzer)"
	exit 4
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz_wire.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/seed"
"$dir/fuzz_seed" "$work/seed" | sed 's/^/# /'
(cd "$work" && "$dir/fuzz_wire" -max_total_time="$secs" -timeout=10 \
	-rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$work/" \
	corpus seed) >"$work/log" 2>&1
rc=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|ERROR|SUMMARY|fuzz_wire:' "$work/log" | sed 's/^/# /'
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
last=$(grep -E '^#[0-9]+[[:space:]]' "$work/log" | tail -n 1)
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
# the instrumented edges in all (libFuzzer: "Loaded N modules (E inline
# 8-bit counters)"), so that cov reads as a share of the code under test
edges=$(sed -n 's/^INFO: Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' "$work/log" | head -n 1)
summary="${execs:-0} executions in ${secs} s, cov ${cov:-?} of ${edges:-?} edges, ft ${ft:-?}"
if [ $rc = 0 ]; then
	echo "# fuzz_wire: $summary"
	echo "ok 1 fuzz_wire"
else
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$a" ] || continue
		echo "# fuzz_wire: artifact $(basename "$a"):"
		od -A d -t x1 "$a" | head -n 20 | sed 's/^/#   /'
	done
	tail -n 30 "$work/log" | sed 's/^/# /'
	echo "not ok 1 fuzz_wire # $summary"
	exit 1
fi
