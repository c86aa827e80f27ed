#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: peers-table.sh SERIAL...
#
# The table of the per-peer benchmark (make bench): the PEERROW lines of
# selftests/bench/hshm_peers.sh from each guest's serial log, one row per
# peer profile and case, with the ratio of requests per second to the
# same profile's batch_max 1 case.

awk '
/^PEERROW / {
	key = $2 " " $3
	if (!(key in rps)) order[n++] = key
	rps[key] = $4; p50[key] = $5; p99[key] = $6
	ho[key] = $7; for (i = 8; i <= NF; i++) ho[key] = ho[key] " " $i
}
END {
	if (!n) { print "peers-table.sh: no PEERROW lines" > "/dev/stderr"; exit 1 }
	printf "%-16s %-7s %10s %10s %10s %-12s %s\n", "PROFILE", "CASE",
	       "REQ/S", "P50_US", "P99_US", "HAND-OVER", "REQ/S VS BATCH1"
	for (i = 0; i < n; i++) {
		split(order[i], k, " ")
		b = k[1] " batch1"
		r = (b in rps && rps[b] > 0) ? sprintf("%.2fx", rps[order[i]] / rps[b]) : "-"
		printf "%-16s %-7s %10s %10s %10s %-12s %s\n", k[1], k[2],
		       rps[order[i]], p50[order[i]], p99[order[i]], ho[order[i]], r
	}
}' "$@"
