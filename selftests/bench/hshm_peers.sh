#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The per-peer part of `make bench`, run in the guest against whichever
# peer the host runs (hshm-peer --profile NAME over ivshmem-plain): a
# closed loop of small requests through hshm-bench, checked against the
# profile's services: with the hand-over size of the profile the driver
# was told (auto), for a v1 peer also not told (learned: the device's
# profile set to hshm, so that the driver learns the size from the
# peer's behaviour), then with batch_max pinned to 1.  One line per case:
#   PEERROW <profile> <auto|learned|batch1> <req_s> <p50_us> <p99_us> <handover>
# <handover> is handover_learned after the run, or the profile's pin
# ("pinned N").  The host puts the rows side by side (peers-table.sh).
#
# Environment: HSHM_SYSFS [/sys/class/hshm/hshm0], HSHM_DEV [/dev/hshm0],
# HSHM_PEERS_SECS [5] seconds per case, HSHM_PEERS_LOAD
# [closed:threads=4:depth=4:size=64] the hshm-bench load of class
# realtime.

SYS=${HSHM_SYSFS:-/sys/class/hshm/hshm0}
DEV=${HSHM_DEV:-/dev/hshm0}
SECS=${HSHM_PEERS_SECS:-5}
LOAD=${HSHM_PEERS_LOAD:-closed:threads=4:depth=4:size=64}

[ -r "$SYS/peer_profile" ] || { echo "# no $SYS/peer_profile"; exit 1; }
profile=$(cat "$SYS/peer_profile")
echo "# peer profile $profile, $SECS s per case, load realtime:$LOAD"
# The peer shows up within the driver's wait (peer_wait_ms).
i=0
while [ "$(cat "$SYS/peer_state")" != ready ] && [ $i -lt 100 ]; do
	./bench/hshm-bench -d "$DEV" --quiet --count 1 \
		--class realtime:closed:threads=1:size=16 >/dev/null 2>&1
	i=$((i + 1))
done
echo "# peer $(cat "$SYS/peer_state")"

rc=0
batch=$(cat "$SYS/batch_max")
modes="auto learned batch1"
[ "$profile" = hshm ] && modes="auto batch1"
for mode in $modes; do
	[ "$mode" = learned ] && echo hshm >"$SYS/peer_profile"
	[ "$mode" = batch1 ] && echo "$profile" >"$SYS/peer_profile" &&
		echo 1 >"$SYS/batch_max"
	csv=/tmp/peers-$mode.csv
	# The answers are the peer's, whatever the device was told.
	out=$(./bench/hshm-bench -d "$DEV" --profile "$profile" --quiet --duration "$SECS" \
		--class "realtime:$LOAD" --csv "$csv" --max-loss 0 2>&1) || rc=1
	echo "$out" | sed 's/^/#   /'
	# req_s p50_us p99_us of the realtime row, and bad responses
	row=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["class"] == "realtime" {
			print $col["req_s"], $col["p50_us"], $col["p99_us"], $col["bad"]
		}' "$csv")
	[ -n "$row" ] || { echo "# $mode: no result"; rc=1; continue; }
	# shellcheck disable=SC2086 # split the row's fields
	set -- $row
	[ "$4" = 0 ] || { echo "# $mode: $4 bad responses"; rc=1; }
	if [ "$(cat "$SYS/handover")" != 0 ]; then
		ho="set $(cat "$SYS/handover")"
	else
		ho=$(cat "$SYS/handover_learned")
	fi
	case $profile in hshm) ;; *) [ "$mode" = auto ] && ho="pinned 1" ;; esac
	[ "$mode" = learned ] && ho="learned $ho"
	[ "$mode" = batch1 ] && ho=1
	echo "PEERROW $profile $mode $1 $2 $3 $ho"
done
echo "$batch" >"$SYS/batch_max"
echo "$profile" >"$SYS/peer_profile"
exit $rc
