#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# hshm-bench in the guest, briefly: its exit codes and messages, a run of
# two classes (closed loop and Poisson) whose CSV must have the documented
# columns, one row per class, no loss and no bad response (every response
# checked against the peer's profile), the CDF file, --count, bursty
# load, and --compare (fifo then wrr, ratios, the scheduler put back).
# For busybox sh; prints KTAP itself; exits 0 (pass), 4 (skip) or 1 (fail).
#
# Environment: HSHM_DEV [/dev/hshm0], HSHM_SYSFS [/sys/class/hshm/hshm0],
# HSHM_BENCH [./bench/hshm-bench], HSHM_BENCH_SECONDS [3],
# HSHM_PEER_PROFILE (the peer's profile, given to hshm-bench as --profile;
# unset: hshm-bench's default, the device's peer_profile or hshm).

DEV=${HSHM_DEV:-/dev/hshm0}
SYSFS=${HSHM_SYSFS:-/sys/class/hshm/hshm0}
BENCH=${HSHM_BENCH:-./bench/hshm-bench}
SECS=${HSHM_BENCH_SECONDS:-3}
TMP=${TMPDIR:-/tmp}/hshm-bench.$$
HEADER="scheduler,class,mode,load,requests,accepted,completed,failed,rejected,unfinished,lost,loss_pct,shed,timed_out,elapsed_s,req_s,mb_s,p50_us,p95_us,p99_us,p999_us,max_us,mean_us,target_us,violations,violation_pct,avg_queued,avg_at_peer,max_queued,driver_dropped,weights,reservations,bad,profile"
# the profile hshm-bench must have checked the responses against
PROFILE=${HSHM_PEER_PROFILE:-$(cat "$SYSFS/peer_profile" 2>/dev/null || echo hshm)}

# shellcheck source=hshm_ktap.sh
. "$(dirname "$0")/lib/hshm_ktap.sh"

echo "TAP version 13"
if [ ! -e "$DEV" ]; then
	echo "1..0 # SKIP $DEV not present"
	exit 4
fi
if [ ! -x "$BENCH" ]; then
	echo "1..0 # SKIP no $BENCH"
	exit 4
fi
echo "1..10"
mkdir -p "$TMP"

# run EXPECTED_RC LOG ARGS...: hshm-bench ARGS, output to LOG (and indented
# to ours); true if it exited with EXPECTED_RC
run() {
	_want=$1 _log=$2
	shift 2
	"$BENCH" "$@" ${HSHM_PEER_PROFILE:+--profile "$HSHM_PEER_PROFILE"} >"$_log" 2>&1
	_rc=$?
	sed -e 's/^/# /' "$_log"
	if [ "$_rc" != "$_want" ]; then
		echo "# hshm-bench $*: exit $_rc, expected $_want"
		return 1
	fi
	return 0
}

# csv_ok FILE ROWS: the header is HEADER, there are ROWS rows, every row has
# as many fields as the header, requests > 0, nothing lost, no bad
# response, checked against PROFILE
csv_ok() {
	_f=$1 _rows=$2
	if [ "$(head -n 1 "$_f")" != "$HEADER" ]; then
		echo "# $_f: header is '$(head -n 1 "$_f")'"
		return 1
	fi
	awk -F, -v rows="$_rows" -v profile="$PROFILE" '
		NR == 1 { nf = NF; next }
		{
			r++
			# no field has a comma (the load column has ; instead)
			if (NF != nf) { print "# row " NR ": " NF " fields, header has " nf; bad = 1 }
			if ($5 + 0 <= 0) { print "# row " NR ": no requests"; bad = 1 }
			if ($11 != 0) { print "# row " NR ": " $11 " lost"; bad = 1 }
			if ($7 != $5) { print "# row " NR ": " $7 " of " $5 " completed"; bad = 1 }
			if ($16 + 0 <= 0) { print "# row " NR ": no throughput"; bad = 1 }
			if ($18 + 0 <= 0 || $20 + 0 < $18 + 0) { print "# row " NR ": bad percentiles"; bad = 1 }
			if ($33 != 0) { print "# row " NR ": " $33 " bad responses"; bad = 1 }
			if ($34 != profile) { print "# row " NR ": profile " $34 ", expected " profile; bad = 1 }
		}
		END {
			if (r != rows) { print "# " r " rows, expected " rows; bad = 1 }
			exit bad
		}' "$_f"
}

# 1, 2: usage
if run 0 "$TMP/help" --help && grep -q -- '--compare' "$TMP/help"; then
	ok "help"
else
	not_ok "help"
fi
if run 2 "$TMP/bad" --class realtime:poisson:size=128 &&
   grep -q 'poisson needs rate=' "$TMP/bad" &&
   run 2 "$TMP/bad2" --class nosuchclass &&
   grep -q "unknown class 'nosuchclass'" "$TMP/bad2" &&
   run 2 "$TMP/bad3" --bogus; then
	ok "bad options: exit 2 and a message"
