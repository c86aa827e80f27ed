#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The REALTIME latency part of `make bench`, run in the guest: round trips
# of 64-byte REALTIME echo calls (bench/hshm_rtt, itself at SCHED_FIFO
# HSHM_RT_APP_PRIO as a realtime application runs) with the channel's
# dispatcher at SCHED_OTHER and at SCHED_FIFO, first with the guest idle,
# then with its CPUs kept busy by hackbench (rt-tests, copied in by the
# host with run.sh --host-bin).  One line per case:
#   RTROW <kernel> <idle|busy> <other|fifo> <p50_us> <p99_us>
# <kernel> is "rt" on a PREEMPT_RT kernel, else "generic".  The host puts
# the rows of both kernels side by side (selftests/bench/rt-table.sh).
#
# Environment: HSHM_SYSFS [/sys/class/hshm/hshm0], HSHM_RT_CALLS [3000]
# calls per case, HSHM_RT_PRIO [50] the dispatcher's SCHED_FIFO priority,
# HSHM_RT_APP_PRIO [60], HSHM_RT_LOAD [hackbench -g 4 -l 20000 -s 256]
# the load, started again whenever it ends.

SYS=${HSHM_SYSFS:-/sys/class/hshm/hshm0}
CALLS=${HSHM_RT_CALLS:-3000}
PRIO=${HSHM_RT_PRIO:-50}
APP_PRIO=${HSHM_RT_APP_PRIO:-60}
LOAD=${HSHM_RT_LOAD:-hackbench -g 4 -l 20000 -s 256}

if uname -v | grep -q PREEMPT_RT; then kind=rt; else kind=generic; fi
echo "# kernel $(uname -r) ($kind), $(nproc) CPUs; load: $LOAD"
[ -w "$SYS/sched_policy" ] || { echo "# no $SYS/sched_policy"; exit 1; }
command -v "${LOAD%% *}" >/dev/null || { echo "# no ${LOAD%% *} in the guest"; exit 1; }

rc=0
for load in idle busy; do
	lpid=''
	if [ "$load" = busy ]; then
		# shellcheck disable=SC2086 # LOAD is a command line
		(while :; do $LOAD >/dev/null 2>&1 || exit 1; done) &
		lpid=$!
		sleep 2
	fi
	for pol in other fifo; do
		echo "$pol" >"$SYS/sched_policy" || rc=1
		if [ "$pol" = fifo ]; then
			echo "$PRIO" >"$SYS/sched_priority" || rc=1
		fi
		out=$(./bench/hshm_rtt -n "$CALLS" -m 200 -w 1 -p "$APP_PRIO" 2>&1)
		echo "$out" | sed 's/^/#   /'
		res=$(echo "$out" | grep '^RESULT ' | tail -n 1)
		if [ -z "$res" ]; then
			echo "# $load/$pol: no result"
			rc=1
			continue
		fi
		# shellcheck disable=SC2086 # split RESULT's fields
		set -- $res
		echo "RTROW $kind $load $pol $2 $3"
	done
	if [ -n "$lpid" ]; then
		kill "$lpid" 2>/dev/null
		killall hackbench 2>/dev/null
		wait "$lpid" 2>/dev/null
	fi
done
echo other >"$SYS/sched_policy"
exit $rc
