#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# usage: table.sh DIR SCENARIO...
# From DIR/SCENARIO.out (the guest's selftests/bench/hshm_rtt.sh), print:
#  1. hshm_rtt of each scenario side by side, with each row's ratio to the
#     first scenario;
#  2. hshm against the baseline of the same boot, with the ratios the
#     targets are about: the busy-polling client over ivshmem (P50 <= 1.3x,
#     P99 <= 1.5x), the UNIX-socket ping-pong over loopback (P50 <= 1.0x);
#  3. two parts of hshm's round trip that the baseline does not pay: the
#     system call (an ioctl refused at once) and the interrupts per call;
#  4. the CPU figures: requests per second and busy CPU time of the guest
#     per request at 32 outstanding, and hshm's threads on an idle channel
#     (target <= 1% of one CPU).
# A scenario's hshm row is its "ROW hshm" line, else (an older guest
# script) its last RESULT line.
set -eu

dir=$1
shift

# row FILE NAME: the fields "p50 p99 req/s cpu_us" of FILE's ROW NAME line.
row() {
	grep -a "^ROW $2 " "$1" 2>/dev/null | tail -n 1 | cut -d' ' -f3- || :
}

# hshm_row FILE: row FILE hshm, or the last RESULT line's fields.
hshm_row() {
	r=$(row "$1" hshm)
	if [ -z "$r" ]; then
		r=$(grep -a '^RESULT ' "$1" 2>/dev/null | tail -n 1 | cut -d' ' -f2-) || :
		[ -z "$r" ] || r="$r -"
	fi
	echo "$r"
}

printf '%-10s %12s %12s %12s   %s\n' transport "P50 us" "P99 us" "req/s" "vs $1 (P50, P99, req/s)"
base=''
for s in "$@"; do
	r=$(hshm_row "$dir/$s.out")
	if [ -z "$r" ]; then
		printf '%-10s %12s\n' "$s" "no result (see $dir/$s.out)"
		continue
	fi
	[ -n "$base" ] || base=$r
	echo "$s $r $base" | awk '{
		printf "%-10s %12.1f %12.1f %12.0f   %.2fx %.2fx %.2fx\n",
			$1, $2, $3, $4, $2 / $6, $3 / $7, $4 / $8 }'
done

# The baselines: scenario, its ROW name, label, P50 and P99 targets.
echo
echo "hshm against the baseline of the same boot (ratio = hshm / baseline)"
printf '%-10s %-11s %9s %9s %9s %9s %8s %8s   %s\n' transport baseline \
	"hshm P50" "hshm P99" "base P50" "base P99" "P50 x" "P99 x" \
	"target P50, P99"
for s in "$@"; do
	case $s in
	ivshmem) name=busypoll label=busy-poll t50=1.3 t99=1.5 ;;
	loopback) name=sockpp label=unix-sock t50=1.0 t99=- ;;
	*) continue ;;
	esac
	h=$(hshm_row "$dir/$s.out")
	b=$(row "$dir/$s.out" "$name")
	if [ -z "$h" ] || [ -z "$b" ]; then
		printf '%-10s %-11s %s\n' "$s" "$label" "no result (see $dir/$s.out)"
		continue
	fi
	echo "$s $label $h $b $t50 $t99" | awk '{
		r50 = $3 / $7; r99 = $4 / $8
		ok = r50 <= $11 && ($12 == "-" || r99 <= $12) ? "met" : "NOT met"
		printf "%-10s %-11s %9.1f %9.1f %9.1f %9.1f %7.2fx %7.2fx   <= %sx, %s: %s\n",
			$1, $2, $3, $4, $7, $8, r50, r99, $11,
			$12 == "-" ? "-" : "<= " $12 "x", ok }'
	a=$(row "$dir/$s.out" hshm-nospin)
	if [ -n "$a" ]; then
		echo "$s $a $b" | awk '{
			printf "%-10s %-11s %9.1f %9.1f %9s %9s %7.2fx %7.2fx   (spin_us 0: the reply interrupt alone)\n",
				$1, "", $2, $3, "", "", $2 / $6, $3 / $7 }'
	fi
	a=$(row "$dir/$s.out" hshm-again)
	if [ -n "$a" ]; then
		echo "$s $a $b" | awk '{
			printf "%-10s %-11s %9.1f %9.1f %9s %9s %7.2fx %7.2fx   (hshm_rtt again, after the baseline)\n",
				$1, "", $2, $3, "", "", $2 / $6, $3 / $7 }'
	fi
done

echo
echo "parts of a call the baselines do not pay: an ioctl the driver refuses at once (P50, P99), interrupts per call"
printf '%-10s %-11s %12s %12s %14s\n' transport program "ioctl P50 us" "ioctl P99 us" "irqs per call"
for s in "$@"; do
	for name in hshm hshm-nospin hshm-again; do
		p=$(grep -a "^PARTS $name " "$dir/$s.out" 2>/dev/null | tail -n 1 |
			cut -d' ' -f3-) || :
		[ -n "$p" ] || continue
		echo "$s $name $p" | awk '{
			printf "%-10s %-11s %12s %12s %14s\n", $1, $2, $3, $4, $5 }'
	done
done

echo
echo "CPU: req/s and guest CPU us per request at 32 outstanding; idle: hshm's threads, % of one CPU (target <= 1%)"
printf '%-10s %-11s %12s %12s   %s\n' transport program "req/s" "CPU us/req" "idle CPU"
for s in "$@"; do
	for name in hshm hshm-nospin busypoll sockpp hshm-again; do
		if [ "$name" = hshm ]; then
			r=$(hshm_row "$dir/$s.out")
		else
			r=$(row "$dir/$s.out" "$name")
		fi
		[ -n "$r" ] || continue
		idle=$(grep -a "^IDLE $name " "$dir/$s.out" 2>/dev/null | tail -n 1 |
			awk '{ printf "%.2f%% (%d threads)", $3, $4 }') || :
		# shellcheck disable=SC2086 # split the row's fields
		set -- $r
		printf '%-10s %-11s %12.0f %12s   %s\n' "$s" "$name" "$3" "$4" "${idle:--}"
	done
done