else
	not_ok "bad options: exit 2 and a message"
fi

# The public v1 servers serve one message per hand-over at their own pace
# (peers.md V1-7, V1-11): a tenth of the open-loop load keeps them below
# saturation, where "no loss" is what to expect.
case $PROFILE in
hshm) BE_RATE=300 BURST_RATE=400 ;;
*) BE_RATE=30 BURST_RATE=40 ;;
esac

# 3-5: two classes for a few seconds
check "two classes, ${SECS}s, no loss, no bad response" run 0 "$TMP/two.out" -d "$DEV" --quiet \
	--class realtime:closed:threads=1:size=128 \
	--class best_effort:poisson:rate=$BE_RATE:size=1k@3,16k \
	--target realtime=100ms --duration "$SECS" --csv "$TMP/two.csv" --max-loss 0
check "CSV: columns, two rows, no loss" csv_ok "$TMP/two.csv" 2
if [ -s "$TMP/two-cdf.csv" ] &&
   [ "$(head -n 1 "$TMP/two-cdf.csv")" = "scheduler,class,latency_us,fraction" ] &&
   [ "$(grep -c ',realtime,.*,1\.000000$' "$TMP/two-cdf.csv")" = 1 ] &&
   [ "$(grep -c ',best_effort,.*,1\.000000$' "$TMP/two-cdf.csv")" = 1 ]; then
	ok "CDF file: both classes reach 1"
else
	not_ok "CDF file: both classes reach 1"
fi

# 6: --count: exactly that many
if run 0 "$TMP/count.out" -d "$DEV" --quiet --count 150 \
	--class reliable:closed:threads=2:depth=4:size=64k --csv "$TMP/count.csv" &&
   csv_ok "$TMP/count.csv" 1 &&
   [ "$(awk -F, 'NR == 2 { print $5 }' "$TMP/count.csv")" = 150 ]; then
	ok "--count 150"
else
	not_ok "--count 150"
fi

# 7: bursty load
check "bursty load, no loss" run 0 "$TMP/bursty.out" -d "$DEV" --quiet --duration 2 \
	--class throughput:bursty:rate=$BURST_RATE:on=50ms:off=100ms:size=1k,4k --max-loss 0

# 8-10: --compare
before=$(cat "$SYSFS/scheduler")
if [ "$(id -u)" != 0 ]; then
	echo "ok 8 --compare # SKIP not root"
	echo "ok 9 --compare CSV # SKIP not root"
	ktap_n=9
else
	if run 0 "$TMP/cmp.out" -d "$DEV" --quiet --compare --duration 2 \
		--class realtime:closed:size=128 \
		--class best_effort:closed:threads=2:depth=8:size=16k \
		--csv "$TMP/cmp.csv" &&
	   [ "$(grep -c '^realtime  *fifo/wrr ' "$TMP/cmp.out")" = 1 ] &&
	   [ "$(grep -c '^best_effort  *fifo/wrr ' "$TMP/cmp.out")" = 1 ] &&
	   [ "$(cat "$SYSFS/scheduler")" = "$before" ]; then
		ok "--compare: fifo/wrr rows, scheduler restored"
	else
		not_ok "--compare: fifo/wrr rows, scheduler restored"
	fi
	if csv_ok "$TMP/cmp.csv" 4 &&
	   [ "$(cut -d, -f1 "$TMP/cmp.csv" | sort | uniq -c | awk '{ printf "%s%s ", $1, $2 }')" = \
	     "2fifo 1scheduler 2wrr " ]; then
		ok "--compare CSV: fifo and wrr rows"
	else
		not_ok "--compare CSV: fifo and wrr rows"
	fi
fi
# 10: --compare cannot set the scheduler (as nobody: no CAP_NET_ADMIN):
# exit 1, a clear message, before any load
if ! grep -q '^nobody:' /etc/passwd 2>/dev/null; then
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>/etc/passwd
fi
su -s /bin/sh nobody -c "$BENCH -d $DEV --compare --duration 1 --class realtime \
	${HSHM_PEER_PROFILE:+--profile $HSHM_PEER_PROFILE}" >"$TMP/cmpro.out" 2>&1
rc=$?
sed -e 's/^/# /' "$TMP/cmpro.out"
if [ "$rc" = 1 ] && grep -q 'needs to set the scheduler.*CAP_NET_ADMIN' "$TMP/cmpro.out"; then
	ok "--compare without CAP_NET_ADMIN: exit 1"
else
	not_ok "--compare without CAP_NET_ADMIN: exit 1 (got $rc)"
fi

rm -rf "$TMP"
ktap_exit
