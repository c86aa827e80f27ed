#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The round-trip part of `make bench`, run in the guest: hshm_rtt over the
# channel of this boot, then, in the same boot, the baseline of the
# transport (Documentation/hshm/userspace.rst):
#   loopback  hshm_sockpp: a UNIX-socket ping-pong between two processes,
#             then hshm_rtt once more
#   ivshmem   the PCI device unbound from hshm-ivshmem, hshm_busypoll (the
#             driverless busy-polling client hshm replaces) against the same
#             hshm-peer, the device bound again and hshm_rtt once more
#   other     nothing more
# The first hshm_rtt also leaves the channel idle HSHM_RTT_IDLE seconds
# [5] and reports the CPU time of hshm's threads meanwhile; a second one
# runs with no class polling for its answer (classes/*/spin_us 0: the
# reply interrupt alone), when the driver has spin_us.
#
# Each program's output, indented, then one line per program:
#   ROW <name> <p50_us> <p99_us> <req_per_s> <cpu_us_per_req>
#   IDLE <name> <percent_of_one_cpu> <threads>
#   PARTS <name> <syscall_p50_us> <syscall_p99_us> <irqs_per_call>
# <name>: hshm, hshm-nospin, busypoll, sockpp, hshm-again (hshm_rtt
# after the baseline: how much the order matters on a host busy
# otherwise).  The
# host puts them side by side (selftests/bench/table.sh).
#
# usage: sh bench/hshm_rtt.sh [loopback|ivshmem|TRANSPORT]
# Environment: HSHM_DEV [/dev/hshm0], HSHM_SYSFS [/sys/class/hshm/hshm0],
# HSHM_RTT_IDLE [5], HSHM_RTT_ARGS: more arguments of every program.

set -eu

TRANSPORT=${1:-loopback}
DEV=${HSHM_DEV:-/dev/hshm0}
SYS=${HSHM_SYSFS:-/sys/class/hshm/hshm0}
IDLE=${HSHM_RTT_IDLE:-5}
ARGS=${HSHM_RTT_ARGS:-}
DRV=/sys/bus/pci/drivers/hshm-ivshmem
rc=0

# run NAME PROGRAM [ARG...]: PROGRAM's output indented, then its ROW (and
# IDLE) line; a failure makes the script's status 1 and goes on.
run() {
	name=$1
	shift
	echo "# $name: $*"
	st=0
	out=$("$@" 2>&1) || st=$?
	echo "$out" | sed 's/^/#   /'
	res=$(echo "$out" | grep '^RESULT ' | tail -n 1) || :
	load=$(echo "$out" | sed -n 's/^CPU load \([^ ]*\).*/\1/p' | tail -n 1)
	idle=$(echo "$out" | sed -n 's/^CPU idle \([^ ]*\) \([^ ]*\).*/\1 \2/p' |
		tail -n 1)
	parts=$(echo "$out" | sed -n 's/^PARTS //p' | tail -n 1)
	if [ "$st" != 0 ] || [ -z "$res" ]; then
		echo "# $name: failed (exit status $st)"
		rc=1
		return 0
	fi
	# shellcheck disable=SC2086 # split RESULT's fields
	set -- $res
	echo "ROW $name $2 $3 $4 ${load:--}"
	if [ -n "$idle" ]; then
		echo "IDLE $name $idle"
	fi
	if [ -n "$parts" ]; then
		echo "PARTS $name $parts"
	fi
}

# wait_channel: until DEV is there and the peer ready (10 s at most).
wait_channel() {
	i=0
	while [ $i -lt 100 ]; do
		if [ -c "$DEV" ] && { [ ! -r "$SYS/peer_state" ] ||
			[ "$(cat "$SYS/peer_state")" = ready ]; }; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "# $DEV: not ready after 10 s"
	return 1
}

# shellcheck disable=SC2086 # ARGS is a list of arguments
run hshm ./bench/hshm_rtt -i "$IDLE" $ARGS

if [ -w "$SYS/classes/realtime/spin_us" ]; then
	saved=$(mktemp -d)
	for c in "$SYS"/classes/*; do
		cat "$c/spin_us" >"$saved/${c##*/}"
		echo 0 >"$c/spin_us"
	done
	# shellcheck disable=SC2086
	run hshm-nospin ./bench/hshm_rtt $ARGS
	for c in "$SYS"/classes/*; do
		cat "$saved/${c##*/}" >"$c/spin_us"
	done
	rm -rf "$saved"
fi

case $TRANSPORT in
loopback)
	# shellcheck disable=SC2086
	run sockpp ./bench/hshm_sockpp $ARGS
	# shellcheck disable=SC2086
	run hshm-again ./bench/hshm_rtt $ARGS
	;;
ivshmem)
	addr=''
	for d in "$DRV"/0000:*; do
		if [ -e "$d" ]; then
			addr=${d##*/}
		fi
	done
	if [ -z "$addr" ]; then
		echo "# no device bound to $DRV"
		exit 1
	fi
	echo "# unbinding $addr from hshm-ivshmem"
	echo "$addr" >"$DRV/unbind"
	# shellcheck disable=SC2086
	run busypoll ./bench/hshm_busypoll -d "$addr" $ARGS
	echo "# binding $addr to hshm-ivshmem again"
	echo "$addr" >"$DRV/bind"
	if wait_channel; then
		# shellcheck disable=SC2086
		run hshm-again ./bench/hshm_rtt $ARGS
	else
		rc=1
	fi
	;;
esac
exit $rc
