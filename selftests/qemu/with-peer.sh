#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run a command with hshm-peer serving beside it on the host.
#
# usage: with-peer.sh --peer BIN --shm FILE --log FILE [--socket PATH]
#                     [--restart SECONDS] [--peer-args "ARGS"] -- COMMAND...
#
#   --peer BIN         the hshm-peer binary
#   --shm FILE         its shared-memory file (created; removed at the end)
#   --socket PATH      ivshmem server socket; without it the peer polls
#                      (for ivshmem-plain)
#   --restart SECONDS  when the peer dies (a test kills it), start it again
#                      after SECONDS, as an operator would
#   --peer-args "A"    more hshm-peer arguments (split on spaces)
#   --log FILE         the peer's output
#
# Exit status: COMMAND's, or 1 if the peer did not come up.

set -euo pipefail

PEER='' SHM='' SOCK='' RESTART='' PEER_ARGS='' LOG=/dev/null
while [ $# -gt 0 ]; do
	case $1 in
	--peer) PEER=$2 ;;
	--shm) SHM=$2 ;;
	--socket) SOCK=$2 ;;
	--restart) RESTART=$2 ;;
	--peer-args) PEER_ARGS=$2 ;;
	--log) LOG=$2 ;;
	--) shift; break ;;
	*) echo "with-peer.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift 2
done
[ -x "$PEER" ] && [ -n "$SHM" ] && [ $# -gt 0 ] || {
	sed -n '4,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

rm -f "$SHM"
[ -z "$SOCK" ] || rm -f "$SOCK"
stop=$(mktemp -u)
# shellcheck disable=SC2086 # PEER_ARGS are split on purpose
run_peer() {
	"$PEER" --shm "$SHM" --socket "${SOCK:-none}" --stats $PEER_ARGS
}

# The supervisor: the peer once, or again after each death until stopped.
(
	while :; do
		run_peer || true
		[ -n "$RESTART" ] && [ ! -e "$stop" ] || break
		echo "with-peer.sh: hshm-peer ended; starting it again in ${RESTART}s"
		sleep "$RESTART"
		[ ! -e "$stop" ] || break
	done
) >>"$LOG" 2>&1 &
super=$!

cleanup() {
	touch "$stop"
	pkill -TERM -P "$super" 2>/dev/null || true
	wait "$super" 2>/dev/null || true
	rm -f "$stop" "$SHM"
	[ -z "$SOCK" ] || rm -f "$SOCK"
}
trap cleanup EXIT

# Wait for the peer: its socket, or (polling) its memory file.
for _ in $(seq 100); do
	if [ -n "$SOCK" ] && [ -S "$SOCK" ]; then break; fi
	if [ -z "$SOCK" ] && [ -s "$SHM" ]; then break; fi
	sleep 0.1
done
if { [ -n "$SOCK" ] && [ ! -S "$SOCK" ]; } || [ ! -s "$SHM" ]; then
	echo "with-peer.sh: hshm-peer did not come up (log: $LOG)" >&2
	exit 1
fi

rc=0
"$@" || rc=$?
exit $rc
