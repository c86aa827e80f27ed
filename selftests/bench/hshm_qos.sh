#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The QoS evaluation of `make bench` (docs: Documentation/hshm/userspace.rst),
# run in the guest: hshm-bench --compare on the scenario of qos.md, a
# realtime stream of small requests next to a deep queue of 16 KiB bulk
# (closed loop, 64 outstanding), Poisson reliable traffic and bursts of
# best-effort 64 KiB/1 KiB messages, under fifo and then wrr, with the
# default weights (4 2 2 1) and reservations (20 10 10 0).  The loopback
# peer is made slow (1 ms per message) so that it, and not the emulated
# CPU, is the bottleneck: then the queue is what a realtime request waits
# for, which is what the scheduler decides.  The tables go to stdout, then the CSV and the CDF file
# between "==== FILE name ====" and "==== END name ====" lines, which the
# host cuts out (selftests/bench/extract.sh) to plot them.
#
# Environment: HSHM_DEV [/dev/hshm0], HSHM_QOS_SECONDS [6] per scheduler,
# HSHM_QOS_MSG_NS / HSHM_QOS_KIB_NS: the loopback peer's cost for the run
# [1000000 / 2000], HSHM_QOS_ARGS: extra hshm-bench arguments.

DEV=${HSHM_DEV:-/dev/hshm0}
SECS=${HSHM_QOS_SECONDS:-6}
MSG_NS=${HSHM_QOS_MSG_NS:-1000000}
KIB_NS=${HSHM_QOS_KIB_NS:-2000}
BENCH=./bench/hshm-bench
OUT=${TMPDIR:-/tmp}/hshm-qos
P=/sys/module/hshm/parameters

mkdir -p "$OUT"
old_msg=$(cat $P/loopback_msg_ns 2>/dev/null)
old_kib=$(cat $P/loopback_kib_ns 2>/dev/null)
if [ -w $P/loopback_msg_ns ]; then
	echo "$MSG_NS" >$P/loopback_msg_ns
	echo "$KIB_NS" >$P/loopback_kib_ns
	echo "# loopback peer: $MSG_NS ns per message, $KIB_NS ns per KiB"
fi
# shellcheck disable=SC2086 # HSHM_QOS_ARGS is a list of arguments
$BENCH -d "$DEV" --quiet --compare --duration "$SECS" \
	--class realtime:closed:threads=1:size=128 \
	--class throughput:closed:threads=2:depth=32:size=16k \
	--class reliable:poisson:rate=50:size=1k \
	--class best_effort:bursty:rate=200:on=200ms:off=300ms:size=64k,1k@3 \
	--target realtime=10ms --target reliable=50ms \
	--csv "$OUT/qos.csv" $HSHM_QOS_ARGS
rc=$?
if [ -n "$old_msg" ] && [ -w $P/loopback_msg_ns ]; then
	echo "$old_msg" >$P/loopback_msg_ns
	echo "$old_kib" >$P/loopback_kib_ns
fi
for f in qos.csv qos-cdf.csv; do
	if [ -f "$OUT/$f" ]; then
		echo "==== FILE $f ===="
		cat "$OUT/$f"
		echo "==== END $f ===="
	fi
done
exit $rc
