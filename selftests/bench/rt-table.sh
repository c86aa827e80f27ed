#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: rt-table.sh FILE...
# The RTROW lines of selftests/bench/hshm_rt.sh in FILEs (one guest's
# serial log per kernel) as one table: REALTIME P50 and P99 per kernel,
# load and dispatcher policy, side by side, with the ratios that matter:
# busy against idle (same kernel and policy), fifo against other (same
# kernel and load), PREEMPT_RT against generic (same load and policy).
cat "$@" 2>/dev/null | tr -d '\r' | grep -a '^RTROW ' | awk '
{
	k = $2 " " $3 " " $4; p50[k] = $5; p99[k] = $6
	seen[$2] = 1
}
function cell(k, r) { return (k in r) ? sprintf("%10.1f", r[k]) : sprintf("%10s", "-") }
function ratio(a, b, r) {
	if (a == b)
		return sprintf("%7s", "")
	return ((a in r) && (b in r) && r[b] > 0) ? sprintf("%6.2fx", r[a] / r[b]) : sprintf("%7s", "-")
}
END {
	printf "%-8s %-5s %-6s %10s %10s   %-15s %-15s %-15s\n", "kernel", "load", "disp",
		"P50 us", "P99 us", "busy/idle", "fifo/other", "rt/generic"
	printf "%-8s %-5s %-6s %10s %10s   %-15s %-15s %-15s\n", "", "", "", "", "",
		"P50    P99", "P50    P99", "P50    P99"
	n = split("generic rt", ks, " ")
	split("idle busy", ls, " ")
	split("other fifo", ps, " ")
	for (i = 1; i <= n; i++)
		for (j = 1; j <= 2; j++)
			for (m = 1; m <= 2; m++) {
				k = ks[i] " " ls[j] " " ps[m]
				if (!(k in p50))
					continue
				idle = ks[i] " idle " ps[m]
				oth = ks[i] " " ls[j] " other"
				gen = "generic " ls[j] " " ps[m]
				printf "%-8s %-5s %-6s %s %s   %s %s %s %s %s %s\n",
					ks[i], ls[j], ps[m], cell(k, p50), cell(k, p99),
					ratio(k, idle, p50), ratio(k, idle, p99),
					ratio(k, oth, p50), ratio(k, oth, p99),
					ratio(k, gen, p50), ratio(k, gen, p99)
			}
}'
