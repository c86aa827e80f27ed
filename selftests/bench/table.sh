#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: table.sh DIR SCENARIO...
# Print the RESULT lines of DIR/SCENARIO.out (from hshm_rtt) side by side,
# with each row's ratio to the first scenario.
dir=$1
shift
printf '%-10s %12s %12s %12s   %s\n' transport "P50 us" "P99 us" "req/s" "vs $1 (P50, P99, req/s)"
base=''
for s in "$@"; do
	r=$(grep -a '^RESULT ' "$dir/$s.out" 2>/dev/null | tail -n 1)
	if [ -z "$r" ]; then
		printf '%-10s %12s\n' "$s" "no result (see $dir/$s.out)"
		continue
	fi
	# shellcheck disable=SC2086 # split the RESULT fields
	set -- $r
	[ -n "$base" ] || base="$2 $3 $4"
	echo "$s $2 $3 $4 $base" | awk '{
		printf "%-10s %12.1f %12.1f %12.0f   %.2fx %.2fx %.2fx\n",
			$1, $2, $3, $4, $2 / $5, $3 / $6, $4 / $7 }'
done
